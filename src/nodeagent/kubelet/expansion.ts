// `$(VAR)` references in env values, command, args and subPathExpr, as kubernetes
// third_party/forked/golang/expansion/expand.go expands them: `$$` escapes, unknown or incomplete references stay
// as written, nothing is expanded recursively.

const OPERATOR = '$';
const OPENER = '(';
const CLOSER = ')';

export type Mapping = (name: string) => string;

/** MappingFuncFor: the first context that defines the name wins; an unknown name stays `$(name)`. */
export function mappingFuncFor(...contexts: ReadonlyMap<string, string>[]): Mapping {
  return (name) => {
    for (const vars of contexts) {
      const v = vars.get(name);
      if (v !== undefined) return v;
    }
    return `${OPERATOR}${OPENER}${name}${CLOSER}`;
  };
}

/** Expand. */
export function expand(input: string, mapping: Mapping): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== OPERATOR || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const { read, isVar, advance } = tryReadVariableName(input.slice(cursor + 1));
    out += isVar ? mapping(read) : OPERATOR + read;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** tryReadVariableName; `input` follows an operator. */
function tryReadVariableName(input: string): { read: string; isVar: boolean; advance: number } {
  switch (input[0]) {
    case OPERATOR:
      // `$$` is an escaped operator.
      return { read: '', isVar: false, advance: 1 };
    case OPENER: {
      const end = input.indexOf(CLOSER, 1);
      if (end >= 0) return { read: input.slice(1, end), isVar: true, advance: end + 1 };
      // An incomplete reference is kept as is.
      return { read: OPENER, isVar: false, advance: 1 };
    }
    default:
      // An operator that starts no expression, with the character after it.
      return { read: input[0], isVar: false, advance: 1 };
  }
}

/**
 * kubecontainer.ExpandContainerVolumeMounts for subPathExpr: every reference must name a set, non-empty variable,
 * otherwise `missing value for A, B` (sorted).
 */
export function expandSubPathExpr(subPathExpr: string, env: ReadonlyMap<string, string>): string {
  const missing = new Set<string>();
  const expanded = expand(subPathExpr, (name) => {
    const v = env.get(name);
    if (!v) missing.add(name);
    return v ?? '';
  });
  if (missing.size) throw new Error(`missing value for ${[...missing].sort().join(', ')}`);
  return expanded;
}
