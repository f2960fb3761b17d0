#!/bin/sh
# install.sh - `make install` and `make uninstall`, and an installed nexttoken that finds its
# data from anywhere. One build of its own (-O0, in a temporary BUILD, so that build/ keeps its
# flags), with PREFIX=$TMP/prefix compiled in; then, in order:
#   1. staged: make install DESTDIR=$TMP/stage writes only under $TMP/stage$TMP/prefix, with
#      the modes expected (the Korean catalog among them, in share/locale); the staged program,
#      whose compiled-in prefix holds nothing yet, finds its data beside itself
#      (bin/../share/nexttoken);
#   2. a copy of the program elsewhere finds the data through $XDG_DATA_DIRS;
#   3. make uninstall DESTDIR=... leaves no file in the stage;
#   4. installed for real (no DESTDIR): the program, and a copy of it elsewhere (which only the
#      compiled-in prefix can lead to the data), find it;
#   5. make uninstall leaves no file under the prefix but one the user put there.
# Each program runs from another directory with an empty HOME and no XDG variables: it says
# where it looks (--version), speaks Korean under LANG=ko_KR.UTF-8 (its catalog found as its
# data is), trains a tiny model on an installed corpus named bare and as the README names it,
# lists the lessons, opens one headless, and encodes with GPT-2's vocabulary
# when `make gpt2-vocab` has fetched it.
. tests/cli-lib.sh
# The make running this test must not lend its options, variables or flags to these ones.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES CFLAGS LDFLAGS OPT SAN BUILD PREFIX DESTDIR BINDIR DATADIR MANDIR
unset XDG_DATA_HOME XDG_STATE_HOME XDG_DATA_DIRS NEXTTOKEN_GPT2_DIR
export LANG=C.UTF-8 LC_ALL=C.UTF-8
prefix="$TMP/prefix" stage="$TMP/stage"
mkdir -p "$TMP/home" "$TMP/elsewhere" "$TMP/copy"
vocab=""
[ -f data/gpt2/encoder.json ] && [ -f data/gpt2/vocab.bpe ] && vocab=1
tree_before=$(git status --porcelain 2>/dev/null)

# m ARGS: make ARGS with this test's build, its output in $TMP/log, its status in $st
m() {
    nice make -j2 BUILD="$TMP/build" OPT=-O0 PREFIX="$prefix" "$@" >"$TMP/log" 2>&1
    st=$?
}
# run PROGRAM ARGS: the program from elsewhere, with an empty home; stdout in $TMP/out
run() {
    (cd "$TMP/elsewhere" && HOME="$TMP/home" "$@") >"$TMP/out" 2>"$TMP/err"
}
# works WHAT PROGRAM DATA: the program finds the data installed in DATA (its share/nexttoken)
works() {
    what=$1 prog=$2 data=$3
    if ! run "$prog" --version; then fail "$what: --version failed: $(tail -3 "$TMP/err")"; return; fi
    grep -qxF "corpora: $data/corpora" "$TMP/out" && grep -qxF "lessons: $data/lessons" "$TMP/out" ||
        fail "$what: --version does not find the data in $data: $(grep -A20 '^data:' "$TMP/out")"
    for corpus in stories.txt corpora/korean.txt; do
        run "$prog" train --corpus "$corpus" --preset tiny --steps 2 --vocab-size 300 --threads 2 --quiet --out "$TMP/m.ckpt" ||
            fail "$what: train --corpus $corpus: $(cat "$TMP/err")"
    done
    run "$prog" info --json --model "$TMP/m.ckpt"
    grep -qF "$data/corpora/korean.txt" "$TMP/out" || fail "$what: the model does not record the installed corpus: $(cat "$TMP/out")"
    # the Korean catalog installed with it: an error in Korean under LANG=ko_KR.UTF-8
    (cd "$TMP/elsewhere" && HOME="$TMP/home" LANG=ko_KR.UTF-8 LC_ALL= LANGUAGE= "$prog" frobnicate) >"$TMP/out" 2>"$TMP/err"
    grep -qF "알 수 없는 명령 'frobnicate'" "$TMP/err" || fail "$what: LANG=ko_KR.UTF-8 does not find the Korean translation: $(cat "$TMP/err")"
    run "$prog" lessons
    [ "$(grep -c "($data/lessons/..*\.md)\$" "$TMP/out")" -ge 2 ] || fail "$what: lessons lists no installed lesson: $(head -3 "$TMP/out") $(cat "$TMP/err")"
    printf 'expect Scores, not yet probabilities\n' >"$TMP/first.script"
    run "$prog" lesson --script "$TMP/first.script" --threads 2 3 || fail "$what: lesson 3 headless: $(cat "$TMP/err")"
    if [ -n "$vocab" ]; then
        run "$prog" encode --tokenizer gpt2 hello
        grep -qx "1 token: 31373" "$TMP/out" || fail "$what: encode --tokenizer gpt2 hello: $(cat "$TMP/out" "$TMP/err")"
    fi
    rm -rf "$TMP/home" "$TMP/m.ckpt" && mkdir -p "$TMP/home"
}
# mode FILE WANT
mode() {
    got=$(stat -c %a "$1" 2>/dev/null)
    [ "$got" = "$2" ] || fail "$1: mode ${got:-missing}, want $2"
}
# no_files DIR WHAT: no file or link is left under DIR
no_files() {
    left=$(find "$1" ! -type d 2>/dev/null | head -5)
    [ -z "$left" ] || fail "$2 left: $left"
}

