# Inside the black box: attention, lens and neighbors on a small trained model, as a checkpoint
# and as an llm.c file. Their JSON has the promised shape (attention rows add up to 1 and the
# triangle above the diagonal is 0; the last lens layer is the model's own distribution, as loss
# and softmax report it), both formats give the same numbers, and bad input gets one line.
BIN=$1
. tests/cli-lib.sh
C=corpora/stories.txt
M="$TMP/m.ckpt"
TEXT="Once upon a time, a little cat sat on the mat."
expect_ok $BIN train --corpus $C --preset tiny --steps 20 --out "$M" --quiet
expect_ok $BIN export --model "$M" --format llmc --out "$TMP/m.bin"
# the text's ids, for --ids and for llm.c's file (which has no tokenizer of its own here)
expect_ok $BIN encode --tokenizer "$M" --json "$TEXT"
IDS=$(sed 's/.*"ids":\[\([0-9,]*\)\].*/\1/' "$TMP/out" | tr , ' ')
T=$(echo $IDS | wc -w)

# att_rows FILE: the innermost arrays of "attention" (the rows A[l][h][i]), one per line
att_rows() { sed 's/.*"attention"://' "$1" | grep -o '\[[^][]*\]' | tr -d '[]'; }
# check_rows FILE T ROWS: ROWS rows of T weights, each adding up to 1, 0 above the diagonal
check_rows() {
    res=$(att_rows "$1" | awk -F, -v T="$2" '{
        i = (NR - 1) % T; s = 0
        if (NF != T) bad = bad " row " NR " has " NF " weights"
        for (j = 1; j <= NF; j++) { s += $j; if (j - 1 > i && $j != 0) bad = bad " A[" i "][" j - 1 "] = " $j " above the diagonal" }
        if (s < 1 - 1e-5 || s > 1 + 1e-5) bad = bad " row " NR " adds up to " s
    } END { print NR " " (bad == "" ? "ok" : bad) }')
    [ "$res" = "$3 ok" ] || fail "attention JSON: want $3 rows adding up to 1, got: $res"
}

# ---- attention ----
expect_ok $BIN attention --model "$M" --json "$TEXT"
cp "$TMP/out" "$TMP/att.json"
expect_out '{"tokens":[{"id":'
expect_out '"layers":[0,1],"heads":[0,1],"attention":[[[['
check_rows "$TMP/att.json" "$T" $((2 * 2 * T))
# --layer/--head keep one of each: A[0][0] is layer 1, head 0 of the full list
expect_ok $BIN attention --model "$M" --json --layer 1 --head 0 "$TEXT"
expect_out '"layers":[1],"heads":[0],"attention":[[[['
check_rows "$TMP/out" "$T" "$T"
att_rows "$TMP/out" >"$TMP/one"
att_rows "$TMP/att.json" | sed -n "$((2 * 2 * T / 2 + 1)),$((2 * 2 * T / 2 + T))p" >"$TMP/full10"
cmp -s "$TMP/one" "$TMP/full10" || fail "attention --layer 1 --head 0 differs from layer 1, head 0 of the full list"
expect_ok $BIN attention --model "$M" --json --head 1 "$TEXT"
expect_out '"layers":[0,1],"heads":[1],"attention":[[[['
check_rows "$TMP/out" "$T" $((2 * T))
# the same weights from the llm.c file and from ids
expect_ok $BIN attention --model "$TMP/m.bin" --json --ids $IDS
att_rows "$TMP/out" >"$TMP/llmc"
att_rows "$TMP/att.json" >"$TMP/native"
cmp -s "$TMP/llmc" "$TMP/native" || fail "attention: the llm.c file and the checkpoint give different weights"
expect_out '"text":""'
# the table: a grid per layer and head, the future shown as "."
expect_ok $BIN attention --model "$M" --layer 0 --head 1 "The cat sat."
expect_out "layer 0, head 1: row = query position"
expect_out '"The"       100     .     .'
[ "$(grep -c . "$TMP/out")" -ge 8 ] || fail "attention table too short: $(cat "$TMP/out")"
# a long text: the last 12 positions, and a column for the rest
expect_ok $BIN attention --model "$M" --layer 0 --head 0 "$TEXT $TEXT"
expect_out "earlier"
expect_out "(the last 12 of"
[ "$(awk '{ if (length($0) > w) w = length($0) } END { print w }' "$TMP/out")" -le 100 ] || fail "attention table wider than 100 columns"
# ... but JSON is never cut
expect_ok $BIN attention --model "$M" --json --layer 0 --head 0 "$TEXT $TEXT"
T2=$(grep -o '"id":' "$TMP/out" | wc -l)
[ "$T2" -gt 24 ] || fail "attention: '$TEXT $TEXT' should be more than 24 tokens, got $T2"
check_rows "$TMP/out" "$T2" "$T2"

