// @peculiar/x509 resolves its crypto providers through tsyringe, which refuses to load unless the Reflect metadata
// API exists. This installs the small part of that API tsyringe uses (define/get/getOwn/has metadata), stored per
// target object, unless a full polyfill (reflect-metadata) was loaded first. Import it before '@peculiar/x509'.

type MetadataTarget = object;
type MetadataTable = Map<string | symbol | undefined, Map<unknown, unknown>>;

const store = new WeakMap<MetadataTarget, MetadataTable>();

function ownTable(target: MetadataTarget, property: string | symbol | undefined, create: boolean): Map<unknown, unknown> | undefined {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let table = byProperty.get(property);
  if (!table && create) {
    table = new Map();
    byProperty.set(property, table);
  }
  return table;
}

function getOwnMetadata(key: unknown, target: MetadataTarget, property?: string | symbol): unknown {
  return ownTable(target, property, false)?.get(key);
}

function getMetadata(key: unknown, target: MetadataTarget, property?: string | symbol): unknown {
  // Like the proposal: look up the prototype chain.
  for (let t: MetadataTarget | null = target; t; t = Object.getPrototypeOf(t)) {
    const table = ownTable(t, property, false);
    if (table?.has(key)) return table.get(key);
  }
  return undefined;
}

const api = {
  defineMetadata(key: unknown, value: unknown, target: MetadataTarget, property?: string | symbol): void {
    ownTable(target, property, true)!.set(key, value);
  },
  getOwnMetadata,
  getMetadata,
  hasOwnMetadata: (key: unknown, target: MetadataTarget, property?: string | symbol) => ownTable(target, property, false)?.has(key) ?? false,
  hasMetadata: (key: unknown, target: MetadataTarget, property?: string | symbol) => getMetadata(key, target, property) !== undefined,
  metadata: (key: unknown, value: unknown) => (target: MetadataTarget, property?: string | symbol) => api.defineMetadata(key, value, target, property),
};

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  for (const [name, fn] of Object.entries(api)) reflect[name] = fn;
}

export {};
