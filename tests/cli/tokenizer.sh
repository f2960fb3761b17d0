# Tokenizers from the command line: bytes, GPT-2, GPT-4's cl100k and GPT-4o's o200k, byte-pair
# training with its trace, and every bad input the tokenizer commands can meet.
BIN=$1
. tests/cli-lib.sh
C=corpora/stories.txt

expect_ok $BIN encode --tokenizer byte "hi"
expect_out "2 tokens: 104 105"
expect_ok $BIN encode --tokenizer byte -- "-x"
expect_out "2 tokens: 45 120"
expect_ok $BIN decode --tokenizer byte 104 105
expect_out "hi"
# into a pipe or a file, byte for byte, control bytes too (on a terminal they are escaped:
# tests/tui/terminals.sh)
expect_ok $BIN decode --tokenizer byte 27 91 50 74 236 149 10
[ "$(od -An -tx1 "$TMP/out" | tr -d ' ')" = 1b5b324aec950a ] || fail "decode into a file changed the bytes: $(od -An -tx1 "$TMP/out")"
expect_error 2 "'300' is not a token id of byte (0 to 255)" $BIN decode --tokenizer byte 104 300
expect_error 2 "--tokenizer is required" $BIN encode "hi"
expect_error 2 "not a tokenizer file" $BIN encode --tokenizer $C "hi"

# byte-pair training
expect_ok $BIN bpe train --corpus $C --vocab-size 300 --out "$TMP/a.tok" --trace
[ "$(wc -l <"$TMP/out")" -eq 45 ] || fail "--trace: $(wc -l <"$TMP/out") lines for 44 merges and a summary"
head -1 "$TMP/out" | grep -qE '^ +0 "." "." [0-9]+ -> 256$' || fail "--trace line: $(head -1 "$TMP/out")"
expect_out "learned 44 merges"
expect_ok $BIN bpe train --corpus $C --vocab-size 260 --out "$TMP/a.tok" --json
for k in '"vocab_size":260' '"seconds":' '"merges":[{"rank":0,"pair":[' '"count":' '"id":256'; do expect_out "$k"; done
expect_ok $BIN encode --tokenizer "$TMP/a.tok" --json "the cat"
expect_out '"ids":['
expect_out '"pieces":['
printf 'one\ntwo\n' | $BIN encode --tokenizer byte >"$TMP/out" 2>&1
[ "$(grep -c tokens "$TMP/out")" -eq 2 ] || fail "stdin: one encoding per line: $(cat "$TMP/out")"

# word and character vocabularies, for comparison
expect_ok $BIN encode --tokenizer word --corpus $C "The cat said awesommmme"
expect_out "1 unknown"
expect_out '"<unk>"'
expect_ok $BIN encode --tokenizer char --corpus $C --json "cat"
expect_out '"unknown":0'
expect_error 2 "learns its vocabulary from --corpus FILE" $BIN encode --tokenizer word "x"

# a model and its tokenizer for llm.c
expect_ok $BIN train --corpus $C --preset tiny --vocab-size 300 --steps 2 --out "$TMP/m.ckpt" --quiet
expect_ok $BIN export --model "$TMP/m.ckpt" --format llmc --out "$TMP/m.bin" --tokenizer-out "$TMP/m_tok.bin"
expect_ok $BIN encode --tokenizer "$TMP/m_tok.bin" "the cat"
cp "$TMP/out" "$TMP/x1"
expect_ok $BIN encode --tokenizer "$TMP/m.ckpt" "the cat"
cmp -s "$TMP/out" "$TMP/x1" || fail "llm.c tokenizer file encodes differently"
expect_ok $BIN export --model "$TMP/m.bin" --format nexttoken --tokenizer "$TMP/m_tok.bin" --out "$TMP/back.ckpt"
expect_ok $BIN sample --model "$TMP/back.ckpt" --tokens 3 --seed 1
expect_error 2 "the tokenizer has 256 tokens but the model 300" $BIN export --model "$TMP/m.bin" --format nexttoken --tokenizer byte --out "$TMP/bad.ckpt"

# an imported model with a long context (as GPT-2's 1024) trains in the interface and in
# `nexttoken train` alike (one training session) with a batch that fits its activation budget,
# and says so
expect_ok $BIN train --corpus $C --layers 4 --heads 12 --dim 96 --ctx 1024 --batch 1 --vocab-size 300 --steps 1 --out "$TMP/long.ckpt" --quiet
expect_ok $BIN export --model "$TMP/long.ckpt" --format llmc --out "$TMP/long.bin" --tokenizer-out "$TMP/long_tok.bin"
expect_ok $BIN export --model "$TMP/long.bin" --format nexttoken --tokenizer "$TMP/long_tok.bin" --out "$TMP/long2.ckpt"
printf 'dump long\n' >"$TMP/long.script"
XDG_DATA_HOME="$TMP/xdg" expect_ok $BIN --model "$TMP/long2.ckpt" --script "$TMP/long.script" --size 160x30 --threads 1
grep -q "loaded .* at step 0.*; batch 4, to fit a training step in 1024 MB" "$TMP/long.screen" || fail "no fitted batch: $(grep loaded "$TMP/long.screen")"
expect_ok $BIN train --resume "$TMP/long2.ckpt" --corpus $C --steps 1 --out "$TMP/long3.ckpt" --threads 1
grep -q "^nexttoken: batch 4, to fit a training step in 1024 MB" "$TMP/err" || fail "train: no fitted batch: $(cat "$TMP/err")"

