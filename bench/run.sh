#!/bin/sh
# run.sh BUILD - `make bench`: nexttoken's speed and memory next to the reference tools, measured
# in one run on this machine, and whether a class can watch the shipped corpora being learned
# (learnable.sh). See bench/README.md for what each figure means.
#
# Environment: BENCH_REPS (3) runs of each configuration, alternating nexttoken and PyTorch;
# BENCH_STEPS (30) steps per run; BENCH_CORPUS (a text to train on).
set -u
build=${1:-build}
reps=${BENCH_REPS:-3}
steps=${BENCH_STEPS:-30}
here=$(cd "$(dirname "$0")" && pwd)
corpus=${BENCH_CORPUS:-}
if [ -z "$corpus" ]; then
    for c in "$here/../../shared/corpora/tinyshakespeare.txt" "$here/../corpora/stories.txt"; do
        [ -f "$c" ] && { corpus=$c; break; }
    done
fi
out="$build/bench/results.txt"
: >"$out"
say() { echo "$@" | tee -a "$out"; }

# The kernel nexttoken chooses for itself (it upgrades OpenBLAS's pick to the best the CPU runs);
# the benchmark programs and PyTorch are given the same one.
kernel=$(env -u OPENBLAS_CORETYPE NEXTTOKEN_BLAS=auto "$build/nexttoken" --version | sed -n 's/^kernel: \([A-Za-z0-9]*\).*/\1/p')
export OPENBLAS_CORETYPE="$kernel"
threads=$(getconf _NPROCESSORS_ONLN)
say "# nexttoken benchmarks, $(date -u +%Y-%m-%d)"
say "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $threads cores; OpenBLAS kernel $kernel; corpus $(basename "$corpus")"
say "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- sgemm peak ----
peak_json=$("$build/bench/sgemm_peak" --threads "$threads" --json)
peak=$(echo "$peak_json" | sed 's/.*"peak":\([0-9.]*\).*/\1/')
say ""
say "## cblas_sgemm at the training shapes ($threads threads)"
"$build/bench/sgemm_peak" --threads "$threads" | tee -a "$out"

# ---- training ----
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed "s/.*\"$1\":\([0-9.]*\).*/\1/"; }
have_torch=0
/usr/bin/python3 -c "import torch" 2>/dev/null && have_torch=1

say ""
say "## Training tokens/s (median step, $steps steps, median of $reps runs, alternating)"
say "| preset (L/H/C/T, vocab, batch) | nexttoken tok/s | GFLOP/s | % of sgemm peak | peak RSS MB | PyTorch tok/s | ratio |"
say "|---|---|---|---|---|---|---|"
for cfg in "tiny 256 16" "small 512 8" "base 1024 8"; do
    set -- $cfg
    preset=$1 vocab=$2 batch=$3
    case $preset in
        tiny) dims="--layers 2 --heads 2 --dim 64 --ctx 64" ;;
        small) dims="--layers 4 --heads 4 --dim 128 --ctx 128" ;;
        base) dims="--layers 6 --heads 6 --dim 192 --ctx 128" ;;
    esac
    : >"$build/bench/ours.$preset"
    : >"$build/bench/torch.$preset"
    i=0
    while [ $i -lt "$reps" ]; do
        "$build/bench/train_bench" --preset "$preset" --vocab "$vocab" --batch "$batch" --threads "$threads" \
            --steps "$steps" --corpus "$corpus" --json >>"$build/bench/ours.$preset"
        if [ $have_torch = 1 ]; then
            /usr/bin/python3 "$here/torch_gpt2_baseline.py" $dims --vocab "$vocab" --batch "$batch" --steps "$steps" \
                --threads "$threads" --blas_threads 1 --corpus "$corpus" --print_every 0 2>/dev/null |
                sed -n 's/.*tokens_per_s=\([0-9.]*\).*/\1/p' >>"$build/bench/torch.$preset"
        fi
        i=$((i + 1))
    done
    tps=$(field tokens_per_s <"$build/bench/ours.$preset" | median)
    gf=$(field gflops <"$build/bench/ours.$preset" | median)
    rss=$(field peak_rss_mb <"$build/bench/ours.$preset" | median)
    pct=$(awk -v g="$gf" -v p="$peak" 'BEGIN {printf "%.0f%%", 100 * g / p}')
    if [ $have_torch = 1 ] && [ -s "$build/bench/torch.$preset" ]; then
        ttps=$(median <"$build/bench/torch.$preset")
        ratio=$(awk -v a="$tps" -v b="$ttps" 'BEGIN {printf "%.2fx", a / b}')
    else
        ttps="(no torch)" ratio="-"
    fi
    say "| $preset ($(echo $dims | awk '{print $2"/"$4"/"$6"/"$8}'), $vocab, $batch) | $tps | $gf | $pct | $rss | $ttps | $ratio |"
done

