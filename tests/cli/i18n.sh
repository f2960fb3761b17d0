# The language (core/base/i18n.h): LANG=ko_KR.UTF-8 speaks Korean even where that locale is not
# installed (a fresh Debian's case); machine output does not change with the language (every
# command's --json is byte for byte the same under ko_KR.UTF-8 and C.UTF-8, and so are CSV and
# the ids); a message with no Korean entry falls back to English.
BIN=$1
. tests/cli-lib.sh
unset LC_ALL LC_MESSAGES LANGUAGE
export XDG_DATA_HOME="$TMP/data" XDG_STATE_HOME="$TMP/state"
C=corpora/stories.txt
en() { LANG=C.UTF-8 "$@"; }
ko() { LANG=ko_KR.UTF-8 "$@"; }

LANG=C.UTF-8 $BIN train --corpus $C --preset tiny --vocab-size 300 --steps 4 --val-every 2 --seed 7 --threads 2 --quiet --out "$TMP/m.ckpt" >/dev/null 2>&1 ||
    fail "train for the test failed"

# same_json NAME ARGS...: the command's stdout (and exit status) under both languages, byte for byte
same_json() {
    what=$1
    shift
    en "$@" >"$TMP/en.out" 2>/dev/null
    s_en=$?
    ko "$@" >"$TMP/ko.out" 2>/dev/null
    s_ko=$?
    [ "$s_en" -eq 0 ] || fail "$what: exit $s_en under C.UTF-8"
    [ "$s_en" -eq "$s_ko" ] || fail "$what: exit $s_en in English, $s_ko in Korean"
    [ -s "$TMP/en.out" ] || fail "$what: no output"
    cmp -s "$TMP/en.out" "$TMP/ko.out" || fail "$what: the output differs with the language: $(diff "$TMP/en.out" "$TMP/ko.out" | head -4)"
}
same_json "encode --json" $BIN encode --tokenizer "$TMP/m.ckpt" --json "Once upon a time, 옛날 옛적에"
same_json "encode --tokenizer word --json" $BIN encode --tokenizer word --corpus $C --json "Once upon a time"
same_json "info --json" $BIN info --model "$TMP/m.ckpt" --json
same_json "info --history (CSV)" $BIN info --model "$TMP/m.ckpt" --history
same_json "softmax --json" $BIN softmax --json --temperature 0.7 --top-k 2 3.2 1.3 -2.1
same_json "softmax --model --json" $BIN softmax --model "$TMP/m.ckpt" --prompt "Once upon" --json
same_json "loss --json" $BIN loss --model "$TMP/m.ckpt" --json "Once upon a time"
same_json "sample --json" $BIN sample --model "$TMP/m.ckpt" --seed 3 --tokens 12 --trace --json
same_json "slice --json" $BIN slice --model "$TMP/m.ckpt" --context 4 --json "Once upon a time"
same_json "attention --json" $BIN attention --model "$TMP/m.ckpt" --layer 1 --json "Once upon a time"
same_json "lens --json" $BIN lens --model "$TMP/m.ckpt" --json "Once upon a time"
same_json "neighbors --json" $BIN neighbors --model "$TMP/m.ckpt" --json "#65"
same_json "decode" $BIN decode --tokenizer byte 237 152 155

# Korean where asked for, English otherwise: an error, --help, a table's prose
ko $BIN frobnicate >"$TMP/out" 2>"$TMP/err"
grep -qF "알 수 없는 명령 'frobnicate'" "$TMP/err" || fail "LANG=ko_KR.UTF-8: the error is not in Korean: $(cat "$TMP/err")"
# an error that names a file carries the C library's reason (strerror, Korean where libc-l10n
# is installed): readable, never a run of '?' (glibc's text converted to ASCII)
ko $BIN sample --model "$TMP/no-such-model.bin" 2>"$TMP/err"
s=$?
[ $s -eq 2 ] || fail "a missing model under LANG=ko_KR.UTF-8: exit $s"
grep -q '??' "$TMP/err" && fail "a missing model's error under LANG=ko_KR.UTF-8 has lost its characters: $(cat "$TMP/err")"
en $BIN frobnicate >"$TMP/out" 2>"$TMP/err"
grep -qF "unknown command 'frobnicate'" "$TMP/err" || fail "LANG=C.UTF-8: the error is not in English: $(cat "$TMP/err")"
LANG=C LC_MESSAGES=ko_KR.UTF-8 $BIN frobnicate 2>"$TMP/err"
grep -qF "알 수 없는 명령" "$TMP/err" || fail "LC_MESSAGES=ko_KR.UTF-8 does not choose Korean: $(cat "$TMP/err")"
LANG=ko_KR.UTF-8 LC_ALL=C.UTF-8 $BIN frobnicate 2>"$TMP/err"
grep -qF "unknown command" "$TMP/err" || fail "LC_ALL=C.UTF-8 does not win over LANG: $(cat "$TMP/err")"
ko $BIN train --help >"$TMP/out" 2>&1
grep -qF "사용법: nexttoken train" "$TMP/out" && grep -qF -- "--corpus FILE" "$TMP/out" ||
    fail "train --help in Korean: $(head -3 "$TMP/out")"
ko $BIN encode --tokenizer byte "hi" >"$TMP/out" 2>&1
grep -qF "토큰 2개: 104 105" "$TMP/out" || fail "encode's text output in Korean: $(cat "$TMP/out")"
# numbers stay as the course writes them in every language: 0.25, never 0,25
ko $BIN softmax 1 0 >"$TMP/out" 2>&1
grep -qF "73.11" "$TMP/out" || fail "softmax's numbers in Korean: $(cat "$TMP/out")"

# A message with no Korean entry shows in English: the program beside a catalog that lacks one
mkdir -p "$TMP/prog/locale/ko/LC_MESSAGES"
cp "$BIN" "$TMP/prog/nexttoken"
msggrep --invert-match --msgid --fixed-strings --regexp="unknown command '%s' (see nexttoken --help)" po/ko.po |
    msgfmt -o "$TMP/prog/locale/ko/LC_MESSAGES/nexttoken.mo" - || fail "cannot make a catalog without the entry"
ko "$TMP/prog/nexttoken" frobnicate 2>"$TMP/err"
grep -qF "nexttoken: unknown command 'frobnicate' (see nexttoken --help)" "$TMP/err" ||
    fail "a message missing from the Korean catalog does not fall back to English: $(cat "$TMP/err")"
ko "$TMP/prog/nexttoken" softmax 2>"$TMP/err"
grep -qF "로짓을 하나 이상" "$TMP/err" || fail "the same catalog's other messages are not Korean: $(cat "$TMP/err")"
finish
