#!/bin/sh
# run-screens.sh BIN - the interface's screen tests (tig's way): each tests/screens/*.script runs
# headless at 100x30, and every screen it dumps must equal the NAME.expected beside it. With
# UPDATE=1 the dumps become the expected files (then read them before committing!).
# The arithmetic is pinned so the numbers on screen are the same on any machine: two threads and
# OpenBLAS's Haswell kernel (the element-wise code gives the same bits at any vector width).
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$(mktemp -d /tmp/nt-screens-XXXXXX)
trap 'rm -rf "$out"' EXIT
failed=""
n=0
for s in tests/screens/*.script; do
    name=$(basename "$s" .script)
    # GPT-2's vocabulary is seen only by the scripts made for it, and only when it is there
    vocab=/nonexistent
    case $name in *-gpt2)
        if [ ! -s data/gpt2/encoder.json ]; then echo "SKIPPED: screen script $name (make gpt2-vocab)" >&2; continue; fi
        vocab=$(pwd)/data/gpt2 ;;
    esac
    n=$((n + 1))
    mkdir -p "$out/$name/data"
    if ! LANG=C.UTF-8 LC_ALL=C.UTF-8 OPENBLAS_CORETYPE=Haswell NEXTTOKEN_BLAS=keep XDG_DATA_HOME="$out/$name/data" \
        NEXTTOKEN_GPT2_DIR="$vocab" \
        NT_SCREEN_DIR="$out/$name" "$bin" --script "$s" --size 100x30 --threads 2 >"$out/$name/log" 2>&1; then
        failed="$failed $name"
        echo "screen script $name failed:" >&2
        cat "$out/$name/log" >&2
        continue
    fi
    for got in "$out/$name"/*.screen; do
        [ -e "$got" ] || continue
        want="tests/screens/$(basename "$got" .screen).expected"
        if [ "${UPDATE:-}" = 1 ]; then cp "$got" "$want"; continue; fi
        if ! diff -u "$want" "$got" >"$out/diff" 2>&1; then
            failed="$failed $(basename "$got" .screen)"
            echo "screen $(basename "$got" .screen) differs from $want:" >&2
            head -40 "$out/diff" >&2
        fi
    done
done
if [ -n "$failed" ]; then
    echo "screen tests FAILED:$failed" >&2
    exit 1
fi
echo "screen tests: all $n scripts passed"