# ---- lens ----
expect_ok $BIN lens --model "$M" --json --top 3 "$TEXT"
cp "$TMP/out" "$TMP/lens.json"
expect_out '"layers":[{"layer":0,"positions":[{"top":[{"id":'
expect_out '{"layer":1,"positions":'
# the last layer: p(next) at position i is loss's p of token i+1
sed 's/.*{"layer":1,"positions"://' "$TMP/lens.json" | grep -o '"p_next":[-0-9.e]*' | cut -d: -f2 >"$TMP/pnext"
[ "$(wc -l <"$TMP/pnext")" -eq $((T - 1)) ] || fail "lens: want $((T - 1)) p_next in the last layer, got $(wc -l <"$TMP/pnext")"
expect_ok $BIN loss --model "$M" --json "$TEXT"
grep -o '"p":[-0-9.e]*' "$TMP/out" | sed 1d | cut -d: -f2 >"$TMP/lossp" # tokens[0].p is null
paste "$TMP/pnext" "$TMP/lossp" | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1e-4 * $2) { print; bad = 1 } } END { exit bad }' >"$TMP/diff" ||
    fail "lens p_next of the last layer differs from loss's p(token): $(head -3 "$TMP/diff")"
# ... and its top guess at position 3 is loss --position 4's, and at the end softmax's
top_of() { # top_of FILE POS: "id p" of the last layer's top guess at position POS
    sed 's/.*{"layer":1,"positions"://' "$1" | grep -o '{"top":\[{"id":[0-9]*,"text":"[^"]*","p":[-0-9.e]*' |
        sed -n "$(($2 + 1))p" | sed 's/.*"id":\([0-9]*\),.*"p":\(.*\)/\1 \2/'
}
expect_ok $BIN loss --model "$M" --json --position 4 "$TEXT"
want=$(grep -o '"top":\[{"id":[0-9]*,"text":"[^"]*","p":[-0-9.e]*' "$TMP/out" | sed 's/.*"id":\([0-9]*\),.*"p":\(.*\)/\1 \2/')
echo "$(top_of "$TMP/lens.json" 3) $want" | awk '{ d = $2 - $4; if (d < 0) d = -d; exit !($1 == $3 && d <= 1e-4 * $4) }' ||
    fail "lens top guess at position 3 ($(top_of "$TMP/lens.json" 3)) is not loss --position 4's ($want)"
expect_ok $BIN softmax --model "$M" --prompt "$TEXT" --json
want=$(grep -o '"rows":\[{"id":[0-9]*,"text":"[^"]*","logit":[-0-9.e]*,"exp":[-0-9.e]*,"p":[-0-9.e]*' "$TMP/out" |
       sed 's/.*"id":\([0-9]*\),.*"p":\(.*\)/\1 \2/')
echo "$(top_of "$TMP/lens.json" $((T - 1))) $want" | awk '{ d = $2 - $4; if (d < 0) d = -d; exit !($1 == $3 && d <= 1e-4 * $4) }' ||
    fail "lens top guess at the end ($(top_of "$TMP/lens.json" $((T - 1)))) is not softmax --model's ($want)"
# no p_next at the last position
sed 's/.*{"layer":1,"positions"://' "$TMP/lens.json" | grep -q '"p":[-0-9.e]*}\]}\]}\]}$' ||
    fail "lens: the last position should end without p_next: $(tail -c 200 "$TMP/lens.json")"
expect_ok $BIN lens --model "$TMP/m.bin" --json --top 3 --ids $IDS
sed 's/.*"layers"://' "$TMP/out" | sed 's/"text":"[^"]*","bytes":"[^"]*"//g' >"$TMP/llmc"
sed 's/.*"layers"://' "$TMP/lens.json" | sed 's/"text":"[^"]*","bytes":"[^"]*"//g' >"$TMP/native"
cmp -s "$TMP/llmc" "$TMP/native" || fail "lens: the llm.c file and the checkpoint differ"
expect_ok $BIN lens --model "$M" "The cat sat."
expect_out "layer 1"
expect_out "p(next)"
expect_out "(the last: nothing to compare with)"

# ---- neighbors ----
expect_ok $BIN neighbors --model "$M" --k 5 --json " the" "#65"
expect_out '{"tokens":[{"id":'
expect_out '"text":" the","bytes":"20746865","neighbors":[{"id":'
[ "$(grep -o '"cos":' "$TMP/out" | wc -l)" -eq 10 ] || fail "neighbors --k 5 of two tokens: want 10 cosines: $(cat "$TMP/out")"
grep -o '"cos":[-0-9.e]*' "$TMP/out" | cut -d: -f2 | awk 'NR % 5 != 1 && $1 > prev + 1e-9 { bad = 1 } $1 > 1.000001 || $1 < -1.000001 { bad = 1 } { prev = $1 } END { exit bad }' ||
    fail "neighbors: cosines not in falling order within [-1, 1]: $(cat "$TMP/out")"