# 1. staged, under a umask that would hide the folders install makes on the way
(umask 077 && nice make -j2 BUILD="$TMP/build" OPT=-O0 PREFIX="$prefix" DESTDIR="$stage" install) >"$TMP/log" 2>&1
st=$?
[ "$st" -eq 0 ] || { fail "make install DESTDIR=...: $(tail -5 "$TMP/log")"; finish; }
[ -z "$(find "$stage" ! -type d | grep -v "^$stage$prefix/")" ] || fail "install wrote outside \$(DESTDIR)\$(PREFIX): $(find "$stage" ! -type d | grep -v "^$stage$prefix/" | head -3)"
[ ! -e "$prefix" ] || fail "a DESTDIR install wrote into the prefix itself"
grep -qaF "$stage" "$stage$prefix/bin/nexttoken" && fail "DESTDIR is compiled into the program"
share="$stage$prefix/share/nexttoken"
mode "$stage$prefix/bin/nexttoken" 755
mode "$stage$prefix/share/man/man1/nexttoken.1.gz" 644
mode "$stage$prefix/share/bash-completion/completions/nexttoken" 644
mode "$stage$prefix/share/locale/ko/LC_MESSAGES/nexttoken.mo" 644
mode "$share/corpora/stories.txt" 644
mode "$share/lessons/en/03-softmax.md" 644
mode "$share/lessons" 755
mode "$share" 755
mode "$stage$prefix/share/bash-completion" 755
mode "$stage$prefix/share/man" 755
gzip -t "$stage$prefix/share/man/man1/nexttoken.1.gz" || fail "the man page is not gzip"
bash -n "$stage$prefix/share/bash-completion/completions/nexttoken" 2>/dev/null || fail "the completion is not bash"
if [ -n "$vocab" ]; then
    for f in encoder.json vocab.bpe; do mode "$share/gpt2/$f" 644; done
fi
works "staged (beside the program)" "$stage$prefix/bin/nexttoken" "$share"

# 2. a copy elsewhere, led by $XDG_DATA_DIRS
cp "$stage$prefix/bin/nexttoken" "$TMP/copy/nexttoken"
export XDG_DATA_DIRS="$TMP/nowhere::$stage$prefix/share"
works "a copy, through XDG_DATA_DIRS" "$TMP/copy/nexttoken" "$share"
unset XDG_DATA_DIRS

# 3. staged uninstall
m DESTDIR="$stage" uninstall
[ "$st" -eq 0 ] || fail "make uninstall DESTDIR=...: $(tail -5 "$TMP/log")"
no_files "$stage" "make uninstall DESTDIR=..."
[ -e "$share" ] && fail "make uninstall left $share"

# 4. installed for real
m install
[ "$st" -eq 0 ] || { fail "make install: $(tail -5 "$TMP/log")"; finish; }
grep -q ' -c -o ' "$TMP/log" && fail "make install after make install DESTDIR=... compiled again: $(grep -m1 ' -c -o ' "$TMP/log")"
works "installed" "$prefix/bin/nexttoken" "$prefix/share/nexttoken"
cp "$prefix/bin/nexttoken" "$TMP/copy/nexttoken"
works "a copy, through the prefix compiled in" "$TMP/copy/nexttoken" "$prefix/share/nexttoken"

# 5. uninstall: what install wrote goes; a teacher's own lesson put beside ours stays, and its
# folder with it
printf 'my lesson\n' >"$prefix/share/nexttoken/lessons/en/99-mine.md"
m uninstall
[ "$st" -eq 0 ] || fail "make uninstall: $(tail -5 "$TMP/log")"
[ "$(cat "$prefix/share/nexttoken/lessons/en/99-mine.md" 2>/dev/null)" = "my lesson" ] || fail "make uninstall removed a file it had not installed"
left=$(find "$prefix" ! -type d)
[ "$left" = "$prefix/share/nexttoken/lessons/en/99-mine.md" ] || fail "make uninstall left (or took) more than the user's file: $left"
rm "$prefix/share/nexttoken/lessons/en/99-mine.md"
m uninstall
no_files "$prefix" "make uninstall"
[ -e "$prefix/share/nexttoken" ] && fail "make uninstall left $prefix/share/nexttoken"
[ -e "$prefix/share/bash-completion" ] && fail "make uninstall left the completions' folder it made"
[ -e "$prefix/share/locale" ] && fail "make uninstall left the translations' folder it made"

[ "$(git status --porcelain 2>/dev/null)" = "$tree_before" ] || fail "the tests changed the source tree: $(git status --porcelain | head -3)"
finish
