# The whole path from the command line: train a tiny model, resume it, sample, score, export
# to llm.c and back, and stop a run with Ctrl-C; JSON fields the tools rely on are there.
BIN=$1
. tests/cli-lib.sh
C=corpora/stories.txt
M="$TMP/tiny.ckpt"

expect_ok $BIN train --corpus $C --preset tiny --tokenizer byte --steps 30 --val-every 10 --out "$M" --json --quiet
for k in '"steps":30' '"tokens_per_s":' '"loss":' '"val_loss":' '"params":'; do expect_out "$k"; done
[ -s "$M" ] || fail "no checkpoint written"

# resume to step 40, from the saved state
expect_ok $BIN train --corpus $C --resume "$M" --steps 40 --json --quiet
expect_out '"steps":40'
expect_out '"steps_this_run":10'

# info --history: every validation loss, resumed ones too, as CSV and as JSON; the last row is
# the losses info reports (rounded to 4 places)
expect_ok $BIN info --model "$M" --history
cp "$TMP/out" "$TMP/hist"
[ "$(head -1 "$TMP/hist")" = "step,loss,val_loss" ] || fail "info --history header: $(head -1 "$TMP/hist")"
[ "$(sed 1d "$TMP/hist" | cut -d, -f1 | tr '\n' ' ')" = "10 20 30 40 " ] || fail "info --history steps: $(cat "$TMP/hist")"
grep -Eq '^40,[0-9]+\.[0-9]{4},[0-9]+\.[0-9]{4}$' "$TMP/hist" || fail "info --history row: $(tail -1 "$TMP/hist")"
expect_ok $BIN info --model "$M" --json
close() { awk -v a="$1" -v b="$2" 'BEGIN {d = a - b; exit !(d < 0.00006 && d > -0.00006)}'; }
for k in loss val_loss; do
    v=$(grep -o "\"$k\":[0-9.]*" "$TMP/out" | cut -d: -f2)
    h=$(tail -1 "$TMP/hist" | cut -d, -f$([ $k = loss ] && echo 2 || echo 3))
    close "$h" "$v" || fail "info --history's last $k $h, info's $v"
done
expect_ok $BIN info --model "$M" --history --json
expect_out '{"val_history":[{"step":10,"loss":'
[ "$(grep -o '"step":' "$TMP/out" | wc -l)" -eq 4 ] || fail "info --history --json: $(cat "$TMP/out")"

# the same seed gives the same text; the JSON carries text and ids
expect_ok $BIN sample --model "$M" --prompt "The cat" --tokens 20 --seed 7 --json
expect_out '"seed":7'
expect_out '"samples":[{"text":'
expect_out '"ids":['
cp "$TMP/out" "$TMP/s1"
expect_ok $BIN sample --model "$M" --prompt "The cat" --tokens 20 --seed 7 --json
cmp -s "$TMP/out" "$TMP/s1" || fail "the same seed gave different samples"
# one thread or three: the same tokens (a token's logits are the same bit for bit; the prompt's
# rows are split through sgemm, equal up to rounding)
expect_ok $BIN sample --model "$M" --prompt "The cat" --tokens 20 --seed 7 --json --threads 1
cmp -s "$TMP/out" "$TMP/s1" || fail "sample --threads 1 differs from the default"
expect_ok $BIN sample --model "$M" --prompt "The cat" --tokens 20 --seed 7 --json --threads 3
cmp -s "$TMP/out" "$TMP/s1" || fail "sample --threads 3 differs from the default"
expect_error 2 "--threads" $BIN sample --model "$M" --threads 0
expect_ok $BIN sample --model "$M" --prompt "The cat" --tokens 20 --temperature 0 --count 2
# greedy: both samples identical
awk '/--- sample 1/{getline; a=$0} /--- sample 2/{getline; b=$0} END{exit a!=b}' "$TMP/out" || fail "greedy samples differ"

# loss: per token p and -ln p, the mean and perplexity
expect_ok $BIN loss --model "$M" "The cat sat." --json
for k in '"tokens":[{"id":84' '"p":' '"loss":' '"mean_loss":' '"perplexity":' '"uniform_loss":5.545'; do expect_out "$k"; done
expect_ok $BIN loss --model "$M" "The cat sat."
expect_out "perplexity"
expect_out "ln 256 = 5.5452"
expect_error 2 "it takes two, one to read and one to predict" $BIN loss --model "$M" "T"
expect_error 2 "'999' is not a token id of this model (0 to 255)" $BIN loss --model "$M" --ids 1 999

