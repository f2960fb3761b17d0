/* panel_loss.c - panel 4, Loss: measuring surprise. For each token of the prompt, the
 * probability the model gave it and its loss -ln p, as a heat strip over the text and as a
 * table; their mean is the cross-entropy loss. For one position, the gradient at the output,
 * p - onehot(target), and what one gradient step on that example alone does to its loss. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/number.h"
#include "core/model/probe.h"
#include "core/model/sampler.h"
#include "tui.h"

#define GRAD_ROWS 8 /* candidates shown with the gradient */

static const HelpLine help[] = {
    {"Space / Right", N_("the next position (Left: the one before)")},
    {"a", N_("walk through the positions;  r  back to the first")},
    {"o", N_("one gradient step on this position's example, on a copy of the model")},
    {"[ ]", N_("that step's learning rate, halved / doubled")},
    {NULL, NULL},
};

typedef struct Loss {
    long gen;
    int pos;                 /* the chosen position, 1 .. n-1 */
    int32_t *ids;
    int n;
    double *p, *loss, mean;
    Sampler s;               /* the distribution at dist_pos (0: none yet) */
    GPT2Cache rows;          /* the text fed once (when it fits the context), for rows_cfg's shape: */
    GPT2Config rows_cfg;     /* each position's distribution is then the head on its row */
    int rows_fed;            /* the tokens in it (0: the text is longer than the context) */
    int dist_pos, have_dist;
    float step_lr;
    double before, after;    /* the last one-step result, for step_pos at step_gen */
    int step_pos;
    long step_gen;
    char err[512];
} Loss;

#define DEFAULT_STEP_LR 0.01f

/* Every position's loss: again when the weights or the text change, not when the position moves.
 * Returns the model they are from (taken once, so that the rows and the head agree). */
static const GPT2 *compute_losses(App *a, Loss *S)
{
    const GPT2 *m = app_view_model(a);
    if (S->gen == a->generation && S->ids) return m;
    S->gen = a->generation;
    free(S->ids), free(S->p), free(S->loss);
    S->ids = NULL, S->p = S->loss = NULL, S->n = 0, S->err[0] = 0, S->have_dist = 0, S->dist_pos = 0;
    if (!m) {
        snprintf(S->err, sizeof S->err, "%s", _("no model yet"));
        return m;
    }
    Err e;
    size_t cap = 0, n = 0;
    if (tokenizer_encode(&a->s.tok, (const uint8_t *)a->prompt, strlen(a->prompt), &S->ids, &cap, &n, &e)) {
        snprintf(S->err, sizeof S->err, "%s", e.msg);
        return m;
    }
    S->n = (int)n;
    if (S->n < 2) {
        snprintf(S->err, sizeof S->err, "%s", _("the text needs two tokens: one to read, one to predict (e edits it)"));
        return m;
    }
    S->p = calloc(n, sizeof *S->p);
    S->loss = calloc(n, sizeof *S->loss);
    if (!S->p || !S->loss || probe_losses(m, S->ids, S->n, S->p, S->loss, &e)) {
        snprintf(S->err, sizeof S->err, "%s", S->p ? e.msg : _("out of memory"));
        S->n = 0;
        return m;
    }
    /* The text fed once more through the key/value cache: moving along it then costs the head
     * on one row (gpt2_cache_logits_at), not a forward pass over the text for every key. */
    S->rows_fed = 0;
    if (S->n <= m->cfg.n_ctx) {
        if (memcmp(&S->rows_cfg, &m->cfg, sizeof m->cfg) != 0 || !S->rows.mem) {
            gpt2_cache_free(&S->rows);
            memset(&S->rows_cfg, 0, sizeof S->rows_cfg);
            if (gpt2_cache_create(&S->rows, m, &e) == 0) S->rows_cfg = m->cfg;
        }
        if (S->rows.mem) {
            gpt2_cache_reset(&S->rows);
            gpt2_cache_feed(m, &S->rows, S->ids, S->n);
            S->rows_fed = S->n;
        }
    }
    S->mean = 0;
    for (int i = 1; i < S->n; i++) S->mean += S->loss[i];
    S->mean /= S->n - 1;
    if (S->pos < 1) S->pos = 1;
    if (S->pos > S->n - 1) S->pos = S->n - 1;
    return m;
}

/* The losses, and the distribution at the chosen position (all that moving it changes). */
static void update(App *a, void *st)
{
    Loss *S = st;
    const GPT2 *m = compute_losses(a, S);
    if (!m || S->n < 2 || S->dist_pos == S->pos) return;
    SamplerConfig sc;
    sampler_config_default(&sc);
    sampler_free(&S->s);
    Err e;
    if (S->rows_fed >= S->pos && sampler_create(&S->s, &sc, m->cfg.n_vocab, &e) == 0) {
        sampler_distribution(&S->s, gpt2_cache_logits_at(m, &S->rows, S->pos - 1));
        S->have_dist = 1;
    } else {
        S->have_dist = probe_next_distribution(m, S->ids, S->pos, &sc, &S->s, &e) == 0;
    }
    S->dist_pos = S->pos;
}

