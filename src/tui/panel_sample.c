/* panel_sample.c - panel 5, Sample: the biased coin. The knobs (temperature, top-k, top-p,
 * min-p, seed), the distribution of the next token after each filter in the sampler's order,
 * the random number drawn and where it landed; one token at a time, appended to the text.
 * A second view: several continuations at once, with the spans the model copied verbatim from
 * its training text underlined. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/clock.h"
#include "core/base/number.h"
#include "core/model/generate.h"
#include "core/model/probe.h"
#include "core/model/sampler.h"
#include "core/text/suffix.h"
#include "tui.h"

#define MAX_STEPS 256
#define N_CONT 4          /* continuations side by side */
#define CONT_TOKENS 48
#define MIN_COPIED 4      /* spans of at least this many tokens count as copied */
#define SLIDER_W 20

enum { KNOB_TEMP, KNOB_TOPK, KNOB_TOPP, KNOB_MINP, KNOB_SEED, N_KNOBS };

static const HelpLine help[] = {
    {"Space / Right", N_("draw the next token (Left: take it back)")},
    {"a", N_("keep drawing;  r  start again from the prompt")},
    {"Up Down", N_("choose a knob: temperature, top-k, top-p, min-p, seed")},
    {"+ -", N_("turn it (or click on the temperature slider)")},
    {"v", N_("one token at a time, or several continuations at once")},
    {":sample-seed N", N_("the seed of the draws (the knob's value)")},
    {NULL, NULL},
};

typedef struct Sample {
    int view, knob;
    uint64_t seed;
    int32_t gen[MAX_STEPS];
    Rng rng_before[MAX_STEPS + 1];
    int n_gen;
    long gen_key;           /* the generation the drawn tokens belong to */
    Sampler shown;          /* the distribution the last token was drawn from (or the next) */
    int drawn;              /* shown has a draw in it */
    long shown_gen;
    int32_t cont[N_CONT][CONT_TOKENS];
    int cont_n[N_CONT], cont_done[N_CONT];
    unsigned char copied[N_CONT][CONT_TOKENS]; /* tokens in a span found in the corpus */
    int longest[N_CONT];                        /* the longest such span */
    long cont_gen;
    int cont_cur;           /* the continuation under way, or -1 */
    Generator maker;        /* its context and key/value cache, made for a model of maker_cfg */
    GPT2Config maker_cfg;
    long maker_weights;     /* the weights and prompt it last fed (its cache serves every */
    char maker_prompt[PROMPT_BYTES]; /* continuation of them; -1: none) */
    Generator stepper;      /* the draws' context and cache, made for a model of stepper_cfg */
    GPT2Config stepper_cfg;
    long stepper_weights;   /* the weights and prompt it was started from (-1: not started) */
    char stepper_prompt[PROMPT_BYTES];
    Sampler cont_s;
    Rng cont_rng;
    const float *cont_logits;
    char err[512];
} Sample;

/* The draws and the continuations start again from the prompt (r, or a new seed): this panel's
 * own, which the other panels need not follow. */
static void restart(Sample *S)
{
    S->gen_key = -1;
    S->cont_gen = -1;
}

/* The prompt's ids and the drawn ones after them. */
static int context_ids(const App *a, const Sample *S, int upto, int32_t **ids, size_t *n)
{
    size_t cap = 0;
    Err e;
    const char *p = a->prompt[0] ? a->prompt : "\n";
    if (tokenizer_encode(&a->s.tok, (const uint8_t *)p, strlen(p), ids, &cap, n, &e)) return -1;
    int32_t *more = realloc(*ids, sizeof(int32_t) * (*n + (size_t)upto + 1));
    if (!more) return -1;
    *ids = more;
    memcpy(*ids + *n, S->gen, sizeof(int32_t) * (size_t)upto);
    *n += (size_t)upto;
    return 0;
}

/* Whether a generator started from the weights `w` (a->weights_gen then) and the prompt p still
 * fits: the same weights and prompt. The knobs change the draws, not the logits, so turning one
 * feeds nothing again. */
static int same_context(const App *a, long w, const char *p)
{
    return w == a->weights_gen && strcmp(p, a->prompt) == 0;
}

