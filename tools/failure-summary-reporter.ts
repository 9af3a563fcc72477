// A node:test reporter that prints nothing until the run ends, then lists every failed test with its file and the
// first lines of its error. `npm test` runs it after the TAP reporter: a CI record that keeps only the tail of the
// output still names what failed.
interface FailEvent {
  type: string;
  data: {
    name?: string;
    nesting?: number;
    file?: string;
    details?: { error?: unknown };
  };
}

interface Failure {
  path: string;
  file: string;
  error: string;
}

const MESSAGE_LINES = 30;
const STACK_FRAMES = 4;

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // The runner wraps a test's failure; its cause is what the test threw.
  const thrown = error.cause instanceof Error ? error.cause : error;
  const message = `${thrown.name}: ${thrown.message}`.split('\n').slice(0, MESSAGE_LINES);
  const frames = (thrown.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && !line.includes('node:'))
    .slice(0, STACK_FRAMES);
  return [...message, ...frames].join('\n');
}

export default async function* failureSummary(source: AsyncIterable<FailEvent>): AsyncGenerator<string> {
  const failures: Failure[] = [];
  // Names of the suites enclosing the test being reported, by nesting level (a suite's start comes before its tests).
  const enclosing: string[] = [];
  for await (const event of source) {
    const { name = '', nesting = 0, file = '' } = event.data;
    if (event.type === 'test:start') enclosing[nesting] = name;
    if (event.type !== 'test:fail') continue;
    const error = event.data.details?.error;
    // A suite fails because a test in it failed; that test is already listed.
    if (error instanceof Error && (error as { failureType?: string }).failureType === 'subtestsFailed') continue;
    failures.push({ path: [...enclosing.slice(0, nesting), name].join(' > '), file, error: describeError(error) });
  }
  if (failures.length === 0) return;
  yield `\n# ${failures.length} failed:\n`;
  for (const failure of failures) {
    yield `#\n# FAILED ${failure.path}\n#   in ${failure.file}\n`;
    yield `${failure.error.replace(/^/gm, '#     ')}\n`;
  }
}
