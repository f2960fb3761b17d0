#!/bin/sh
# run-unit.sh DIR - runs every unit-test binary in DIR, from the repository root, and sums up.
dir=$1
failed=""
n=0
for t in "$dir"/test_*; do
    [ -x "$t" ] || continue
    n=$((n + 1))
    if ! "$t"; then failed="$failed $(basename "$t")"; fi
done
if [ -n "$failed" ]; then
    echo "unit tests FAILED:$failed" >&2
    exit 1
fi
echo "unit tests: all $n programs passed"