/* The text as a strip of tokens, each coloured by its surprise; the chosen one in reverse. */
static int draw_strip(const App *a, const Loss *S, const Pieces *P, WINDOW *w, int y, int x0, int rows, int wd, double hot)
{
    int x = x0, r = 0;
    for (int i = 0; i < S->n && r < rows; i++) {
        int pw = strip_width(a, P, (size_t)i, 0);
        if (x + pw > x0 + wd) x = x0, r++;
        if (r >= rows) break;
        int st = i == 0 ? ST_DIM : heat_style(S->loss[i], hot);
        if (i == S->pos) st = ST_SELECT;
        x += draw_strip_token(w, y + r, x, wd - (x - x0), st, a, P, (size_t)i, 0);
    }
    return r + 1;
}

static void draw(const App *a, const void *st, WINDOW *w, int h, int wd)
{
    const Loss *S = st;
    int y = 0;
    draw_textf(w, y++, 1, wd - 2, ST_TITLE, a, _("How surprised is the model by each token?  loss = -ln p(the token that came)"));
    if (S->err[0] || S->n < 2) {
        draw_text(w, y + 1, 2, wd - 4, ST_DIM, a, S->err[0] ? S->err : "...");
        return;
    }
    const double lnV = log((double)a->s.tok.n_vocab);
    Pieces P;
    Err e;
    if (tokenizer_pieces(&a->s.tok, NULL, S->ids, (size_t)S->n, &P, &e)) return;
    y++;
    y += draw_strip(a, S, &P, w, y, 2, 3, wd - 4, lnV);
    /* the heat scale */
    int x = 2;
    x += draw_text(w, y, x, 8, ST_DIM, a, _("calm "));
    for (int k = 0; k < HEAT_LEVELS; k++) x += draw_textf(w, y, x, 8, ST_HEAT0 + k, a, "%.1f ", lnV * k / (HEAT_LEVELS - 1));
    draw_text(w, y, x, wd - x - 1, ST_DIM, a, _("surprised (-ln p)"));
    y += 2;
    int side = wd >= 96;
    /* stacked: the table and the gradient share the height */
    int table_w = side ? wd / 2 - 1 : wd - 2, rows_avail = side ? h - y - 4 : (h - y - 6) / 2;
    if (rows_avail < 3) rows_avail = 3;
    /* the table, scrolled to keep the chosen position in view */
    /* the header in the rows' columns, in display columns (a translation may be wider per byte) */
    draw_right(w, y, 1, 4, ST_DIM, a, _("pos"));
    draw_cell(w, y, 7, 14, ST_DIM, a, _("token"));
    draw_right(w, y, 21, 10, ST_DIM, a, "p");
    draw_right(w, y, 31, 9, ST_DIM, a, "-ln p");
    int first = S->pos - rows_avail / 2;
    if (first > S->n - rows_avail) first = S->n - rows_avail;
    if (first < 1) first = 1;
    int ty = y + 1;
    for (int i = first; i < S->n && ty < y + 1 + rows_avail; i++, ty++) {
        char quoted[50];
        token_label(a, &P, (size_t)i, 1, 1, quoted, sizeof quoted);
        int sty = i == S->pos ? ST_SELECT : ST_NORMAL;
        draw_textf(w, ty, 1, 6, sty, a, "%4d  ", i);
        draw_cell(w, ty, 7, 14, sty, a, quoted);
        int used = 21 + draw_textf(w, ty, 21, table_w - 21, sty, a, " %9.5f %8.3f ", S->p[i], S->loss[i]);
        draw_bar(w, ty, 1 + used, table_w - used - 1, S->loss[i] / (2 * lnV), heat_style(S->loss[i], lnV), a);
    }
    int sy = y + 2 + rows_avail;
    draw_textf(w, sy, 1, wd - 2, ST_ACCENT, a, _("mean loss %.4f over %d predictions   perplexity e^%.3f = %.2f   uniform guess ln %d = %.3f"),
               S->mean, S->n - 1, S->mean, exp(S->mean), a->s.tok.n_vocab, lnV);
    /* the chosen position: its distribution and the gradient at the output */
    int gx = side ? wd / 2 + 1 : 1, gy = side ? y : sy + 2, gw = side ? wd - gx - 1 : wd - 2;
    const int gend = side ? sy : h - 1; /* beside the table it stops above the mean loss's row */
    if (!S->have_dist || gy >= gend - 1) {
        pieces_free(&P);
        return;
    }
    char tp[50];
    token_label(a, &P, (size_t)S->pos, 1, 1, tp, sizeof tp);
    /* the candidates come after the text before the position: one may finish its character */
    uint8_t tail[TEXT_TAIL];
    const size_t n_tail = text_tail(a, NULL, S->ids, (size_t)S->pos, tail);
    pieces_free(&P);
    draw_textf(w, gy++, gx, gw, ST_TITLE, a, _("position %d: target %s, p = %.4f"), S->pos, tp, S->p[S->pos]);
    draw_text(w, gy++, gx, gw, ST_DIM, a, _("gradient at the output: p - onehot(target)"));
    int target_rank = -1;
    for (int r = 0; r < S->s.n_vocab; r++)
        if (S->s.cand[r].id == S->ids[S->pos]) target_rank = r;
    int shown = 0, bar_w = gw - 30, room = gend - 1 - gy;
    if (room > GRAD_ROWS) room = GRAD_ROWS;
    if (bar_w < 6) bar_w = 6;
    for (int r = 0; r < S->s.n_vocab && shown < room; r++) {
        if (r >= room - 1 && r != target_rank) continue; /* the last row is kept for the target */
        const SampleCandidate *c = &S->s.cand[r];
        int is_t = c->id == S->ids[S->pos];
        char quoted[50];
        if (is_t) snprintf(quoted, sizeof quoted, "%s", tp); /* the text after it tells its character */
        else token_text_after(a, tail, n_tail, c->id, 1, 1, quoted, sizeof quoted);
        double g = c->p - is_t;
        draw_cell(w, gy, gx, 13, is_t ? ST_GOOD : ST_NORMAL, a, quoted);
        int used = 13 + draw_textf(w, gy, gx + 13, gw - 13, is_t ? ST_GOOD : ST_NORMAL, a, "%6.3f %+7.3f ", c->p, g);
        /* pushed down by p; the target pulled up by 1 - p */
        draw_bar(w, gy, gx + used, bar_w, fabs(g), is_t ? ST_GOOD : ST_BAD, a);
        gy++, shown++;
    }
    if (gy < gend) {
        if (S->step_pos == S->pos && S->step_gen == S->gen)
            draw_textf(w, gy++, gx, gw, S->after < S->before ? ST_GOOD : ST_BAD, a,
                       _("one step (lr %g): loss %.3f -> %.3f%s"), S->step_lr, S->before, S->after,
                       S->after < S->before ? "" : _(", overshot"));
        else
            draw_textf(w, gy++, gx, gw, ST_DIM, a, _("o: one gradient step on this example (learning rate %g)"), S->step_lr);
    }
    if (h - 1 > gy)
        draw_textf(w, h - 1, 1, wd - 2, ST_DIM, a, "nexttoken loss --model MODEL \"%s\" --position %d --step-lr %g", a->prompt, S->pos, S->step_lr);
}

