#!/bin/sh
# wrong-order.sh - builds a copy of the sources the wrong way round and checks that it comes out
# as if built right. (The issue: a first `make` without the packages compiled blas.c against the
# reference BLAS's cblas.h, and once the packages were installed nothing rebuilt it.) In order:
#   1. without the packages (pkg-config pointed at an empty directory) `make` fails with one line
#      naming each missing package and the command that installs it, having compiled nothing;
#   2. with the packages, and CFLAGS=-O0, it builds a program that works;
#   3. a pkg-config module of another version (a shadow .pc file, the same flags) rebuilds an
#      object (the version is in the stamp every object depends on, as 4 shows);
#   4. the default flags rebuild every object, and the program works;
#   5. a second make with nothing changed compiles and links nothing;
#   6. blas.c refuses a cblas.h that is not OpenBLAS's;
#   7. the interface's files declare wcwidth themselves: they compile with an ncursesw whose
#      flags define no _XOPEN_SOURCE (Debian's do; not every system's).
# Rebuilt objects are counted from make's own compile lines, so no check depends on clocks.
. tests/cli-lib.sh
# The make running this test must not lend its options, variables or flags to the copy's.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES CFLAGS LDFLAGS OPT SAN BUILD
tree="$TMP/tree"
mkdir -p "$tree" "$TMP/empty" "$TMP/pc" "$TMP/fakeblas"
cp -R Makefile scripts src po "$tree/"
nsrc=$(find "$tree/src" -name '*.c' | wc -l)

# m ARGS: make -j2 ARGS in the copy, its output in $TMP/log, its status in $st
m() {
    (cd "$tree" && make -j2 "$@") >"$TMP/log" 2>&1
    st=$?
}
compiled() { grep -c -- ' -c -o build/obj/' "$TMP/log"; }
works() { # what: the program in the copy answers --version and its sgemm check passes
    if ! "$tree/build/nexttoken" --version >"$TMP/out" 2>&1; then
        fail "$1: nexttoken --version failed: $(tail -3 "$TMP/out")"
    elif ! grep -q "sgemm agrees with a reference product" "$TMP/out"; then
        fail "$1: nexttoken --version: $(tail -1 "$TMP/out")"
    fi
}

# 1. no packages
PKG_CONFIG_LIBDIR="$TMP/empty" PKG_CONFIG_PATH="" m
msg=$(grep '^nexttoken: ' "$TMP/log")
if [ "$st" -eq 0 ]; then
    fail "make without the packages succeeded"
elif [ "$(grep -c '^nexttoken: ' "$TMP/log")" -ne 1 ] || grep -qv '^nexttoken: \|^make: \*\*\*' "$TMP/log"; then
    fail "make without the packages: want one 'nexttoken:' line (and make's own), got: $(head -5 "$TMP/log")"
else
    for p in libopenblas-pthread-dev libpcre2-dev libncurses-dev libreadline-dev "install "; do
        case $msg in *"$p"*) ;; *) fail "the missing-packages message lacks '$p': $msg" ;; esac
    done
fi
[ "$(compiled)" -eq 0 ] && [ -z "$(find "$tree" -name '*.o')" ] ||
    fail "make without the packages compiled something: $(find "$tree" -name '*.o' | head -3)"

# 2. the packages, other flags
m CFLAGS=-O0
[ "$st" -eq 0 ] || fail "make CFLAGS=-O0 failed: $(tail -5 "$TMP/log")"
[ "$(compiled)" -eq "$nsrc" ] || fail "make CFLAGS=-O0 compiled $(compiled) of $nsrc files"
works "built with -O0"

# 3. another version of a package, with the same flags: one object stands for all, to save time
blas_o=$(cd "$tree" && find src/core -name blas.c | sed 's|^|build/obj/|; s|\.c$|.o|')
pc=$(pkg-config --variable=pcfiledir openblas)/openblas.pc
sed 's/^Version:.*/Version: 0.0.1-shadow/' "$pc" >"$TMP/pc/openblas.pc"
PKG_CONFIG_PATH="$TMP/pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" m CFLAGS=-O0 "$blas_o"
[ "$st" -eq 0 ] || fail "make with another openblas version failed: $(tail -5 "$TMP/log")"
[ "$(compiled)" -eq 1 ] || fail "another openblas version did not rebuild $blas_o"

# 4. the defaults
m
[ "$st" -eq 0 ] || fail "make failed: $(tail -5 "$TMP/log")"
[ "$(compiled)" -eq "$nsrc" ] || fail "make after make CFLAGS=-O0 rebuilt $(compiled) of $nsrc files"
works "built with -O0, then the defaults"

# 5. nothing changed
m
[ "$st" -eq 0 ] && [ "$(compiled)" -eq 0 ] && ! grep -q -- '-o build/nexttoken' "$TMP/log" ||
    fail "a second make did something: $(head -3 "$TMP/log")"
(cd "$tree" && make -q) || fail "make -q after a build says it is out of date"

# 6. another BLAS's cblas.h, first on the include path
printf '/* a BLAS that is not OpenBLAS */\n#define CBLAS_H\n' >"$TMP/fakeblas/cblas.h"
m CFLAGS="-O0 -I$TMP/fakeblas" "$blas_o"
[ "$st" -ne 0 ] && grep -q "is not OpenBLAS's" "$TMP/log" ||
    fail "blas.c compiled against a cblas.h that is not OpenBLAS's: $(head -3 "$TMP/log")"

# 7. an ncursesw that defines no _XOPEN_SOURCE (nor tinfo, which readline requires)
for mod in ncursesw tinfo; do
    pkg-config --exists $mod || continue
    pc=$(pkg-config --variable=pcfiledir $mod)/$mod.pc
    sed '/^Cflags:/s/-D_XOPEN_SOURCE=[0-9]*//' "$pc" >"$TMP/pc/$mod.pc"
done
if PKG_CONFIG_PATH="$TMP/pc" pkg-config --cflags ncursesw readline | grep -q _XOPEN_SOURCE; then
    fail "the shadow .pc files still define _XOPEN_SOURCE: $(PKG_CONFIG_PATH="$TMP/pc" pkg-config --cflags ncursesw readline)"
fi
PKG_CONFIG_PATH="$TMP/pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" m CFLAGS=-O0 \
    $(cd "$tree" && find src/tui -name '*.c' | sed 's|^|build/obj/|; s|\.c$|.o|')
ntui=$(find "$tree/src/tui" -name '*.c' | wc -l)
[ "$st" -eq 0 ] || fail "the interface does not compile without ncursesw's _XOPEN_SOURCE: $(grep "error:" "$TMP/log" | head -3)"
[ "$(compiled)" -eq "$ntui" ] || fail "other ncursesw flags rebuilt $(compiled) of the interface's $ntui files"
finish
