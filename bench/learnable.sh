#!/bin/sh
# learnable.sh BUILD CORPUS [en|ko] - can a class watch this text being learned? One run of what
# `make run` does by default (the small preset, a 512-token BPE learned from the corpus, batch 8,
# lr 2e-3 held after 50 steps of warm-up as the interface's open-ended training holds it, seed
# 1337, validation every 50 steps), 1,500 steps, then:
#   - the validation losses (nexttoken info --history): the lowest, and how far the last is above
#     it. A model that memorises its text sees its validation loss turn up while the training
#     loss goes on falling; we ask for a last loss at most 0.05 above the lowest.
#   - 2,000 characters sampled at temperature 0.8, and the share of their words that are words of
#     the corpus, for sampling seeds 1-8: we ask for at least 85 % on average (seed 7's sample
#     and its words not in the corpus are shown). English (en) words are maximal runs of ASCII
#     letters, apostrophes inside allowed, compared case-insensitively; Korean (ko) words are
#     what lies between spaces and line ends, stripped of ASCII punctuation at both ends.
#   - the steps and the training time.
# The language is guessed from the text when not given: ko when most of its bytes are not ASCII.
# Exits 1 when a criterion fails. Environment: LEARN_STEPS (1500), LEARN_SEED (7) for sampling,
# LEARN_OUT (BUILD/bench/learnable) for the model, the sample and the word lists, LEARN_TRAIN for
# more options to `nexttoken train` (to try other settings; the figures we quote use none).
set -uf
build=${1:?usage: learnable.sh BUILD CORPUS [en|ko]}
corpus=${2:?usage: learnable.sh BUILD CORPUS [en|ko]}
lang=${3:-}
bin="$build/nexttoken"
steps=${LEARN_STEPS:-1500}
seed=${LEARN_SEED:-7}
chars=2000
max_gap=0.05
min_share=85
out=${LEARN_OUT:-$build/bench/learnable}
name=$(basename "$corpus" .txt)
mkdir -p "$out"
export LC_ALL=C

if [ -z "$lang" ]; then
    total=$(wc -c <"$corpus")
    ascii=$(tr -d '\200-\377' <"$corpus" | wc -c)
    if [ $((2 * ascii)) -lt "$total" ]; then lang=ko; else lang=en; fi
fi

# words FILE: one word per line, as defined above
words() {
    case $lang in
        en) grep -aoE "[A-Za-z]+('[A-Za-z]+)*" "$1" | tr 'A-Z' 'a-z' ;;
        *) tr ' \t\r' '\n\n\n' <"$1" | sed 's/^[[:punct:]]*//; s/[[:punct:]]*$//' | grep -av '^$' ;;
    esac
}

model="$out/$name.ckpt"
start=$(date +%s)
"$bin" train --corpus "$corpus" --steps "$steps" --constant-lr ${LEARN_TRAIN:-} --out "$model" --json --quiet >"$out/$name.train.json" 2>"$out/$name.train.err" || {
    echo "learnable: training on $corpus failed: $(cat "$out/$name.train.err")" >&2
    exit 2
}
wall=$(($(date +%s) - start))
train_s=$(sed 's/.*"seconds":\([0-9.]*\).*/\1/' "$out/$name.train.json")
done_steps=$(sed 's/.*"steps":\([0-9]*\).*/\1/' "$out/$name.train.json")
"$bin" info --model "$model" --history >"$out/$name.history.csv"
# lowest validation loss and its step; the last one and its step
set -- $(awk -F, 'NR > 1 { if (min == "" || $3 < min) { min = $3; at = $1 } last = $3; lstep = $1 }
                  END { printf "%s %s %s %s %.4f", min, at, last, lstep, last - min }' "$out/$name.history.csv")
vmin=$1 vmin_step=$2 vlast=$3 vlast_step=$4 gap=$5

# sample_words SEED: 2,000 characters of one long sample into $out/$name.sample.SEED.txt, then
# "KNOWN WORDS SHARE UNKNOWN..." for them. More tokens than that needs (a token is at least a
# byte, a Korean character three), cut after the 2,000th character. A character is a UTF-8
# sequence, or a stray byte where the model wrote part of one: any byte but a continuation byte
# starts one.
words "$corpus" | sort -u >"$out/$name.words"
sample_words() {
    raw="$out/$name.sample.$1.raw" txt="$out/$name.sample.$1.txt"
    "$bin" sample --model "$model" --temperature 0.8 --seed "$1" --tokens $((3 * chars)) >"$raw" 2>/dev/null
    cut=$(od -An -v -tu1 "$raw" | tr -s ' ' '\n' | grep -v '^$' |
        awk -v n="$chars" '$1 < 128 || $1 >= 192 { if (++c > n) { print NR - 1; found = 1; exit } } END { if (!found) print NR }')
    head -c "$cut" "$raw" >"$txt"
    got=$(od -An -v -tu1 "$txt" | tr -s ' ' '\n' | grep -v '^$' | awk '$1 < 128 || $1 >= 192 { c++ } END { print c + 0 }')
    [ "$got" -eq "$chars" ] || echo "learnable: the sample of seed $1 has $got characters, not $chars" >&2
    words "$txt" >"$out/$name.sample.$1.words"
    awk 'NR == FNR { known[$0] = 1; next } { n++; if ($0 in known) k++; else unknown[$0] = 1 }
         END { u = ""; for (w in unknown) u = u " " w; printf "%d %d %.1f%s", k, n, n ? 100 * k / n : 0, u }' \
        "$out/$name.words" "$out/$name.sample.$1.words"
}
# One sample of 2,000 characters moves the share by about two points from seed to seed, so the
# criterion is the mean over eight (seeds 1-8); seed $seed's is shown.
shares=""
for s in 1 2 3 4 5 6 7 8; do
    set -- $(sample_words "$s")
    shares="$shares $3"
done
mean=$(echo "$shares" | awk '{ for (i = 1; i <= NF; i++) t += $i; printf "%.1f", t / NF }')
set -- $(sample_words "$seed")
known=$1 nwords=$2 share=$3
shift 3
unknown=$*
cp "$out/$name.sample.$seed.txt" "$out/$name.sample.txt"

ok=1
gap_ok=$(awk -v g="$gap" -v m="$max_gap" 'BEGIN { print (g <= m) ? "yes" : "NO" }')
share_ok=$(awk -v s="$mean" -v m="$min_share" 'BEGIN { print (s >= m) ? "yes" : "NO" }')
[ "$gap_ok" = yes ] && [ "$share_ok" = yes ] || ok=0
minutes=$(awk -v s="$train_s" 'BEGIN { printf "%.1f", s / 60 }')
train_s=$(awk -v s="$train_s" 'BEGIN { printf "%.0f", s }')
echo "## $name ($lang, $(wc -c <"$corpus") bytes): small, 512-token BPE, $done_steps steps"
echo "validation loss: lowest $vmin (step $vmin_step), last $vlast (step $vlast_step), $gap above the lowest (at most $max_gap: $gap_ok)"
echo "words of the corpus in $chars sampled characters (temperature 0.8), seeds 1-8:$shares %, mean $mean % (at least $min_share %: $share_ok)"
echo "seed $seed: $known of $nwords words, $share %"
echo "not in the corpus:${unknown:- none}"
echo "time: $done_steps steps in $train_s s of training ($minutes min; $wall s with the tokenizer and dataset, on $(getconf _NPROCESSORS_ONLN) cores)"
echo "sample ($out/$name.sample.txt):"
sed 's/^/    /' "$out/$name.sample.txt"
echo
[ $ok = 1 ]