say ""
say "## Where a step of 'small' goes (ms per step, one run)"
"$build/bench/train_bench" --preset small --vocab 512 --batch 8 --threads "$threads" --steps "$steps" --corpus "$corpus" | tee -a "$out"
# ---- tokenizer ----
# The reference tools, installed on first use: sentencepiece from Debian, tiktoken (and Hugging
# Face tokenizers) from the npm registry into $build/bench/js. Missing ones are skipped.
if ! command -v spm_train >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q sentencepiece >/dev/null 2>&1 || true
fi
js="$build/bench/js"
if [ ! -d "$js/node_modules/tiktoken" ] && command -v npm >/dev/null 2>&1; then
    mkdir -p "$js" && cp "$here/js/package.json" "$js/" && (cd "$js" && npm install --silent --no-audit --no-fund >/dev/null 2>&1) || true
fi
say ""
say "## Tokenizer: BPE to 4,096 tokens, GPT-2 encoding (median of $reps)"
tok=$("$build/bench/tokenizer_bench" --corpus "$corpus" --reps "$reps" --json)
"$build/bench/tokenizer_bench" --corpus "$corpus" --reps "$reps" | tee -a "$out"
our_train=$(echo "$tok" | field train_s)
our_mb=$(echo "$tok" | field encode_mb_s)
our_tokens=$(echo "$tok" | field tokens)
# the whole process too, as spm_train is timed
t0=$(date +%s.%N)
"$build/nexttoken" bpe train --corpus "$corpus" --vocab-size 4096 --out "$build/bench/bpe.tok" >/dev/null 2>&1
t1=$(date +%s.%N)
our_proc=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
say "| tool | BPE training to 4,096 tokens, s | GPT-2 encoding, MB/s |"
say "|---|---|---|"
say "| nexttoken (in process / whole process) | $our_train / $our_proc | $our_mb |"
if command -v spm_train >/dev/null 2>&1; then
    : >"$build/bench/spm.times"
    i=0
    while [ $i -lt "$reps" ]; do
        t0=$(date +%s.%N)
        spm_train --input="$corpus" --model_prefix="$build/bench/spm" --vocab_size=4096 --model_type=bpe \
            --num_threads=1 --character_coverage=1.0 --minloglevel=2 >/dev/null 2>&1
        t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >>"$build/bench/spm.times"
        i=$((i + 1))
    done
    say "| sentencepiece spm_train (whole process, 1 thread) | $(median <"$build/bench/spm.times") | - |"
fi
if [ -d "$js/node_modules/tiktoken" ]; then
    cp "$here/js/tokenizer_tools.js" "$js/"
    tt=$(cd "$js" && RAYON_NUM_THREADS=1 node tokenizer_tools.js "$corpus" "$reps" 2>/dev/null)
    tmb=$(echo "$tt" | sed -n 's/.*"tiktoken_mb_s":\([0-9.]*\).*/\1/p')
    ttok=$(echo "$tt" | sed -n 's/.*"tiktoken_tokens":\([0-9]*\).*/\1/p')
    say "| tiktoken 1.0.22 (WASM, npm) | - | $tmb |"
    [ "$ttok" = "$our_tokens" ] && say "(both encodings have $ttok tokens)" || say "(token counts differ: tiktoken $ttok, nexttoken $our_tokens)"
fi
say "Not run here, from ../shared/bench/FIGURES.md: Hugging Face tokenizers 0.23 about 0.52 s, minbpe 1,831 s."
say ""
say "## An llm.c token shard of the text with GPT-2's vocabulary, whole processes (bench/shards.sh)"
"$here/shards.sh" "$build" "$corpus" "${BENCH_SHARD_REPS:-5}" | tee -a "$out"

# ---- decoding at batch 1, GPT-2 124M ----
say ""
say "## Decoding GPT-2 124M at batch 1 against the memory bound (bench/decode.sh)"
"$here/decode.sh" "$build" "$reps" | tee -a "$out"

# ---- keys, while training runs ----
say ""
say "## A key on each panel, from the press to the drawn screen, while the small model trains"
mkdir -p "$build/bench/keys"
XDG_DATA_HOME="$build/bench/keys" NT_SCREEN_DIR="$build/bench/keys" LANG=C.UTF-8 \
    "$build/nexttoken" --script "$here/keys.script" --size 100x30 --threads "$threads" | tee -a "$out"

# ---- the interface's cost to the trainer ----
if command -v tmux >/dev/null 2>&1; then
    say ""
    say "## The interface's cost: training with the Train panel open vs nexttoken train alone"
    ui=$("$here/ui_overhead.sh" "$build/nexttoken" "${BENCH_UI_SECONDS:-30}" "$reps")
    say "$ui"
    say "(tokens/s = steps x 8 x 128 / wall seconds, small preset, 2 threads; ratio = interface / command line)"
fi

# ---- can a class watch the shipped corpora being learned? ----
say ""
say "## Learnable in a class period: small, 1,500 steps, then the validation losses and a sample"
for c in "$here/../corpora/stories.txt" "$here/../corpora/korean.txt"; do
    "$here/learnable.sh" "$build" "$c" >"$build/bench/learnable.out" 2>&1 || echo "(a criterion is not met)" >>"$build/bench/learnable.out"
    tee -a "$out" <"$build/bench/learnable.out"
done

say ""
say "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
say "(written to $out)"
