# End-to-end runs of the interface in a real terminal (tmux): start, every panel, a resize to
# 40x12 and back, the command line, quit; SIGTERM; terminals too small; and the refusals without
# a terminal, or with one that cannot move the cursor. Each
# run must leave the terminal restored (#{alternate_on} back to 0) and the model saved.
BIN=$1
. tests/cli-lib.sh
. tests/tui/tmux-lib.sh

start() { # args for nexttoken
    T -f /dev/null new -d -x 100 -y 30 "LANG=C.UTF-8 $BIN $* --threads 2; echo EXIT=\$?; sleep 60"
}

start --fresh
wait_for "step"
T display -p '#{alternate_on}' | grep -q 1 || fail "the interface did not switch to the alternate screen"
panels e2e
T send-keys 6
wait_for "Loss  smoothing"
# a on the Slice panel steps through the examples by itself (a again stops it)
T send-keys 1 a
wait_for "    3 "
T send-keys a 7 Tab
wait_for "How a language model learns"
T send-keys 6
T resize-window -x 40 -y 12
wait_for "at least 50x14"
T resize-window -x 100 -y 30
wait_for "Loss  smoothing"
T send-keys : 'lr 3e-4' Enter
wait_for "learning rate 0.0003 from the next step"
T send-keys : 'nonsense' Enter
wait_for "unknown command 'nonsense'"
T send-keys '?'
wait_for "Help: Train"
T send-keys Escape
T send-keys : "export loss $TMP/loss.csv" Enter
wait_for "steps of loss history to"
head -1 "$TMP/loss.csv" | grep -qx "step,seconds,loss,val_loss" || fail "loss.csv header: $(head -1 "$TMP/loss.csv")"
[ "$(wc -l <"$TMP/loss.csv")" -gt 2 ] || fail "loss.csv has no rows"
printf 'my notes\n' >"$TMP/notes.txt"
T send-keys : "export loss $TMP/notes.txt" Enter
wait_for "is not a loss export; refusing to overwrite it"
# a lesson opened from the command line: n goes to its next step (the command that opened it is
# not the class playing with the panel, which n would first put back)
if [ -f lessons/en/03-softmax.md ]; then
    T send-keys : "lesson 3" Enter
    wait_for "1/6"
    T send-keys n
    wait_for "2/6"
    T send-keys Escape
fi
# Ctrl-Z suspends (the terminal back to the shell), fg resumes the screen
T send-keys q
wait_for "EXIT=0"
next_run
T -f /dev/null new -d -x 100 -y 30 "bash --norc -i"
T send-keys "LANG=C.UTF-8 $BIN --fresh --threads 2" Enter
wait_for "How a language model learns"
T send-keys C-z
wait_for "Stopped"
[ "$(T display -p '#{alternate_on}')" = 0 ] || fail "Ctrl-Z left the alternate screen on"
T send-keys "fg" Enter
wait_for "How a language model learns"
T send-keys q
wait_for "saved the model at step"
next_run
start
wait_for "resumed"
T send-keys q
wait_for "EXIT=0"
T capture-pane -p | grep -q "saved the model at step" || fail "no 'saved' line after quitting: $(T capture-pane -p | tail -3)"
[ "$(T display -p '#{alternate_on}')" = 0 ] || fail "the terminal was left in the alternate screen"
[ -s "$XDG_DATA_HOME/nexttoken/default.ckpt" ] || fail "no autosave after quitting"
next_run

# An autosave that cannot be resumed (cut short here) is neither resumed nor saved over: it is
# kept beside, under a new name the status line gives, and the new model saves in its place.
D="$XDG_DATA_HOME/nexttoken"
head -c 5000 "$D/default.ckpt" >"$TMP/damaged.ckpt"
cp "$TMP/damaged.ckpt" "$D/default.ckpt"
start
wait_for "kept the autosave as default.ckpt.damaged-"
sleep 1
T send-keys q
wait_for "EXIT=0"
T capture-pane -p | grep -q "saved the model at step" || fail "the new model was not saved: $(T capture-pane -p | tail -3)"
T capture-pane -p -J | grep -q "the model that could not be resumed is kept as $D/default.ckpt.damaged-" ||
    fail "quitting did not say where the damaged autosave is: $(T capture-pane -p -J | grep nexttoken)"
kept=$(ls "$D" | grep '^default\.ckpt\.damaged-')
[ "$(echo "$kept" | wc -l)" -eq 1 ] && cmp -s "$D/$kept" "$TMP/damaged.ckpt" || fail "the damaged autosave was not kept as it was: $(ls "$D")"
$BIN info --model "$D/default.ckpt" >/dev/null 2>&1 || fail "the new model's autosave does not load"
next_run


# SIGTERM takes the normal way out: saved, terminal restored, and an exit status that says a
# signal ended it (128 + 15), not success
start --fresh
wait_for "step"
sleep 1
pid=$(nexttoken_child "$(T display -p '#{pane_pid}')")
[ -n "$pid" ] && kill -TERM "$pid" || fail "no process to terminate"
wait_for "EXIT=143"
[ "$(T display -p '#{alternate_on}')" = 0 ] || fail "SIGTERM left the alternate screen on"
T capture-pane -p | grep -q "saved the model" || fail "SIGTERM did not save"
next_run

# q when the model cannot be saved (its file is a directory): asks before losing it; n stays,
# y quits without saving
mkdir -p "$TMP/nosave/nexttoken/default.ckpt"
printf 'wait step 2\nkey q\nexpect Could not save the model\nkey n\nexpect cancelled\nkey q\nkey y\n' >"$TMP/q.script"
XDG_DATA_HOME="$TMP/nosave" expect_ok $BIN --fresh --script "$TMP/q.script" --threads 1
[ -d "$TMP/nosave/nexttoken/default.ckpt" ] || fail "quit without saving touched the model's path"

# no terminal, or an unknown one: a clear message and status 2
expect_error 2 "the interactive interface needs a terminal" $BIN --fresh </dev/null
T -f /dev/null new -d -x 80 -y 24 "TERM=no-such-terminal $BIN --fresh; echo EXIT=\$?; sleep 60"
wait_for "EXIT=2"
T capture-pane -p | grep -q "unknown terminal type 'no-such-terminal'" || fail "unknown TERM: $(T capture-pane -p | head -3)"
next_run
# TERM=dumb is a terminal curses knows, but one that cannot move the cursor: it drew a blank
# screen; now it is refused the same way
T -f /dev/null new -d -x 80 -y 24 "TERM=dumb $BIN --fresh; echo EXIT=\$?; sleep 60"
wait_for "EXIT=2"
T capture-pane -p | grep -q "terminal type 'dumb' (TERM) cannot move the cursor" || fail "TERM=dumb: $(T capture-pane -p | head -3)"
next_run

# terminals too small: started at 20x5 it says the size it needs; every key at 1x1 is harmless;
# grown again it is the interface, and it quits as usual
T -f /dev/null new -d -x 20 -y 5 "LANG=C.UTF-8 $BIN --fresh --threads 2; echo EXIT=\$?; sleep 60"
wait_for "at least 50x14"
T send-keys 1 2 3 4 5 a 0 '?' Escape : lr Space 0.001 Enter
T resize-window -x 1 -y 1
sleep 0.5
T send-keys 1 2 3 4 5 a '?' Escape 6
sleep 0.5
T resize-window -x 100 -y 30
wait_for "Loss  smoothing"
T send-keys q
wait_for "EXIT=0"
[ "$(T display -p '#{alternate_on}')" = 0 ] || fail "a small terminal left the alternate screen on"
next_run
finish
