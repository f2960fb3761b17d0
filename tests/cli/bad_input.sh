# Bad input of every kind: one line on stderr naming the problem, exit status 2, no crash, and
# nothing on disk touched.
BIN=$1
. tests/cli-lib.sh
C=corpora/stories.txt

printf '' >"$TMP/empty.txt"
printf 'ab\000cd' >"$TMP/binary.txt"
printf 'caf\303(' >"$TMP/latin.txt"
printf 'too short' >"$TMP/short.txt"
printf 'my notes\n' >"$TMP/notes.txt"
mkdir "$TMP/dir"

# train: files
expect_error 2 "missing.txt: No such file" $BIN train --corpus "$TMP/missing.txt" --out "$TMP/m.ckpt"
expect_error 2 "empty file" $BIN train --corpus "$TMP/empty.txt" --out "$TMP/m.ckpt"
expect_error 2 "binary file (NUL byte at offset 2)" $BIN train --corpus "$TMP/binary.txt" --out "$TMP/m.ckpt"
expect_error 2 "not UTF-8 text (invalid byte 0xc3 at offset 3)" $BIN train --corpus "$TMP/latin.txt" --out "$TMP/m.ckpt"
expect_error 2 "too short: 9 tokens" $BIN train --corpus "$TMP/short.txt" --tokenizer byte --out "$TMP/m.ckpt"
expect_error 2 "too short: 2 tokens" $BIN train --corpus "$TMP/short.txt" --out "$TMP/m.ckpt"
expect_error 2 "is a directory" $BIN train --corpus "$TMP/dir" --out "$TMP/m.ckpt"
expect_error 2 "notes.txt: exists and is not a nexttoken checkpoint; refusing to overwrite it" $BIN train --corpus $C --out "$TMP/notes.txt"
[ "$(cat "$TMP/notes.txt")" = "my notes" ] || fail "notes.txt was changed"
expect_error 2 "cannot write" $BIN train --corpus $C --out "$TMP/nodir/m.ckpt" --steps 1
# train: flags
expect_error 2 "--steps must be between 1" $BIN train --corpus $C --out "$TMP/m.ckpt" --steps 0
expect_error 2 "learning rate must be in (0, 10]" $BIN train --corpus $C --out "$TMP/m.ckpt" --lr -1
expect_error 2 "--layers must be between 1" $BIN train --corpus $C --out "$TMP/m.ckpt" --layers 0
expect_error 2 "heads (3) must divide the width (128)" $BIN train --corpus $C --out "$TMP/m.ckpt" --heads 3
expect_error 2 "--batch must be between 1" $BIN train --corpus $C --out "$TMP/m.ckpt" --batch 0
expect_error 2 "--lr expects a number, not 'fast'" $BIN train --corpus $C --out "$TMP/m.ckpt" --lr fast
expect_error 2 "--steps expects a whole number" $BIN train --corpus $C --out "$TMP/m.ckpt" --steps 2.5
expect_error 2 "unknown option --frobnicate" $BIN train --corpus $C --out "$TMP/m.ckpt" --frobnicate
expect_error 2 "--corpus FILE is required" $BIN train --out "$TMP/m.ckpt"
expect_error 2 "--out FILE is required" $BIN train --corpus $C
expect_error 2 "unknown preset 'huge'" $BIN train --corpus $C --out "$TMP/m.ckpt" --preset huge
expect_error 2 "--out needs a value" $BIN train --corpus $C --out
[ -e "$TMP/m.ckpt" ] && fail "a failed train left m.ckpt behind"

# model files
head -c 100 /dev/urandom >"$TMP/random.bin"
expect_error 2 "random.bin: not a nexttoken checkpoint or llm.c model (unknown magic number)" $BIN sample --model "$TMP/random.bin"
printf 'NXTKCKPT\001\000\000\000\000\000\000\000CONF' >"$TMP/trunc.ckpt"
expect_error 2 "trunc.ckpt: truncated" $BIN sample --model "$TMP/trunc.ckpt"
printf 'NXTKCKPT\011\000\000\000\000\000\000\000' >"$TMP/future.ckpt"
expect_error 2 "format version 9 is not one this nexttoken reads" $BIN sample --model "$TMP/future.ckpt"
expect_error 2 "nothing.ckpt: No such file" $BIN sample --model "$TMP/nothing.ckpt"
expect_error 2 "empty.txt: not a model file (0 bytes)" $BIN loss --model "$TMP/empty.txt" "ab"
expect_error 2 "dir: is a directory, expected a model file" $BIN loss --model "$TMP/dir" "ab"
expect_error 2 "random.bin: not a nexttoken checkpoint" $BIN train --corpus $C --resume "$TMP/random.bin" --out "$TMP/m2.ckpt"

# sampler knobs (checked before the model is even read)
expect_error 2 "--model FILE is required" $BIN sample
expect_error 2 "temperature must be between 0 and 100 (got -1)" $BIN sample --model x --temperature -1
expect_error 2 "top-p must be in (0, 1] (got 0)" $BIN sample --model x --top-p 0
expect_error 2 "top-p must be in (0, 1] (got 1.5)" $BIN sample --model x --top-p 1.5
expect_error 2 "top-k must be >= 0 (got -1)" $BIN sample --model x --top-k -1
expect_error 2 "min-p must be in [0, 1] (got 2)" $BIN sample --model x --min-p 2

# softmax
expect_error 2 "give at least one logit" $BIN softmax
expect_error 2 "'abc' is not a number" $BIN softmax 1 abc
expect_error 2 "temperature must be between 0 and 100" $BIN softmax --temperature -2 1 2

# the rest
expect_error 2 "unknown command 'fly'" $BIN fly
expect_error 2 "give one TEXT" $BIN slice
expect_error 2 "it takes two to make one example" $BIN slice "a"
expect_error 2 "unknown format 'onnx'" $BIN export --model x --format onnx --out "$TMP/x"
finish
