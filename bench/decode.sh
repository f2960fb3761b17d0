#!/bin/sh
# decode.sh BUILD [REPS] - decoding at batch 1 against its bound, on a GPT-2-124M-shaped model
# (also run by bench/run.sh). The model is an llm.c file of random weights made by decode_bench
# (build/bench/gpt2-124M-random.bin, about 500 MB, not committed): every weight is read once per
# token whatever their values, so random weights time like trained ones. It needs GPT-2's
# vocabulary (make gpt2-vocab), as `nexttoken sample --model` does for an llm.c file.
#
# bound = bytes read per token (the weights, less the position table but one row) / the
# machine's read bandwidth with every core (decode_bench --bandwidth). `nexttoken sample
# --timing` after a 64-token prompt, 128 new tokens, as a whole process: the median of REPS (5)
# runs for the prompt's tokens/s, the new tokens' tokens/s, and the peak RSS. The bandwidth is
# measured again just before each run and each run's share is of the bound at that moment (on
# a shared machine the bandwidth drifts by a third within minutes); the share given is the
# median of the runs' shares.
set -u
build=${1:-build}
reps=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
bin="$build/nexttoken"
model="$build/bench/gpt2-124M-random.bin"
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
if [ ! -s data/gpt2/encoder.json ] && [ -z "${NEXTTOKEN_GPT2_DIR:-}" ]; then
    echo "(skipped: GPT-2's vocabulary is not here; make gpt2-vocab)"
    exit 0
fi
[ -s "$model" ] || "$build/bench/decode_bench" --make-model "$model" || exit 1
bytes=$("$build/bench/decode_bench" --weight-bytes "$model")
# 64 tokens with GPT-2's vocabulary (checked below by the timing line)
prompt="The lecture's model is GPT-2 with 124 million parameters. It reads a prompt one token at a time and predicts what comes next, turning its logits into probabilities and drawing one of them like a biased coin, again and again, until the story ends with a small cat asleep by the warm fire at night"
out=$(mktemp -d /tmp/nt-decode-XXXXXX)
trap 'rm -rf "$out"' EXIT
i=0
while [ $i -lt "$reps" ]; do
    "$build/bench/decode_bench" --bandwidth --json >"$out/bw.$i"
    "$build/bench/decode_bench" --rss "$bin" sample --model "$model" --prompt "$prompt" --tokens 128 --seed $((i + 1)) --timing \
        >/dev/null 2>"$out/run.$i" || { cat "$out/run.$i"; exit 1; }
    i=$((i + 1))
done
cat "$out"/run.* >"$out/all"
gbs=$(sed 's/.*"gb_s":\([0-9.]*\).*/\1/' "$out"/bw.* | median)
gbs1=$(sed 's/.*"gb_s_1":\([0-9.]*\).*/\1/' "$out"/bw.* | median)
bound=$(awk -v b="$bytes" -v g="$gbs" 'BEGIN {printf "%.1f", g * 1e9 / b}')
# each run's share of the bound its own bandwidth set
i=0
: >"$out/shares"
while [ $i -lt "$reps" ]; do
    g=$(sed 's/.*"gb_s":\([0-9.]*\).*/\1/' "$out/bw.$i")
    t=$(sed -n 's/.* new tokens at \([0-9.]*\) tokens\/s.*/\1/p' "$out/run.$i")
    awk -v t="$t" -v g="$g" -v b="$bytes" 'BEGIN {print 100 * t / (g * 1e9 / b)}' >>"$out/shares"
    i=$((i + 1))
done
share=$(median <"$out/shares")
shares=$(sort -g "$out/shares" | awk '{printf "%s%.0f", (NR > 1 ? " " : ""), $1}')
n_prompt=$(sed -n 's/^timing: prompt \([0-9]*\) tokens.*/\1/p' "$out/all" | head -1)
ptps=$(sed -n 's/^timing: prompt [0-9]* tokens in [0-9.]* s (\([0-9.]*\) tokens\/s).*/\1/p' "$out/all" | median)
tps=$(sed -n 's/.* new tokens at \([0-9.]*\) tokens\/s.*/\1/p' "$out/all" | median)
rss=$(sed -n 's/^rss \([0-9]*\)/\1/p' "$out/all" | median)
echo "read bandwidth (median of the runs'): $gbs1 GB/s with 1 thread, $gbs GB/s with every core; $bytes bytes read per token"
echo "| model | prompt | prompt tok/s | new tok/s (batch 1) | bound tok/s | share of bound | peak RSS MB |"
echo "|---|---|---|---|---|---|---|"
echo "| GPT-2 124M shape, random | $n_prompt tokens | $ptps | $tps | $bound | $(awk -v s="$share" 'BEGIN {printf "%.0f%%", s}') | $(awk -v r="$rss" 'BEGIN {printf "%.0f", r / 1024}') |"
echo "each run's share of the bound measured just before it: $shares %"
"$build/bench/decode_bench" --publish
echo "keys with this model loaded (paused), from the press to the drawn screen:"
mkdir -p "$out/keys"
XDG_DATA_HOME="$out/keys" NT_SCREEN_DIR="$out/keys" LANG=C.UTF-8 \
    "$bin" --model "$model" --script "$here/keys124.script" --size 100x30
