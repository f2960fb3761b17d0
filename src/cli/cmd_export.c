/* cmd_export.c - `nexttoken export`: write a model in another format. */
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/model/llmc.h"
#include "core/text/vocabfile.h"

static const char usage[] =
    N_("usage: nexttoken export --model FILE --format (llmc | nexttoken) --out FILE [--tokenizer T]\n"
    "\n"
    "  --format llmc        llm.c's GPT-2 file (train_gpt2.c's header, float32 weights, the\n"
    "                       vocabulary padded to a multiple of 128), for llm.c to load\n"
    "  --format nexttoken   a native checkpoint with the weights and tokenizer only (no optimizer\n"
    "                       state): smaller, for sharing and sampling\n"
    "  --tokenizer-out FILE with llmc: also write the tokenizer as llm.c's gpt2_tokenizer.bin\n"
    "  --tokenizer T        give a model that has none (an llm.c file) this tokenizer: gpt2,\n"
    "                       cl100k, o200k, or a file such as llm.c's gpt2_tokenizer.bin\n");

int cmd_export(int argc, char **argv)
{
    const char *model = NULL, *format = NULL, *out = NULL, *spec = NULL, *tok_out = NULL;
    ArgSpec specs[] = {
        {"tokenizer-out", ARG_STR, &tok_out, NO_RANGE, 0},
        {"tokenizer", ARG_STR, &spec, NO_RANGE, 0},
        {"model", ARG_STR, &model, NO_RANGE, 0},
        {"format", ARG_STR, &format, NO_RANGE, 0},
        {"out", ARG_STR, &out, NO_RANGE, 0},
        ARG_END,
    };
    char *pos[1];
    int n_pos;
    Err e;
    int rc;
    if (cli_args(argc, argv, specs, pos, &n_pos, 0, usage, &rc)) return rc;
    if (!model || !format || !out) return cli_fail_input(_("export: --model, --format and --out are all required"));
    int to_llmc = strcmp(format, "llmc") == 0;
    if (!to_llmc && strcmp(format, "nexttoken") != 0)
        return cli_fail_input(_("export: unknown format '%s' (llmc or nexttoken)"), format);
    if (tok_out && !to_llmc) return cli_fail_input(_("export: --tokenizer-out goes with --format llmc"));
    /* Every output is a file of its own and none is the model read: over it, an export would
     * replace a checkpoint (and its training state) with a weights-only copy. */
    if (output_same(out, model))
        return cli_fail_input(_("export: --out %s is the model being exported; writing over it would replace it (and any training state) with a weights-only copy: choose another file"), out);
    if (tok_out && output_same(tok_out, model))
        return cli_fail_input(_("export: --tokenizer-out %s is the model being exported; choose another file"), tok_out);
    if (tok_out && output_same(tok_out, out))
        return cli_fail_input(_("export: --out and --tokenizer-out are the same file (%s); each needs its own"), out);
    if (output_may_replace(out, to_llmc ? &llmc_model_kind : &checkpoint_kind, &e)
        || (tok_out && output_may_replace(tok_out, &llmc_tokenizer_kind, &e)))
        return cli_fail(&e);
    Checkpoint ck;
    /* With --tokenizer, the model's own (or GPT-2's, for an llm.c file) is not wanted. */
    if (spec ? checkpoint_load(model, &ck, CKPT_WEIGHTS, &e) : load_model(model, &ck, CKPT_WEIGHTS, 0, &e)) return cli_fail(&e);
    if (spec) {
        tokenizer_free(&ck.tok);
        if (load_tokenizer(spec, &ck.tok, &e)) {
            checkpoint_free(&ck);
            return cli_fail(&e);
        }
        if (ck.tok.n_vocab != ck.model.cfg.n_vocab) {
            int tv = ck.tok.n_vocab, mv = ck.model.cfg.n_vocab;
            checkpoint_free(&ck);
            return cli_fail_input(_("export: the tokenizer has %d tokens but the model %d"), tv, mv);
        }
    }
    if (tok_out && ck.tok.n_vocab == 0) rc = err_input(&e, _("export: %s has no tokenizer to write"), model);
    /* The tokenizer first: one llm.c cannot hold is refused before the model is written. */
    else if (to_llmc) rc = (tok_out && vocab_save_llmc(tok_out, &ck.tok, &e)) || llmc_save_model(out, &ck.model, &e);
    else if (ck.tok.n_vocab == 0)
        rc = err_input(&e, _("export: %s has no tokenizer, which a nexttoken checkpoint needs"), model);
    else rc = checkpoint_save(out, &ck.model, &ck.tok, NULL, NULL, &e);
    checkpoint_free(&ck);
    if (rc) return cli_fail(&e);
    cli_line(stdout, _("wrote %s (%s)"), out, to_llmc ? _("llm.c model, version 3, float32") : _("nexttoken checkpoint, weights only"));
    if (tok_out) cli_line(stdout, _("wrote %s (llm.c tokenizer)"), tok_out);
    return 0;
}
