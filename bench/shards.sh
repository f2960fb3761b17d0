#!/bin/sh
# shards.sh BUILD CORPUS [REPS] - `nexttoken encode --tokenizer gpt2 --format llmc` against
# tiktoken (WASM, npm: bench/js/tiktoken_shard.js) writing the same llm.c shard, each timed as
# a whole process (starting, loading GPT-2's vocabulary, reading, encoding, writing), REPS runs
# (5) alternating; prints the medians, the ratio, and whether the two shards are identical.
# Called by run.sh; needs `make gpt2-vocab` and tiktoken in BUILD/bench/js (run.sh installs it).
set -u
build=$1 corpus=$2 reps=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
js="$build/bench/js"
[ -d "$js/node_modules/tiktoken" ] || { echo "(tiktoken is not installed in $js: shards not compared)"; exit 0; }
cp "$here/js/tiktoken_shard.js" "$js/"
out="$build/bench/shards"
mkdir -p "$out"
: >"$out/ours.times"
: >"$out/tiktoken.times"
now() { date +%s.%N; }
i=0
while [ "$i" -lt "$reps" ]; do
    t0=$(now)
    "$build/nexttoken" encode --tokenizer gpt2 --format llmc --out "$out/ours.bin" "$corpus" >/dev/null || exit 1
    t1=$(now)
    node "$js/tiktoken_shard.js" "$corpus" "$out/tiktoken.bin" || exit 1
    t2=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >>"$out/ours.times"
    awk -v a="$t1" -v b="$t2" 'BEGIN {print b - a}' >>"$out/tiktoken.times"
    i=$((i + 1))
done
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
ours=$(median <"$out/ours.times")
tt=$(median <"$out/tiktoken.times")
count() { od -An -t d4 -j 8 -N 4 "$1" | tr -d ' '; }
echo "| tool (whole process, median of $reps) | seconds | tokens |"
echo "|---|---|---|"
echo "| nexttoken encode --tokenizer gpt2 --format llmc | $ours | $(count "$out/ours.bin") |"
echo "| tiktoken 1.0.22 (WASM, node), the same shard | $tt | $(count "$out/tiktoken.bin") |"
awk -v a="$tt" -v b="$ours" 'BEGIN {printf "ratio: nexttoken %.1fx faster\n", a / b}'
cmp -s "$out/ours.bin" "$out/tiktoken.bin" && echo "(the two shards are identical, byte for byte)" || echo "(the two shards DIFFER)"
echo "runs (s): nexttoken $(tr '\n' ' ' <"$out/ours.times"); tiktoken $(tr '\n' ' ' <"$out/tiktoken.times")"
