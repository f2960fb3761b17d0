#!/bin/sh
# consistency.sh BIN - the numbers the panels show are the numbers the commands print. The
# interface trains a model to step 40 and saves it; then the Softmax, Loss, Sample, Slice, Tokens
# and Inside panels are dumped, and the same questions are put to `nexttoken softmax/loss/sample/
# slice/bpe/attention/lens/neighbors` on the saved model. Each figure must read the same on both, to the digits on screen.
BIN=$1
. tests/cli-lib.sh
export LANG=C.UTF-8 LC_ALL=C.UTF-8 OPENBLAS_CORETYPE=Haswell NEXTTOKEN_BLAS=keep
P="Once upon a time there was a little cat"
cat >"$TMP/c.script" <<SCRIPT
wait step 40
:save \$DIR/m.ckpt
:prompt $P
key 3
key <Space> <Space> <Space>
dump softmax
key 4
key <Space> <Space>
key o
dump loss
key 5
key <Space> <Space> <Space>
dump sample
key 1
dump slice
key 2
key <Space> <Space> <Space>
dump tokens
key 7
:inside layer 1
:inside head 2
dump inside-attention
:inside view lens
:inside position 5
dump inside-lens
:inside view neighbors
dump inside-neighbors
SCRIPT
XDG_DATA_HOME="$TMP/data" NT_SCREEN_DIR="$TMP" "$BIN" --script "$TMP/c.script" --size 100x30 --threads 2 >"$TMP/log" 2>&1 ||
    fail "the script failed: $(cat "$TMP/log")"
M="$TMP/m.ckpt"
[ -s "$M" ] || { fail "no model saved"; finish; }

# Softmax: the first row's logit and probability
# the first row of the table: the fourth line of the panel (dumps leave out the tab row)
row=$(sed -n 4p "$TMP/softmax.screen")
expect_ok $BIN softmax --model "$M" --prompt "$P" --rows 1 --json --temperature 0.8
logit=$(sed 's/.*"logit":\([-0-9.e]*\).*/\1/' "$TMP/out")
p=$(sed 's/.*"rows":\[{[^]]*"p":\([-0-9.e]*\).*/\1/' "$TMP/out")
p1=$($BIN softmax --model "$M" --prompt "$P" --rows 1 --json | sed 's/.*"rows":\[{[^]]*"p":\([-0-9.e]*\).*/\1/')
want=$(awk -v l="$logit" -v p="$p1" 'BEGIN {printf "%.3f %.2f%%", l, 100 * p}')
got=$(echo "$row" | awk '{print $2, $5}')
[ "$got" = "$want" ] || fail "softmax: screen '$got', command '$want' (row: $row)"

# Loss: the mean, the chosen position's p, and one gradient step before and after
expect_ok $BIN loss --model "$M" "$P" --position 3 --step-lr 0.01 --json
want=$(sed 's/.*"mean_loss":\([-0-9.e]*\).*/\1/' "$TMP/out" | awk '{printf "mean loss %.4f", $1}')
grep -qF "$want" "$TMP/loss.screen" || fail "loss: the screen lacks '$want'"
want=$(sed 's/.*"position":{"index":3,"target":[0-9]*,"p":\([-0-9.e]*\).*/\1/' "$TMP/out" | awk '{printf "p = %.4f", $1}')
grep -qF "$want" "$TMP/loss.screen" || fail "loss: the screen lacks '$want'"
want=$(sed 's/.*"loss_before":\([-0-9.e]*\),"loss_after":\([-0-9.e]*\).*/\1 \2/' "$TMP/out" | awk '{printf "loss %.3f -> %.3f", $1, $2}')
grep -qF "$want" "$TMP/loss.screen" || fail "loss: the screen lacks '$want'"

# Sample: the third draw's u and the slice of the distribution it fell in
expect_ok $BIN sample --model "$M" --prompt "$P" --seed 1 --temperature 0.8 --tokens 3 --trace
want=$(sed -n 3p "$TMP/out" | sed 's/.*u = \([0-9.]*\) in \(\[[0-9.]*, [0-9.]*)\).*/u = \1 fell in \2/')
grep -qF "$want" "$TMP/sample.screen" || fail "sample: the screen lacks '$want' ($(sed -n 3p "$TMP/out"))"

# Slice: the count of tokens and examples
expect_ok $BIN slice --model "$M" "$P"
want=$(head -1 "$TMP/out" | sed 's/^\([0-9]*\) tokens (bpe tokenizer) -> \([0-9]*\) training examples/\1 tokens -> \2 training examples/')
grep -qF "$want" "$TMP/slice.screen" || fail "slice: the screen lacks '$want'"
# Tokens: the third merge, its count and its new id, as bpe train --trace prints it
expect_ok $BIN bpe train --corpus corpora/stories.txt --vocab-size 259 --out "$TMP/t.tok" --trace
set -- $(sed -n 3p "$TMP/out" | awk '{print $(NF-2), $NF}')
grep -q "token $2 (the pair occurred $1 times)" "$TMP/tokens.screen" ||
    fail "tokens: the screen lacks merge 3's count $1 and id $2: $(grep merge "$TMP/tokens.screen")"

# Inside: where the last position looks in layer 1, head 2 (its largest weight, and the key's
# position), as `attention --json` has the weights (the last row of the one head asked for)
expect_ok $BIN attention --model "$M" --layer 1 --head 2 --json "$P"
want=$(sed 's/.*\[\([^][]*\)\]\]\]\].*/\1/' "$TMP/out" | awk -F, '{m = 1; for (i = 2; i <= NF; i++) if ($i + 0 > $m + 0) m = i;
    printf "%d %.1f%%", m - 1, 100 * $m}')
got=$(grep -A1 "looks:" "$TMP/inside-attention.screen" | tail -1 | sed -n 's/.* \([0-9][0-9]*\) [^ ]* *\([0-9.]*%\).*/\1 \2/p')
[ -n "$want" ] && [ "$got" = "$want" ] || fail "inside attention: screen '$got', command '$want'"
# the logit lens: p(next) at position 5 after each layer, as `lens` prints it
expect_ok $BIN lens --model "$M" "$P"
want=$(awk '/^ *[0-9]+ / {t = $1} t == 5 && /p\(next\)/ {printf " %d: %.3f%%", $2, $NF}' "$TMP/out")
[ -n "$want" ] && grep -qF "by layer:$want" "$TMP/inside-lens.screen" ||
    fail "inside lens: the screen lacks 'by layer:$want': $(grep 'by layer' "$TMP/inside-lens.screen")"
# the nearest token embeddings of the selected (last) token, as `neighbors` lists them
id=$(sed -n 's/.*(#\([0-9]*\), position.*/\1/p' "$TMP/inside-neighbors.screen")
expect_ok $BIN neighbors --model "$M" "#$id"
for r in 1 2 10; do
    want=$(awk -v r=$r '$1 == r {print $1, $2, $3}' "$TMP/out")
    got=$(awk -v r=$r '$1 == r && NF > 3 {print $1, $2, $3}' "$TMP/inside-neighbors.screen")
    [ -n "$want" ] && [ "$got" = "$want" ] || fail "inside neighbors: rank $r: screen '$got', command '$want'"
done
finish
