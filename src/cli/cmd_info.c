/* cmd_info.c - `nexttoken info`: what a model file holds. */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/text/pretok.h"

static const char usage[] =
    N_("usage: nexttoken info --model FILE [--json] [--history]\n"
    "\n"
    "The model's sizes, its tokenizer, and how far it has trained: steps, training time, the last\n"
    "losses, and the corpus it learned from.\n"
    "  --json      {format, preset, layers, heads, dim, ctx, vocab, params, tokenizer, steps, seconds,\n"
    "              loss, val_loss, corpus}\n"
    "  --history   every validation loss so far instead, as CSV: step,loss,val_loss (loss: the\n"
    "              training loss of that step); with --json, a val_history array of the same\n");

int cmd_info(int argc, char **argv)
{
    const char *model = NULL;
    int json = 0, history = 0;
    ArgSpec specs[] = {
        {"model", ARG_STR, &model, NO_RANGE, 0},
        {"json", ARG_FLAG, &json, NO_RANGE, 0},
        {"history", ARG_FLAG, &history, NO_RANGE, 0},
        ARG_END,
    };
    char *pos[1];
    int n_pos;
    Err e;
    int rc;
    if (cli_args(argc, argv, specs, pos, &n_pos, 0, usage, &rc)) return rc;
    if (!model) return cli_fail_input(_("info: --model FILE is required"));
    Checkpoint ck;
    if (checkpoint_load(model, &ck, CKPT_WEIGHTS | CKPT_STATE, &e)) return cli_fail(&e);
    const GPT2Config *c = &ck.model.cfg;
    const TrainHistory *h = &ck.st.hist;
    const char *preset = gpt2_preset_of(c);
    double loss = h->n ? h->loss[h->n - 1] : NAN, val = h->n_val ? h->val_loss[h->n_val - 1] : NAN;
    if (history) {
        /* The validation losses are what shows memorising: the training loss keeps falling while
         * they turn up. Each comes with the training loss of the step it was measured after. */
        Json j;
        if (json) json_init(&j, stdout), json_obj(&j), json_key(&j, "val_history"), json_arr(&j);
        else printf("step,loss,val_loss\n");
        for (size_t i = 0; i < h->n_val; i++) {
            long s = h->val_step[i];
            double tl = s >= 1 && (size_t)s <= h->n ? h->loss[s - 1] : NAN;
            if (json) {
                json_obj(&j);
                json_key(&j, "step"), json_int(&j, s);
                json_key(&j, "loss"), json_num(&j, tl);
                json_key(&j, "val_loss"), json_num(&j, h->val_loss[i]);
                json_obj_end(&j);
            } else {
                printf("%ld,%.4f,%.4f\n", s, tl, h->val_loss[i]);
            }
        }
        if (json) json_arr_end(&j), json_obj_end(&j), json_end(&j);
    } else if (json) {
        Json j;
        json_init(&j, stdout);
        json_obj(&j);
        json_key(&j, "format"), json_str(&j, ck.format);
        json_key(&j, "preset"), json_str(&j, preset ? preset : "custom");
        json_key(&j, "layers"), json_int(&j, c->n_layer);
        json_key(&j, "heads"), json_int(&j, c->n_head);
        json_key(&j, "dim"), json_int(&j, c->n_embd);
        json_key(&j, "ctx"), json_int(&j, c->n_ctx);
        json_key(&j, "vocab"), json_int(&j, c->n_vocab);
        json_key(&j, "params"), json_int(&j, (long long)ck.model.n_params);
        json_key(&j, "tokenizer"), json_str(&j, ck.tok.n_vocab ? ck.tok.name : "");
        json_key(&j, "steps"), json_int(&j, ck.st.step);
        json_key(&j, "seconds"), json_num(&j, ck.st.seconds);
        json_key(&j, "batch"), json_int(&j, ck.st.cfg.batch);
        json_key(&j, "loss"), json_num(&j, loss);
        json_key(&j, "val_loss"), json_num(&j, val);
        json_key(&j, "corpus"), json_str(&j, ck.st.corpus_path);
        json_obj_end(&j);
        json_end(&j);
    } else {
        /* The file's name, its tokenizer's and its corpus's come from outside: cli_line escapes. */
        cli_line(stdout, _("%s (%s format)"), model, ck.format);
        cli_line(stdout, _("model: %s, %d layers, %d heads, width %d, context %d, vocabulary %d: %zu parameters"),
                 preset ? preset : _("custom sizes"), c->n_layer, c->n_head, c->n_embd, c->n_ctx, c->n_vocab, ck.model.n_params);
        if (ck.tok.n_vocab) cli_line(stdout, _("tokenizer: %s, %d tokens, pre-tokenizer %s"), ck.tok.name, ck.tok.n_vocab, pretok_name(ck.tok.pattern));
        else cli_line(stdout, _("tokenizer: none (an llm.c file)"));
        if (ck.st.cfg.batch > 0) {
            cli_line(stdout, _("trained: %ld steps in %.1f s, batch %d, learning rate %g, seed %llu"), ck.st.step, ck.st.seconds,
                     ck.st.cfg.batch, ck.st.cfg.lr, (unsigned long long)ck.st.cfg.seed);
            char last[64] = "", valid[80] = "";
            if (h->n) snprintf(last, sizeof last, _("last loss %.4f"), loss);
            if (h->n_val) snprintf(valid, sizeof valid, _("validation %.4f (step %ld)"), val, h->val_step[h->n_val - 1]);
            if (h->n || h->n_val) cli_line(stdout, "%s%s%s", last, h->n && h->n_val ? ", " : "", valid);
            if (ck.st.corpus_path[0]) cli_line(stdout, _("corpus: %s"), ck.st.corpus_path);
        } else {
            cli_line(stdout, _("trained: no training state saved (weights only)"));
        }
    }
    checkpoint_free(&ck);
    return 0;
}
