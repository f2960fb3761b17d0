# Lessons: malformed ones refused with FILE:LINE and exit status 2, corpora that leave the
# folders refused, the English and Korean lessons with the same steps and directives, and the
# list. (Every shipped lesson is run to its end by `make test-lessons`.)
BIN=$1
. tests/cli-lib.sh
export LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_DATA_HOME="$TMP/data" XDG_STATE_HOME="$TMP/state"

# lessons --check FILE: exit 2, and a line FILE:LINE: with the words that say what is wrong
expect_check() { # file line fragment
    "$BIN" lessons --check --threads 2 "$1" >"$TMP/out" 2>"$TMP/err"
    got=$?
    [ "$got" -eq 2 ] || fail "lessons --check $1 -> status $got, want 2 ($(head -c 300 "$TMP/err"))"
    grep -qF -- "$1:$2: $3" "$TMP/err" || fail "lessons --check $1 lacks '$1:$2: $3': $(head -c 300 "$TMP/err")"
}
expect_check tests/lessons/bad-directive.md 14 "unknown command 'frobnicate'"
expect_check tests/lessons/unknown-panel.md 11 "no panel 'attention'"
expect_check tests/lessons/out-of-range.md 12 "top-p must be in (0, 1]"
expect_check tests/lessons/path-out.md 11 "corpus takes a file name (no folders)"
expect_check tests/lessons/missing-field.md 5 "the front matter lacks 'minutes'"
expect_check tests/lessons/not-utf8.md 10 "not UTF-8 text"
expect_check tests/lessons/wrong-figure.md 10 "{{softmax 3.2 1.3 -2.1 = 40.0 / 30.0 / 30.0 %}} reads '86.6 / 13.0 / 0.4 %', not '40.0 / 30.0 / 30.0 %'"

# a corpus named plainly, but a link that leads out of the lesson's folder
mkdir -p "$TMP/mine"
echo "secret" >"$TMP/secret.txt"
ln -s "$TMP/secret.txt" "$TMP/mine/story.txt"
printf -- '---\ntitle: t\nlang: en\norder: 1\nminutes: 1\n---\n## s\n```nexttoken\ncorpus story.txt\n```\n' >"$TMP/mine/link.md"
expect_check "$TMP/mine/link.md" 9 "no corpus 'story.txt' in the lesson's folder or in corpora/ (or it leads out of them)"

# a lesson that is not a file, and a FIFO: refused at once, not waited on
"$BIN" lessons --check "$TMP/nowhere.md" >"$TMP/out" 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "nowhere.md: No such file" "$TMP/err" || fail "a missing lesson: $(cat "$TMP/err")"
mkfifo "$TMP/fifo.md"
"$BIN" lessons --check "$TMP/fifo.md" >"$TMP/out" 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "not a regular file" "$TMP/err" || fail "a FIFO as a lesson: $(cat "$TMP/err")"

# a shipped lesson by its number or its name, as `nexttoken [--present] LESSON` and `nexttoken
# lesson LESSON` take it; an unknown one refused in one line
if [ -f lessons/en/03-softmax.md ]; then
    printf 'expect %s\n' "$(sed -n 's/^## //p' lessons/en/03-softmax.md | head -1)" >"$TMP/first.script"
    for l in 3 softmax 03-softmax 03-softmax.md; do
        expect_ok "$BIN" --script "$TMP/first.script" --threads 2 "$l"
        expect_ok "$BIN" lesson --script "$TMP/first.script" --threads 2 "$l"
    done
fi
expect_error 2 "no lesson 'nosuch': not a file, nor one of the English lessons" "$BIN" --script "$TMP/first.script" nosuch
expect_error 2 "unexpected argument" "$BIN" --present one two

# the list
expect_ok $BIN lessons
[ -z "$(ls lessons/en/*.md 2>/dev/null)" ] || grep -q "^en " "$TMP/out" || fail "nexttoken lessons lists no English lesson"

# English and Korean: the same lessons, the same steps, the same directives (narration,
# prompts and questions are in each one's language)
skeleton() { # the steps and the directives that must agree
    awk '/^## /{print "step"; next}
         /^```nexttoken/{d=1; next} /^```/{d=0; next}
         d && !/^(prompt|ask|choices|answer) / && NF {print}' "$1"
}
for en in lessons/en/*.md; do
    [ -e "$en" ] || continue
    ko=lessons/ko/$(basename "$en")
    if [ ! -f "$ko" ]; then fail "$en has no Korean twin $ko"; continue; fi
    skeleton "$en" >"$TMP/en.skel"
    skeleton "$ko" >"$TMP/ko.skel"
    cmp -s "$TMP/en.skel" "$TMP/ko.skel" || fail "$en and $ko differ in their steps or directives: $(diff "$TMP/en.skel" "$TMP/ko.skel" | head -5)"
    for f in order minutes; do
        [ "$(grep -m1 "^$f:" "$en")" = "$(grep -m1 "^$f:" "$ko")" ] || fail "$en and $ko differ in $f"
    done
done
for ko in lessons/ko/*.md; do
    [ -e "$ko" ] || continue
    [ -f "lessons/en/$(basename "$ko")" ] || fail "$ko has no English twin"
done
finish
