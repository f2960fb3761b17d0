#!/bin/sh
# make-seeds.sh BIN - writes the seed corpora tests/fuzz/NAME/ from scratch: small valid files of
# every format (a model of width 1, a 300-token vocabulary, synthetic tiktoken and GPT-2 files,
# shipped lessons and screen scripts), made with nexttoken itself (BIN) and python3. The seeds
# are committed; run this again only when a format changes.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")"
root=../..
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for d in checkpoint llmc tokenizer tiktoken gpt2vocab lesson script args bpe pieces; do rm -rf "$d"; mkdir "$d"; done

# models: one layer of width 1 and context 2 (a few KB), on the first lines of the stories
corpus=$tmp/corpus.txt
head -n 40 "$root/corpora/stories.txt" >"$corpus"
small="--layers 1 --heads 1 --dim 1 --ctx 2 --batch 1 --quiet --threads 1"
"$bin" train --corpus "$corpus" --out "$tmp/bytes.ckpt" $small --vocab-size 256 --steps 2 --val-every 1
"$bin" train --corpus "$corpus" --out "$tmp/bpe.ckpt" $small --vocab-size 300 --steps 1
"$bin" export --model "$tmp/bpe.ckpt" --format nexttoken --out "$tmp/bpe-weights.ckpt"
"$bin" export --model "$tmp/bpe.ckpt" --format llmc --out "$tmp/bpe.llmc" --tokenizer-out "$tmp/bpe.llmctok"
cp "$tmp/bytes.ckpt" checkpoint/resume.ckpt
cp "$tmp/bpe-weights.ckpt" checkpoint/weights.ckpt
cp "$tmp/bpe.llmc" checkpoint/llmc.bin
cp "$tmp/bpe.llmc" llmc/float32.bin
"$bin" bpe train --corpus "$corpus" --vocab-size 300 --out tokenizer/bpe300.tok --pattern gpt2 >/dev/null 2>&1
"$bin" bpe train --corpus "$corpus" --vocab-size 260 --out tokenizer/none260.tok --pattern none >/dev/null 2>&1
cp "$tmp/bpe.llmctok" tokenizer/llmc-v1.bin

python3 - "$tmp" <<'PY'
import struct, sys
tmp = sys.argv[1]
# llm.c bfloat16 (version 5): the float32 file's weights cut to their top halves
b = open(tmp + "/bpe.llmc", "rb").read()
h = list(struct.unpack("<256i", b[:1024]))
h[1] = 5
w = b[1024:]
bf = b"".join(w[i + 2:i + 4] for i in range(0, len(w), 4))
open("llmc/bfloat16.bin", "wb").write(struct.pack("<256i", *h) + bf)
# llm.c tokenizer version 2: the same tokens plus <|endoftext|>, named in the header
t = open(tmp + "/bpe.llmctok", "rb").read()
h = list(struct.unpack("<256i", t[:1024]))
h[1], h[3] = 2, h[2]
h[2] += 1
eot = b"<|endoftext|>"
open("tokenizer/llmc-v2.bin", "wb").write(struct.pack("<256i", *h) + t[1024:] + bytes([len(eot)]) + eot)
PY