static void go(Loss *S, int d)
{
    int p = S->pos + d;
    if (p >= 1 && p < S->n) S->pos = p;
}

static void tick(App *a, void *st)
{
    Loss *S = st;
    (void)a;
    if (S->pos + 1 < S->n) go(S, 1);
    else S->pos = 1;
}

static int key(App *a, void *st, int ch)
{
    Loss *S = st;
    switch (ch) {
    case ' ': case KEY_RIGHT: go(S, 1); return KEY_HANDLED;
    case KEY_LEFT: go(S, -1); return KEY_HANDLED;
    case 'r': S->pos = 1; return KEY_HANDLED;
    case '[': S->step_lr /= 2; S->step_pos = -1; return KEY_HANDLED;
    case ']': S->step_lr *= 2; S->step_pos = -1; return KEY_HANDLED;
    case 'o': {
        const GPT2 *m = app_view_model(a);
        update(a, S);
        Err e;
        if (!m || S->n < 2) return KEY_HANDLED;
        if (probe_sgd_step(m, S->ids, S->pos, S->step_lr, &S->before, &S->after, &e)) app_message(a, 1, "%s", e.msg);
        else S->step_pos = S->pos, S->step_gen = S->gen;
        return KEY_HANDLED;
    }
    default: return KEY_IGNORED;
    }
}

/* :loss position N - the position whose prediction is shown (1 is the second token) */
static int command(App *a, void *st, int argc, char **argv)
{
    Loss *S = st;
    if (argc < 2 || strcmp(argv[0], "position") != 0) return 0;
    long n;
    if (num_long(argv[1], NULL, &n) || n < 1 || n > INT_MAX) app_message(a, 1, _("loss position N, from 1 (the second token)"));
    else S->pos = (int)n, S->dist_pos = 0, S->gen = -1; /* recomputed, and kept within the text */
    return 1;
}

static void init(void *st)
{
    Loss *S = st;
    S->step_lr = DEFAULT_STEP_LR, S->step_pos = -1;
}

static void release(void *st)
{
    Loss *S = st;
    free(S->ids), free(S->p), free(S->loss);
    sampler_free(&S->s);
    gpt2_cache_free(&S->rows);
}

const Panel panel_loss = {
    .name = "loss",
    .title = N_("Loss"),
    .keys = "4",
    .summary = N_("-ln p(target): the model's surprise at each token, and its gradient"),
    .state_size = sizeof(Loss),
    .init = init,
    .release = release,
    .update = update,
    .draw = draw,
    .key = key,
    .command = command,
    .tick = tick,
    .help = help,
};
