# Hostile terminals, in a real one (tmux): a very large screen (300x100), a VT100 (no colour), the
# C locale (no UTF-8: Korean text must not reach it as raw bytes), the interface in Korean under
# LANG=ko_KR.UTF-8 (not installed: C.UTF-8's characters, Korean all the same), storms of resizes
# through sizes down to 1x1 while the model trains (on a panel, in the command line, over the
# help), and output to a pipe or a file. Every run must quit with status 0 through q, leave the
# terminal restored (#{alternate_on} 0) and an autosave that loads, and touch no file of the
# user's. (e2e.sh covers 20x5, 1x1, TERM=dumb, unknown terminals and no terminal at all.)
BIN=$1
. tests/cli-lib.sh
. tests/tui/tmux-lib.sh
D="$XDG_DATA_HOME/nexttoken"
mkdir -p "$D"
# the user's own files, beside the autosave and elsewhere
printf 'my notes\n' >"$D/notes.txt"
expect_ok $BIN train --corpus corpora/stories.txt --preset tiny --steps 2 --out "$TMP/mine.ckpt" --quiet --threads 1
cp "$TMP/mine.ckpt" "$TMP/mine.was"

# open_in W H ENV...: the interface at W x H with the environment given, then its status
open_in() {
    w=$1 h=$2
    shift 2
    T -f /dev/null new -d -x "$w" -y "$h" "env $* $BIN --fresh --threads 2; echo EXIT=\$?; sleep 60"
}

# quits with q: status 0, the terminal restored, an autosave that loads, the user's files as
# they were
quit_ok() {
    T send-keys q
    wait_for "EXIT=0"
    [ "$(T display -p '#{alternate_on}')" = 0 ] || fail "$1: the terminal was left in the alternate screen"
    $BIN info --model "$D/default.ckpt" >/dev/null 2>&1 || fail "$1: the autosave does not load"
    [ "$(cat "$D/notes.txt")" = "my notes" ] || fail "$1: notes.txt changed"
    cmp -s "$TMP/mine.ckpt" "$TMP/mine.was" || fail "$1: mine.ckpt changed"
    next_run
}

# 300x100: every panel, a lesson and its next step
open_in 300 100 LANG=C.UTF-8
wait_for "How a language model learns"
panels 300x100
T send-keys : "lesson 3" Enter
wait_for "1/6"
T send-keys n
wait_for "2/6"
T send-keys Escape
quit_ok 300x100

# a VT100: no colour, the line drawing of its alternate character set
open_in 80 24 LANG=C.UTF-8 TERM=vt100
wait_for "How a language model learns"
panels vt100
quit_ok vt100

# the C locale: a Korean lesson opens, and its text never reaches the terminal as raw bytes
open_in 100 30 LANG=C LC_ALL=C
wait_for "How a language model learns"
panels LANG=C
T send-keys : "lesson lessons/ko/03-softmax.md" Enter
wait_for '1/6'
T capture-pane -p | LC_ALL=C grep -q "$(printf '\353')" && fail "LANG=C: raw UTF-8 bytes on the screen"
T send-keys Escape
quit_ok LANG=C

# LANG=ko_KR.UTF-8, which a fresh Debian has no locale for: the interface in Korean all the same,
# in UTF-8; every panel; :lang en and back, live; a Korean prompt typed on the command line; a
# resize storm over the help in Korean; then q says where it saved, in Korean
open_in 100 30 LANG=ko_KR.UTF-8 LC_ALL=
wait_for "언어 모델은 어떻게 배우는가"
for k in 1 2 3 4 5 6 7 0; do
    T send-keys "$k"
    case $k in
        0) wait_for "언어 모델은 어떻게 배우는가" ;;
        1) wait_for "텍스트가 스스로 레이블을 답니다" ;;
        2) wait_for "말뭉치에서 학습한 바이트 쌍 병합" ;;
        3) wait_for "다음 토큰에 대한 모델의 점수" ;;
        4) wait_for "모델은 각 토큰에 얼마나 놀랄까?" ;;
        5) wait_for "Space로 [0, 1)에서" ;;
        6) wait_for "손실  평활화" ;;
        7) wait_for "v 보기  [ ] 층" ;;
    esac || fail "ko_KR.UTF-8: panel $k"
