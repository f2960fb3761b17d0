/* cmd_sample.c - `nexttoken sample`: continue a prompt with a trained model. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "core/base/blas.h"
#include "core/base/clock.h"
#include "core/base/parallel.h"
#include "core/model/generate.h"
#include "core/model/sampler.h"

static const char usage[] =
    N_("usage: nexttoken sample --model FILE [options]\n"
    "\n"
    "Continues a prompt one token at a time: the model gives logits, the sampler turns them into\n"
    "probabilities and draws, the token is fed back.\n"
    "\n"
    "  --model FILE         a nexttoken checkpoint or an llm.c model\n"
    "  --prompt TEXT        what to continue (default: a new line, the start of a story)\n"
    "  --tokens N           tokens to generate per sample (100)\n"
    "  --count N            how many samples (1)\n"
    "  --temperature T      0 = always the most likely token; 1 = the model's own distribution (1)\n"
    "  --top-k K            keep only the K most likely tokens (0 = off)\n"
    "  --top-p P            keep the most likely tokens until their probability reaches P (1 = off)\n"
    "  --min-p P            drop tokens less likely than P times the most likely (0 = off)\n"
    "  --seed N             random seed (default: from the clock, and printed)\n"
    "  --trace              one line per token: how many candidates the filters kept and their\n"
    "                       mass, the random number u drawn, the slice of the cumulative\n"
    "                       distribution it fell in, and the token chosen\n"
    "  --json               print {seed, prompt, samples: [{text, ids}]} instead of text (with\n"
    "                       --trace, each sample also has its trace)\n"
    "  --timing             after each sample, to standard error: the prompt's length and how\n"
    "                       fast it was read, and how fast the new tokens came (tokens/s)\n"
    "  --threads N          threads (default: one per core; at most four per core)\n");

typedef struct {
    const Tokenizer *tok;
    int stream, trace, n;
    double t_first;  /* when the first token was drawn: the prompt has been read by then */
    Json *json;
    TextOut out; /* the text as it is drawn (stream) */
    uint8_t tail[CLI_TAIL]; /* the text's last bytes (trace): a token that finishes a character reads as it */
    size_t n_tail;
} StreamCtx;

/* The last bytes of the text so far, after n more bytes at b. */
static void tail_add(StreamCtx *c, const uint8_t *b, size_t n)
{
    for (size_t i = n > CLI_TAIL ? n - CLI_TAIL : 0; i < n; i++) {
        if (c->n_tail == CLI_TAIL) memmove(c->tail, c->tail + 1, --c->n_tail);
        c->tail[c->n_tail++] = b[i];
    }
}

static int on_token(void *ctx, int32_t token, const Sampler *s)
{
    StreamCtx *c = ctx;
    if (c->n++ == 0) c->t_first = clock_now();
    if (c->trace) {
        const SampleCandidate *ch = &s->cand[s->chosen_rank];
        size_t k;
        const uint8_t *b = tokenizer_token(c->tok, token, &k);
        if (c->json) {
            Json *j = c->json;
            json_obj(j);
            json_key(j, "id"), json_int(j, token);
            cli_json_piece(j, b, k);
            json_key(j, "kept"), json_int(j, s->n_kept);
            json_key(j, "kept_mass"), json_num(j, s->kept_mass);
            json_key(j, "u"), json_num(j, s->u);
            json_key(j, "lo"), json_num(j, s->cdf_lo);
            json_key(j, "hi"), json_num(j, s->cdf_hi);
            json_key(j, "p"), json_num(j, ch->p_final);
            json_obj_end(j);
        } else {
            char label[66];
            cli_token_label_after(c->tok, c->tail, c->n_tail, token, label, sizeof label);
            tail_add(c, b, k);
            if (s->cfg.temperature == 0)
                printf(_("%4d  greedy: the most likely, %s (p %.4f)\n"), c->n, label, ch->p);
            else
                printf(_("%4d  kept %d (mass %.4f)  u = %.4f in [%.4f, %.4f)  -> %s (p %.4f, rank %d)\n"), c->n, s->n_kept,
                       s->kept_mass, s->u, s->cdf_lo, s->cdf_hi, label, ch->p_final, s->chosen_rank + 1);
        }
        return 0;
    }
    if (c->stream) {
        size_t n;
        const uint8_t *b = tokenizer_token(c->tok, token, &n);
        textout_write(&c->out, b, n);
        fflush(stdout);
    }
    return 0;
}

