# cli-lib.sh - helpers for the CLI test scripts: sourced, with $BIN set to the nexttoken binary.
# Each check prints one line on failure and counts it; `finish` exits 1 if any failed.
fails=0
TMP=$(mktemp -d /tmp/nt-cli-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
name=$(basename "$0" .sh)

fail() { echo "FAIL [$name] $*" >&2; fails=$((fails + 1)); }

# expect_error STATUS FRAGMENT CMD...: exits STATUS, prints exactly one line on stderr,
# "nexttoken: ..." containing FRAGMENT, and nothing on stdout.
expect_error() {
    want=$1 frag=$2
    shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    lines=$(wc -l <"$TMP/err")
    if [ "$got" -ne "$want" ]; then fail "$* -> status $got, want $want ($(head -c 300 "$TMP/err"))"; return; fi
    if [ "$lines" -ne 1 ]; then fail "$* -> $lines lines on stderr, want 1: $(head -c 300 "$TMP/err")"; return; fi
    if ! grep -q "^nexttoken: " "$TMP/err" || ! grep -qF -- "$frag" "$TMP/err"; then
        fail "$* -> '$(cat "$TMP/err")' lacks 'nexttoken: ...$frag'"; return
    fi
    if [ -s "$TMP/out" ]; then fail "$* -> printed on stdout: $(head -c 200 "$TMP/out")"; fi
}

# expect_ok CMD...: exits 0; stdout in $TMP/out
expect_ok() {
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    [ "$got" -eq 0 ] || fail "$* -> status $got: $(head -c 300 "$TMP/err")"
}

# expect_out FRAGMENT: the last command's stdout contains FRAGMENT (a fixed string)
expect_out() {
    grep -qF -- "$1" "$TMP/out" || fail "output lacks '$1': $(head -c 400 "$TMP/out")"
}

finish() {
    [ "$fails" -eq 0 ] && return 0
    echo "$name: $fails failures" >&2
    exit 1
}
