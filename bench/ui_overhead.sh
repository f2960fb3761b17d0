#!/bin/sh
# ui_overhead.sh BIN [SECONDS] [REPS] - what the interface costs the trainer: the same model
# (small, byte-pair vocabulary 512, batch 8, 2 threads) trained for SECONDS of wall time by
# `nexttoken train` alone and by the interface with the Train panel open and redrawing (in a
# 100x30 tmux terminal), alternately, REPS times each. Steps are read from the saved models
# (`nexttoken info`), so both sides are counted the same way: tokens/s = steps x 8 x 128 / SECONDS.
# Prints one JSON line with the medians and their ratio.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
secs=${2:-30}
reps=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
corpus="$here/../corpora/stories.txt"
tmp=$(mktemp -d /tmp/nt-ui-XXXXXX)
sock="nt-ui-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
steps_of() { "$bin" info --model "$1" --json | sed 's/.*"steps":\([0-9]*\).*/\1/'; }
: >"$tmp/cli" && : >"$tmp/tui"
i=0
while [ $i -lt "$reps" ]; do
    "$bin" train --corpus "$corpus" --preset small --seconds "$secs" --threads 2 --out "$tmp/cli.ckpt" --quiet >/dev/null 2>&1
    awk -v n="$(steps_of "$tmp/cli.ckpt")" -v s="$secs" 'BEGIN {print n * 1024 / s}' >>"$tmp/cli"
    rm -rf "$tmp/data"
    XDG_DATA_HOME="$tmp/data" tmux -L "$sock" -f /dev/null new -d -x 100 -y 30 \
        "LANG=C.UTF-8 XDG_DATA_HOME=$tmp/data XDG_STATE_HOME=$tmp/state $bin --fresh --corpus $corpus --threads 2"
    sleep "$secs"
    tmux -L "$sock" send-keys q
    n=0
    while [ ! -s "$tmp/data/nexttoken/default.ckpt" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
    sleep 1
    tmux -L "$sock" kill-server 2>/dev/null
    awk -v n="$(steps_of "$tmp/data/nexttoken/default.ckpt")" -v s="$secs" 'BEGIN {print n * 1024 / s}' >>"$tmp/tui"
    i=$((i + 1))
done
cli=$(median <"$tmp/cli")
tui=$(median <"$tmp/tui")
awk -v c="$cli" -v t="$tui" -v s="$secs" -v r="$reps" 'BEGIN {printf "{\"seconds\":%d,\"reps\":%d,\"cli_tokens_per_s\":%.0f,\"tui_tokens_per_s\":%.0f,\"ratio\":%.3f}\n", s, r, c, t, t / c}'