/* A generator for model m, made again when m's shape is not the one it was made for (the view
 * model keeps its address across models: its shape says whether the generator fits). 0 when it
 * is ready, with *made set when it was made just now. */
static int fit_generator(Generator *g, GPT2Config *made_for, const GPT2 *m, int *made)
{
    Err e;
    *made = 0;
    if (g->window && memcmp(made_for, &m->cfg, sizeof m->cfg) == 0) return 0;
    generator_free(g);
    memset(made_for, 0, sizeof *made_for);
    if (generator_create(g, m, &e)) return -1;
    *made_for = m->cfg;
    *made = 1;
    return 0;
}

/* The sampler's distribution after the prompt and the first `upto` drawn tokens, into S->shown.
 * The logits come the way `nexttoken sample` makes them (generate.h): the prompt fed at once (its
 * last n_ctx tokens), then each drawn token one at a time, the context sliding when it is full,
 * so that the panel and the command draw the same tokens with the same numbers. One generator
 * follows the draws: a new draw feeds only its token, one taken back cuts the cache back
 * (generator_back); only new weights or a new prompt feed the prompt again (a knob
 * changes the draws, not the logits: same_context). */
static int distribution(const App *a, Sample *S, const GPT2 *m, int upto)
{
    Err e;
    int made;
    sampler_free(&S->shown);
    if (fit_generator(&S->stepper, &S->stepper_cfg, m, &made)) return -1;
    Generator *g = &S->stepper;
    const float *logits = NULL;
    if (!made && same_context(a, S->stepper_weights, S->stepper_prompt)) {
        if (upto == g->fed + 1) logits = generator_feed(g, S->gen[upto - 1]);
        else if (upto <= g->fed) logits = generator_back(g, upto);
    }
    if (!logits) {
        int32_t *ids = NULL;
        size_t n = 0;
        if (context_ids(a, S, 0, &ids, &n)) {
            free(ids);
            S->stepper_weights = -1;
            return -1;
        }
        logits = generator_start(g, ids, (int)n);
        free(ids);
        for (int i = 0; i < upto; i++) logits = generator_feed(g, S->gen[i]);
        S->stepper_weights = a->weights_gen;
        snprintf(S->stepper_prompt, sizeof S->stepper_prompt, "%s", a->prompt);
    }
    if (sampler_create(&S->shown, &a->sc, m->cfg.n_vocab, &e)) return -1;
    sampler_distribution(&S->shown, logits);
    return 0;
}

/* Brings the state up to date: a new model, prompt or knob starts the drawing over. */
static void sync(App *a, Sample *S)
{
    const GPT2 *m = app_view_model(a);
    if (!m) {
        snprintf(S->err, sizeof S->err, _("no model yet"));
        return;
    }
    S->err[0] = 0;
    if (S->gen_key != a->settings_gen) {
        /* a different prompt, knobs or model: what was drawn no longer follows from them (new
         * weights of the same model do not undo the draws: the next one uses them) */
        S->gen_key = a->settings_gen;
        S->n_gen = 0;
        rng_seed(&S->rng_before[0], S->seed);
        S->drawn = 0;
        S->shown_gen = -1;
    }
    if (S->shown_gen != a->generation && !S->drawn) {
        if (distribution(a, S, m, S->n_gen)) snprintf(S->err, sizeof S->err, _("cannot compute the distribution"));
        S->shown_gen = a->generation;
    }
}

static void step_forward(App *a, Sample *S)
{
    const GPT2 *m = app_view_model(a);
    sync(a, S);
    if (!m) return;
    if (S->n_gen >= MAX_STEPS) {
        app_message(a, 0, _("%d tokens drawn: r starts again"), MAX_STEPS);
        a->animating = 0;
        return;
    }
    if (distribution(a, S, m, S->n_gen)) return;
    Rng r = S->rng_before[S->n_gen];
    S->gen[S->n_gen] = sampler_draw(&S->shown, &r);
    S->n_gen++;
    S->rng_before[S->n_gen] = r;
    S->drawn = 1;
}

