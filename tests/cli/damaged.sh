# Damaged files of every format a user hands nexttoken: a native checkpoint (whole, and weights
# only), an llm.c model, our tokenizer file, llm.c's tokenizer file, a lesson, and GPT-2's
# encoder.json and vocab.bpe when `make gpt2-vocab` installed them. Each file is cut short at
# twelve places, has a byte changed at twelve places, and has bytes added at its end; every
# command that reads it must then either work or refuse it with status 2 and one line on stderr
# ("nexttoken: ..." naming the file, no control bytes), never crash or hang, and leave the files
# it was told to write exactly as they were. The fuzzers (tests/fuzz/) go deeper, past the
# checksums; this is what a user meets, through the commands themselves.
BIN=$1
. tests/cli-lib.sh
export XDG_DATA_HOME="$TMP/data" XDG_STATE_HOME="$TMP/state" LANG=C.UTF-8 LC_ALL=C.UTF-8
C=corpora/stories.txt
M="$TMP/good.ckpt"
expect_ok $BIN train --corpus $C --preset tiny --vocab-size 300 --steps 2 --out "$M" --quiet --threads 1
expect_ok $BIN export --model "$M" --format nexttoken --out "$TMP/weights.ckpt"
expect_ok $BIN export --model "$M" --format llmc --out "$TMP/good.llmc" --tokenizer-out "$TMP/good.llmctok"
expect_ok $BIN bpe train --corpus $C --vocab-size 300 --out "$TMP/good.tok"
# a lesson that trains nothing, so that what still parses runs in a moment
cat >"$TMP/good.md" <<'EOF'
---
title: From logits to probabilities
lang: en
order: 3
minutes: 7
---

# From logits to probabilities

## Raise e to each

The softmax raises e to each logit: e^3.2 = {{exp 3.2 = 24.53}}, e^1.3 = {{exp 1.3 = 3.67}}.

```nexttoken
panel softmax
softmax clear
softmax logit mat 3.2
softmax logit rug 1.3
softmax reveal 1
```

## Divide by the sum

{{softmax 3.2 1.3 -2.1 #1 = 86.6 %}} of the probability goes to mat.
EOF
# what the commands were told to write, and must leave alone when they refuse
cp "$M" "$TMP/out.ckpt"
cp "$TMP/good.llmc" "$TMP/out.llmc"
cp "$TMP/out.ckpt" "$TMP/out.ckpt.was"
cp "$TMP/out.llmc" "$TMP/out.llmc.was"

# flip FILE OFFSET: the byte at OFFSET xor 0x5a, in place
flip() {
    b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
    [ -n "$b" ] || return 0
    printf "\\$(printf %03o $((b ^ 90)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# variants GOOD: writes the damaged copies of GOOD as $TMP/v/NAME, one per line of $TMP/v.list
variants() {
    rm -rf "$TMP/v" && mkdir "$TMP/v"
    size=$(wc -c <"$1")
    : >"$TMP/v.list"
    for k in 0 1 2 3 4 5 6 7 8 9 10 11; do
        # cut: at 0, 1, 7 bytes, and at every twelfth of the file
        case $k in 0) at=0 ;; 1) at=1 ;; 2) at=7 ;; *) at=$((size * k / 12 + k)) ;; esac
        [ "$at" -lt "$size" ] && head -c "$at" "$1" >"$TMP/v/cut$k" && echo cut$k >>"$TMP/v.list"
        # changed: a byte in the header, then spread over the file
        at=$((k < 4 ? k * 3 + 4 : size * k / 12 + 13))
        if [ "$at" -lt "$size" ]; then
            cp "$1" "$TMP/v/flip$k" && flip "$TMP/v/flip$k" "$at" && echo flip$k >>"$TMP/v.list"
        fi
    done
    { cat "$1"; printf 'trailing\033[2J'; } >"$TMP/v/longer" && echo longer >>"$TMP/v.list"
}

