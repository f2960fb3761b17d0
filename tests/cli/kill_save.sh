# kill -9 at any moment of `train --save-every 1` (saving after every step, so many kills land in
# a save): the checkpoint always loads, and the temporary files the killed saves leave behind are
# removed by the next save to that file.
BIN=$1
. tests/cli-lib.sh
C=corpora/stories.txt
K="$TMP/k.ckpt"
expect_ok $BIN train --corpus $C --preset tiny --tokenizer byte --steps 1 --out "$K" --quiet
i=0
while [ $i -lt 8 ]; do
    $BIN train --resume "$K" --steps 1000000 --save-every 1 --threads 1 --quiet >/dev/null 2>&1 &
    pid=$!
    # a moment 0.3 to 1.2 s in: past the start, at a different point of the save cycle each time
    sleep "$(awk -v r="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { printf "%.3f", 0.3 + (r % 900) / 1000 }')"
    kill -KILL $pid
    wait $pid 2>/dev/null
    expect_ok $BIN info --model "$K"
    i=$((i + 1))
done
left=$(ls "$TMP" | grep -c '^k\.ckpt\.tmp\.')
# the next save, of a model already past --steps 1, saves it unchanged and cleans up
expect_ok $BIN train --resume "$K" --steps 1 --quiet
expect_ok $BIN info --model "$K"
stale=$(ls "$TMP" | grep '\.tmp\.')
[ -z "$stale" ] || fail "the save after $left killed ones left temporary files: $stale"
finish
