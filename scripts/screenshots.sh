#!/bin/sh
# screenshots.sh BIN OUTDIR - `make screenshots`: PNGs of every panel from a real terminal:
# xterm (DejaVu Sans Mono, 256 colours) on a virtual X server, the interface driven through tmux,
# the window captured by ImageMagick. A model is trained for a while first, so the curves and
# samples show something. Needs xvfb, xterm, imagemagick, fonts-dejavu-core and, for the Korean
# shots, fonts-nanum (installed here when missing, on Debian as root).
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=${2:-screenshots}
need=""
for t in Xvfb:xvfb xterm:xterm import:imagemagick tmux:tmux xwininfo:x11-utils; do
    command -v "${t%%:*}" >/dev/null 2>&1 || need="$need ${t#*:}"
done
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || need="$need fonts-dejavu-core"
[ -f /usr/share/fonts/truetype/nanum/NanumGothicCoding.ttf ] || need="$need fonts-nanum"
if [ -n "$need" ]; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >/dev/null
    else
        echo "nexttoken: make screenshots needs:$need" >&2
        exit 1
    fi
fi
tmp=$(mktemp -d /tmp/nt-shots-XXXXXX)
disp=:$((90 + $$ % 9))
sock="nt-shots-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; kill "$xvfb" 2>/dev/null || true; rm -rf "$tmp"; }
export XDG_DATA_HOME="$tmp/data" XDG_STATE_HOME="$tmp/state"
mkdir -p "$XDG_DATA_HOME/nexttoken" "$out"
# a model with some history: two minutes of training from the command line
"$bin" train --corpus corpora/stories.txt --preset small --steps 1500 --val-every 50 --out "$XDG_DATA_HOME/nexttoken/default.ckpt" --quiet >/dev/null

Xvfb "$disp" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap cleanup EXIT
sleep 1
export DISPLAY="$disp"
tmux -L "$sock" -f /dev/null new -d -x 100 -y 30 "LANG=C.UTF-8 TERM=xterm-256color NEXTTOKEN_GPT2_DIR=$(pwd)/data/gpt2 $bin --threads 2"
tmux -L "$sock" set -g status off
xterm -class NextTokenShot -fa "DejaVu Sans Mono" -fs 11 -geometry 100x30 -bg "#1d1f21" -fg "#d0d0d0" \
    -xrm "XTerm*termName: xterm-256color" -e "LANG=C.UTF-8 tmux -L $sock attach" >/dev/null 2>&1 &
sleep 3
win=$(xwininfo -root -tree | awk '/NextTokenShot/ {print $1; exit}')
shot() { # panel-key name
    tmux -L "$sock" send-keys "$1"
    sleep "${3:-1.5}"
    import -window "$win" "$out/$2.png"
}
shot 6 train 8
shot 0 lessons
tmux -L "$sock" send-keys : "prompt Once upon a time there was a little cat who liked the rain." Enter
shot 1 slice
tmux -L "$sock" send-keys 2 Space Space Space Space Space
shot 2 tokens
tmux -L "$sock" send-keys v
shot 2 tokens-compare
tmux -L "$sock" send-keys v : "prompt strawberry" Enter
shot 2 tokens-inspect
tmux -L "$sock" send-keys : "prompt Once upon a time there was a little cat who liked the rain." Enter
shot 3 softmax
tmux -L "$sock" send-keys 4 Right Right Right o
shot 4 loss
tmux -L "$sock" send-keys 5 Space Space Space Space
shot 5 sample
tmux -L "$sock" send-keys v
shot 5 sample-continuations 3
shot 7 inside 3
tmux -L "$sock" send-keys v v
shot Left inside-lens 3
tmux -L "$sock" send-keys 6 '?'
sleep 1
import -window "$win" "$out/help.png"
# a lesson (the home is lessons.png): a step beside its panel, a question, its answer in presenter
# mode, a Korean lesson in the interface in Korean (:lang ko switches both), its home and a panel
tmux -L "$sock" send-keys Escape 0 : "lesson 3" Enter
shot n lesson-step 2
shot n lesson-question 2
tmux -L "$sock" send-keys a
shot F5 lesson-present 2
tmux -L "$sock" send-keys F5 Escape : "lang ko" Enter : "lesson 1" Enter
shot n lesson-korean 2
tmux -L "$sock" send-keys Escape
shot 0 lessons-korean
tmux -L "$sock" send-keys 5 Space Space Space Space
shot 5 sample-korean
tmux -L "$sock" send-keys q
sleep 2
echo "screenshots in $out: $(ls "$out" | tr '\n' ' ')"