static void step_back(App *a, Sample *S)
{
    const GPT2 *m = app_view_model(a);
    sync(a, S);
    if (!m || S->n_gen == 0) return;
    S->n_gen--;
    if (S->n_gen == 0) {
        S->drawn = 0;
        distribution(a, S, m, 0);
        return;
    }
    /* show the draw that made the (new) last token again: same state of the generator, same u */
    if (distribution(a, S, m, S->n_gen - 1) == 0) {
        Rng r = S->rng_before[S->n_gen - 1];
        sampler_draw(&S->shown, &r);
        S->drawn = 1;
    }
}

/* ---- drawing ---- */

static const char *knob_name[N_KNOBS] = {N_("temperature"), N_("top-k"), N_("top-p"), N_("min-p"), N_("seed")};

static void draw_knobs(const App *a, const Sample *S, WINDOW *w, int y, int wd)
{
    int x = 1;
    for (int k = 0; k < N_KNOBS; k++) {
        int st = k == S->knob ? ST_SELECT : ST_DIM;
        char v[32];
        switch (k) {
        case KNOB_TEMP: snprintf(v, sizeof v, "%.2f", a->sc.temperature); break;
        case KNOB_TOPK: snprintf(v, sizeof v, a->sc.top_k ? "%d" : _("off"), a->sc.top_k); break;
        case KNOB_TOPP: snprintf(v, sizeof v, a->sc.top_p < 1 ? "%.2f" : _("off"), a->sc.top_p); break;
        case KNOB_MINP: snprintf(v, sizeof v, a->sc.min_p > 0 ? "%.2f" : _("off"), a->sc.min_p); break;
        default: snprintf(v, sizeof v, "%llu", (unsigned long long)S->seed);
        }
        x += draw_text(w, y, x, wd - x, st, a, _(knob_name[k]));
        x += draw_text(w, y, x, wd - x, ST_NORMAL, a, " ");
        if (k == KNOB_TEMP) { /* the slider, 0 to 2 */
            x += draw_text(w, y, x, 1, ST_DIM, a, "[");
            draw_bar(w, y, x, SLIDER_W, a->sc.temperature / 2, ST_ACCENT, a);
            x += SLIDER_W;
            x += draw_text(w, y, x, 1, ST_DIM, a, "]");
            x += draw_text(w, y, x, 1, ST_NORMAL, a, " ");
        }
        x += draw_text(w, y, x, wd - x, ST_KEY, a, v);
        x += draw_text(w, y, x, wd - x, ST_NORMAL, a, "   ");
    }
}

/* The share of candidate c after filter stage `stage` (0 temperature, 1 top-k, 2 top-p,
 * 3 min-p), renormalised over what survived that far. */
static double share(const SampleCandidate *c, int stage, const double mass[4])
{
    if (c->cut_by != CUT_NONE && c->cut_by <= stage) return 0;
    return c->p_temp / mass[stage];
}

