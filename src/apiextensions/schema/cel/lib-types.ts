// The small part of @marcbachmann/cel-js's API this engine uses, declared locally so the code type-checks whether
// or not the package is installed.
export interface CelNode {
  op: string;
  args: unknown;
  pos: number;
  start: number;
  end: number;
  readonly meta: { alternate?: unknown; macro?: unknown };
  evaluate: (ev: unknown, ast: unknown, ctx: unknown) => unknown;
}

export interface CelError extends Error {
  code?: string;
  summary?: string;
  range?: { start: number; end: number };
  node?: { pos: number };
}

export interface CelProgram {
  (context?: Record<string, unknown>): unknown;
  ast: CelNode;
  check(): { valid: boolean; type?: string; error?: CelError };
}

export interface CelEnvironment {
  registerVariable(name: string, type: string): CelEnvironment;
  registerFunction(signature: string, handler: (...args: never[]) => unknown): CelEnvironment;
  parse(expression: string): CelProgram;
}
