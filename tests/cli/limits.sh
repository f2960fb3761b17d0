# Work and output bounded whatever the input asks: slice prints the first examples of a long
# text and says how many it left out (all of them are quadratic in its length), and --threads is
# at most four per core for every command that takes it (a thousand made one tiny step take 26 s).
BIN=$1
. tests/cli-lib.sh
export XDG_DATA_HOME="$TMP/data" XDG_STATE_HOME="$TMP/state" LANG=C.UTF-8 LC_ALL=C.UTF-8
C=corpora/stories.txt

# slice: 16,000 bytes are 16,000 tokens, whose 15,999 examples were 384 MB of output
long=$(head -c 16000 $C | tr -c 'a-z' ' ')
timeout -k 5 20 $BIN slice "$long" >"$TMP/out" 2>"$TMP/err"
st=$?
[ $st -eq 0 ] || fail "slice of 16,000 tokens: status $st: $(head -c 300 "$TMP/err")"
[ "$(wc -c <"$TMP/out")" -lt 100000 ] || fail "slice of 16,000 tokens printed $(wc -c <"$TMP/out") bytes"
[ "$(grep -c ' ->  ' "$TMP/out")" -eq 100 ] || fail "slice printed $(grep -c ' ->  ' "$TMP/out") examples, not the first 100"
expect_out "16000 tokens (byte tokenizer) -> 15999 training examples"
expect_out "... and 15899 more examples, not printed (--limit N prints the first N, --limit 0 all of them)"
timeout -k 5 20 $BIN slice --context 8 "$long" >"$TMP/out" 2>"$TMP/err"
[ "$(grep -c '^window ' "$TMP/out")" -eq 100 ] || fail "slice --context printed $(grep -c '^window ' "$TMP/out") windows"
expect_out "... and 15892 more windows, not printed"
expect_ok $BIN slice --limit 3 "abcdef"
[ "$(grep -c ' ->  ' "$TMP/out")" -eq 3 ] || fail "slice --limit 3: $(cat "$TMP/out")"
expect_out "... and 2 more examples"
expect_ok $BIN slice --limit 0 "$(head -c 300 $C)"
[ "$(grep -c ' ->  ' "$TMP/out")" -eq 299 ] || fail "slice --limit 0 printed $(grep -c ' ->  ' "$TMP/out") of 299 examples"
grep -q "more examples" "$TMP/out" && fail "slice --limit 0 says it left some out"
expect_ok $BIN slice "The cat sat"
grep -q "more examples" "$TMP/out" && fail "slice of 11 tokens says it left some out"
expect_ok $BIN slice --json --limit 2 "abcd"
expect_out '"examples":[{"input":[97],"target":98},{"input":[97,98],"target":99}],"not_shown":1}'
expect_error 2 "--limit must be between 0" $BIN slice --limit -1 "abc"

# --threads: the range named, for train, the interface and lessons --check alike
max=$((4 * $(getconf _NPROCESSORS_ONLN)))
[ $max -gt 256 ] && max=256
expect_error 2 "train: --threads must be between 1 and $max (got 1000)" timeout -k 5 20 $BIN train --corpus $C --out "$TMP/m.ckpt" --threads 1000
expect_error 2 "train: --threads must be between 1 and $max (got $((max + 1)))" timeout -k 5 20 $BIN train --corpus $C --out "$TMP/m.ckpt" --threads $((max + 1))
expect_error 2 "--threads must be between 1 and $max (got 0)" timeout -k 5 20 $BIN train --corpus $C --out "$TMP/m.ckpt" --threads 0
expect_error 2 "nexttoken: --threads must be between 1 and $max (got 1000)" timeout -k 5 20 $BIN --threads 1000
expect_error 2 "--threads must be between 1 and $max (got 1000)" timeout -k 5 20 $BIN --script /dev/null --threads 1000
expect_error 2 "lessons: --threads must be between 1 and $max (got 1000)" timeout -k 5 20 $BIN lessons --check --threads 1000
expect_ok timeout 60 $BIN train --corpus $C --preset tiny --tokenizer byte --steps 1 --out "$TMP/m.ckpt" --quiet --threads $max
finish