static void draw_step(const App *a, const Sample *S, WINDOW *w, int y, int h, int wd)
{
    const Sampler *s = &S->shown;
    if (!s->cand) return;
    /* the text so far: the prompt, then what was drawn */
    int x = 2, row = y;
    x += draw_text(w, row, x, wd - 4, ST_NORMAL, a, a->prompt);
    Pieces P; /* the prompt is token 0, the drawn ones follow */
    Err e;
    if (tokenizer_pieces(&a->s.tok, a->prompt, S->gen, (size_t)S->n_gen, &P, &e)) return;
    for (int i = 0; i < S->n_gen && row < y + 2; i++) {
        int pw = strip_width(a, &P, (size_t)i + 1, 0);
        if (x + pw > wd - 2) x = 2, row++;
        if (row >= y + 2) break;
        x += draw_strip_token(w, row, x, wd - 2 - x, i == S->n_gen - 1 ? ST_SELECT : (i % 2 ? ST_TOKEN_B : ST_TOKEN_A), a, &P,
                              (size_t)i + 1, 0);
    }
    pieces_free(&P);
    /* the candidates follow the text the shown distribution was computed after */
    uint8_t tail[TEXT_TAIL];
    const size_t n_tail = text_tail(a, a->prompt, S->gen, (size_t)(S->n_gen - S->drawn), tail);
    y += 3;
    /* the filters' masses, stage by stage */
    double mass[4] = {1, 0, 0, 0};
    for (int st = 1; st < 4; st++)
        for (int i = 0; i < s->n_vocab; i++)
            if (s->cand[i].cut_by == CUT_NONE || s->cand[i].cut_by > st) mass[st] += s->cand[i].p_temp;
    for (int st = 1; st < 4; st++) if (mass[st] <= 0) mass[st] = 1;
    /* the header over the rows' columns, in display columns: the token's, then six of 8 */
    static const char *const heads[] = {"p", N_("p at T"), "top-k", "top-p", "min-p", N_("cumul.")};
    draw_cell(w, y, 1, 14, ST_DIM, a, _("next token"));
    for (int i = 0; i < 6; i++) draw_right(w, y, 16 + 9 * i, 8, ST_DIM, a, i == 1 || i == 5 ? _(heads[i]) : heads[i]);
    y++;
    int rows = h - y - 4;
    if (rows > 12) rows = 12;
    if (rows < 3) rows = 3;
    double cum = 0;
    for (int r = 0; r < rows && r < s->n_vocab; r++, y++) {
        const SampleCandidate *c = &s->cand[r];
        int kept = c->cut_by == CUT_NONE, chosen = S->drawn && r == s->chosen_rank;
        if (kept) cum += c->p_final;
        char quoted[50];
        token_text_after(a, tail, n_tail, c->id, 1, 1, quoted, sizeof quoted);
        int st = chosen ? ST_SELECT : kept ? ST_NORMAL : ST_DIM;
        draw_cell(w, y, 1, 14, st, a, quoted);
        draw_textf(w, y, 15, wd - 16, st, a, " %7.2f%% %7.2f%% %7.2f%% %7.2f%% %7.2f%% %s", 100 * c->p, 100 * c->p_temp,
                   100 * share(c, 1, mass), 100 * share(c, 2, mass), 100 * share(c, 3, mass),
                   kept ? "" : (c->cut_by == CUT_TOP_K ? _("   cut by top-k") : c->cut_by == CUT_TOP_P ? _("   cut by top-p") : _("   cut by min-p")));
        if (kept) draw_textf(w, y, 15 + 46, 10, st, a, "%7.2f%%", 100 * cum);
    }
    y++;
    draw_textf(w, y++, 1, wd - 2, ST_ACCENT, a, _("kept %d of %d tokens, %.1f%% of the probability at T; renormalised to 100%%"),
               s->n_kept, s->n_vocab, 100 * s->kept_mass);
    /* the coin: the kept tokens as segments of [0, 1), and where u landed */
    int bw = wd - 6;
    if (y < h && bw > 10) {
        double lo = 0;
        wmove(w, y, 2);
        for (int i = 0; i < s->n_kept; i++) {
            /* the last segment ends at the end: the rounded sum of p_final may fall an ulp short */
            int x0 = 2 + (int)(lo * bw), x1 = i == s->n_kept - 1 ? 2 + bw : 2 + (int)((lo + s->cand[i].p_final) * bw);
            for (int xx = x0; xx < x1 && xx < 2 + bw; xx++)
                draw_text(w, y, xx, 1, S->drawn && i == s->chosen_rank ? ST_KEY : (i % 2 ? ST_TOKEN_B : ST_TOKEN_A), a,
                          a->utf8 ? "\u2588" : (i % 2 ? "=" : "#"));
            lo += s->cand[i].p_final;
        }
        if (S->drawn && s->cfg.temperature > 0 && y + 1 < h) {
            int ux = 2 + (int)(s->u * bw);
            draw_text(w, y + 1, ux, 1, ST_KEY, a, a->utf8 ? "\u25b2" : "^");
            char piece[50];
            token_text_after(a, tail, n_tail, s->chosen, 1, 1, piece, sizeof piece);
            char msg[200];
            snprintf(msg, sizeof msg, _("u = %.4f fell in [%.4f, %.4f): %s"), s->u, s->cdf_lo, s->cdf_hi, piece);
            int mw = text_width(msg), mx = ux + 2 + mw < wd ? ux + 2 : ux - mw - 1;
            draw_text(w, y + 1, mx > 1 ? mx : 1, wd - 2, ST_KEY, a, msg);
        } else if (S->drawn && y + 1 < h) {
            draw_text(w, y + 1, 2, wd - 4, ST_KEY, a, _("temperature 0: no coin, the most likely token"));
        } else if (y + 1 < h) {
            draw_text(w, y + 1, 2, wd - 4, ST_DIM, a, _("Space draws u, uniform in [0, 1), and takes the token whose segment it falls in"));
        }
    }
}