done
T send-keys : "lang en" Enter
wait_for "How a language model learns"
T send-keys : "lang ko" Enter
wait_for "언어 모델은 어떻게 배우는가"
T send-keys 1 : "prompt 옛날 옛적에 작은 고양이가" Enter
wait_for '텍스트가 스스로 레이블을 답니다: "옛날 옛적에 작은 고양이가"'
T send-keys '?'
for size in 1x1 20x5 60x16 33x7 120x40 100x30; do T resize-window -x "${size%x*}" -y "${size#*x}"; done
wait_for "도움말: 자르기"
T send-keys Escape q
wait_for "EXIT=0"
[ "$(T display -p '#{alternate_on}')" = 0 ] || fail "ko_KR.UTF-8: the terminal was left in the alternate screen"
T capture-pane -p -J | grep -q "^nexttoken: .* 단계의 모델을 .*에 저장했습니다" || fail "ko_KR.UTF-8: the note on quitting: $(T capture-pane -p | grep -v '^$' | tail -2)"
$BIN info --model "$D/default.ckpt" >/dev/null 2>&1 || fail "ko_KR.UTF-8: the autosave does not load"
next_run

# resize storms while the model trains: on the Loss panel, in the middle of a command line, over
# the help; then at 100x30 it is the interface again
open_in 100 30 LANG=C.UTF-8
wait_for "How a language model learns"
T send-keys 6
wait_for "Loss  smoothing"
storm() {
    for size in 1x1 20x5 300x100 49x13 50x14 2x80 80x2 120x40 1x1 100x30 33x7 250x60; do
        T resize-window -x "${size%x*}" -y "${size#*x}"
    done
}
for k in 1 2 3 4 5 6; do
    T send-keys "$k"
    storm
done
T send-keys : "lr 3e-4"
storm
storm
T send-keys Enter
T send-keys '?'
storm
T send-keys Escape 6
T resize-window -x 100 -y 30
wait_for "Loss  smoothing"
T send-keys : 'lr' Enter
wait_for "learning rate"
quit_ok "resize storm"

# output to a pipe or a file: refused with one line and status 2; stderr elsewhere is no matter
T -f /dev/null new -d -x 100 -y 30 "{ LANG=C.UTF-8 $BIN --fresh; echo \$? >$TMP/st; } | cat >$TMP/piped; sleep 60"
i=0
while [ ! -s "$TMP/st" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cat "$TMP/st" 2>/dev/null)" = 2 ] || fail "stdout a pipe: status $(cat "$TMP/st" 2>/dev/null)"
[ -s "$TMP/piped" ] && fail "stdout a pipe: wrote into it: $(head -c 200 "$TMP/piped")"
T capture-pane -p -J | grep -q "^nexttoken: the interactive interface needs a terminal" || fail "stdout a pipe: $(T capture-pane -p | head -3)"
next_run
T -f /dev/null new -d -x 100 -y 30 "LANG=C.UTF-8 $BIN --fresh >$TMP/out.txt; echo EXIT=\$?; sleep 60"
wait_for "EXIT=2"
[ "$(T capture-pane -p -J | grep -c '^nexttoken: ')" = 1 ] || fail "stdout a file: $(T capture-pane -p | head -3)"
next_run
T -f /dev/null new -d -x 100 -y 30 "LANG=C.UTF-8 $BIN --fresh --threads 2 2>$TMP/err.txt; echo EXIT=\$?; sleep 60"
wait_for "How a language model learns"
quit_ok "stderr a file"

# a model's text on a terminal: its control bytes escaped, a character split between tokens whole
T -f /dev/null new -d -x 100 -y 30 "LANG=C.UTF-8 $BIN decode --tokenizer byte 27 91 50 74 104 105 32 236 149 136 32 200 7; echo; echo EXIT=\$?; sleep 60"
wait_for "EXIT=0"
T capture-pane -p | grep -qF 'x1b[2Jhi 안 \xc8\x07' || fail "decode on a terminal: $(T capture-pane -p | head -2)"
next_run
finish