int cmd_sample(int argc, char **argv)
{
    const char *model = NULL, *prompt = NULL;
    int tokens = 100, count = 1, json = 0, trace = 0, timing = 0, threads = 0;
    uint64_t seed = 0;
    SamplerConfig sc;
    sampler_config_default(&sc);
    ArgSpec specs[] = {
        {"model", ARG_STR, &model, NO_RANGE, 0},
        {"prompt", ARG_STR, &prompt, NO_RANGE, 0},
        {"tokens", ARG_INT, &tokens, 1, 1000000, 0},
        {"count", ARG_INT, &count, 1, 10000, 0},
        {"temperature", ARG_FLOAT, &sc.temperature, NO_RANGE, 0},
        {"top-k", ARG_INT, &sc.top_k, NO_RANGE, 0},
        {"top-p", ARG_FLOAT, &sc.top_p, NO_RANGE, 0},
        {"min-p", ARG_FLOAT, &sc.min_p, NO_RANGE, 0},
        {"seed", ARG_U64, &seed, NO_RANGE, 0},
        {"json", ARG_FLAG, &json, NO_RANGE, 0},
        {"trace", ARG_FLAG, &trace, NO_RANGE, 0},
        {"timing", ARG_FLAG, &timing, NO_RANGE, 0},
        {"threads", ARG_INT, &threads, 1, par_max_threads(), 0},
        ARG_END,
    };
    char *pos[1];
    int n_pos;
    Err e;
    int rc;
    if (cli_args(argc, argv, specs, pos, &n_pos, 0, usage, &rc)) return rc;
    if (!model) return cli_fail_input(_("sample: --model FILE is required"));
    if (sampler_config_check(&sc, &e)) return cli_fail(&e);
    if (!args_seen(specs, "seed")) seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);

    Checkpoint ck;
    if (load_model(model, &ck, CKPT_WEIGHTS, 1, &e)) return cli_fail(&e);
    const Tokenizer *tok = &ck.tok;
    int32_t *pids = NULL, *out = malloc(sizeof(int32_t) * (size_t)tokens);
    size_t cap = 0, n_prompt = 0;
    const char *ptext = prompt && *prompt ? prompt : "\n";
    Generator g;
    Sampler s;
    int status = 0;
    /* The pool splits each product: a token's by its outputs (decoding is bound by reading the
     * weights, and one core does not read memory as fast as two), the prompt's by rows with one
     * BLAS thread in each, as training does. */
    blas_set_threads(1);
    ParPool *pool = par_create(threads ? threads : par_cpu_count(), &e);
    if (!pool) status = cli_fail(&e);
    else if (!out) status = cli_fail_nomem(N_("the sample"), sizeof(int32_t) * (size_t)tokens);
    else if (tokenizer_encode(tok, (const uint8_t *)ptext, strlen(ptext), &pids, &cap, &n_prompt, &e)
             || sampler_create(&s, &sc, tok->n_vocab, &e)) {
        status = cli_fail(&e);
    } else if (generator_create(&g, &ck.model, &e)) {
        sampler_free(&s);
        status = cli_fail(&e);
    } else {
        g.cache.pool = pool;
        Rng rng;
        rng_seed(&rng, seed);
        StreamCtx ctx = {tok, !json && !trace, trace, 0, 0, NULL, {0}, {0}, 0};
        textout_init(&ctx.out, stdout);
        Json j;
        if (json) {
            json_init(&j, stdout);
            json_obj(&j);
            json_key(&j, "seed"), json_int(&j, (long long)seed);
            json_key(&j, "prompt"), json_str(&j, prompt ? prompt : "");
            json_key(&j, "samples"), json_arr(&j);
        } else {
            fprintf(stderr, "seed %llu\n", (unsigned long long)seed);
        }
        for (int k = 0; k < count; k++) {
            if (!json) {
                if (count > 1) printf(_("%s--- sample %d of %d ---\n"), k ? "\n" : "", k + 1, count);
                if (prompt && !trace) textout_write(&ctx.out, (const uint8_t *)prompt, strlen(prompt));
            }
            ctx.n_tail = 0;
            tail_add(&ctx, (const uint8_t *)ptext, strlen(ptext));
            if (json && trace) {
                json_obj(&j);
                json_key(&j, "trace"), json_arr(&j);
                ctx.json = &j;
            }
            ctx.n = 0;
            double t0 = clock_now();
            /* the prompt is fed once: later samples start again from its cache */
            int made = generate(&g, &s, &rng, k ? NULL : pids, (int)n_prompt, tokens, out, on_token, &ctx);
            double t1 = clock_now();
            /* The first token's time is the prompt's: its logits come from feeding the prompt.
             * Each later one costs a feed of one token, the decoding speed. */
            if (timing) {
                int fed = (int)n_prompt < g.model->cfg.n_ctx ? (int)n_prompt : g.model->cfg.n_ctx;
                double tp = ctx.t_first - t0, tn = t1 - ctx.t_first;
                if (k) fprintf(stderr, "timing: prompt %d tokens, cached; ", fed);
                else fprintf(stderr, "timing: prompt %d tokens in %.3f s (%.1f tokens/s); ", fed, tp, fed / tp);
                fprintf(stderr, "%d new tokens at %.2f tokens/s\n", made, made > 1 ? (made - 1) / tn : 0.0);
            }
            if (json && trace) json_arr_end(&j);
            uint8_t *text = NULL; /* the continuation, for the JSON and after a trace */
            size_t tcap = 0, tlen = 0;
            if ((json || trace) && tokenizer_decode(tok, out, (size_t)made, &text, &tcap, &tlen, &e)) {
                status = cli_fail(&e);
                break;
            }
            if (json) {
                if (!trace) json_obj(&j);
                cli_json_piece(&j, text, tlen);
                json_key(&j, "ids"), json_arr(&j);
                for (int i = 0; i < made; i++) json_int(&j, out[i]);
                json_arr_end(&j);
                json_obj_end(&j);
            } else if (trace) {
                fputs("text: ", stdout);
                if (prompt) textout_write(&ctx.out, (const uint8_t *)prompt, strlen(prompt));
                textout_write(&ctx.out, text, tlen);
                textout_end(&ctx.out);
                putchar('\n');
            } else {
                textout_end(&ctx.out);
                putchar('\n');
            }
            free(text);
        }
        if (json) {
            json_arr_end(&j);
            json_obj_end(&j);
            json_end(&j);
        }
        generator_free(&g);
        sampler_free(&s);
    }
    par_free(pool);
    free(pids);
    free(out);
    checkpoint_free(&ck);
    return status;
}
