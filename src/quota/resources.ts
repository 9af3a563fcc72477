// Resource lists for quota (k8s.io/apiserver/pkg/quota/v1/resources.go): named quantities added, subtracted, masked
// and compared, printed the way quota errors print them (`cpu=1,pods=2`, names sorted).
import { Quantity, tryParseQuantity } from '../apimachinery/quantity.js';

export type ResourceList = Map<string, Quantity>;

/** A wire resource list (`{"cpu": "500m"}`); unparsable values are left out. */
export function fromWire(list: Record<string, unknown> | undefined | null): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of Object.entries(list ?? {})) {
    const q = tryParseQuantity(v);
    if (q) out.set(k, q);
  }
  return out;
}

export function toWire(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...list.keys()].sort()) out[k] = list.get(k)!.toString();
  return out;
}

/** Quantity.Add: a zero quantity takes the format of what is added to it. */
function plus(a: Quantity, b: Quantity): Quantity {
  const sum = a.add(b);
  return a.isZero() ? new Quantity(sum.mantissa, sum.exponent, b.format) : sum;
}

/** Add: every key of either; shared keys summed. */
export function add(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [k, v] of b) out.set(k, out.has(k) ? plus(out.get(k)!, v) : v);
  return out;
}

/** Subtract: a - b for every key of a (keys only in b are left out). */
export function subtract(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of a) out.set(k, b.has(k) ? v.sub(b.get(k)!) : v);
  return out;
}

/** SubtractWithNonNegativeResult: like subtract, negative results become zero. */
export function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of subtract(a, b)) out.set(k, v.sign() < 0 ? new Quantity(0n, 0, v.format) : v);
  return out;
}

/** Mask: only the given names. */
export function mask(list: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = new Map();
  for (const n of names) if (list.has(n)) out.set(n, list.get(n)!);
  return out;
}

export const resourceNames = (list: ResourceList): string[] => [...list.keys()];

/** LessThanOrEqual: every key of a that b also has is ≤ b's; returns the names that are not. */
export function lessThanOrEqual(a: ResourceList, b: ResourceList): { ok: boolean; exceeded: string[] } {
  const exceeded: string[] = [];
  for (const [k, v] of a) {
    const limit = b.get(k);
    if (limit && v.cmp(limit) > 0) exceeded.push(k);
  }
  return { ok: exceeded.length === 0, exceeded };
}

export function equals(a: ResourceList, b: ResourceList): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const o = b.get(k);
    if (o?.cmp(v) !== 0) return false;
  }
  return true;
}

export const isZero = (list: ResourceList): boolean => [...list.values()].every((q) => q.isZero());

/** prettyPrint: `k=v` pairs, names sorted, joined with commas. */
export function prettyPrint(list: ResourceList): string {
  return [...list.keys()].sort().map((k) => `${k}=${list.get(k)!.toString()}`).join(',');
}

export const one = (): Quantity => Quantity.fromInt(1);
export const count = (n: number): Quantity => Quantity.fromInt(n);
