#!/bin/sh
# run.sh DIR SECONDS [NAME...] - `make fuzz`: each harness DIR/fuzzers/fuzz_NAME (all of them
# when no NAME is given) for SECONDS on its seeds (tests/fuzz/NAME/, read only) and its working
# corpus (DIR/corpus/NAME/, which keeps what it learned for the next run), with the dictionary
# tests/fuzz/NAME.dict when there is one. A finding is written to DIR/findings/ and fails the
# run (after the other harnesses have had their turn); its log is DIR/logs/NAME.log. Before
# fuzzing, each harness replays its past findings (tests/fuzz/regressions/NAME/) under the
# sanitizers, which catch what the replay of `make test` may not (undefined behaviour that
# does not crash).
# FUZZ_ARGS adds libFuzzer options (e.g. FUZZ_ARGS=-jobs=2).
set -u
dir=$(cd "$1" && pwd)
secs=$2
shift 2
root=$(pwd)
[ $# -eq 0 ] && set -- $(cd "$dir/fuzzers" && ls | sed -n 's/^fuzz_//p')
mkdir -p "$dir/findings" "$dir/logs"
failed=""
for name in "$@"; do
    bin=$dir/fuzzers/fuzz_$name
    if [ ! -x "$bin" ]; then
        echo "fuzz: no harness '$name' (tests/fuzz/fuzz_$name.c)" >&2
        failed="$failed $name"
        continue
    fi
    mkdir -p "$dir/corpus/$name"
    log=$dir/logs/$name.log
    # leaks inside a library that are not nexttoken's (tests/fuzz/NAME.supp says which); the
    # suppressions name the library's functions, so allocations are traced through its frames
    # (which have no frame pointers) by the slower unwinder
    LSAN_OPTIONS="" ASAN_OPTIONS=""
    if [ -f "$root/tests/fuzz/$name.supp" ]; then
        LSAN_OPTIONS="suppressions=$root/tests/fuzz/$name.supp"
        ASAN_OPTIONS="fast_unwind_on_malloc=0"
    fi
    export LSAN_OPTIONS ASAN_OPTIONS
    # first the inputs it once failed on (tests/fuzz/regressions/NAME/), under the sanitizers
    if [ -d "$root/tests/fuzz/regressions/$name" ]; then
        if ! UBSAN_OPTIONS=print_stacktrace=1 NT_FUZZ_SANDBOX="$dir/sandbox-$name" "$bin" -timeout=120 \
            $(find "$root/tests/fuzz/regressions/$name" -type f | sort) >"$log" 2>&1; then
            failed="$failed $name"
            echo "fuzz $name: a past finding fails again (log: $log)" >&2
            grep -E '^Running|^==[0-9]+==ERROR|SUMMARY|fuzz check failed|runtime error' "$log" | tail -n 6 >&2
            continue
        fi
    fi
    seeds=""
    [ -d "$root/tests/fuzz/$name" ] && seeds="$root/tests/fuzz/$name"
    dict=""
    [ -f "$root/tests/fuzz/$name.dict" ] && dict="-dict=$root/tests/fuzz/$name.dict"
    extra=""
    # the interface prints (measure, errors of scripts): its output is noise here; libFuzzer
    # keeps its own reports
    [ "$name" = script ] && extra="-close_fd_mask=3 -max_len=4096 -timeout=60"
    # texts long enough for the encoder's heap path (chunks over 128 bytes), from the start
    [ "$name" = bpe ] && extra="-max_len=4096 -len_control=0"
    # -timeout: one input; -rss_limit_mb: the machine is shared
    UBSAN_OPTIONS=print_stacktrace=1 NT_FUZZ_SANDBOX="$dir/sandbox-$name" "$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2560 \
        -print_final_stats=1 -artifact_prefix="$dir/findings/$name-" $dict $extra ${FUZZ_ARGS:-} \
        "$dir/corpus/$name" $seeds >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    if [ $rc -eq 0 ]; then
        echo "fuzz $name: ${secs}s, ${runs:-?} runs (${rate:-?}/s), $cov, peak ${rss:-?} MB: no finding"
    else
        failed="$failed $name"
        echo "fuzz $name: FINDING after ${runs:-?} runs (log: $log)" >&2
        grep -E '^==[0-9]+==ERROR|SUMMARY|fuzz check failed|runtime error|Test unit written|ALARM|out-of-memory' "$log" | head -n 8 >&2
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: findings in:$failed (build/fuzz/findings/; tests/fuzz/README.md says what to do)" >&2
    exit 1
fi
