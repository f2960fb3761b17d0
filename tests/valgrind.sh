#!/bin/sh
# valgrind.sh BIN - valgrind's memcheck over what a user does most: a short training run, sampling
# from its model, and the interface driven headless by two screen scripts (every panel, the
# command line) while the trainer thread trains. Any invalid read or write, use of an
# uninitialised value, bad free, or leak of memory nothing points to any more fails the run
# (nothing is suppressed: the libraries' own memory, still reachable at exit, is not a leak).
# Part of `make test-sanitize`, beside ASan, UBSan and TSan, which see what memcheck cannot
# (overflows inside one allocation, data races) and miss what it sees (uninitialised reads).
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed (scripts/deps.sh sanitize)" >&2; exit 1; }
TMP=$(mktemp -d /tmp/nt-valgrind-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# the kernel pinned, so that nexttoken does not exec itself for a better one under valgrind
export LANG=C.UTF-8 LC_ALL=C.UTF-8 OPENBLAS_CORETYPE=Haswell NEXTTOKEN_BLAS=keep \
    XDG_DATA_HOME="$TMP/data" XDG_STATE_HOME="$TMP/state" NT_SCREEN_DIR="$TMP" NEXTTOKEN_GPT2_DIR=/nonexistent
failed=""
vg() {
    what=$1
    shift
    if ! valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --log-file="$TMP/vg.log" \
        "$@" >"$TMP/out" 2>"$TMP/err"; then
        failed="$failed $what"
        echo "valgrind: $what:" >&2
        head -60 "$TMP/vg.log" "$TMP/err" >&2
    fi
}
M="$TMP/tiny.ckpt"
vg train "$bin" train --corpus corpora/stories.txt --preset tiny --vocab-size 300 --steps 3 --out "$M" --quiet --threads 2
vg sample "$bin" sample --model "$M" --tokens 20 --seed 1 --top-p 0.9
vg "train --resume" "$bin" train --resume "$M" --corpus corpora/stories.txt --steps 2 --out "$M" --quiet --threads 2
for s in panels cmdline; do
    vg "script $s" "$bin" --script "tests/screens/$s.script" --size 100x30 --threads 2
done
if [ -n "$failed" ]; then
    echo "valgrind memcheck FAILED:$failed" >&2
    exit 1
fi
echo "valgrind memcheck: training, sampling, resuming and two script sessions, nothing reported"