/* ---- several continuations ----
 * Each with its seed; spans found verbatim in the corpus underlined. They are made in update, a
 * slice of time per frame (the knob that changed shows at once, the text follows), one
 * continuation after another through one generator, each exactly as `nexttoken sample --seed`
 * makes it: the prompt fed at once, then every token drawn fed back (generate.h). */

/* A finished continuation's spans of MIN_COPIED or more tokens that the corpus has verbatim. */
static void mark_copied(App *a, Sample *S, int c)
{
    const SuffixArray *sa = app_corpus_index(a);
    memset(S->copied[c], 0, sizeof S->copied[c]);
    S->longest[c] = 0;
    for (int i = 0; sa && i < S->cont_n[c]; i++) {
        size_t len = suffix_longest_match(sa, S->cont[c] + i, (size_t)(S->cont_n[c] - i), NULL);
        if ((int)len >= MIN_COPIED) {
            memset(S->copied[c] + i, 1, len);
            if ((int)len > S->longest[c]) S->longest[c] = (int)len;
        }
    }
    S->cont_done[c] = 1;
}

static void continue_generating(App *a, Sample *S, const GPT2 *m)
{
    Err e;
    if (S->cont_gen != a->settings_gen) { /* start over (r, or a knob; not new weights) */
        S->cont_gen = a->settings_gen;
        for (int c = 0; c < N_CONT; c++) S->cont_n[c] = 0, S->cont_done[c] = 0;
        S->cont_cur = -1;
    }
    int made;
    if (fit_generator(&S->maker, &S->maker_cfg, m, &made)) return;
    if (made) {
        S->maker_weights = -1;
        S->cont_cur = -1;
        for (int c = 0; c < N_CONT; c++) S->cont_n[c] = 0, S->cont_done[c] = 0;
    }
    double t0 = clock_now();
    while (S->cont_cur < N_CONT) {
        if (S->cont_cur < 0 || S->cont_n[S->cont_cur] >= CONT_TOKENS) {
            if (S->cont_cur >= 0 && !S->cont_done[S->cont_cur]) mark_copied(a, S, S->cont_cur);
            if (++S->cont_cur >= N_CONT) return; /* all made */
            sampler_free(&S->cont_s);
            if (sampler_create(&S->cont_s, &a->sc, m->cfg.n_vocab, &e)) {
                S->cont_cur = N_CONT; /* nothing more can be made: what there is stays */
                return;
            }
            rng_seed(&S->cont_rng, S->seed + (uint64_t)S->cont_cur);
            if (same_context(a, S->maker_weights, S->maker_prompt)) {
                /* the same prompt and weights: their cache serves this continuation too */
                S->cont_logits = generator_back(&S->maker, 0);
            } else {
                int32_t *ids = NULL;
                size_t n = 0;
                if (context_ids(a, S, 0, &ids, &n)) {
                    free(ids);
                    S->cont_cur = N_CONT;
                    return;
                }
                S->cont_logits = generator_start(&S->maker, ids, (int)n);
                S->maker_weights = a->weights_gen;
                snprintf(S->maker_prompt, sizeof S->maker_prompt, "%s", a->prompt);
                free(ids);
            }
            S->cont_done[S->cont_cur] = 0;
        }
        int32_t tok = sampler_sample(&S->cont_s, S->cont_logits, &S->cont_rng);
        S->cont[S->cont_cur][S->cont_n[S->cont_cur]++] = tok;
        if (S->cont_n[S->cont_cur] < CONT_TOKENS) S->cont_logits = generator_feed(&S->maker, tok);
        if (clock_now() - t0 > WORK_SLICE_SECONDS) {
            a->more = 1;
            return;
        }
    }
}

