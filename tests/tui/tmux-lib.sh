# tmux-lib.sh - running the interface in a real terminal (tmux) for the terminal tests: sourced
# after tests/cli-lib.sh, with $BIN set. Skips the test (status 0) when tmux is not installed.
command -v tmux >/dev/null 2>&1 || { echo "SKIPPED [$name] tmux is not installed" >&2; exit 0; }
# a socket per run: a server that is still shutting down never meets the next one
run=0
sock="nt-$name-$$-$run"
T() { tmux -L "$sock" "$@"; }
next_run() { tmux -L "$sock" kill-server 2>/dev/null; run=$((run + 1)); sock="nt-$name-$$-$run"; }
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
export XDG_DATA_HOME="$TMP/data" XDG_STATE_HOME="$TMP/state"

# waits up to 30 s for the pane to show $1
wait_for() {
    i=0
    while [ $i -lt 300 ]; do
        T capture-pane -p 2>/dev/null | grep -qF -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    fail "the screen never showed '$1': $(T capture-pane -p 2>/dev/null | tail -5)"
    return 1
}

# nexttoken_child PPID: the pid of the nexttoken that PPID started, found in /proc (pgrep is in
# procps, which a minimal Debian - a container, a chroot - lacks). It is known by its executable:
# its name is "exe" once it has re-executed itself for a better BLAS kernel.
nexttoken_child() {
    exe=$(readlink -f "$BIN")
    for st in /proc/[0-9]*/stat; do
        { read -r p _ _ ppid _ <"$st"; } 2>/dev/null || continue
        [ "$ppid" = "$1" ] && [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$exe" ] && echo "$p"
    done
}


# panels WHAT: every panel in turn, each showing its title (WHAT names the run in a failure)
panels() {
    for k in 1 2 3 4 5 6 7 0; do
        T send-keys "$k"
        case $k in
            0) wait_for "How a language model learns" ;;
            1) wait_for "The text labels itself" ;;
            2) wait_for "Byte-pair merges, learned from the corpus" ;;
            3) wait_for "the model's scores (logits) for the next token" ;;
            4) wait_for "How surprised is the model by each token?" ;;
            5) wait_for "Space draws u, uniform in [0, 1)" ;;
            6) wait_for "Loss  smoothing" ;;
            7) wait_for "v view  [ ] layer  { } head" ;;
        esac || fail "$1: panel $k"
    done
}
