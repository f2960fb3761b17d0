# llm.c's token shards: `encode --format llmc` writes them, a reader in shell (od) applies the
# rules of llm.c's llmc/dataloader.h (int32 header[256]: 20240520, 1, the count; file size
# 1024 + 2 x count) and compares the uint16 tokens with `encode --json` of the same texts
# (each preceded by <|endoftext|>, 50256, for gpt2); the refusals; and `train --data` /
# `--val-data` on shards, then `sample` from the result.
BIN=$1
. tests/cli-lib.sh

# two documents whose $(cat) is the file itself (no trailing newline), one of them Korean
printf '%s' "$(head -n 60 corpora/stories.txt)" >"$TMP/a.txt"
printf '%s' "$(head -n 40 corpora/korean.txt)" >"$TMP/b.txt"
expect_ok $BIN bpe train --corpus corpora/stories.txt --vocab-size 400 --out "$TMP/bpe.tok"

# llm.c's loader rules, restated in shell: prints the tokens one a line, or fails
llmc_tokens() {
    set -- $(od -An -t d4 -N 12 "$1") "$1"
    [ "$1" = 20240520 ] || { fail "$4: magic $1"; return 1; }
    [ "$2" = 1 ] || { fail "$4: version $2"; return 1; }
    [ "$3" -gt 0 ] || { fail "$4: count $3"; return 1; }
    size=$(wc -c <"$4")
    [ "$size" -eq $((1024 + 2 * $3)) ] || { fail "$4: $size bytes for $3 tokens"; return 1; }
    [ "$(od -An -t d4 -j 12 -N 1012 -v "$4" | tr -s ' \n' '\n\n' | grep -cv '^0*$')" -eq 0 ] || fail "$4: header[3..255] not all 0"
    od -An -t u2 -j 1024 -v "$4" | tr -s ' ' '\n' | grep -v '^$'
}
json_ids() { "$BIN" encode --tokenizer "$1" --json "$(cat "$2")" | sed 's/.*"ids":\[\([^]]*\)\].*/\1/' | tr ',' '\n'; }

for tok in byte "$TMP/bpe.tok" gpt2; do
    if [ $tok = gpt2 ] && [ ! -f data/gpt2/encoder.json ]; then echo "SKIPPED [$name] gpt2: no data/gpt2/encoder.json (make gpt2-vocab)" >&2; continue; fi
    expect_ok $BIN encode --tokenizer "$tok" --format llmc --out "$TMP/s.bin" "$TMP/a.txt" "$TMP/b.txt"
    expect_out "wrote $TMP/s.bin"
    llmc_tokens "$TMP/s.bin" >"$TMP/got" || continue
    : >"$TMP/want"
    for f in a b; do
        [ $tok = gpt2 ] && echo 50256 >>"$TMP/want"
        json_ids "$tok" "$TMP/$f.txt" >>"$TMP/want"
    done
    cmp -s "$TMP/got" "$TMP/want" || fail "$tok: the shard's tokens differ from encode --json's ($(wc -l <"$TMP/got") against $(wc -l <"$TMP/want"))"
    grep -q "^$(wc -l <"$TMP/want" | tr -d ' ') tokens from 2 files" "$TMP/out" || fail "$tok: summary: $(cat "$TMP/out")"
done

# refusals: one line, status 2, and nothing left behind
for big in cl100k o200k; do
    f=data/gpt2/${big}_base.tiktoken
    [ -f $f ] || { echo "SKIPPED [$name] $big: no $f" >&2; continue; }
    expect_error 2 "at most 65536 tokens" $BIN encode --tokenizer $big --format llmc --out "$TMP/big.bin" "$TMP/a.txt"
    [ -e "$TMP/big.bin" ] && fail "$big: a file was written"
