# The bash completion (completions/nexttoken.bash) against the program: every option a
# command's --help prints, and every option its argument table accepts (src/cli/cmd_*.c,
# src/main.c for the interface and the lessons), is among the options completed for it; and a
# few completions as bash computes them (a command, an option, a preset, a tokenizer, a file).
BIN=$1
. tests/cli-lib.sh
comp=completions/nexttoken.bash
command -v bash >/dev/null || { echo "completion: no bash, skipped"; exit 0; }
bash -n "$comp" || fail "$comp: bash cannot parse it"

# listed CMD OPTION...: each OPTION is among the completion's options for CMD
listed() {
    cmd=$1
    shift
    have=" $(bash -c '. "$1"; _nexttoken_options "$2"' sh "$comp" "$cmd" | tr -s ' \n' '  ') "
    for o in "$@"; do
        case $have in *" $o "*) ;; *) fail "nexttoken ${cmd:-(the interface)} takes $o, which $comp does not complete" ;; esac
    done
}
# the options a usage text names: in its usage lines, and on each option line before its
# description (prose elsewhere names other commands' options; a bare -- ends the options)
help_options() {
    "$BIN" "$@" --help 2>&1 | sed -n 's/^usage: //p; s/^       nexttoken/nexttoken/p; s/^  *\(--.*\)/\1/p' | sed 's/   *.*//; s/^usage: //' |
        grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}
# the options an argument table accepts: {"name", ARG_...
table_options() { grep -oE '\{"[a-z][a-z0-9-]*", ARG_' "$1" | sed 's/{"\([^"]*\)".*/--\1/' | sort -u; }

for cmd in train sample loss softmax slice encode export info; do
    listed "$cmd" $(help_options "$cmd") $(table_options "src/cli/cmd_$cmd.c")
done
listed decode $(help_options decode) # its file is cmd_encode.c, its one option --tokenizer
listed bpe $(help_options bpe train) $(table_options src/cli/cmd_bpe.c)
# --check is the lessons' (the interface's table is theirs too): not offered alone
listed "" $( (help_options; table_options src/main.c) | grep -vx -- --check)
for cmd in lesson lessons; do listed "$cmd" $(table_options src/main.c); done
# a command file the completion does not know
for f in src/cli/cmd_*.c; do
    c=$(basename "$f" .c | sed 's/^cmd_//')
    [ "$c" = version ] && continue
    grep -q "local commands=.*\b$c\b" "$comp" || fail "$comp does not complete the command $c"
done

# complete WORD...: what bash offers for the last word, one per line
complete_words() {
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _nexttoken; printf "%s\n" "${COMPREPLY[@]}"' sh "$comp" nexttoken "$@"
}
offers() { # WANT WORD...: WANT is among the completions of WORD...
    want=$1
    shift
    complete_words "$@" | grep -qxF -- "$want" || fail "completing '$*' does not offer $want: $(complete_words "$@" | tr '\n' ' ')"
}
offers train tr
offers lessons less
offers --preset train --pre
offers tiny train --preset ""
offers base train --steps 3 --preset b
offers gpt2 encode --tokenizer g
offers o200k decode --tokenizer o
offers word slice --tokenizer w
offers llmc export --format ""
offers none bpe train --pattern n
offers train bpe ""
offers --top-p sample --top
offers --version --ver
# a shipped lesson by name, asked of the program being completed
complete_bin() {
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _nexttoken; printf "%s\n" "${COMPREPLY[@]}"' sh "$comp" "$BIN" "$@"
}
if [ -f lessons/en/03-softmax.md ]; then
    complete_bin lesson soft | grep -qx softmax || fail "completing 'lesson soft' does not offer softmax: $(complete_bin lesson soft | tr '\n' ' ')"
fi
mkdir -p "$TMP/files" && : >"$TMP/files/story.txt"
offers "$TMP/files/story.txt" train --corpus "$TMP/files/st"
offers "$TMP/files/story.txt" encode --tokenizer "$TMP/files/s"
[ -z "$(complete_words sample --seed "")" ] || fail "completing a number offers: $(complete_words sample --seed "" | head -3)"
finish
