# Messages that cannot attack the terminal, and the numbers and exit statuses people rely on:
# names and strings from files or arguments are shown escaped (an escape sequence in a corpus
# path stored in a checkpoint, in a section tag, in an argument); one "nexttoken: " per error;
# numbers are plain decimal everywhere (arguments, the interface's commands, scripts); the exit
# status is 0, 1, 2 or 128 + a signal, as cli.h says; progress lines only on a terminal; info
# shows the validation loss train printed; the status bar shows a loaded model's last loss.
BIN=$1
. tests/cli-lib.sh
export LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_DATA_HOME="$TMP/data" XDG_STATE_HOME="$TMP/state"
C=corpora/stories.txt
ESC=$(printf '\033')

# no_raw_esc FILE WHAT: FILE holds no ESC byte and no C1 control (escaped instead)
no_raw_esc() {
    if LC_ALL=C grep -q "$ESC" "$1" || LC_ALL=C grep -q "$(printf '\302\233')" "$1"; then
        fail "$2 printed a raw escape: $(od -c "$1" | head -3)"
    fi
}

# ---- escaping ----
# a corpus whose name holds "clear the screen": the checkpoint stores the path
cp $C "$TMP/a${ESC}[2Jb.txt"
expect_ok $BIN train --corpus "$TMP/a${ESC}[2Jb.txt" --preset tiny --tokenizer byte --steps 3 --val-every 0 --out "$TMP/m.ckpt"
no_raw_esc "$TMP/out" "train's summary"
no_raw_esc "$TMP/err" "train's notes"
expect_ok $BIN info --model "$TMP/m.ckpt"
expect_out 'corpus: '"$TMP"'/a\x1b[2Jb.txt'
no_raw_esc "$TMP/out" "info"
# train --val-every 0 validates only at the end: info shows that loss, as train printed it
expect_out "validation "
expect_ok $BIN info --model "$TMP/m.ckpt" --json
grep -q '"val_loss":[0-9]' "$TMP/out" || fail "info --json has no val_loss after --val-every 0: $(cat "$TMP/out")"
# the same path from the checkpoint, in an error (the corpus is gone)
rm "$TMP/a${ESC}[2Jb.txt"
expect_error 2 'a\x1b[2Jb.txt' $BIN train --resume "$TMP/m.ckpt" --steps 4 --out "$TMP/m2.ckpt"
no_raw_esc "$TMP/err" "the error naming the checkpoint's corpus"
# a section tag that is an escape sequence
printf 'NXTKCKPT\001\000\000\000\000\000\000\000\033[2J\144\000\000\000\000\000\000\000' >"$TMP/tag.ckpt"
expect_error 2 'section \x1b[2J needs 100 bytes' $BIN info --model "$TMP/tag.ckpt"
no_raw_esc "$TMP/err" "the error quoting a section tag"
# arguments: ESC, a C1 control, a byte that is not UTF-8; Korean stays as it is
expect_error 2 'x\x1b[31my.ckpt: No such file' $BIN info --model "$TMP/x${ESC}[31my.ckpt"
no_raw_esc "$TMP/err" "an error quoting an argument"
expect_error 2 'm\xc2\x9bx: No such file' $BIN info --model "$(printf 'm\302\233x')"
no_raw_esc "$TMP/err" "an error quoting a C1 control"
expect_error 2 'm\xff: No such file' $BIN info --model "$(printf 'm\377')"
expect_error 2 '모델.ckpt: No such file' $BIN info --model "$TMP/모델.ckpt"
expect_error 2 "unknown command '\\x1b[2J'" $BIN "${ESC}[2J"
expect_error 2 "train: unknown option --" $BIN train "--${ESC}"
grep -qF 'unknown option --\x1b' "$TMP/err" || fail "an unknown option with ESC: $(od -c "$TMP/err" | head -2)"
expect_error 2 "softmax: '\\x1b' is not a number" $BIN softmax 1 "$ESC"

# ---- one prefix, and the help a command names ----
expect_error 2 "unknown option --frobnicate (see nexttoken --help)" $BIN --frobnicate
grep -q "nexttoken: nexttoken:\|nexttoken nexttoken" "$TMP/err" && fail "doubled name: $(cat "$TMP/err")"
expect_error 2 "train: unknown option --frobnicate (see nexttoken train --help)" $BIN train --frobnicate
expect_error 2 "lesson: unknown option --frobnicate (see nexttoken lesson --help)" $BIN lesson --frobnicate
expect_error 2 "bpe train: unknown option --x (see nexttoken bpe train --help)" $BIN bpe train --x

