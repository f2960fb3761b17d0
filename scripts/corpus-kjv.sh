#!/bin/sh
# corpus-kjv.sh [OUT] - `make corpus-kjv`: the King James Bible (1611, public domain) as one plain
# UTF-8 text, about 4 MB, for a bigger corpus than the ones that ship (default corpora/kjv.txt).
#
# Debian ships the text in a compressed form (bible-kjv-text: /usr/lib/bible.data) that only its
# reader can decode (bible-kjv: the `bible` program), so both are installed if missing, as
# scripts/deps.sh installs packages: with apt-get, as root or through sudo, updating the package
# lists only when the install fails for want of them. `bible -f` prints one verse a line after its
# reference ("Ge1:1 In the beginning God created..."); here each chapter becomes a paragraph under
# a heading ("Genesis 1"), one verse a line, a blank line between chapters.
set -eu
out=${1:-corpora/kjv.txt}
verses=31102   # in the whole text, Genesis 1:1 to Revelation 22:21

if ! command -v bible >/dev/null 2>&1 || [ ! -f /usr/lib/bible.data ]; then
    pkgs="bible-kjv-text bible-kjv"
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "nexttoken: make corpus-kjv needs Debian's $pkgs (the text and its reader); this is not a Debian/Ubuntu system" >&2
        exit 1
    fi
    if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "nexttoken: run as root or install sudo, then: apt-get install $pkgs" >&2
        exit 1
    fi
    echo "nexttoken: installing $pkgs" >&2
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y -q $pkgs >/dev/null 2>&1 || {
        $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q $pkgs >/dev/null
    }
fi

tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# The reader's abbreviations, in its order, and the books' names.
LC_ALL=C bible -f Gen1:1-Rev22:21 | LC_ALL=C awk -v want="$verses" '
BEGIN {
    n = split("Ge Exo Lev Num Deu Josh Jdgs Ruth 1Sm 2Sm 1Ki 2Ki 1Chr 2Chr Ezra Neh Est Job Psa Prv " \
              "Eccl SSol Isa Jer Lam Eze Dan Hos Joel Amos Obad Jonah Mic Nahum Hab Zep Hag Zec Mal " \
              "Mat Mark Luke John Acts Rom 1Cor 2Cor Gal Eph Phi Col 1Th 2Th 1Tim 2Tim Titus Phmn Heb " \
              "Jas 1Pet 2Pet 1Jn 2Jn 3Jn Jude Rev", ab, " ")
    split("Genesis|Exodus|Leviticus|Numbers|Deuteronomy|Joshua|Judges|Ruth|1 Samuel|2 Samuel|" \
          "1 Kings|2 Kings|1 Chronicles|2 Chronicles|Ezra|Nehemiah|Esther|Job|Psalms|Proverbs|" \
          "Ecclesiastes|Song of Solomon|Isaiah|Jeremiah|Lamentations|Ezekiel|Daniel|Hosea|Joel|Amos|" \
          "Obadiah|Jonah|Micah|Nahum|Habakkuk|Zephaniah|Haggai|Zechariah|Malachi|Matthew|Mark|Luke|" \
          "John|Acts|Romans|1 Corinthians|2 Corinthians|Galatians|Ephesians|Philippians|Colossians|" \
          "1 Thessalonians|2 Thessalonians|1 Timothy|2 Timothy|Titus|Philemon|Hebrews|James|1 Peter|" \
          "2 Peter|1 John|2 John|3 John|Jude|Revelation", name, "|")
    for (i = 1; i <= n; i++) book[ab[i]] = name[i]
}
# "Ge1:1 text": the book is the reference up to its chapter number
match($1, /^[1-3]?[A-Za-z]+[0-9]+:[0-9]+$/) {
    ref = $1
    b = ref; sub(/[0-9]+:[0-9]+$/, "", b)
    ch = ref; sub(/^[1-3]?[A-Za-z]+/, "", ch); sub(/:.*/, "", ch)
    if (!(b in book)) { print "unknown book " b > "/dev/stderr"; bad = 1; exit 1 }
    if (b ":" ch != last) { printf "%s%s %s\n", count ? "\n" : "", book[b], ch; last = b ":" ch }
    text = $0; sub(/^[^ ]+ +/, "", text); sub(/ +$/, "", text)
    print text
    count++
}
END {
    if (bad) exit 1
    if (count != want) { print "read " count " verses, expected " want > "/dev/stderr"; exit 1 }
}' >"$tmp" || {
    echo "nexttoken: make corpus-kjv: the bible program did not give the whole text" >&2
    exit 1
}
mv "$tmp" "$out"
trap - EXIT
echo "$out: the King James Bible, $verses verses, $(wc -c <"$out") bytes"
