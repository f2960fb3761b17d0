#!/bin/sh
# replay.sh BUILD - `make test-fuzz`: every harness's seeds (tests/fuzz/NAME/) and every input a
# fuzzer once found (tests/fuzz/regressions/NAME/), run once through BUILD/replay/fuzz_NAME, the
# harness built without libFuzzer. A failure names the harness, then the inputs that fail.
set -u
build=$1
sandbox=$(mktemp -d /tmp/nt-fuzz-replay-XXXXXX)
trap 'rm -rf "$sandbox"' EXIT
failed="" total=0 n=0
for bin in "$build"/replay/fuzz_*; do
    name=${bin##*/fuzz_}
    set --
    [ -d "tests/fuzz/$name" ] && set -- "$@" "tests/fuzz/$name"
    [ -d "tests/fuzz/regressions/$name" ] && set -- "$@" "tests/fuzz/regressions/$name"
    [ $# -eq 0 ] && continue
    log=$sandbox/$name.log
    # under the sanitizers (make test-sanitize), the leaks of a library that are not
    # nexttoken's are suppressed as run.sh does (tests/fuzz/NAME.supp)
    LSAN_OPTIONS="" ASAN_OPTIONS=""
    if [ -f "tests/fuzz/$name.supp" ]; then
        LSAN_OPTIONS="suppressions=$(pwd)/tests/fuzz/$name.supp"
        ASAN_OPTIONS="fast_unwind_on_malloc=0"
    fi
    export LSAN_OPTIONS ASAN_OPTIONS
    # a hang is a failure too (a harness replays its inputs in seconds; the script waits give up
    # only after ten minutes)
    if NT_FUZZ_SANDBOX="$sandbox/$name" timeout 300 "$bin" "$@" >"$log" 2>&1; then
        total=$((total + $(sed -n 's/^\([0-9]*\) inputs$/\1/p' "$log")))
        n=$((n + 1))
        continue
    fi
    failed="$failed $name"
    echo "fuzz replay: fuzz_$name failed:" >&2
    tail -n 30 "$log" >&2
    # which inputs: each one alone
    for f in $(find "$@" -type f | sort); do
        NT_FUZZ_SANDBOX="$sandbox/$name.one" timeout 300 "$bin" "$f" >/dev/null 2>&1 || echo "  fails on $f" >&2
    done
done
if [ -n "$failed" ]; then
    echo "fuzz replay: FAILED:$failed" >&2
    exit 1
fi
echo "fuzz replay: $total seeds and past findings through $n harnesses, no failure"
