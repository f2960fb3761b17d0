# Tokens that split a character (core/text/pieces.h): with a byte-level model every Korean
# syllable is three tokens, and the text output reads each as the syllable and which of its
# bytes ("옛[1/3]"), never a bare \x98, columns lined up by display width; invalid bytes and
# control bytes stay escaped; --json keeps every piece's exact bytes in hex beside its text.
BIN=$1
. tests/cli-lib.sh
C=corpora/stories.txt
K="옛날 고양이"   # 옛 ec 98 9b, 날 eb 82 a0, 고 ea b3 a0, 양 ec 96 91, 이 ec 9d b4

M="$TMP/m.ckpt"
expect_ok $BIN train --corpus $C --preset tiny --tokenizer byte --steps 2 --out "$M" --quiet

# ---- encode ----
expect_ok $BIN encode --tokenizer byte "$K"
expect_out 'pieces: "옛[1/3]" "옛[2/3]" "옛[3/3]" "날[1/3]" "날[2/3]" "날[3/3]" " " "고[1/3]"'
grep -q '\\x' "$TMP/out" && fail "encode: a bare byte escape for a piece of Korean: $(cat "$TMP/out")"
expect_ok $BIN encode --tokenizer byte --json "옛"
expect_out '"pieces":["�","�","�"],"bytes":["ec","98","9b"]}'
# a 4-byte character, and bytes that are no character; a control byte stays escaped
printf 'a\360\237\230\200\377\033\n' | $BIN encode --tokenizer byte >"$TMP/out" 2>&1
expect_out 'pieces: "a" "😀[1/4]" "😀[2/4]" "😀[3/4]" "😀[4/4]" "\xff" "\x1b"'
# a character cut off at the end of the text: its bytes
printf '\354\230\n' | $BIN encode --tokenizer byte >"$TMP/out" 2>&1
expect_out 'pieces: "\xec" "\x98"'
# the word and character vocabularies hold whole characters; their JSON has the bytes too
expect_ok $BIN encode --tokenizer char --corpus $C --json "cat"
expect_out '"bytes":["63","61","74"]'

# GPT-2 cuts a syllable into three tokens, or two, and a space may start one
G=${NEXTTOKEN_GPT2_DIR:-data/gpt2}
if [ -s "$G/encoder.json" ]; then
    expect_ok env NEXTTOKEN_GPT2_DIR="$G" $BIN encode --tokenizer gpt2 "옛날 옛적에 작은"
    expect_out '"날[3/3]" " 옛[1/3]" "옛[2/3]"'
    expect_out '"은[1-2/3]" "은[3/3]"'
else
    echo "SKIPPED [pieces] GPT-2's Korean pieces (make gpt2-vocab)" >&2
fi

# byte pairs learned from Korean text glue bytes back into syllables: a pair read together
expect_ok $BIN bpe train --corpus corpora/korean.txt --vocab-size 280 --out "$TMP/ko.tok" --trace
expect_out '    10 "이[1-2/3]" "이[3/3]" '
expect_ok $BIN bpe train --corpus corpora/korean.txt --vocab-size 260 --out "$TMP/ko.tok" --json
expect_out '"pieces":[" ","�"],"bytes":["20","ec"]'

# ---- slice: the examples, each token in brackets ----
expect_ok $BIN slice --model "$M" "옛날"
expect_out '   2  [옛[1/3]][옛[2/3]]  ->  [옛[3/3]]'
expect_out '   3  [옛[1/3]][옛[2/3]][옛[3/3]]  ->  [날[1/3]]'
expect_ok $BIN slice --model "$M" --context 2 "옛날"
expect_out '  x: [옛[1/3]] [옛[2/3]]'
expect_ok $BIN slice --model "$M" --json "옛"
expect_out '"tokens":[{"id":236,"text":"�","bytes":"ec"},{"id":152,"text":"�","bytes":"98"}'

# ---- loss: a row per token, the p column lined up whatever the token's width ----
expect_ok $BIN loss --model "$M" "$K" --position 2
grep -qE '^    1  "옛\[2/3\]" {10}0\.[0-9]{6}' "$TMP/out" || fail "loss: the row of \"옛[2/3]\": $(sed -n 3p "$TMP/out")"
grep -qE '^    6  " " {16}0\.[0-9]{6}' "$TMP/out" || fail "loss: the row of \" \": $(sed -n 8p "$TMP/out")"
grep -qE '"옛\[3/3\]" +0\.[0-9]+ +-0\.[0-9]+  <- target$' "$TMP/out" || fail "loss: the target's row: $(grep target "$TMP/out")"
grep -q '\\x98\|\\x9b' "$TMP/out" && fail "loss: a bare byte of 옛: $(grep '\\x9[8b]' "$TMP/out")"
expect_ok $BIN loss --model "$M" --json "옛" --position 1
expect_out '"tokens":[{"id":236,"text":"�","bytes":"ec","p":null,"loss":null},{"id":152,"text":"�","bytes":"98","p":'
expect_out '"top":[{"id":'
grep -qE '"top":\[\{"id":[0-9]+,"text":"[^"]*","bytes":"[0-9a-f]+","p":' "$TMP/out" || fail "loss --json: top without bytes"

# ---- softmax, sample, lens, attention ----
expect_ok $BIN softmax --model "$M" --prompt "옛" --rows 3 --json
grep -qE '"rows":\[\{"id":[0-9]+,"text":"[^"]*","bytes":"[0-9a-f]{2}","logit":' "$TMP/out" || fail "softmax --json: rows without bytes: $(head -c 300 "$TMP/out")"
expect_ok $BIN sample --model "$M" --prompt "옛" --tokens 3 --seed 1 --json --trace
grep -qE '"trace":\[\{"id":[0-9]+,"text":"[^"]*","bytes":"[0-9a-f]{2}","kept":' "$TMP/out" || fail "sample --json --trace: no bytes"
grep -qE '"text":"[^"]*","bytes":"[0-9a-f]{6}","ids":\[' "$TMP/out" || fail "sample --json: the sample's text without its bytes"
expect_ok $BIN lens --model "$M" --top 1 "옛날"
expect_out '   0 "옛[1/3]" -> next "옛[2/3]"'
expect_out '   5 "날[3/3]" (the last: nothing to compare with)'
expect_ok $BIN lens --model "$M" --json "옛"
expect_out '"tokens":[{"id":236,"text":"�","bytes":"ec"}'
expect_ok $BIN attention --model "$M" --layer 0 --head 0 "$K"
grep -qE '^   4 "날" +[0-9]+ ' "$TMP/out" || fail "attention: the row of 날[2/3]: $(sed -n 5p "$TMP/out")"
expect_ok $BIN attention --model "$M" --json "옛"
expect_out '"tokens":[{"id":236,"text":"�","bytes":"ec"}'
expect_ok $BIN neighbors --model "$M" --k 1 --json "#236"
grep -qE '"text":"[^"]*","bytes":"ec"' "$TMP/out" || fail "neighbors --json: no bytes"

finish
