// Debian's python3-kubernetes (a real client) for e2e tests: the interpreter it is installed for, and why it cannot run.
import { execFileSync } from 'node:child_process';

/** Debian's interpreter (a python3 earlier on PATH, e.g. pyenv's, lacks the Debian packages). */
export const PYTHON = '/usr/bin/python3';

export function pythonClientMissing(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import kubernetes'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'the Python client is not installed (apt-get install python3-kubernetes)';
  }
}
