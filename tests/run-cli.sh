#!/bin/sh
# run-cli.sh BIN - runs every tests/cli/*.sh against the nexttoken binary BIN.
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
failed=""
n=0
for t in tests/cli/*.sh; do
    n=$((n + 1))
    if ! sh "$t" "$bin"; then failed="$failed $(basename "$t")"; fi
done
if [ -n "$failed" ]; then
    echo "CLI tests FAILED:$failed" >&2
    exit 1
fi
echo "CLI tests: all $n scripts passed"
