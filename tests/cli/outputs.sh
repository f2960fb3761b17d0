# Every file a command writes follows one rule (src/core/base/atomicfile.h): a new path, an empty
# file or a file of the writer's own kind is replaced, atomically; any other file is refused, and
# a directory, FIFO or device is refused without blocking; one command never writes two outputs,
# or an output over its input, at one path. And what is saved loads: a text that merges into
# one 65,536-byte token makes a tokenizer and a model that load back.
BIN=$1
. tests/cli-lib.sh
C=corpora/stories.txt
# A refused FIFO must not hang the test: a command still running after this long has blocked.
T="timeout 60"

M="$TMP/m.ckpt"
expect_ok $BIN train --corpus $C --preset tiny --tokenizer byte --steps 2 --out "$M" --quiet
cp "$M" "$TMP/other.ckpt"
expect_ok $BIN export --model "$M" --format llmc --out "$TMP/m.bin" --tokenizer-out "$TMP/tok.bin"
expect_ok $BIN bpe train --corpus $C --vocab-size 260 --out "$TMP/s.tok"
printf 'my notes\n' >"$TMP/notes.txt"
mkfifo "$TMP/fifo"
mkdir "$TMP/dir"
for f in m.ckpt other.ckpt m.bin tok.bin s.tok notes.txt; do cp "$TMP/$f" "$TMP/$f.orig"; done
untouched() {
    for f in m.ckpt other.ckpt m.bin tok.bin s.tok notes.txt; do
        cmp -s "$TMP/$f" "$TMP/$f.orig" || { fail "$f was changed by: $*"; cp "$TMP/$f.orig" "$TMP/$f"; }
    done
    [ -p "$TMP/fifo" ] && [ -d "$TMP/dir" ] && { [ ! -e "$TMP/null" ] || [ -c "$TMP/null" ]; } || fail "the FIFO, the directory or the device was replaced by: $*"
    ls "$TMP" | grep -q '\.tmp\.' && fail "a temporary file is left after: $*"
    rm -f "$TMP/new.bin" "$TMP/new.tok"
}

# each writer replaces only its own kind
refused() { # FRAGMENT CMD...
    expect_error 2 "$@"
    shift
    untouched "$@"
}
refused "notes.txt: exists and is not an llm.c tokenizer file; refusing to overwrite it" \
    $BIN export --model "$M" --format llmc --out "$TMP/new.bin" --tokenizer-out "$TMP/notes.txt"
refused "other.ckpt: exists and is not an llm.c tokenizer file" \
    $BIN export --model "$M" --format llmc --out "$TMP/new.bin" --tokenizer-out "$TMP/other.ckpt"
refused "m.bin: exists and is not an llm.c tokenizer file" \
    $BIN export --model "$M" --format llmc --out "$TMP/new.bin" --tokenizer-out "$TMP/m.bin"
refused "s.tok: exists and is not an llm.c tokenizer file" \
    $BIN export --model "$M" --format llmc --out "$TMP/new.bin" --tokenizer-out "$TMP/s.tok"
refused "other.ckpt: exists and is not an llm.c model" $BIN export --model "$M" --format llmc --out "$TMP/other.ckpt"
refused "m.bin: exists and is not a nexttoken checkpoint" $BIN export --model "$M" --format nexttoken --out "$TMP/m.bin"
refused "notes.txt: exists and is not a nexttoken checkpoint" $BIN export --model "$M" --format nexttoken --out "$TMP/notes.txt"
refused "m.bin: exists and is not a nexttoken checkpoint" $BIN train --corpus $C --preset tiny --steps 1 --out "$TMP/m.bin"
refused "s.tok: exists and is not a nexttoken checkpoint" $BIN train --corpus $C --preset tiny --steps 1 --out "$TMP/s.tok"
refused "other.ckpt: exists and is not a nexttoken tokenizer file" $BIN bpe train --corpus $C --vocab-size 260 --out "$TMP/other.ckpt"
refused "tok.bin: exists and is not a nexttoken tokenizer file" $BIN bpe train --corpus $C --vocab-size 260 --out "$TMP/tok.bin"

# two outputs at one path, or an output over the input
refused "--out and --tokenizer-out are the same file" \
    $BIN export --model "$M" --format llmc --out "$TMP/new.bin" --tokenizer-out "$TMP/new.bin"
refused "--out and --tokenizer-out are the same file" \
    $BIN export --model "$M" --format llmc --out "$TMP/tok.bin" --tokenizer-out "$TMP/./tok.bin"
refused "is the model being exported; writing over it would replace it (and any training state) with a weights-only copy" \
    $BIN export --model "$M" --format nexttoken --out "$M"
refused "is the model being exported" $BIN export --model "$M" --format nexttoken --out "$TMP/../$(basename "$TMP")/m.ckpt"
ln "$M" "$TMP/hardlink.ckpt"
refused "is the model being exported" $BIN export --model "$M" --format nexttoken --out "$TMP/hardlink.ckpt"
rm "$TMP/hardlink.ckpt"
refused "--tokenizer-out" $BIN export --model "$TMP/m.bin" --tokenizer "$TMP/tok.bin" --format llmc --out "$TMP/new.bin" --tokenizer-out "$TMP/m.bin"