# slice with the model's tokenizer
expect_ok $BIN slice --model "$M" "cat"
expect_out "3 tokens (byte tokenizer) -> 2 training examples"

# llm.c: export, load back (no tokenizer: ids only), export again byte for byte
expect_ok $BIN export --model "$M" --format llmc --out "$TMP/tiny.bin"
expect_ok $BIN loss --model "$TMP/tiny.bin" --ids 84 104 101 --json
expect_out '"mean_loss":'
# without a tokenizer the tables name tokens by id, the gradient table too
expect_ok $BIN loss --model "$TMP/tiny.bin" --ids 84 104 101 --position 2
grep -Eq '^ +[0-9]+  #101 +[0-9.]+ +-[0-9.]+  <- target' "$TMP/out" || fail "loss --position without a tokenizer: $(tail -3 "$TMP/out")"
grep -q '^    2  #101 ' "$TMP/out" || fail "loss without a tokenizer: $(head -4 "$TMP/out")"
expect_error 2 "has no tokenizer" $BIN sample --model "$TMP/tiny.bin"
expect_ok $BIN export --model "$TMP/tiny.bin" --format llmc --out "$TMP/tiny2.bin"
cmp -s "$TMP/tiny.bin" "$TMP/tiny2.bin" || fail "llm.c export of an llm.c import differs"
# the llm.c model scores like the original
$BIN loss --model "$M" --ids 84 104 101 --json | grep -o '"mean_loss":[^,]*' >"$TMP/l1"
$BIN loss --model "$TMP/tiny.bin" --ids 84 104 101 --json | grep -o '"mean_loss":[^,]*' >"$TMP/l2"
cmp -s "$TMP/l1" "$TMP/l2" || fail "llm.c copy scores differently: $(cat "$TMP/l1") vs $(cat "$TMP/l2")"

# weights-only export is smaller and still samples
expect_ok $BIN export --model "$M" --format nexttoken --out "$TMP/w.ckpt"
[ "$(wc -c <"$TMP/w.ckpt")" -lt "$(wc -c <"$M")" ] || fail "weights-only export is not smaller"
expect_ok $BIN sample --model "$TMP/w.ckpt" --tokens 5 --seed 1

# Ctrl-C: saves and stops with 130, leaving a model that loads
$BIN train --corpus $C --preset tiny --steps 100000 --out "$TMP/int.ckpt" --quiet >"$TMP/int.out" 2>&1 &
pid=$!
sleep 2
kill -INT $pid
wait $pid
st=$?
[ "$st" -eq 130 ] || fail "interrupted train exited $st, want 130: $(cat "$TMP/int.out")"
grep -q "interrupted after" "$TMP/int.out" || fail "no 'interrupted' summary: $(cat "$TMP/int.out")"
expect_ok $BIN sample --model "$TMP/int.ckpt" --tokens 5 --seed 1

# the default tokenizer: a byte-pair vocabulary learned from the corpus first
B="$TMP/bpe.ckpt"
expect_ok $BIN train --corpus $C --preset tiny --vocab-size 300 --steps 5 --out "$B" --json
grep -q "300-token byte-pair vocabulary learned from" "$TMP/err" || fail "no note of the learned vocabulary: $(cat "$TMP/err")"
expect_ok $BIN slice --model "$B" "the cat"
expect_out "tokens (bpe tokenizer)"
expect_ok $BIN loss --model "$B" "the cat sat" --json
expect_out '"uniform_loss":5.70'
# a tokenizer trained on its own, then used
expect_ok $BIN bpe train --corpus $C --vocab-size 280 --out "$TMP/s.tok"
expect_ok $BIN train --corpus $C --preset tiny --tokenizer "$TMP/s.tok" --steps 3 --out "$TMP/t2.ckpt" --quiet
expect_ok $BIN encode --tokenizer "$TMP/t2.ckpt" "the cat"
cp "$TMP/out" "$TMP/e1"
expect_ok $BIN encode --tokenizer "$TMP/s.tok" "the cat"
cmp -s "$TMP/out" "$TMP/e1" || fail "the checkpoint's tokenizer is not the one it was trained with"
expect_error 2 "a resumed model keeps its sizes and tokenizer" $BIN train --corpus $C --resume "$B" --vocab-size 400 --out "$B"

# --version names the kernel and checks it
expect_ok $BIN --version
expect_out "kernel:"
expect_out "sgemm agrees with a reference product"
finish