# try VARIANT CMD...: status 0, or 2 with one well-formed line naming the variant's file; the
# files to be written untouched
try() {
    v=$1
    shift
    timeout -k 5 60 "$@" >"$TMP/out" 2>"$TMP/err"
    st=$?
    what="$* ($v)"
    case $st in
        0) ;;
        2)
            if [ "$(wc -l <"$TMP/err")" -ne 1 ] || ! grep -q "^nexttoken: " "$TMP/err"; then
                fail "$what: not one 'nexttoken: ' line: $(head -c 300 "$TMP/err" | od -c | head -3)"
            elif ! grep -qF "$v" "$TMP/err"; then
                fail "$what: the message does not name the file: $(cat "$TMP/err")"
            elif LC_ALL=C grep -q '[[:cntrl:]]' "$TMP/err"; then
                fail "$what: control bytes in the message: $(od -c "$TMP/err" | head -3)"
            fi ;;
        124 | 137) fail "$what: still running after 60 s" ;;
        *) fail "$what: status $st$([ $st -gt 128 ] && echo " (signal $((st - 128)))"): $(head -c 300 "$TMP/err")" ;;
    esac
    # a file that still loads may be written over; one that is refused may not
    if [ $st -ne 0 ]; then
        cmp -s "$TMP/out.ckpt" "$TMP/out.ckpt.was" || fail "$what: refused, but changed out.ckpt"
        cmp -s "$TMP/out.llmc" "$TMP/out.llmc.was" || fail "$what: refused, but changed out.llmc"
    fi
    cp "$TMP/out.ckpt.was" "$TMP/out.ckpt"
    cp "$TMP/out.llmc.was" "$TMP/out.llmc"
}

# each variant of GOOD through each command, with V standing for the variant's path
each() {
    good=$1
    shift
    variants "$good"
    while read -r v; do
        f="$TMP/v/$v"
        for cmd in "$@"; do
            # shellcheck disable=SC2086 # the command's words
            try "$v" $(echo "$cmd" | sed "s|V|$f|g")
        done
    done <"$TMP/v.list"
}

T="$TMP/out.ckpt"
each "$M" "$BIN info --model V" "$BIN sample --model V --tokens 3 --seed 1" \
    "$BIN train --resume V --corpus $C --steps 3 --out $T --quiet --threads 1" "$BIN encode --tokenizer V ab"
each "$TMP/weights.ckpt" "$BIN info --model V" "$BIN loss --model V ab" \
    "$BIN export --model V --format llmc --out $TMP/out.llmc"
each "$TMP/good.llmc" "$BIN info --model V" "$BIN loss --model V --ids 1 2 3" \
    "$BIN export --model V --format nexttoken --tokenizer $TMP/good.llmctok --out $T"
each "$TMP/good.tok" "$BIN encode --tokenizer V hello" "$BIN decode --tokenizer V 104 105" \
    "$BIN train --corpus $C --tokenizer V --steps 1 --preset tiny --out $T --quiet"
each "$TMP/good.llmctok" "$BIN encode --tokenizer V hello" "$BIN export --model $TMP/good.llmc --tokenizer V --format nexttoken --out $T"
each "$TMP/good.md" "$BIN lessons --check V"

# GPT-2's files, when installed: the copies stand in for the installed ones
G=${NEXTTOKEN_GPT2_DIR:-data/gpt2}
if [ -s "$G/encoder.json" ] && [ -s "$G/vocab.bpe" ]; then
    mkdir -p "$TMP/g"
    for which in encoder.json vocab.bpe; do
        other=vocab.bpe
        [ $which = vocab.bpe ] && other=encoder.json
        cp "$G/$other" "$TMP/g/$other"
        variants "$G/$which"
        while read -r v; do
            cp "$TMP/v/$v" "$TMP/g/$which"
            NEXTTOKEN_GPT2_DIR="$TMP/g" try "$which" $BIN encode --tokenizer gpt2 hello
        done <"$TMP/v.list"
    done
else
    echo "SKIPPED [damaged] GPT-2's encoder.json and vocab.bpe (make gpt2-vocab)" >&2
fi
finish
