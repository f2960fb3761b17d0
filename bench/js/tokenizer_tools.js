// tokenizer_tools.js CORPUS REPS - the reference tokenizers on the same text, timed the way
// tokenizer_bench.c times nexttoken's: Hugging Face tokenizers training a 4,096-token byte-level
// BPE (GPT-2's pre-tokenizer, one thread: RAYON_NUM_THREADS=1), and tiktoken (WASM) encoding
// the text with GPT-2's vocabulary, its loading excluded. Prints one JSON line; medians of REPS.
const fs = require("fs");
const path = process.argv[2], reps = Number(process.argv[3] || 5);
const median = (v) => { v.sort((a, b) => a - b); const n = v.length; return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2; };
const out = {};
(async () => {
  try {
    const { Tokenizer, models, pre_tokenizers, trainers } = require("tokenizers");
    const times = [];
    for (let r = 0; r < reps; r++) {
      const t0 = process.hrtime.bigint();
      const tok = new Tokenizer(models.BPE.init({}, []));
      tok.setPreTokenizer(pre_tokenizers.byteLevelPreTokenizer(false, true));
      const trainer = trainers.bpeTrainer({ vocabSize: 4096, showProgress: false,
        initialAlphabet: pre_tokenizers.byteLevelAlphabet() });
      await new Promise((res, rej) => tok.train([path], trainer, (err) => (err ? rej(err) : res())));
      times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    out.hf_train_s = median(times);
  } catch (e) { out.hf_error = String(e.message || e).split("\n")[0]; }
  try {
    const { get_encoding } = require("tiktoken");
    const enc = get_encoding("gpt2");
    const text = fs.readFileSync(path, "utf8");
    const bytes = Buffer.byteLength(text), times = [];
    let n = 0;
    for (let r = 0; r < reps; r++) {
      const t0 = process.hrtime.bigint();
      n = enc.encode_ordinary(text).length;
      times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    out.tiktoken_encode_s = median(times);
    out.tiktoken_mb_s = bytes / out.tiktoken_encode_s / 1e6;
    out.tiktoken_tokens = n;
  } catch (e) { out.tiktoken_error = String(e.message || e).split("\n")[0]; }
  console.log(JSON.stringify(out));
})();
