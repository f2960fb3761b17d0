# Files that are not files: a FIFO (which would block a reader forever) and a directory given
# wherever nexttoken reads a file - every command's flags, the interface's --model, --corpus and
# --script, lessons and a lesson's corpus, and the interface's :load and :corpus. Each is refused
# at once with one line naming it; every run is under `timeout`, so that a reader that blocks
# fails the test instead of hanging it.
BIN=$1
. tests/cli-lib.sh
export XDG_DATA_HOME="$TMP/data" XDG_STATE_HOME="$TMP/state" LANG=C.UTF-8 LC_ALL=C.UTF-8
C=corpora/stories.txt
F="$TMP/fifo"
D="$TMP/dir"
mkfifo "$F"
mkdir "$D"
M="$TMP/tiny.ckpt"
expect_ok $BIN train --corpus $C --preset tiny --tokenizer byte --steps 2 --out "$M" --quiet --threads 1

T="timeout -k 5 20"
# every flag that names a file to read, given a FIFO and a directory
for bad in "$F" "$D"; do
    case $bad in "$F") why="not a regular file" ;; *) why="is a directory" ;; esac
    expect_error 2 "$why" $T $BIN train --corpus "$bad" --out "$TMP/x.ckpt" --threads 1
    expect_error 2 "$why" $T $BIN train --resume "$bad" --out "$TMP/x.ckpt" --threads 1
    expect_error 2 "$why" $T $BIN train --corpus $C --tokenizer "$bad" --out "$TMP/x.ckpt" --threads 1
    expect_error 2 "$why" $T $BIN train --resume "$M" --corpus "$bad" --out "$TMP/x.ckpt" --threads 1
    expect_error 2 "$why" $T $BIN sample --model "$bad"
    expect_error 2 "$why" $T $BIN loss --model "$bad" "ab"
    expect_error 2 "$why" $T $BIN softmax --model "$bad" --prompt "ab"
    expect_error 2 "$why" $T $BIN info --model "$bad"
    expect_error 2 "$why" $T $BIN export --model "$bad" --format llmc --out "$TMP/x.bin"
    expect_error 2 "$why" $T $BIN export --model "$M" --tokenizer "$bad" --format nexttoken --out "$TMP/x.ckpt"
    expect_error 2 "$why" $T $BIN encode --tokenizer "$bad" "ab"
    expect_error 2 "$why" $T $BIN encode --tokenizer word --corpus "$bad" "ab"
    expect_error 2 "$why" $T $BIN decode --tokenizer "$bad" 1 2
    expect_error 2 "$why" $T $BIN slice --tokenizer "$bad" "ab"
    expect_error 2 "$why" $T $BIN slice --model "$bad" "ab"
    expect_error 2 "$why" $T $BIN slice --tokenizer char --corpus "$bad" "ab"
    expect_error 2 "$why" $T $BIN bpe train --corpus "$bad" --vocab-size 300 --out "$TMP/x.tok"
    # the interface: the script is refused before anything else (a directory used to run as an
    # empty script and exit 0), the model and the corpus as the session opens
    expect_error 2 "$why" $T $BIN --script "$bad"
    echo "wait step 1" >"$TMP/one.script"
    expect_error 2 "$why" $T $BIN --script "$TMP/one.script" --model "$bad" --threads 1
    expect_error 2 "$why" $T $BIN --script "$TMP/one.script" --fresh --corpus "$bad" --threads 1
    # a lesson, and a lesson whose corpus is one (lessons --check reports FILE: problem lines)
    $T "$BIN" lessons --check --threads 1 "$bad" >"$TMP/out" 2>"$TMP/err"
    [ $? -eq 2 ] && grep -qF "$why" "$TMP/err" || fail "lessons --check $bad: $(head -c 300 "$TMP/err")"
done
mkdir "$TMP/lesson"
mkfifo "$TMP/lesson/story.txt"
printf -- '---\ntitle: t\nlang: en\norder: 1\nminutes: 1\n---\n## s\n```nexttoken\ncorpus story.txt\n```\n' >"$TMP/lesson/fifo.md"
$T "$BIN" lessons --check --threads 1 "$TMP/lesson/fifo.md" >"$TMP/out" 2>"$TMP/err"
[ $? -eq 2 ] && grep -qF "not a regular file" "$TMP/err" || fail "a lesson's corpus as a FIFO: $(head -c 300 "$TMP/err")"

# the interface's commands: each refusal is shown, and the script goes on
cat >"$TMP/cmds.script" <<EOF
:load $F
expect $F: not a regular file
:load $D
expect $D: is a directory, expected a model file
:corpus $F
expect $F: not a regular file
:corpus $D
expect $D: is a directory, expected a text file
:lesson $F
wait step 2
expect step 2
EOF
expect_ok $T $BIN --script "$TMP/cmds.script" --model "$M" --corpus $C --threads 1
finish
