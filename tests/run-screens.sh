#!/bin/sh
# run-screens.sh BIN - the interface's screen tests (tig's way): each tests/screens/*.script runs
# headless at 100x30, and every screen it dumps must equal the NAME.expected beside it. With
# UPDATE=1 the dumps become the expected files (then read them before committing!).
# Every expected file must be compared with a dump: one that no script dumps any more would
# otherwise pass unnoticed. A script that did not run (skipped for want of the GPT-2 vocabulary,
# or failed, which is reported anyway) accounts for the screens its `dump` lines name.
# A script runs under LANG=C.UTF-8, in English, unless a line of it says "# locale: NAME": then
# under that one (tests/screens/panels-ko.script: ko_KR.UTF-8, which a fresh Debian does not
# have: the interface falls back to C.UTF-8's characters and speaks Korean all the same).
# The arithmetic is pinned so the numbers on screen are the same on any machine: two threads and
# OpenBLAS's Haswell kernel (the element-wise code gives the same bits at any vector width).
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$(mktemp -d /tmp/nt-screens-XXXXXX)
trap 'rm -rf "$out"' EXIT
failed=""
n=0
: >"$out/dumped"
dumps_of() { sed -n 's/^dump //p' "$1" >>"$out/dumped"; }
for s in tests/screens/*.script; do
    name=$(basename "$s" .script)
    # GPT-2's vocabulary is seen only by the scripts made for it, and only when it is there
    vocab=/nonexistent
    case $name in *-gpt2)
        if [ ! -s data/gpt2/encoder.json ]; then
            echo "SKIPPED: screen script $name (make gpt2-vocab)" >&2
            dumps_of "$s"
            continue
        fi
        vocab=$(pwd)/data/gpt2 ;;
    esac
    n=$((n + 1))
    mkdir -p "$out/$name/data"
    locale=$(sed -n 's/^# locale: *\([^ ]*\).*/\1/p' "$s" | head -1)
    [ -n "$locale" ] || locale=C.UTF-8
    if ! LANG=$locale LC_ALL=$locale LANGUAGE= OPENBLAS_CORETYPE=Haswell NEXTTOKEN_BLAS=keep XDG_DATA_HOME="$out/$name/data" XDG_STATE_HOME="$out/$name/state" \
        NEXTTOKEN_GPT2_DIR="$vocab" \
        NT_SCREEN_DIR="$out/$name" "$bin" --script "$s" --size 100x30 --threads 2 >"$out/$name/log" 2>&1; then
        failed="$failed $name"
        echo "screen script $name failed:" >&2
        cat "$out/$name/log" >&2
        dumps_of "$s"
        continue
    fi
    for got in "$out/$name"/*.screen; do
        [ -e "$got" ] || continue
        want="tests/screens/$(basename "$got" .screen).expected"
        basename "$got" .screen >>"$out/dumped"
        if [ "${UPDATE:-}" = 1 ]; then cp "$got" "$want"; continue; fi
        if ! diff -u "$want" "$got" >"$out/diff" 2>&1; then
            failed="$failed $(basename "$got" .screen)"
            echo "screen $(basename "$got" .screen) differs from $want:" >&2
            head -40 "$out/diff" >&2
        fi
    done
done
for want in tests/screens/*.expected; do
    grep -qxF "$(basename "$want" .expected)" "$out/dumped" && continue
    failed="$failed $(basename "$want" .expected)"
    echo "screen $(basename "$want" .expected): no script dumps it; remove $want or dump it again" >&2
done
if [ -n "$failed" ]; then
    echo "screen tests FAILED:$failed" >&2
    exit 1
fi
echo "screen tests: all $n scripts passed"
