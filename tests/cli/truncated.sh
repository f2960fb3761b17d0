# A corpus truncated on disk while it is in use. Its bytes are read into memory when a session
# opens (they were mapped, and the next touch of a truncated mapping is SIGBUS): `nexttoken
# train` and the interface go on training, or refuse a text cut while it was being read, and are
# never killed by a signal - in the interface that would lose the unsaved training.
BIN=$1
. tests/cli-lib.sh
export XDG_DATA_HOME="$TMP/data" XDG_STATE_HOME="$TMP/state" LANG=C.UTF-8 LC_ALL=C.UTF-8
# ten copies of stories.txt (2.6 MB): learning its byte pairs takes long enough to be caught at it
for i in 1 2 3 4 5 6 7 8 9 10; do cat corpora/stories.txt; done >"$TMP/big.txt"

# train: truncated before it is read, while it is read, while its byte pairs are learned, later
for d in 0 0.01 0.03 0.06 0.1 0.2 0.4; do
    cp "$TMP/big.txt" "$TMP/c.txt"
    timeout -k 5 60 $BIN train --corpus "$TMP/c.txt" --preset tiny --steps 20 --out "$TMP/t.ckpt" --quiet --threads 1 \
        >/dev/null 2>"$TMP/err" &
    pid=$!
    sleep $d
    : >"$TMP/c.txt"
    wait $pid
    st=$?
    if [ $st -gt 128 ]; then fail "train, the corpus truncated after ${d} s: killed by signal $((st - 128))"
    elif [ $st -ne 0 ] && [ $st -ne 2 ]; then fail "train, the corpus truncated after ${d} s: status $st: $(cat "$TMP/err")"
    elif [ $st -eq 2 ] && [ "$(wc -l <"$TMP/err")" -ne 1 ]; then fail "train, the corpus truncated after ${d} s: $(cat "$TMP/err")"
    fi
done

# the interface (script mode): the corpus truncated once training has started; then the Tokens
# panel learns byte pairs from the text, which is the copy in memory
M="$TMP/tiny.ckpt"
expect_ok $BIN train --corpus corpora/stories.txt --preset tiny --tokenizer byte --steps 1 --out "$M" --quiet --threads 1
cp "$TMP/big.txt" "$TMP/c.txt"
mkdir "$TMP/screens"
cat >"$TMP/trunc.script" <<EOF
wait step 2
dump-frame started
wait step 150
key 2
expect Byte-pair merges, learned from the corpus
key 6
wait step 155
expect step 155
EOF
NT_SCREEN_DIR="$TMP/screens" timeout -k 5 120 $BIN --script "$TMP/trunc.script" --model "$M" --corpus "$TMP/c.txt" --threads 1 \
    >"$TMP/out" 2>"$TMP/err" &
pid=$!
i=0
while [ ! -e "$TMP/screens/started.screen" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$TMP/screens/started.screen" ] || fail "the interface never started training: $(cat "$TMP/err")"
: >"$TMP/c.txt"
wait $pid
st=$?
[ $st -eq 0 ] || fail "the interface, its corpus truncated while training: status $st$([ $st -gt 128 ] && echo " (signal $((st - 128)))"): $(head -c 600 "$TMP/err")"
finish
