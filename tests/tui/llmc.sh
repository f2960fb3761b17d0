# The way back from llm.c (README, "When one machine is not enough"), as far as a CPU goes: a
# model of GPT-2's vocabulary trained here on a token shard, written in llm.c's model layout
# (what train_gpt2cu's -o directory holds, model_NNNNNNNN.bin, in float32), opens in the
# interface with no tokenizer beside it and shows every panel. Needs `make gpt2-vocab`.
BIN=$1
. tests/cli-lib.sh
. tests/tui/tmux-lib.sh
[ -f data/gpt2/encoder.json ] || { echo "SKIPPED [$name] no data/gpt2/encoder.json (make gpt2-vocab)" >&2; exit 0; }

expect_ok $BIN encode --tokenizer gpt2 --format llmc --out "$TMP/train.bin" corpora/stories.txt
expect_ok $BIN train --data "$TMP/train.bin" --tokenizer gpt2 --preset tiny --steps 2 --batch 2 --out "$TMP/m.ckpt" --quiet
mkdir -p "$TMP/log124M"
expect_ok $BIN export --model "$TMP/m.ckpt" --format llmc --out "$TMP/log124M/model_00000002.bin"
expect_ok $BIN info --model "$TMP/log124M/model_00000002.bin"
expect_out "vocabulary 50257"
T -f /dev/null new -d -x 100 -y 30 "LANG=C.UTF-8 $BIN --model $TMP/log124M/model_00000002.bin --corpus corpora/stories.txt --threads 2; echo EXIT=\$?; sleep 60"
wait_for "step"
panels llmc
T send-keys : "quit" Enter
wait_for "EXIT="
T capture-pane -p | grep -q "EXIT=0" || fail "the interface on an llm.c model: $(T capture-pane -p | tail -3)"
finish
