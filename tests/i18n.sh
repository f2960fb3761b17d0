#!/bin/sh
# i18n.sh - the translations are complete (po/README.md):
#   1. every string in src/ that a person reads is marked for translation: xgettext lists every
#      literal (-a) and every marked one (_, N_, P_); a literal that is not marked must be a
#      format or symbol (no two letters in a row), one word (a JSON key, an option or command
#      name, an id), or listed with its reason in po/not-for-translation.txt;
#   2. po/nexttoken.pot is the template of today's sources (make po regenerates it);
#   3. every po/LANG.po has an entry, translated and not fuzzy, for every marked string, and no
#      entry for a string no longer in the sources (msgcmp), and compiles with --check.
# Prints each problem and fails if there is any.
cd "$(dirname "$0")/.." || exit 2
for t in xgettext msgfmt msgcmp msgcat; do
    command -v $t >/dev/null 2>&1 || { echo "i18n: $t is missing (the gettext package: scripts/deps.sh)" >&2; exit 2; }
done
tmp=$(mktemp -d /tmp/nt-i18n-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
bad=0
src=$(find src -name '*.[ch]' | LC_ALL=C sort)
keys="--keyword=_ --keyword=N_ --keyword=P_:1,2"
xgettext --from-code=UTF-8 --language=C -a --no-location -o "$tmp/all.pot" $src 2>/dev/null
xgettext --from-code=UTF-8 --language=C $keys --no-location -o "$tmp/marked.pot" $src 2>/dev/null

# The msgids of a .pot, one a line, as xgettext escapes them (msgid_plural's too).
ids() {
    awk '/^msgid_plural / { if (on) print s; s = substr($0, 14); on = 1; next }
         /^msgid / { s = substr($0, 7); on = 1; next }
         /^"/ && on { s = s $0; next }
         { if (on) print s; on = 0 }
         END { if (on) print s }' "$1" | sed 's/^"//; s/"$//; s/""//g' | grep -v '^$' | LC_ALL=C sort -u
}
ids "$tmp/all.pot" >"$tmp/all"
ids "$tmp/marked.pot" >"$tmp/marked"
grep -v '^## ' po/not-for-translation.txt | grep -v '^$' | LC_ALL=C sort -u >"$tmp/except"
LC_ALL=C comm -23 "$tmp/all" "$tmp/marked" | LC_ALL=C comm -23 - "$tmp/except" |
    while IFS= read -r s; do
        # formats and symbols: no two letters in a row once the directives and escapes are gone
        body=$(printf '%s' "$s" | sed -E 's/%[-+ #0-9.*$]*(hh|h|ll|l|z|j|t|L)?[a-zA-Z%]//g; s/\\\\[ntr]|\\\\x[0-9a-f]{2}|\\\\u[0-9a-f]{4}|\\\\\\\\//g')
        printf '%s' "$body" | grep -qE '[A-Za-z]{2}' || continue
        # one word: a JSON key, an option or a command name, an id
        printf '%s' "$s" | grep -qxE '[A-Za-z0-9_.+/|=-]+' && continue
        printf '%s\n' "$s"
    done >"$tmp/unmarked"
if [ -s "$tmp/unmarked" ]; then
    echo "i18n: strings for a person not marked for translation (wrap them in _() or N_(), or list them with a reason in po/not-for-translation.txt):" >&2
    sed 's/^/    /' "$tmp/unmarked" >&2
    bad=1
fi
# a listed exception that is no longer in the sources, or that is marked after all
LC_ALL=C comm -13 "$tmp/all" "$tmp/except" >"$tmp/stale"
LC_ALL=C comm -12 "$tmp/marked" "$tmp/except" >>"$tmp/stale"
if [ -s "$tmp/stale" ]; then
    echo "i18n: po/not-for-translation.txt lists strings that are not in src/ or are marked: remove them:" >&2
    sed 's/^/    /' "$tmp/stale" >&2
    bad=1
fi

# the template is today's
ids po/nexttoken.pot >"$tmp/pot"
if ! cmp -s "$tmp/pot" "$tmp/marked"; then
    echo "i18n: po/nexttoken.pot is not the template of src/: run make po (then translate what it adds)" >&2
    LC_ALL=C diff "$tmp/pot" "$tmp/marked" | grep '^[<>]' | head -10 | sed 's/^/    /' >&2
    bad=1
fi

# every language: complete, nothing fuzzy, nothing obsolete, and it compiles
for po in po/*.po; do
    lang=$(basename "$po" .po)
    if ! msgfmt --check -o /dev/null "$po" 2>"$tmp/err"; then
        echo "i18n: $po does not compile:" >&2; sed 's/^/    /' "$tmp/err" >&2; bad=1
    fi
    if ! msgcmp --use-untranslated "$po" "$tmp/marked.pot" 2>"$tmp/err"; then
        echo "i18n: $po lacks entries for marked strings (make po):" >&2; head -20 "$tmp/err" | sed 's/^/    /' >&2; bad=1
    fi
    stats=$(msgfmt --statistics -o /dev/null "$po" 2>&1)
    case $stats in *fuzzy* | *untranslated*)
        echo "i18n: $po: $stats; translate them:" >&2
        msgattrib --only-fuzzy --no-obsolete "$po" 2>/dev/null | grep '^msgid' | head -10 | sed 's/^/    fuzzy: /' >&2
        msgattrib --untranslated --no-obsolete "$po" 2>/dev/null | grep '^msgid' | sed 1d | head -10 | sed 's/^/    untranslated: /' >&2
        bad=1 ;;
    esac
    # entries for strings gone from the sources (make po marks them obsolete, #~)
    msgattrib --no-obsolete -o "$tmp/live.po" "$po" 2>/dev/null
    ids "$tmp/live.po" | LC_ALL=C comm -23 - "$tmp/marked" >"$tmp/gone"
    if [ -s "$tmp/gone" ]; then
        echo "i18n: $po has entries for strings no longer in src/ (make po):" >&2; head -5 "$tmp/gone" | sed 's/^/    /' >&2; bad=1
    fi
    [ "$bad" = 0 ] && echo "i18n: $lang: $stats"
    :
done
[ "$bad" = 0 ] && echo "i18n: every string for a person is marked, and every language translates them all"
exit $bad
