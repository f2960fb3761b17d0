#!/bin/sh
# configure.sh BUILD [run|unit] - the Makefile's configure step. make runs it once, before it
# compiles anything, at the start of every make that builds (never once per object). It
#   1. checks that the build has what it needs (scripts/deps.sh --check; "unit" adds cmocka) and
#      otherwise stops with one line naming each missing package and the command that installs
#      it, so that nothing is ever compiled against the wrong headers or none;
#   2. asks pkg-config for every module's flags and writes them to BUILD/config.mk, which the
#      Makefile includes;
#   3. writes BUILD/build-settings: the compiler's identity, every flag, and the version of every
#      pkg-config module. Every object depends on it, so a new compiler, other flags or an
#      upgraded (or newly installed) library rebuild everything, and nothing else does: the
#      version is the sturdier key, as a header swapped by the alternatives system or a package
#      upgrade can keep an old time, and -MMD does not record system headers anyway;
#   4. writes BUILD/test-settings, the same for cmocka, on which only the unit tests' objects
#      depend: installing it for `make test` does not rebuild the program.
# Each file is rewritten only when its content changes (git's GIT-CFLAGS), so its time is the
# time of the last change, which is what make compares with the objects'.
# The Makefile passes the compiler, the flags and the modules in the environment: NT_CC,
# NT_CFLAGS, NT_LDFLAGS, NT_PKG_CORE, NT_PKG_TUI, NT_PKG_TEST.
set -eu
build=$1
need=${2:-run}
here=$(dirname "$0")

"$here/deps.sh" --check "$need"
# Debian's gcc package provides cc; a compiler named in CC must run too.
ccid=$($NT_CC --version 2>/dev/null | head -n 1) || true
if [ -z "$ccid" ]; then
    echo "nexttoken: the compiler '$NT_CC' (CC) does not run; install it, or make CC=cc" >&2
    exit 1
fi

# pkg-config's answer, or one line saying which question failed (a broken .pc file).
pc() {
    pkg-config "$@" || { echo "nexttoken: pkg-config $* failed" >&2; exit 1; }
}
core_cflags=$(pc --cflags $NT_PKG_CORE)
core_libs=$(pc --libs $NT_PKG_CORE)
tui_cflags=$(pc --cflags $NT_PKG_TUI)
tui_libs=$(pc --libs $NT_PKG_TUI)
versions=""
for m in $NT_PKG_CORE $NT_PKG_TUI; do
    versions="$versions$m $(pc --modversion "$m")
"
done
# cmocka is needed only by the unit tests; the program builds without it.
test_cflags="" test_libs="" test_settings="$NT_PKG_TEST: not installed"
if pkg-config --exists "$NT_PKG_TEST" 2>/dev/null; then
    test_cflags=$(pc --cflags "$NT_PKG_TEST")
    test_libs=$(pc --libs "$NT_PKG_TEST")
    test_settings="$NT_PKG_TEST $(pc --modversion "$NT_PKG_TEST")
cflags: $test_cflags
libs: $test_libs"
fi

mkdir -p "$build"
# update FILE: FILE.new replaces FILE only when their contents differ.
update() {
    if cmp -s "$1.new.$$" "$1"; then rm -f "$1.new.$$"; else mv -f "$1.new.$$" "$1"; fi
}
# A value for config.mk: make would expand $ and take # for a comment.
mk() { printf '%s' "$1" | sed 's/\$/$$/g; s/#/\\#/g'; }

cat >"$build/config.mk.new.$$" <<EOF
# Written by scripts/configure.sh: what pkg-config says on this machine. Rewritten when it changes.
CORE_CFLAGS := $(mk "$core_cflags")
CORE_LIBS := $(mk "$core_libs")
TUI_CFLAGS := $(mk "$tui_cflags")
TUI_LIBS := $(mk "$tui_libs")
TEST_CFLAGS := $(mk "$test_cflags")
TEST_LIBS := $(mk "$test_libs")
EOF
update "$build/config.mk"

cat >"$build/build-settings.new.$$" <<EOF
# What this build's objects were compiled with (scripts/configure.sh); a change rebuilds them all.
compiler: $NT_CC: $ccid
cflags: $NT_CFLAGS
ldflags: $NT_LDFLAGS
${versions}core: $core_cflags | $core_libs
tui: $tui_cflags | $tui_libs
EOF
update "$build/build-settings"

printf '%s\n' "$test_settings" >"$build/test-settings.new.$$"
update "$build/test-settings"