id=$(grep -o '"text":" the"' "$TMP/out" >/dev/null && sed 's/^{"tokens":\[{"id":\([0-9]*\).*/\1/' "$TMP/out")
sed 's/"text":"[^"]*","bytes":"[^"]*"//g' "$TMP/out" >"$TMP/native"
expect_ok $BIN neighbors --model "$TMP/m.bin" --k 5 --json "#$id" "#65"
sed 's/"text":"[^"]*","bytes":"[^"]*"//g' "$TMP/out" >"$TMP/llmc"
cmp -s "$TMP/llmc" "$TMP/native" || fail "neighbors: the llm.c file and the checkpoint differ"
expect_ok $BIN neighbors --model "$M" --k 3 " the"
expect_out "rank   cosine      id  token"
expect_out '" the" (#'

# ---- what reaches the terminal is escaped: a byte-level model reads ESC [ 2 J as tokens ----
expect_ok $BIN train --corpus $C --preset tiny --tokenizer byte --steps 1 --out "$TMP/b.ckpt" --quiet
ESC=$(printf '\033')
for c in "attention --model $TMP/b.ckpt --layer 0 --head 0" "lens --model $TMP/b.ckpt --top 2"; do
    expect_ok $BIN $c "a${ESC}[2Jb"
    if LC_ALL=C grep -q "$ESC" "$TMP/out"; then fail "$c printed a raw escape: $(od -c "$TMP/out" | head -3)"; fi
    expect_out '\x1b'
done
expect_ok $BIN neighbors --model "$TMP/b.ckpt" --k 255 "#27"
if LC_ALL=C grep -q "$ESC" "$TMP/out"; then fail "neighbors printed a raw escape"; fi
expect_out '"\x1b" (#27)'

# ---- help ----
for c in attention lens neighbors; do
    expect_ok $BIN $c --help
    expect_out "usage: nexttoken $c"
done
expect_ok $BIN --help
for c in attention lens neighbors; do expect_out "  $c "; done

# ---- bad input ----
LONG=$(awk 'BEGIN { for (i = 0; i < 40; i++) printf "the cat sat on the mat. " }')
expect_error 2 "--layer 2 is out of range: this model's layers are 0 to 1" $BIN attention --model "$M" --layer 2 "$TEXT"
expect_error 2 "--layer -1 is out of range: this model's layers are 0 to 1" $BIN attention --model "$M" --layer -1 "$TEXT"
expect_error 2 "--head 7 is out of range: this model's heads are 0 to 1" $BIN attention --model "$M" --head 7 "$TEXT"
expect_error 2 "longer than the model's context of 64" $BIN attention --model "$M" "$LONG"
expect_error 2 "longer than the model's context of 64" $BIN lens --model "$M" "$LONG"
expect_error 2 "the text is 65 tokens, longer than the model's context of 64" $BIN lens --model "$TMP/m.bin" --ids $(awk 'BEGIN { for (i = 0; i < 65; i++) printf "1 " }')
expect_error 2 "the text is empty" $BIN attention --model "$M" ""
expect_error 2 "the text is empty" $BIN lens --model "$M" ""
expect_error 2 "give a TEXT" $BIN attention --model "$M"
expect_error 2 "give the text as one argument" $BIN lens --model "$M" the cat
expect_error 2 "--model FILE is required" $BIN lens "$TEXT"
expect_error 2 "'99999' is not a token id of this model" $BIN attention --model "$M" --ids 1 99999
expect_error 2 "--top must be between 1 and" $BIN lens --model "$M" --top 0 "$TEXT"
expect_error 2 "unknown token 'xyzzyq': not one token of this vocabulary" $BIN neighbors --model "$M" xyzzyq
expect_error 2 "#99999 is not a token id of this model" $BIN neighbors --model "$M" "#99999"
expect_error 2 "--k must be between 1 and" $BIN neighbors --model "$M" --k 0 " the"
expect_error 2 "--k must be between 1 and" $BIN neighbors --model "$M" --k 100000 " the"
expect_error 2 "give at least one TOKEN" $BIN neighbors --model "$M"
expect_error 2 "m.bin: this llm.c model has no tokenizer" $BIN neighbors --model "$TMP/m.bin" the
expect_error 2 "has no vocabulary to find '#x' in; give tokens as #ID" $BIN neighbors --model "$TMP/m.bin" "#x"
finish