static void draw_continuations(const App *a, const Sample *S, WINDOW *w, int y, int h, int wd)
{
    int per = (h - y - 1) / N_CONT;
    if (per < 2) per = 2;
    for (int c = 0; c < N_CONT && y < h - 1; c++) {
        int longest = S->cont_done[c] ? S->longest[c] : 0;
        char head[96];
        if (!S->cont_done[c]) snprintf(head, sizeof head, _("seed %llu   ..."), (unsigned long long)(S->seed + (uint64_t)c));
        else if (longest) snprintf(head, sizeof head, _("seed %llu   longest span copied from the corpus: %d tokens"), (unsigned long long)(S->seed + (uint64_t)c), longest);
        else snprintf(head, sizeof head, _("seed %llu   nothing copied from the corpus (%d+ tokens)"), (unsigned long long)(S->seed + (uint64_t)c), MIN_COPIED);
        draw_text(w, y, 1, wd - 2, ST_DIM, a, head);
        int row = y + 1, x = 2;
        x += draw_text(w, row, x, wd - 4, ST_NORMAL, a, a->prompt);
        Pieces P; /* the prompt is token 0 */
        Err e;
        if (tokenizer_pieces(&a->s.tok, a->prompt, S->cont[c], (size_t)S->cont_n[c], &P, &e)) return;
        for (int i = 0; i < S->cont_n[c] && row < y + per; i++) {
            int pw = strip_width(a, &P, (size_t)i + 1, 0);
            if (x + pw > wd - 2) x = 2, row++;
            if (row >= y + per) break;
            x += draw_strip_token(w, row, x, wd - 2 - x, S->cont_done[c] && S->copied[c][i] ? ST_COPIED : ST_ACCENT, a, &P,
                                  (size_t)i + 1, 0);
        }
        pieces_free(&P);
        y += per;
    }
}

static void update(App *a, void *st)
{
    Sample *S = st;
    sync(a, S);
    const GPT2 *m = app_view_model(a);
    if (S->view == 1 && m && !S->err[0]) continue_generating(a, S, m);
}

static void draw(const App *a, const void *st, WINDOW *w, int h, int wd)
{
    const Sample *S = st;
    draw_knobs(a, S, w, 0, wd);
    if (S->err[0]) {
        draw_text(w, 2, 2, wd - 4, ST_DIM, a, S->err);
        return;
    }
    if (S->view == 0) draw_step(a, S, w, 2, h - 1, wd);
    else draw_continuations(a, S, w, 2, h - 1, wd);
    /* the same draws from the command line (knobs at their defaults left out) */
    char cmd[800];
    int at = snprintf(cmd, sizeof cmd, "nexttoken sample --model MODEL --prompt \"%s\" --seed %llu --temperature %g", a->prompt,
                      (unsigned long long)S->seed, a->sc.temperature);
    if (a->sc.top_k) at += snprintf(cmd + at, sizeof cmd - (size_t)at, " --top-k %d", a->sc.top_k);
    if (a->sc.top_p < 1) at += snprintf(cmd + at, sizeof cmd - (size_t)at, " --top-p %g", a->sc.top_p);
    if (a->sc.min_p > 0) at += snprintf(cmd + at, sizeof cmd - (size_t)at, " --min-p %g", a->sc.min_p);
    if (S->view == 0) snprintf(cmd + at, sizeof cmd - (size_t)at, " --trace");
    draw_text(w, h - 1, 1, wd - 2, ST_DIM, a, cmd);
}

/* ---- keys ---- */

static void turn(App *a, Sample *S, int dir)
{
    SamplerConfig sc = a->sc;
    switch (S->knob) {
    case KNOB_TEMP: sc.temperature = fminf(2, fmaxf(0, roundf((sc.temperature + 0.1f * dir) * 10) / 10)); break;
    case KNOB_TOPK: sc.top_k = sc.top_k + dir < 0 ? 0 : sc.top_k + dir; break;
    case KNOB_TOPP: sc.top_p = fminf(1, fmaxf(0.05f, roundf((sc.top_p + 0.05f * dir) * 20) / 20)); break;
    case KNOB_MINP: sc.min_p = fminf(1, fmaxf(0, roundf((sc.min_p + 0.05f * dir) * 20) / 20)); break;
    default:
        if (dir > 0 || S->seed > 0) S->seed += (uint64_t)(int64_t)dir;
        restart(S);
        return;
    }
    app_set_sampling(a, &sc); /* the status line says what changed, and every panel follows */
}