# ---- plain decimal numbers only ----
expect_error 2 "train: --steps expects a whole number, not ' 5'" $BIN train --corpus $C --out "$TMP/n.ckpt" --steps " 5"
expect_error 2 "train: --steps expects a whole number, not '1e3'" $BIN train --corpus $C --out "$TMP/n.ckpt" --steps 1e3
expect_error 2 "train: --batch expects a whole number, not '0x10'" $BIN train --corpus $C --out "$TMP/n.ckpt" --batch 0x10
expect_error 2 "train: --lr expects a number, not '0x1p-10'" $BIN train --corpus $C --out "$TMP/n.ckpt" --lr 0x1p-10
expect_error 2 "train: --lr expects a number, not 'nan'" $BIN train --corpus $C --out "$TMP/n.ckpt" --lr nan
expect_error 2 "train: --seed expects a whole number >= 0, not '+5'" $BIN train --corpus $C --out "$TMP/n.ckpt" --seed +5
expect_error 2 "sample: --temperature expects a number, not ' 1'" $BIN sample --model x --temperature " 1"
expect_error 2 "sample: --top-k is too large (99999999999999999999)" $BIN sample --model x --top-k 99999999999999999999
expect_error 2 "--threads expects a whole number, not '0x10'" $BIN --threads 0x10
expect_error 2 "--size takes COLSxROWS" $BIN --script x --size " 100x30"
expect_error 2 "--size takes COLSxROWS" $BIN --script x --size "100x30x"
expect_error 2 "softmax: '0x10' is not a number" $BIN softmax 1 0x10
expect_error 2 "softmax: 'inf' is not a number" $BIN softmax 1 inf
expect_error 2 "decode: ' 65' is not a token id of byte" $BIN decode --tokenizer byte " 65"
expect_ok $BIN softmax -- -1 -2.5e1 .5 3.
expect_out "-25.0000"
[ -e "$TMP/n.ckpt" ] && fail "a refused number left n.ckpt behind"

# ---- exit statuses: 0 done, 1 failed, 2 bad input, 128 + a signal ----
expect_ok $BIN --help
expect_ok $BIN help
expect_ok $BIN train --help
expect_ok $BIN bpe --help
expect_ok $BIN --version --help
expect_out "usage: nexttoken --version"
expect_error 2 "version: unexpected argument 'extra'" $BIN --version extra
expect_error 2 "help takes nothing more" $BIN help train
# output that cannot be written is a failure
if [ -w /dev/full ]; then
    $BIN softmax 1 2 >/dev/full 2>"$TMP/err"
    st=$?
    [ "$st" -eq 1 ] && grep -q "^nexttoken: cannot write the output" "$TMP/err" || fail "softmax >/dev/full -> status $st: $(cat "$TMP/err")"
fi
# SIGTERM stops train as Ctrl-C does, saving; the status says which signal: 128 + 15
$BIN train --corpus $C --preset tiny --tokenizer byte --steps 100000 --out "$TMP/term.ckpt" --quiet >"$TMP/term.out" 2>&1 &
pid=$!
sleep 2
kill -TERM $pid
wait $pid
st=$?
[ "$st" -eq 143 ] || fail "train after SIGTERM exited $st, want 143: $(cat "$TMP/term.out")"
grep -q "interrupted after" "$TMP/term.out" || fail "no 'interrupted' summary after SIGTERM: $(cat "$TMP/term.out")"
expect_ok $BIN info --model "$TMP/term.ckpt"

# ---- progress lines go to a terminal only ----
expect_ok $BIN train --corpus $C --preset tiny --tokenizer byte --steps 3 --out "$TMP/p.ckpt"
grep -q "tok/s" "$TMP/err" && fail "a progress line went to a stderr that is not a terminal: $(cat "$TMP/err")"
expect_ok $BIN bpe train --corpus $C --vocab-size 260 --out "$TMP/p.tok"
grep -q "merges" "$TMP/err" && fail "bpe's progress line went to a stderr that is not a terminal: $(cat "$TMP/err")"

# ---- the interface: messages escaped, numbers plain, a loaded model's last loss ----
loss=$($BIN info --model "$TMP/p.ckpt" --json | sed 's/.*"loss":\([0-9.]*\).*/\1/')
loss3=$(awk -v l="$loss" 'BEGIN { printf "%.3f", l }')
cat >"$TMP/ui.script" <<EOF
expect step 3  loss $loss3
:panel ${ESC}[2J
expect no panel '\x1b[2J'
:load $TMP/gone${ESC}[2J.ckpt
expect gone\x1b[2J.ckpt
:top-k 0x10
expect top-k takes a whole number
:top-k 1e30
expect top-k takes a whole number
:top-k 99999999
expect top-k 2097152
:temp 0x1p-1
expect temp takes a number
:lr 0x1p-10
expect lr takes a learning rate
:seed 0x10
expect seed takes a whole number
:sample seed 1e3
expect sample seed N: a whole number
:slice window 0x8
expect slice window N
:softmax logit sofa 0x2
expect logit NAME X
:softmax logit sofa   2.5
expect sofa
EOF
expect_ok $BIN --model "$TMP/p.ckpt" --script "$TMP/ui.script" --threads 2
# a script's numbers too
printf 'wait step 0x2\n' >"$TMP/bad.script"
expect_error 2 'bad.script:1: cannot do "wait step 0x2"' $BIN --fresh --script "$TMP/bad.script" --threads 1
printf 'resize 80x24 \n' >"$TMP/bad.script"
expect_error 2 'cannot do "resize 80x24 "' $BIN --fresh --script "$TMP/bad.script" --threads 1
printf 'tick 1e2\n' >"$TMP/bad.script"
expect_error 2 'cannot do "tick 1e2"' $BIN --fresh --script "$TMP/bad.script" --threads 1
finish