done
cp "$TMP/b.txt" "$TMP/keep.txt"
expect_error 2 "is not an llm.c token shard; refusing" $BIN encode --tokenizer byte --format llmc --out "$TMP/keep.txt" "$TMP/a.txt"
cmp -s "$TMP/b.txt" "$TMP/keep.txt" || fail "a text given as --out was changed"
expect_error 2 "nothere.txt" $BIN encode --tokenizer byte --format llmc --out "$TMP/n.bin" "$TMP/nothere.txt"
mkfifo "$TMP/fifo"
expect_error 2 "not a regular file" $BIN encode --tokenizer byte --format llmc --out "$TMP/n.bin" "$TMP/a.txt" "$TMP/fifo"
printf 'a\000b' >"$TMP/nul.txt"
expect_error 2 "binary file (NUL byte at offset 1)" $BIN encode --tokenizer byte --format llmc --out "$TMP/n.bin" "$TMP/nul.txt"
printf 'ab\377' >"$TMP/latin.txt"
expect_error 2 "not UTF-8 text (invalid byte 0xff at offset 2)" $BIN encode --tokenizer byte --format llmc --out "$TMP/n.bin" "$TMP/latin.txt"
[ -e "$TMP/n.bin" ] && fail "a refused encode left $TMP/n.bin"
ls "$TMP" | grep -q '\.tmp\.' && fail "a temporary file was left: $(ls "$TMP")"
expect_error 2 "unknown --format 'npy'" $BIN encode --tokenizer byte --format npy --out "$TMP/n.bin" "$TMP/a.txt"
expect_error 2 "needs --out FILE" $BIN encode --tokenizer byte --format llmc "$TMP/a.txt"
expect_error 2 "takes the text files" $BIN encode --tokenizer byte --format llmc --out "$TMP/n.bin"
expect_error 2 "--threads goes with --format llmc" $BIN encode --tokenizer byte --threads 2 "hi"
expect_error 2 "also a text to encode" $BIN encode --tokenizer byte --format llmc --out "$TMP/a.txt" "$TMP/a.txt"
# a shard is replaced by a shard
expect_ok $BIN encode --tokenizer byte --format llmc --out "$TMP/s.bin" "$TMP/a.txt"
[ "$(od -An -t d4 -j 8 -N 4 "$TMP/s.bin" | tr -d ' ')" -eq "$(wc -c <"$TMP/a.txt")" ] || fail "the byte shard's count is not the text's size"

# training on shards: a few steps, then a sample; validation shards; the checks
expect_ok $BIN encode --tokenizer byte --format llmc --out "$TMP/train.bin" corpora/stories.txt
expect_ok $BIN encode --tokenizer byte --format llmc --out "$TMP/val_1.bin" "$TMP/a.txt"
expect_ok $BIN train --data "$TMP/train.bin" --tokenizer byte --preset tiny --steps 3 --out "$TMP/m.ckpt" --quiet
expect_out "trained 3 steps"
expect_ok $BIN sample --model "$TMP/m.ckpt" --tokens 20 --seed 1
[ -s "$TMP/out" ] || fail "sample from the shard-trained model printed nothing"
expect_ok $BIN train --data "$TMP/train.bin" --val-data "$TMP/val_*.bin" --tokenizer byte --preset tiny --steps 2 --out "$TMP/v.ckpt"
grep -q "validating (the validation shards)" "$TMP/err" || fail "--val-data: $(cat "$TMP/err")"
expect_ok $BIN train --resume "$TMP/m.ckpt" --data "$TMP/train.bin" --steps 4 --quiet
expect_out "trained 1 steps"
expect_error 2 "need the tokenizer they were written with" $BIN train --data "$TMP/train.bin" --out "$TMP/x.ckpt"
expect_error 2 "not both" $BIN train --data "$TMP/train.bin" --corpus corpora/stories.txt --tokenizer byte --out "$TMP/x.ckpt"
expect_error 2 "--val-data goes with --data" $BIN train --corpus corpora/stories.txt --val-data "$TMP/val_1.bin" --out "$TMP/x.ckpt"
expect_error 2 "not an llm.c token shard" $BIN train --data corpora/stories.txt --tokenizer byte --out "$TMP/x.ckpt"
head -c 2000 "$TMP/train.bin" >"$TMP/cut.bin"
expect_error 2 "cut short" $BIN train --data "$TMP/cut.bin" --tokenizer byte --out "$TMP/x.ckpt"
expect_ok $BIN encode --tokenizer "$TMP/bpe.tok" --format llmc --out "$TMP/bpe.bin" corpora/stories.txt
expect_error 2 "is not in byte's vocabulary of 256 tokens" $BIN train --data "$TMP/bpe.bin" --tokenizer byte --out "$TMP/x.ckpt"
printf 'a short text\n' >"$TMP/short.txt"
expect_ok $BIN encode --tokenizer byte --format llmc --out "$TMP/short.bin" "$TMP/short.txt"
expect_error 2 "too short" $BIN train --data "$TMP/short.bin" --tokenizer byte --ctx 128 --steps 1 --out "$TMP/x.ckpt"
finish