static void tick(App *a, void *st)
{
    step_forward(a, st);
}

static int key(App *a, void *st, int ch)
{
    Sample *S = st;
    switch (ch) {
    case ' ': case KEY_RIGHT:
        if (S->view == 0) step_forward(a, S);
        return KEY_HANDLED;
    case KEY_LEFT:
        if (S->view == 0) step_back(a, S);
        return KEY_HANDLED;
    case 'r': restart(S); return KEY_HANDLED;
    case 'v': S->view = !S->view, a->animating = 0; return KEY_HANDLED;
    case KEY_UP: case 'k': S->knob = (S->knob + N_KNOBS - 1) % N_KNOBS; return KEY_HANDLED;
    case KEY_DOWN: case 'j': S->knob = (S->knob + 1) % N_KNOBS; return KEY_HANDLED;
    case '+': case '=': turn(a, S, 1); return KEY_HANDLED;
    case '-': turn(a, S, -1); return KEY_HANDLED;
    case KEY_MOUSE: {
        /* the temperature slider: after "temperature [" on the knob row */
        int x0 = 1 + text_width(_(knob_name[KNOB_TEMP])) + 1 + 1;
        if (a->mouse.y == 0 && a->mouse.x >= x0 && a->mouse.x < x0 + SLIDER_W) {
            S->knob = KNOB_TEMP;
            SamplerConfig sc = a->sc;
            /* the bar fills up to the clicked cell: cell k of SLIDER_W is temperature 2 (k+1)/SLIDER_W */
            sc.temperature = 2.0f * (float)(a->mouse.x - x0 + 1) / SLIDER_W;
            app_set_sampling(a, &sc);
        }
        return KEY_HANDLED;
    }
    default: return KEY_IGNORED;
    }
}

/* :seed is the session's (a new model); the panel's own is :sample-seed N on it, or
 * :sample seed N from anywhere; :sample view step|continuations, draw N */
static int command(App *a, void *st, int argc, char **argv)
{
    Sample *S = st;
    if (argc < 2) return 0;
    if (!strcmp(argv[0], "sample-seed") || !strcmp(argv[0], "seed")) {
        uint64_t v;
        if (num_u64(argv[1], NULL, &v)) app_message(a, 1, _("sample seed N: a whole number"));
        else S->seed = v, restart(S);
        return 1;
    }
    if (!strcmp(argv[0], "view")) {
        if (strcmp(argv[1], "step") != 0 && strcmp(argv[1], "continuations") != 0) app_message(a, 1, _("sample view step or continuations"));
        else S->view = !strcmp(argv[1], "continuations");
        return 1;
    }
    if (!strcmp(argv[0], "draw")) {
        long n;
        if (num_long(argv[1], NULL, &n) || n < 0 || n > MAX_STEPS) app_message(a, 1, _("sample draw N, 0 to %d tokens"), MAX_STEPS);
        else {
            restart(S);
            S->view = 0;
            for (long i = 0; i < n; i++) step_forward(a, S);
        }
        return 1;
    }
    return 0;
}

static void init(void *st)
{
    Sample *S = st;
    S->seed = 1, S->gen_key = -1, S->shown_gen = -1, S->cont_gen = -1, S->cont_cur = -1;
    S->stepper_weights = -1, S->maker_weights = -1;
}

static void release(void *st)
{
    Sample *S = st;
    sampler_free(&S->shown);
    sampler_free(&S->cont_s);
    generator_free(&S->maker);
    generator_free(&S->stepper);
}

const Panel panel_sample = {
    .name = "sample",
    .title = N_("Sample"),
    .keys = "5",
    .summary = N_("temperature, top-k, top-p: the biased coin, one token at a time"),
    .state_size = sizeof(Sample),
    .init = init,
    .release = release,
    .update = update,
    .draw = draw,
    .key = key,
    .command = command,
    .tick = tick,
    .help = help,
};
