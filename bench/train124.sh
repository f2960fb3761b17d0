#!/bin/sh
# train124.sh BIN MODEL [SECONDS] - training an imported GPT-2-124M-shaped llm.c model in the
# interface, as a user does it: `nexttoken --model MODEL` in a 100x30 tmux terminal, the Train
# panel, Space to train, SECONDS (180) of wall time, then the Train panel's own figures (the
# batch the session fitted to memory, the step, tokens/s over the last seconds) and the
# process's resident memory. Needs GPT-2's vocabulary (an llm.c file has no tokenizer).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
model=$2
secs=${3:-180}
tmp=$(mktemp -d /tmp/nt-t124-XXXXXX)
sock="nt-t124-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
command -v tmux >/dev/null 2>&1 || { echo "(skipped: tmux is not installed)"; exit 0; }
tmux -L "$sock" -f /dev/null new -d -x 100 -y 30 \
    "LANG=C.UTF-8 XDG_DATA_HOME=$tmp/data XDG_STATE_HOME=$tmp/state $bin --model $model --threads 2"
i=0
until tmux -L "$sock" capture-pane -p | grep -q "loaded"; do
    sleep 0.5
    i=$((i + 1))
    [ $i -lt 600 ] || { echo "the model did not load"; tmux -L "$sock" capture-pane -p | tail -3; exit 1; }
done
loaded=$(tmux -L "$sock" capture-pane -p | grep "loaded" | sed 's/^ *//')
tmux -L "$sock" send-keys 6 Space
sleep "$secs"
screen=$(tmux -L "$sock" capture-pane -p)
pid=$(tmux -L "$sock" list-panes -F '#{pane_pid}')
rss=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null)
row() { echo "$screen" | sed -n "s|.*│ $1  *\([^│]*[^ │]\) *│.*|\1|p" | head -1; }
echo "loading: $loaded"
echo "after ${secs} s of training: step $(row step), batch $(row batch), tokens/s $(row 'tokens/s'), peak RSS ${rss:-?} MB"
