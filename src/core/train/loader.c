/* loader.c - see loader.h. */
#include "core/train/loader.h"

#include <stdio.h>
#include <string.h>

#include "core/base/readfile.h"
#include "core/text/vocabfile.h"
#include "core/base/i18n.h"

int load_tokenizer(const char *spec, Tokenizer *t, Err *e)
{
    memset(t, 0, sizeof *t);
    if (strcmp(spec, "byte") == 0) return tokenizer_init_bytes(t, e);
    if (strcmp(spec, "gpt2") == 0 || strcmp(spec, "cl100k") == 0 || strcmp(spec, "o200k") == 0)
        return vocab_load_named(t, spec, e);
    uint8_t head[8];
    long k = readfile_head(spec, head, sizeof head, e);
    if (k < 0) return -1;
    if (k < 8 || memcmp(head, CHECKPOINT_MAGIC, 8) != 0) return tokenizer_load(t, spec, e);
    Checkpoint ck;
    if (checkpoint_load(spec, &ck, 0, e)) return -1; /* the tokenizer alone */
    *t = ck.tok;
    memset(&ck.tok, 0, sizeof ck.tok);
    checkpoint_free(&ck);
    return 0;
}

/* An llm.c model carries no tokenizer. One with GPT-2's vocabulary gets GPT-2's: llm.c's
 * gpt2_tokenizer.bin beside the model, or the vocabulary `make gpt2-vocab` installs. */
static void attach_gpt2_tokenizer(const char *path, Checkpoint *ck)
{
    if (ck->tok.n_vocab || ck->model.cfg.n_vocab != GPT2_VOCAB) return;
    char beside[NT_PATH_MAX];
    snprintf(beside, sizeof beside, "%s", path);
    char *slash = strrchr(beside, '/');
    snprintf(slash ? slash + 1 : beside, sizeof beside - (size_t)(slash ? slash + 1 - beside : 0), "gpt2_tokenizer.bin");
    Err ignored;
    if (tokenizer_load(&ck->tok, beside, &ignored) == 0 && ck->tok.n_vocab == GPT2_VOCAB) return;
    tokenizer_free(&ck->tok);
    if (vocab_load_named(&ck->tok, "gpt2", &ignored) != 0) tokenizer_free(&ck->tok);
}

int load_model(const char *path, Checkpoint *ck, int parts, int need_tokenizer, Err *e)
{
    if (checkpoint_load(path, ck, parts, e)) return -1;
    attach_gpt2_tokenizer(path, ck);
    if (need_tokenizer && ck->tok.n_vocab == 0) {
        int gpt2 = ck->model.cfg.n_vocab == GPT2_VOCAB;
        checkpoint_free(ck);
        return err_input(e, gpt2 ? _("%s: this llm.c model has no tokenizer, and GPT-2's is not installed: run `make gpt2-vocab`, or put llm.c's gpt2_tokenizer.bin beside it")
                                 : _("%s: this llm.c model has no tokenizer; attach one with `nexttoken export --model FILE --format nexttoken --tokenizer FILE --out FILE`"),
                         path);
    }
    return 0;
}
