#!/bin/sh
# Builds the process runtime's container helper (src/nodeagent/process/native/berth-run.c) into dist/native/.
# Without a C compiler Berth still works with the simulated runtime; `berth up` then says why there are no real pods.
set -e
cd "$(dirname "$0")/.."
src=src/nodeagent/process/native/berth-run.c
out=dist/native/berth-run
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "berth: no C compiler ($cc): the process runtime's helper is not built (apt-get install gcc)" >&2
  exit 0
fi
mkdir -p dist/native
if [ "$out" -nt "$src" ]; then exit 0; fi
"$cc" -O2 -Wall -Wextra -Werror -o "$out.tmp" "$src"
mv "$out.tmp" "$out"