# tiktoken and GPT-2: synthetic files of their formats (none of OpenAI's files is committed).
# tiktoken: the 256 bytes, then pairs of bytes, "base64 rank" a line; the first byte of a seed
# chooses cl100k's special tokens (even) or o200k's (odd). GPT-2: the shape fuzz_gpt2vocab.c
# makes at start-up (the bytes in GPT-2's characters as ids 0..255, merge k the bytes k / 256 and
# k % 256): the start of its encoder.json (first byte even) and of its vocab.bpe (odd).
python3 - <<'PY'
import base64, json
lines = [base64.b64encode(bytes([b])).decode() + " %d" % b for b in range(256)]
lines += [base64.b64encode(bytes([k // 256, k % 256])).decode() + " %d" % (256 + k) for k in range(150)]
open("tiktoken/cl100k", "wb").write(b"\0" + "\n".join(lines).encode() + b"\n")
open("tiktoken/o200k", "wb").write(b"\1" + "\n".join(lines[:300]).encode())
printable = [c for c in range(256) if ord("!") <= c <= ord("~") or 0xa1 <= c <= 0xac or 0xae <= c <= 0xff]
char, n = {}, 0
for b in range(256):
    if b in printable: char[b] = chr(b)
    else: char[b] = chr(256 + n); n += 1
vocab = {char[b]: b for b in range(256)}
vocab.update({char[k // 256] + char[k % 256]: 256 + k for k in range(60)})
vocab["<|endoftext|>"] = 50256
open("gpt2vocab/encoder-ascii", "wb").write(b"\0" + json.dumps(vocab, ensure_ascii=True).encode())
few = dict(list(vocab.items())[200:300])
open("gpt2vocab/encoder-utf8", "wb").write(b"\2" + json.dumps(few, ensure_ascii=False, indent=1).encode("utf-8"))
merges = "#version: 0.2\n" + "".join(char[k // 256] + " " + char[k % 256] + "\n" for k in range(300))
open("gpt2vocab/merges", "wb").write(b"\1" + merges.encode("utf-8"))
PY

# lessons: the shipped ones, and one of everything the format has, small
cp "$root/lessons/en/03-softmax.md" lesson/en-softmax.md
cp "$root/lessons/ko/05-sampling.md" lesson/ko-sampling.md
cp "$root/lessons/en/02-tokenization.md" lesson/en-tokenization.md
cat >lesson/all.md <<'MD'
---
title: Everything
lang: en
order: 9
minutes: 3
---

## A step of figures

Softmax {{softmax 3.2 1.3 -2.1 = 86.6 / 13.0 / 0.4 %}} and {{temper 2 1 T=0.5 #1}}, {{exp 1.5}},
{{ln 2}}, {{surprise 86.6%}}, {{count "the cat sat" by words}}, {{count "héllo" by characters}},
{{ids "ab ab" by model}}, {{pieces "ab" by gpt2}}, {{examples "hello world" by model}},
{{vocab model}}, {{loss}}, {{val}}, {{step}}, {{lnvocab}}, {{unigram}}, {{top 1}}.

- a list item
| a | table |

```nexttoken
panel softmax
prompt The cat
temp 0.5
train until val < 2.5 or 100 steps
```

## A question

```nexttoken
ask Which is larger, {{exp 1}} or {{exp 2}}?
choices
- {{exp 1}}
- {{exp 2}}
answer 2
```

After the question.
MD

# scripts: the screen tests', with no '/' (the harness refuses them) and waits cut to step 2
for s in "$root"/tests/screens/*.script; do
    sed -e '/\//d' -e 's/wait step [0-9]*/wait step 2/' "$s" >"script/$(basename "$s" .script)"
done
cat >script/commands <<'SCRIPT'
:lr 3e-4
:temp 0.7
:top-p 0.9
:top-k 40
:min-p 0.05
:seed 7
y
:prompt Once upon a time
:panel sample
:panel tokens
:merges 20
:panel slice
:slice tokens words
:panel softmax
:lang ko
:lang en
:lesson 3
key n n p
key <Esc>
:present
:help
key ?
:train pause
:export loss losses.csv
:save m.ckpt
:load m.ckpt
resize 80x24
dump small
dump-frame frame
tick 2
expect Train
:preset tiny
y
:corpus corpora
:q
SCRIPT

# command-line arguments, NUL-separated
p() { printf "$@"; }
p -- '--steps\0001000\000--lr=3e-4\000-2.5\000input' >args/train
p -- '--temperature\0000.8\000--top-k\00040\000--seed\00018446744073709551615\0003.2\0001.3\000-2.1' >args/softmax
p -- '--flag\000--name=x\000--\000--not-an-option\000-7\0001e3' >args/positional
p -- '--long\0009e15\000--seconds=0.5\000--int\000-2147483647\000T=2\000#1' >args/ranges
p -- '--help' >args/help

# byte-pair round trips: the first byte picks the tokenizer (bpe.c's header comment)
p '\000The quick brown fox jumps over the lazy dog.\n' >bpe/none
p "\001Once upon a time, there's a 3.14 ☃ naïve café   \n\n\t" >bpe/gpt2-pattern
p '\002고양이가 매트 위에 앉았다. IT\x27S 1234567 tokens\r\n' >bpe/cl100k-pattern
p '\003HelloWorld naïveCafé   x\xff\xfe\x00\x80' >bpe/o200k-pattern
p "\004<|endoftext|> GPT-2's own vocabulary  \n" >bpe/gpt2
p '\005 cl100k: 12345 aaaaaaaaaaaaaaaa\n\n' >bpe/cl100k
p '\006 o200k: ÀÁÂ 日本語' >bpe/o200k
p '\017abababababab ab ab abab learn from me' >bpe/self-none
p '\037the the the cat cat sat 고양이 고양이' >bpe/self-gpt2
# chunks longer than 128 bytes take the encoder's other path (a heap, not a linear scan), and
# chunks up to 256 bytes are cached: seeds longer than both
{ p '\000'; head -c 700 "$root/corpora/stories.txt"; } >bpe/long-none
{ p '\001'; python3 -c 'print("supercalifragilistic" * 12 + "   " * 50 + "1234567890" * 20, end="")'; } >bpe/long-gpt2-pattern
{ p '\002'; head -c 600 "$root/corpora/korean.txt"; } >bpe/long-cl100k-pattern
{ p '\004'; python3 -c 'print("ab" * 200 + " " + "\u00e9" * 150, end="")'; } >bpe/long-gpt2
{ p '\017'; head -c 500 "$root/corpora/stories.txt"; } >bpe/long-self-none
# tokens falling onto characters: the first byte is the seed that cuts them (fuzz_pieces.c's header)
p '\000옛날 옛적에 작은 고양이가' >pieces/korean-bytes
p '\003a\360\237\230\200b\377\033[2J\302\205\302' >pieces/emoji-controls
p '\002Ångström naïve café \354\230' >pieces/latin-cut
p '\377\355\240\200\300\257\364\220\200\200 ok' >pieces/invalid
echo "seeds written: $(find checkpoint llmc tokenizer tiktoken gpt2vocab lesson script args bpe pieces -type f | wc -l) files, $(cat checkpoint/* llmc/* tokenizer/* tiktoken/* gpt2vocab/* lesson/* script/* args/* bpe/* pieces/* | wc -c) bytes"
