// tiktoken_shard.js TEXT OUT - what `nexttoken encode --tokenizer gpt2 --format llmc --out OUT
// TEXT` does, with tiktoken's WASM build, as llm.c's data scripts do it in Python: the text as
// one document, <|endoftext|> (50256) before it, encode_ordinary, then llm.c's shard (int32
// header[256] = 20240520, 1, count; the tokens as uint16 little-endian). bench/shards.sh times
// it as a whole process and compares the two files byte for byte.
const fs = require("fs");
const { get_encoding } = require("tiktoken");
const enc = get_encoding("gpt2");
const text = fs.readFileSync(process.argv[2], "utf8");
const ids = enc.encode_ordinary(text);
const n = ids.length + 1;
const buf = Buffer.alloc(1024 + 2 * n);
buf.writeInt32LE(20240520, 0);
buf.writeInt32LE(1, 4);
buf.writeInt32LE(n, 8);
buf.writeUInt16LE(50256, 1024);
for (let i = 0; i < ids.length; i++) buf.writeUInt16LE(ids[i], 1026 + 2 * i);
fs.writeFileSync(process.argv[3], buf);
enc.free();