# bad input
head -c 5000 /dev/zero | tr '\0' 'a' >"$TMP/aaa.txt"
expect_ok $BIN bpe train --corpus "$TMP/aaa.txt" --vocab-size 1000 --out "$TMP/aaa.tok"
grep -q "stopped at [0-9]* tokens: no pair of tokens is left to merge" "$TMP/err" || fail "no early-stop note: $(cat "$TMP/err")"
printf '' >"$TMP/empty.txt"
printf 'ab\000cd' >"$TMP/nul.txt"
printf 'caf\351' >"$TMP/latin1.txt"
printf 'my notes\n' >"$TMP/notes.txt"
expect_error 2 "empty file" $BIN bpe train --corpus "$TMP/empty.txt" --vocab-size 300 --out "$TMP/x.tok"
expect_error 2 "binary file (NUL byte at offset 2)" $BIN bpe train --corpus "$TMP/nul.txt" --vocab-size 300 --out "$TMP/x.tok"
expect_error 2 "not UTF-8 text" $BIN bpe train --corpus "$TMP/latin1.txt" --vocab-size 300 --out "$TMP/x.tok"
expect_error 2 "--vocab-size must be between 256" $BIN bpe train --corpus $C --vocab-size 100 --out "$TMP/x.tok"
expect_error 2 "notes.txt: exists and is not a nexttoken tokenizer file; refusing to overwrite it" $BIN bpe train --corpus $C --vocab-size 300 --out "$TMP/notes.txt"
[ "$(cat "$TMP/notes.txt")" = "my notes" ] || fail "notes.txt was changed"
expect_error 2 "unknown pattern 'perl'" $BIN bpe train --corpus $C --vocab-size 300 --out "$TMP/x.tok" --pattern perl
expect_error 2 "the subcommand is train" $BIN bpe learn
head -c 100 "$TMP/a.tok" >"$TMP/trunc.tok"
expect_error 2 "truncated tokenizer file" $BIN encode --tokenizer "$TMP/trunc.tok" "x"

# the OpenAI vocabularies: missing, damaged, and (when `make gpt2-vocab` has run) right
expect_error 2 "the gpt2 vocabulary is not installed: run \`make gpt2-vocab\`" env NEXTTOKEN_GPT2_DIR="$TMP/none" $BIN encode --tokenizer gpt2 "hi"
expect_error 2 "the cl100k vocabulary is not installed" env NEXTTOKEN_GPT2_DIR="$TMP/none" $BIN encode --tokenizer cl100k "hi"
if $BIN encode --tokenizer gpt2 "x" >/dev/null 2>&1; then
    expect_ok $BIN encode --tokenizer gpt2 "Hello world"
    expect_out "2 tokens: 15496 995"
    expect_ok $BIN encode --tokenizer gpt2 "|Viewing Single Post"
    expect_out "91 7680 278 14206 2947"
    expect_ok $BIN encode --tokenizer cl100k "|Viewing Single Post"
    expect_out "91 860 287 11579 3962"
    expect_ok $BIN encode --tokenizer gpt2 --json "strawberry"
    expect_out '"ids":[301,1831,8396]'
    expect_out '"pieces":["st","raw","berry"]'
    expect_ok $BIN encode --tokenizer o200k "Ångström"
    expect_out "3 tokens"
    expect_ok $BIN decode --tokenizer gpt2 15496 995
    expect_out "Hello world"
    # a token ending inside a character reads as the character and which of its bytes
    expect_ok $BIN encode --tokenizer gpt2 "Ångström"
    expect_out '127 227 782 2536 9101 76'
    expect_out '"Å[1/2]" "Å[2/2]" "ng"'
    src=$(cd data/gpt2 2>/dev/null && pwd)
    if [ -n "$src" ]; then
        mkdir "$TMP/bad"
        head -c 500000 "$src/encoder.json" >"$TMP/bad/encoder.json"
        cp "$src/vocab.bpe" "$TMP/bad/"
        expect_error 2 "encoder.json: malformed JSON at byte" env NEXTTOKEN_GPT2_DIR="$TMP/bad" $BIN encode --tokenizer gpt2 "hi"
        cp "$src/encoder.json" "$TMP/bad/"
        head -n 20000 "$src/vocab.bpe" >"$TMP/bad/vocab.bpe"
        expect_error 2 "vocab.bpe: 19999 merges, GPT-2 has 50000 (truncated?)" env NEXTTOKEN_GPT2_DIR="$TMP/bad" $BIN encode --tokenizer gpt2 "hi"
        head -c 1000 "$src/cl100k_base.tiktoken" >"$TMP/bad/cl100k_base.tiktoken"
        expect_error 2 "cl100k_base.tiktoken: line" env NEXTTOKEN_GPT2_DIR="$TMP/bad" $BIN encode --tokenizer cl100k "hi"
    fi
else
    echo "SKIPPED [tokenizer] GPT-2/cl100k/o200k checks: run make gpt2-vocab" >&2
fi
finish