# a FIFO, a directory, a device: refused at once, by every writer. (The device is made here, not
# /dev/null: a writer that broke the rule would replace it, which as root it could.)
devices=
mknod "$TMP/null" c 1 3 2>/dev/null && devices="$TMP/null"
for out in "$TMP/fifo" "$TMP/dir" $devices; do
    case $out in */dir) why="is a directory" ;; *) why="not a regular file" ;; esac
    refused "$why" $T $BIN train --corpus $C --preset tiny --steps 1 --out "$out"
    refused "$why" $T $BIN bpe train --corpus $C --vocab-size 260 --out "$out"
    refused "$why" $T $BIN export --model "$M" --format nexttoken --out "$out"
    refused "$why" $T $BIN export --model "$M" --format llmc --out "$out"
    refused "$why" $T $BIN export --model "$M" --format llmc --out "$TMP/new.bin" --tokenizer-out "$out"
done

# their own kind, an empty file and a new path are written
: >"$TMP/empty"
expect_ok $BIN export --model "$M" --format llmc --out "$TMP/m.bin" --tokenizer-out "$TMP/empty"
expect_ok $BIN export --model "$TMP/other.ckpt" --format llmc --out "$TMP/m.bin" --tokenizer-out "$TMP/tok.bin"
expect_ok $BIN encode --tokenizer "$TMP/tok.bin" "the cat"
expect_ok $BIN export --model "$M" --format nexttoken --out "$TMP/other.ckpt"
expect_ok $BIN train --corpus $C --preset tiny --tokenizer byte --steps 1 --out "$TMP/other.ckpt" --quiet
expect_ok $BIN bpe train --corpus $C --vocab-size 270 --out "$TMP/s.tok"
ls "$TMP" | grep -q '\.tmp\.' && fail "a temporary file is left: $(ls "$TMP")"

# the interface's :save and :export loss, by the same rule (headless, the dumps' directory as $DIR)
mkdir "$TMP/ui"
mkfifo "$TMP/ui/fifo"
printf 'my notes\n' >"$TMP/ui/notes.txt"
cat >"$TMP/ui.script" <<'EOF'
wait step 1
:export loss $DIR/notes.txt
expect notes.txt: exists and is not a loss export; refusing to overwrite it
:export loss $DIR/fifo
expect fifo: not a regular file
:save $DIR/notes.txt
expect notes.txt: exists and is not a nexttoken checkpoint; refusing to overwrite it
:save $DIR/fifo
expect fifo: not a regular file
:save $DIR/m.ckpt
expect saved
EOF
XDG_DATA_HOME="$TMP/xdg" NT_SCREEN_DIR="$TMP/ui" expect_ok $T $BIN --script "$TMP/ui.script" --size 200x30 --threads 2
[ "$(cat "$TMP/ui/notes.txt")" = "my notes" ] && [ -p "$TMP/ui/fifo" ] || fail "the interface wrote over notes.txt or the FIFO"
expect_ok $BIN info --model "$TMP/ui/m.ckpt"

# One letter 65,536 times: what bpe train saves loads, and so does a model trained on it (its
# tokens stop at 32,768 bytes, under the 16-bit length the files store). llm.c's tokenizer file
# holds tokens of at most 255 bytes: the export is refused before anything is written.
awk 'BEGIN { s = "a"; for (i = 0; i < 16; i++) s = s s; printf "%s", s }' >"$TMP/a.txt"
expect_ok $BIN bpe train --corpus "$TMP/a.txt" --vocab-size 300 --out "$TMP/a.tok"
expect_ok $BIN encode --tokenizer "$TMP/a.tok" --json "aaaa"
{ cat "$TMP/a.txt"; echo; cat "$TMP/a.txt"; echo; awk 'BEGIN { for (c = 33; c < 127; c++) printf "%c", c; print ""; for (c = 126; c > 32; c--) printf "%c", c; print "" }'; } >"$TMP/aa.txt"
cp "$M" "$TMP/good.ckpt"
expect_ok $BIN train --corpus "$TMP/aa.txt" --preset tiny --vocab-size 280 --steps 1 --out "$TMP/good.ckpt" --quiet
expect_ok $BIN info --model "$TMP/good.ckpt" --json
expect_out '"vocab":280'
expect_ok $BIN encode --tokenizer "$TMP/good.ckpt" "aaaa"
expect_error 2 "llm.c's tokenizer file holds 1 to 255" \
    $BIN export --model "$TMP/good.ckpt" --format llmc --out "$TMP/new.bin" --tokenizer-out "$TMP/new.tok"
[ -e "$TMP/new.bin" ] || [ -e "$TMP/new.tok" ] && fail "a refused llm.c export wrote a file"
finish
