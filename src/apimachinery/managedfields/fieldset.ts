// A set of field paths (upstream fieldpath.Set): at each level, the members are the paths that end here and the
// children hold the longer paths. Children are never empty, so emptiness is a cheap check. FieldsV1 is the JSON
// form stored in managedFields: a path element that is both a member and has children gets a `.` entry.
import { comparePathElements, parsePathElement, type Path, type PathElement } from './path.js';
import type { TypeSchema } from './schema.js';

interface Child {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

export class FieldSet {
  readonly members = new Map<string, PathElement>();
  readonly children = new Map<string, Child>();
  /**
   * The FieldsV1 object this set was read from, when that object is exactly what toFieldsV1 would write: a set
   * nobody changed is then written back as it was read instead of being encoded again. Sets are never modified
   * once built, so the two cannot drift apart.
   */
  private source?: Record<string, unknown>;

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  insert(path: Path): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.descend(path[i]);
    const last = path[path.length - 1];
    node.members.set(last.id, last);
  }

  /** The child set for `pe`, created if missing; callers must put something in it. */
  descend(pe: PathElement): FieldSet {
    let child = this.children.get(pe.id);
    if (!child) {
      child = { pe, set: new FieldSet() };
      this.children.set(pe.id, child);
    }
    return child.set;
  }

  has(path: Path): boolean {
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(path[i].id)?.set;
    return !!node && path.length > 0 && node.members.has(path[path.length - 1].id);
  }

  /** The paths below `pe` (relative to it); an empty set when there are none. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(pe.id)?.set ?? EMPTY;
  }

  union(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    const out = new FieldSet();
    for (const [id, pe] of this.members) out.members.set(id, pe);
    for (const [id, pe] of other.members) out.members.set(id, pe);
    for (const [id, child] of this.children) {
      const o = other.children.get(id);
      out.children.set(id, o ? { pe: child.pe, set: child.set.union(o.set) } : child);
    }
    for (const [id, child] of other.children) if (!this.children.has(id)) out.children.set(id, child);
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (other.members.has(id)) out.members.set(id, pe);
    for (const [id, child] of this.children) {
      const o = other.children.get(id);
      if (!o) continue;
      const both = child.set.intersection(o.set);
      if (!both.isEmpty()) out.children.set(id, { pe: child.pe, set: both });
    }
    return out;
  }

  /** Removes exactly the paths of `other` (a member of `other` does not remove the paths below it). */
  difference(other: FieldSet): FieldSet {
    return this.subtract(other, false);
  }

  /** Like difference, but a member of `other` also removes everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    return this.subtract(other, true);
  }

  private subtract(other: FieldSet, recursive: boolean): FieldSet {
    if (other.isEmpty()) return this;
    const out = new FieldSet();
    for (const [id, pe] of this.members) if (!other.members.has(id)) out.members.set(id, pe);
    for (const [id, child] of this.children) {
      if (recursive && other.members.has(id)) continue;
      const o = other.children.get(id);
      if (!o) {
        out.children.set(id, child);
        continue;
      }
      const rest = child.set.subtract(o.set, recursive);
      if (!rest.isEmpty()) out.children.set(id, { pe: child.pe, set: rest });
    }
    return out;
  }

  /**
   * Struct fields that only appear as parents of other paths become members too, so removing the set removes the
   * whole struct (upstream EnsureNamedFieldsAreMembers, used when pruning).
   */
  ensureNamedFieldsAreMembers(type: TypeSchema | undefined): FieldSet {
    const atom = type?.atom;
    const out = new FieldSet();
    for (const [id, pe] of this.members) out.members.set(id, pe);
    for (const [id, child] of this.children) {
      let childType: TypeSchema | undefined;
      if (child.pe.kind === 'field' && atom?.kind === 'map') {
        const field = atom.field(child.pe.name);
        if (field) out.members.set(id, child.pe);
        childType = field ? field.type : atom.values;
      } else if (child.pe.kind === 'key' && atom?.kind === 'list') {
        childType = atom.items;
      }
      out.children.set(id, { pe: child.pe, set: child.set.ensureNamedFieldsAreMembers(childType) });
    }
    return out;
  }

  /** Visits every path: this level's members in order, then each child's paths. */
  iterate(visit: (path: Path) => void, prefix: PathElement[] = []): void {
    for (const pe of sorted([...this.members.values()])) visit([...prefix, pe]);
    for (const child of sortedChildren(this.children)) child.set.iterate(visit, [...prefix, child.pe]);
  }

  paths(): Path[] {
    const out: Path[] = [];
    this.iterate((p) => out.push(p));
    return out;
  }

  equals(other: FieldSet): boolean {
    if (this.members.size !== other.members.size || this.children.size !== other.children.size) return false;
    for (const id of this.members.keys()) if (!other.members.has(id)) return false;
    for (const [id, child] of this.children) {
      const o = other.children.get(id);
      if (!o || !child.set.equals(o.set)) return false;
    }
    return true;
  }

  /** The FieldsV1 JSON object, keys in upstream's order. */
  toFieldsV1(): Record<string, unknown> {
    if (this.source) return this.source;
    const out: Record<string, unknown> = {};
    const ids = new Map<string, PathElement>(this.members);
    for (const [id, child] of this.children) ids.set(id, child.pe);
    for (const pe of sorted([...ids.values()])) {
      const child = this.children.get(pe.id);
      if (!child) {
        out[pe.id] = {};
        continue;
      }
      const inner = child.set.toFieldsV1();
      out[pe.id] = this.members.has(pe.id) ? { '.': {}, ...inner } : inner;
    }
    return out;
  }

  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    FieldSet.read(fields, set, false);
    return set;
  }

  /**
   * Reads FieldsV1 into `into`. Returns whether `fields` is canonical (what toFieldsV1 writes): keys in upstream
   * order and spelled as their ids, and a `.` entry only first, empty, and next to children (`inner`: not the top).
   */
  private static read(fields: unknown, into: FieldSet, inner: boolean): boolean {
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) throw new Error('FieldsV1 must be a JSON object');
    let canonical = true;
    let first = true;
    let sawDot = false;
    let previous: PathElement | undefined;
    for (const key of Object.keys(fields)) {
      const value = (fields as Record<string, unknown>)[key];
      if (key === '.') {
        if (!inner || !first || !isEmptyObject(value)) canonical = false;
        sawDot = true;
        first = false;
        continue;
      }
      first = false;
      const pe = parsePathElement(key);
      if (!pe) {
        canonical = false;
        continue;
      }
      if (pe.id !== key || (previous && comparePathElements(previous, pe) >= 0)) canonical = false;
      previous = pe;
      const child = new FieldSet();
      if (!FieldSet.read(value, child, true)) canonical = false;
      const isMember = child.isEmpty() || (typeof value === 'object' && value !== null && '.' in value);
      if (isMember) into.members.set(pe.id, pe);
      if (!child.isEmpty()) into.children.set(pe.id, { pe, set: child });
    }
    if (sawDot && into.isEmpty()) canonical = false;
    // With a `.` entry this object is the encoding of a member with children, not of the set alone.
    if (canonical && !sawDot) into.source = fields as Record<string, unknown>;
    return canonical;
  }
}

const EMPTY = new FieldSet();

function isEmptyObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
}

const sorted = (pes: PathElement[]) => (pes.length > 1 ? pes.sort(comparePathElements) : pes);

function sortedChildren(children: Map<string, Child>): Child[] {
  const list = [...children.values()];
  return list.length > 1 ? list.sort((a, b) => comparePathElements(a.pe, b.pe)) : list;
}
