/* panel_inside.c - panel 7, Inside: what the model computes inside, on the panels' copy of the
 * weights (never the trainer's). For the prompt: one head's attention weights as a grid of query
 * rows and key columns with the selected row's bars; every head of a layer as small grids; the
 * logit lens (each block's guess for the next token, through the final LayerNorm and the output
 * head); a token's nearest tokens by the cosine of their embeddings; and the cosines of the
 * position embeddings as a heat map. core/model/inspect.h computes all of it, as the commands
 * `nexttoken attention`, `lens` and `neighbors` do, with a forward of its own over the prompt. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/clock.h"
#include "core/base/number.h"
#include "core/model/inspect.h"
#include "tui.h"

/* In this order: the views up to VIEW_LENS read what the forward keeps; the others, weights only. */
enum { VIEW_ATTENTION, VIEW_HEADS, VIEW_LENS, VIEW_NEIGHBORS, VIEW_POSITIONS, VIEW_COUNT };
static const char *const view_names[VIEW_COUNT] = {N_("attention"), N_("heads"), N_("lens"), N_("neighbors"), N_("positions")};

#define ATT_MAX 24       /* the grid shows at most this many positions */
#define ATT_CELL_W 2     /* columns per key in the one-head grid */
#define LABEL_W 10       /* a row's label: position and token */
#define EARLIER_W 8      /* the column of what a row gives the positions cut off */
#define BARS_W 36        /* the selected row's top keys, at the right */
#define TOP_KEYS 5
#define LENS_COLS 8      /* positions the lens computes (the selected one among them) */
#define LENS_CELL_W 14   /* a lens cell: the guess and its probability */
#define NEAR_K 10
#define POS_MAX 48       /* position embeddings in the heat map */
#define TITLE_MIN_PROMPT 6 /* the title shows the prompt when at least this much of it fits */
#define FOOT_ROWS 2      /* the hint and the commands that print the same numbers */
#define HINT _("v view  [ ] layer  { } head  Left Right position")

static const HelpLine help[] = {
    {"v / V", N_("the next / previous view")},
    {"[ ]", N_("the layer down / up")},
    {"{ }  Up Down", N_("the head down / up")},
    {"Left Right", N_("the position (query, lens column, token); Home End: first, last")},
    {":inside view", N_("attention, heads, lens, neighbors or positions")},
    {":inside layer", N_("L (from 0); also :inside head H, :inside position P or last")},
    {NULL, NULL},
};

typedef struct Inside {
    Inspect in;
    int have;               /* ids hold the prompt for generation gen */
    long gen, run_gen;      /* run_gen: the generation in's forward ran on */
    char err[ERR_MSG_MAX];
    int view, layer, head;
    int sel;                /* the selected position; -1: the last, whatever the text */
    int32_t *ids;           /* the prompt's tokens (the last n_ctx of them) */
    size_t ids_cap, n_all;  /* n_all: before the cut */
    int n;
    Pieces pieces;          /* the characters of ids, for their labels */
    /* the lens over positions [lens_t0, lens_t0 + lens_cols), layers [0, lens_done) */
    int lens_t0, lens_cols, lens_done;
    long lens_gen;
    InspectRank *lens_top;  /* (L, LENS_COLS) each block's guess */
    float *lens_next;       /* (L, LENS_COLS) p of the token that came next (NaN at the end) */
    /* the selected token's neighbours */
    int32_t near_id;
    long near_gen;
    int n_near;
    InspectRank near[NEAR_K];
    /* the position embeddings' cosines (pos_n, pos_n) */
    long pos_gen;
    int pos_n;
    float pos_cos[POS_MAX * POS_MAX];
} Inside;

static int selected(const Inside *S)
{
    return S->sel < 0 || S->sel >= S->n ? S->n - 1 : S->sel;
}

/* The window of `w` of n positions that ends at the selection, or starts at 0. */
static int window_first(int n, int w, int sel)
{
    int first = sel - w + 1;
    if (first > n - w) first = n - w;
    return first < 0 ? 0 : first;
}

static void lens_free(Inside *S)
{
    free(S->lens_top), free(S->lens_next);
    S->lens_top = NULL, S->lens_next = NULL;
}

/* A new model shape: a new Inspect, and the lens rows for its layers. */
static int fit_model(Inside *S, const GPT2 *m, Err *e)
{
    if (S->in.mem && memcmp(&S->in.cfg, &m->cfg, sizeof m->cfg) == 0) return 0;
    inspect_free(&S->in);
    lens_free(S);
    if (inspect_create(&S->in, m, e)) return -1;
    const size_t L = (size_t)m->cfg.n_layer;
    S->lens_top = malloc(sizeof *S->lens_top * L * LENS_COLS);
    S->lens_next = malloc(sizeof *S->lens_next * L * LENS_COLS);
    if (!S->lens_top || !S->lens_next) return err_nomem(e, N_("the lens"), (sizeof(InspectRank) + sizeof(float)) * L * LENS_COLS);
    if (S->layer >= (int)L) S->layer = (int)L - 1;
    if (S->head >= m->cfg.n_head) S->head = m->cfg.n_head - 1;
    return 0;
}

/* The lens, a layer at a time for as long as a frame allows: each block's top guess and the
 * probability of the token that came, p (cols, V) = softmax(lnf(resid_l) @ wte^T). */
static void lens_step(App *a, Inside *S, const GPT2 *m)
{
    const int V = m->cfg.n_vocab, L = m->cfg.n_layer;
    const int cols = S->n < LENS_COLS ? S->n : LENS_COLS;
    const int t0 = window_first(S->n, cols, selected(S));
    if (S->lens_gen != S->gen || S->lens_t0 != t0 || S->lens_cols != cols) {
        S->lens_gen = S->gen, S->lens_t0 = t0, S->lens_cols = cols, S->lens_done = 0;
    }
    const double start = clock_now();
    while (S->lens_done < L) {
        const int l = S->lens_done;
        const float *p = inspect_lens(&S->in, m, l, t0, cols);
        for (int r = 0; r < cols; r++) {
            const int t = t0 + r;
            const float *pr = p + (size_t)r * V;
            inspect_top(pr, V, 1, -1, &S->lens_top[l * LENS_COLS + r]);
            S->lens_next[l * LENS_COLS + r] = t + 1 < S->n ? pr[S->ids[t + 1]] : NAN;
        }
        S->lens_done++;
        if (S->lens_done < L && clock_now() - start > WORK_SLICE_SECONDS) {
            a->more = 1;
            return;
        }
    }
}

/* Runs the model over the prompt when the weights or the prompt changed; then what the view
 * needs (the lens, the neighbours, the position cosines) if it is not up to date. */
static void update(App *a, void *st)
{
    Inside *S = st;
    const GPT2 *m = app_view_model(a);
    if (!m) {
        S->have = 0;
        snprintf(S->err, sizeof S->err, _("no model yet"));
        return;
    }
    Err e;
    if (!S->have || S->gen != a->generation) {
        S->gen = a->generation;
        S->have = 0;
        S->err[0] = 0;
        const char *p = a->prompt[0] ? a->prompt : "\n";
        if (fit_model(S, m, &e)
            || tokenizer_encode(&a->s.tok, (const uint8_t *)p, strlen(p), &S->ids, &S->ids_cap, &S->n_all, &e)) {
            snprintf(S->err, sizeof S->err, "%s", e.msg);
            return;
        }
        /* the last n_ctx tokens: the most the model reads at once */
        const size_t cut = S->n_all > (size_t)m->cfg.n_ctx ? S->n_all - (size_t)m->cfg.n_ctx : 0;
        S->n = (int)(S->n_all - cut);
        if (cut) memmove(S->ids, S->ids + cut, sizeof *S->ids * (size_t)S->n);
        pieces_free(&S->pieces);
        if (tokenizer_pieces(&a->s.tok, NULL, S->ids, (size_t)S->n, &S->pieces, &e)) {
            snprintf(S->err, sizeof S->err, "out of memory");
            return;
        }
        S->have = 1;
    }
    /* The forward, for the views that read what it keeps: the embeddings' views need none
     * (with a large model and a long text it is the slow part). */
    if (S->view <= VIEW_LENS && S->run_gen != S->gen) {
        if (!inspect_run(&S->in, m, S->ids, S->n, &e)) {
            snprintf(S->err, sizeof S->err, "%s", e.msg);
            S->have = 0;
            return;
        }
        S->run_gen = S->gen;
    }
    if (S->view == VIEW_LENS) lens_step(a, S, m);
    if (S->view == VIEW_NEIGHBORS) {
        const int32_t id = S->ids[selected(S)];
        if (S->near_gen != S->gen || S->near_id != id) {
            S->near_gen = S->gen, S->near_id = id;
            S->n_near = inspect_top(inspect_token_cosines(&S->in, m, id), m->cfg.n_vocab, NEAR_K, id, S->near);
        }
    }
    if (S->view == VIEW_POSITIONS && S->pos_gen != S->gen) {
        S->pos_gen = S->gen;
        S->pos_n = m->cfg.n_ctx < POS_MAX ? m->cfg.n_ctx : POS_MAX;
        inspect_position_cosines(&S->in, m, S->pos_n, S->pos_cos);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Drawing */

/* A weight as a shade: 0 to 4 from nothing to all of it (the shades are also colours). */
static int shade_level(double v)
{
    return v < 0.02 ? 0 : v < 0.1 ? 1 : v < 0.3 ? 2 : v < 0.6 ? 3 : 4;
}

/* One cell of a heat map, `cw` (1 or 2) columns wide, at level 0..4. */
static void draw_shade(WINDOW *w, int y, int x, int cw, int level, const App *a)
{
    static const char *const utf8[HEAT_LEVELS] = {"\u00b7", "\u2591", "\u2592", "\u2593", "\u2588"};
    static const char *const ascii[HEAT_LEVELS] = {".", ":", "-", "=", "#"};
    char cell[16] = "";
    for (int k = 0; k < cw; k++) strcat(cell, a->utf8 ? utf8[level] : ascii[level]);
    draw_text(w, y, x, cw, ST_HEAT0 + level, a, cell);
}

/* Position t and its token, for a cell of `width` columns. */
static const char *label(const App *a, const Inside *S, int t, int width, char *out, size_t cap)
{
    const int at = snprintf(out, cap, "%3d ", t);
    token_label(a, &S->pieces, (size_t)t, 1, 0, out + at, cap - (size_t)at);
    return label_fit(out, width);
}

/* The weights of layer l, head h: rows are queries, columns keys; blank above the diagonal,
 * where a position would look ahead. */
static void draw_attention(const App *a, const Inside *S, WINDOW *w, int y, int h, int wd)
{
    const int n = S->n, sel = selected(S);
    const int right = wd >= LABEL_W + 2 * ATT_CELL_W + EARLIER_W + BARS_W ? BARS_W : 0;
    int W = (wd - 1 - LABEL_W - EARLIER_W - right) / ATT_CELL_W;
    if (W > h - y - 2) W = h - y - 2;
    if (W > ATT_MAX) W = ATT_MAX;
    if (W > n) W = n;
    if (W < 1) return;
    const int first = window_first(n, W, sel);
    const float *att = inspect_attention(&S->in, S->layer, S->head);
    char buf[64];
    /* the keys: their positions, then the first columns of their text */
    int x0 = 1 + LABEL_W;
    for (int j = first; j < first + W; j++) {
        if (j == sel || (j % 5 == 0 && abs(j - sel) > 1)) /* every position's number would run together */
            draw_textf(w, y, x0 + (j - first) * ATT_CELL_W, ATT_CELL_W + 1, j == sel ? ST_SELECT : ST_DIM, a, "%-3d", j);
        token_label(a, &S->pieces, (size_t)j, 1, 0, buf, sizeof buf);
        draw_text(w, y + 1, x0 + (j - first) * ATT_CELL_W, ATT_CELL_W, j == sel ? ST_SELECT : ST_DIM, a, buf);
    }
    if (first) draw_text(w, y, x0 + W * ATT_CELL_W + 1, EARLIER_W, ST_DIM, a, _("earlier"));
    y += 2;
    for (int i = first; i < first + W && y < h; i++, y++) {
        const float *row = att + (size_t)i * n;
        draw_cell(w, y, 1, LABEL_W - 1, i == sel ? ST_SELECT : ST_NORMAL, a, label(a, S, i, LABEL_W - 1, buf, sizeof buf));
        for (int j = first; j <= i; j++) draw_shade(w, y, x0 + (j - first) * ATT_CELL_W, ATT_CELL_W, shade_level(row[j]), a);
        if (first) {
            double cut = 0; /* what the row gives the positions before the grid */
            for (int j = 0; j < first; j++) cut += row[j];
            draw_textf(w, y, x0 + W * ATT_CELL_W + 1, EARLIER_W, ST_DIM, a, "%5.0f%%", 100 * cut);
        }
    }
    if (!right) return;
    /* where the selected query looks: its TOP_KEYS largest weights */
    const int xr = wd - right;
    int yr = y - W - 2;
    InspectRank top[TOP_KEYS];
    const int k = inspect_top(att + (size_t)sel * n, sel + 1, TOP_KEYS, -1, top);
    draw_textf(w, yr++, xr, right - 1, ST_ACCENT, a, _("where %d looks:"), sel);
    for (int r = 0; r < k; r++, yr++) {
        label(a, S, top[r].id, LABEL_W + 2, buf, sizeof buf);
        draw_cell(w, yr, xr, LABEL_W + 2, ST_NORMAL, a, buf);
        draw_textf(w, yr, xr + LABEL_W + 3, 7, ST_NORMAL, a, "%5.1f%%", 100 * top[r].v);
        draw_bar(w, yr, xr + LABEL_W + 10, right - LABEL_W - 11, top[r].v, ST_PLOT_TRAIN, a);
    }
    yr++;
    static const char *const legend[] = {N_("under 2%"), N_("2-10%"), N_("10-30%"), N_("30-60%"), N_("60% +")};
    for (int l = 0; l < HEAT_LEVELS && yr < h; l++, yr++) {
        draw_shade(w, yr, xr, ATT_CELL_W, l, a);
        draw_text(w, yr, xr + ATT_CELL_W + 1, right - ATT_CELL_W - 2, ST_DIM, a, _(legend[l]));
    }
}

/* Every head of the layer as a small grid, one column per key, the last positions. */
static void draw_heads(const App *a, const Inside *S, WINDOW *w, int y, int h, int wd)
{
    const int NH = S->in.cfg.n_head, n = S->n, sel = selected(S);
    /* the arrangement (grid rows of `per` heads) that gives each grid the most positions */
    int best = 0, per_best = NH;
    for (int grows = 1; grows <= NH; grows++) {
        const int per = (NH + grows - 1) / grows;
        int k = wd / per - 3;
        const int kh = (h - y) / grows - 1;
        if (k > kh) k = kh;
        if (k > n) k = n;
        if (k > ATT_MAX) k = ATT_MAX;
        if (k > best) best = k, per_best = per;
    }
    const int k = best;
    if (k < 1) return;
    const int first = window_first(n, k, sel);
    const int gw = wd / per_best;
    for (int hd = 0; hd < NH; hd++) {
        const int gy = y + (hd / per_best) * (k + 1), gx = 1 + (hd % per_best) * gw;
        const float *att = inspect_attention(&S->in, S->layer, hd);
        draw_textf(w, gy, gx, gw - 1, hd == S->head ? ST_SELECT : ST_DIM, a, _("head %d"), hd);
        for (int i = first; i < first + k; i++)
            for (int j = first; j <= i; j++)
                draw_shade(w, gy + 1 + i - first, gx + j - first, 1, shade_level(att[(size_t)i * n + j]), a);
    }
    const int yn = y + ((NH + per_best - 1) / per_best) * (k + 1);
    if (yn < h)
        draw_textf(w, yn, 1, wd - 2, ST_DIM, a, _("layer %d, positions %d to %d of %d: rows are queries, columns keys"), S->layer,
                   first, first + k - 1, n);
}

/* Rows are the layers, columns positions: each block's guess for the token after the column's. */
static void draw_lens(const App *a, const Inside *S, WINDOW *w, int y, int h, int wd)
{
    const int L = S->in.cfg.n_layer, sel = selected(S), cols = S->lens_cols;
    if (S->lens_done < L || S->lens_gen != S->gen) {
        draw_textf(w, y, 2, wd - 4, ST_DIM, a, _("reading the residual stream: layer %d of %d ..."), S->lens_done, L);
        return;
    }
    int fit = (wd - 2 - LABEL_W) / LENS_CELL_W;
    if (fit > cols) fit = cols;
    if (fit < 1) return;
    const int c0 = window_first(cols, fit, sel - S->lens_t0);
    char buf[64], piece[64];
    const int x0 = 1 + LABEL_W;
    draw_text(w, y, 1, LABEL_W, ST_DIM, a, _("position"));
    draw_text(w, y + 1, 1, LABEL_W, ST_DIM, a, _("next is"));
    for (int c = c0; c < c0 + fit; c++) {
        const int t = S->lens_t0 + c, st = t == sel ? ST_SELECT : ST_DIM;
        draw_cell(w, y, x0 + (c - c0) * LENS_CELL_W, LENS_CELL_W - 1, st, a, label(a, S, t, LENS_CELL_W - 1, buf, sizeof buf));
        if (t + 1 < S->n) token_label(a, &S->pieces, (size_t)t + 1, 1, 1, piece, sizeof piece);
        else snprintf(piece, sizeof piece, "?");
        draw_cell(w, y + 1, x0 + (c - c0) * LENS_CELL_W, LENS_CELL_W - 1, st, a, piece);
    }
    y += 2;
    for (int l = 0; l < L && y < h - 2; l++, y++) {
        draw_textf(w, y, 1, LABEL_W, l == S->layer ? ST_SELECT : ST_NORMAL, a, _("layer %d"), l);
        for (int c = c0; c < c0 + fit; c++) {
            const InspectRank *b = &S->lens_top[l * LENS_COLS + c];
            const int t = S->lens_t0 + c;
            const int right = t + 1 < S->n && b->id == S->ids[t + 1];
            /* a guess for the token after t: it may finish a character t began */
            uint8_t tail[TEXT_TAIL];
            const size_t n_tail = text_tail(a, NULL, S->ids, (size_t)t + 1, tail);
            token_text_after(a, tail, n_tail, b->id, 1, 0, piece, sizeof piece);
            const int xc = x0 + (c - c0) * LENS_CELL_W;
            draw_cell(w, y, xc, LENS_CELL_W - 8, right ? ST_GOOD : ST_NORMAL, a, piece);
            draw_textf(w, y, xc + LENS_CELL_W - 8, 7, heat_style(1 - b->v, 1), a, "%5.1f%%", 100 * b->v);
        }
    }
    /* how sure each block is of what actually came after the selected position */
    y++;
    const int c = sel - S->lens_t0;
    if (y >= h || sel + 1 >= S->n) {
        if (y < h) draw_text(w, y, 1, wd - 2, ST_DIM, a, _("the last position: nothing came after it to compare with"));
        return;
    }
    token_label(a, &S->pieces, (size_t)sel + 1, 1, 1, piece, sizeof piece);
    int x = 1 + draw_textf(w, y, 1, wd - 2, ST_ACCENT, a, _("p(next = %s) at %d by layer:"), piece, sel);
    for (int l = 0; l < L; l++) {
        snprintf(buf, sizeof buf, " %d: %.3f%%", l, 100 * S->lens_next[l * LENS_COLS + c]);
        if (x + text_width(buf) > wd - 1) {
            if (++y >= h) return;
            x = 1;
        }
        x += draw_text(w, y, x, wd - 1 - x, ST_NORMAL, a, buf);
    }
}

static void draw_neighbors(const App *a, const Inside *S, WINDOW *w, int y, int h, int wd)
{
    const int sel = selected(S);
    char buf[64];
    if (S->near_gen != S->gen) return;
    token_label(a, &S->pieces, (size_t)sel, 1, 1, buf, sizeof buf);
    draw_textf(w, y++, 1, wd - 2, ST_ACCENT, a, _("%s (#%d, position %d): nearest token embeddings by cosine"), buf, S->ids[sel], sel);
    /* the header over the rows' columns, in display columns */
    draw_right(w, y, 1, 5, ST_DIM, a, _("rank"));
    draw_right(w, y, 7, 8, ST_DIM, a, _("cosine"));
    draw_right(w, y, 16, 7, ST_DIM, a, "id");
    draw_cell(w, y++, 25, 20, ST_DIM, a, _("token"));
    for (int r = 0; r < S->n_near && y < h; r++, y++) {
        token_text(a, S->near[r].id, 1, 1, buf, sizeof buf);
        int x = 1 + draw_textf(w, y, 1, 24, ST_NORMAL, a, "%5d %8.4f %7d  ", r + 1, S->near[r].v, S->near[r].id);
        x += draw_cell(w, y, x, 20, ST_NORMAL, a, buf) + 1;
        if (wd - x > 4) draw_bar(w, y, x, wd - x - 2, fmax(0, S->near[r].v), ST_PLOT_TRAIN, a);
    }
}

#define POS_LABEL_W 5   /* a row of the position map: its number */
#define POS_LEGEND_W 22 /* the legend at the right of the map */

/* A cosine as a shade: below 0, then up to 0.2, 0.4, 0.7 and 1. */
static int cosine_level(float c)
{
    return c < 0 ? 0 : c < 0.2f ? 1 : c < 0.4f ? 2 : c < 0.7f ? 3 : 4;
}

static void draw_positions(const App *a, const Inside *S, WINDOW *w, int y, int h, int wd)
{
    if (S->pos_gen != S->gen) return;
    int P = S->pos_n; /* as many as the room has, two columns each if they fit */
    if (P > h - y - 1) P = h - y - 1;
    const int cw = POS_LABEL_W + 2 * P <= wd - POS_LEGEND_W ? 2 : 1;
    if (P > (wd - POS_LABEL_W - POS_LEGEND_W) / cw) P = (wd - POS_LABEL_W - POS_LEGEND_W) / cw;
    if (P < 1) return;
    draw_textf(w, y++, 1, wd - 2, ST_ACCENT, a, _("cos(wpe_i, wpe_j), positions 0 to %d of the context's %d: row i, column j"),
               P - 1, S->in.cfg.n_ctx);
    const int y0 = y;
    for (int i = 0; i < P && y < h; i++, y++) {
        draw_textf(w, y, 1, POS_LABEL_W - 1, ST_DIM, a, "%3d", i);
        for (int j = 0; j < P; j++) draw_shade(w, y, POS_LABEL_W + j * cw, cw, cosine_level(S->pos_cos[i * S->pos_n + j]), a);
    }
    static const char *const legend[] = {N_("below 0"), N_("0 to 0.2"), N_("0.2 to 0.4"), N_("0.4 to 0.7"), N_("0.7 to 1")};
    const int xl = POS_LABEL_W + P * cw + 3;
    for (int l = 0; l < HEAT_LEVELS && y0 + l < h; l++) {
        draw_shade(w, y0 + l, xl, 2, l, a);
        draw_text(w, y0 + l, xl + 3, wd - xl - 4, ST_DIM, a, _(legend[l]));
    }
}

static void draw(const App *a, const void *st, WINDOW *w, int h, int wd)
{
    const Inside *S = st;
    char title[PROMPT_BYTES + 128];
    if (!S->have) {
        draw_textf(w, 0, 1, wd - 2, ST_TITLE, a, _("Inside the model, after \"%s\""), a->prompt);
        draw_text(w, 2, 2, wd - 4, ST_DIM, a, S->err[0] ? S->err : "...");
        if (h >= FOOT_ROWS + 4) draw_text(w, h - 2, 1, wd - 2, ST_DIM, a, HINT);
        return;
    }
    const GPT2Config *c = &S->in.cfg;
    const int sel = selected(S);
    /* the prompt cut short (or left out) rather than what is selected */
    char rest[128];
    snprintf(rest, sizeof rest, _("%s, layer %d of %d, head %d of %d, position %d of %d"), _(view_names[S->view]), S->layer,
             c->n_layer, S->head, c->n_head, sel, S->n);
    /* TRANSLATORS: the title is this, the prompt, then this and the view's figures */
    const char *open = _("After \""), *close = _("\": ");
    snprintf(title, sizeof title, "%s%s", close, rest);
    const int room = wd - 2 - text_width(open) - text_width(title);
    int x = 1;
    if (room >= TITLE_MIN_PROMPT) {
        x += draw_text(w, 0, x, wd - 2, ST_TITLE, a, open);
        x += draw_text(w, 0, x, room, ST_TITLE, a, a->prompt);
        draw_text(w, 0, x, wd - 1 - x, ST_TITLE, a, title);
    } else {
        draw_text(w, 0, x, wd - 2, ST_TITLE, a, rest); /* without the prompt's quotes */
    }
    int y = 1;
    if (S->n_all > (size_t)S->n && y < h)
        draw_textf(w, y++, 1, wd - 2, ST_DIM, a, _("(the last %d of %zu tokens, the model's context; the commands refuse longer texts)"), S->n, S->n_all);
    y++;
    const int body = h - FOOT_ROWS;
    switch (S->view) {
    case VIEW_ATTENTION: draw_attention(a, S, w, y, body, wd); break;
    case VIEW_HEADS: draw_heads(a, S, w, y, body, wd); break;
    case VIEW_LENS: draw_lens(a, S, w, y, body, wd); break;
    case VIEW_NEIGHBORS: draw_neighbors(a, S, w, y, body, wd); break;
    default: draw_positions(a, S, w, y, body, wd); break;
    }
    if (h < FOOT_ROWS + 4) return;
    draw_text(w, h - 2, 1, wd - 2, ST_DIM, a, HINT);
    /* the same numbers from the command line */
    switch (S->view) {
    case VIEW_ATTENTION:
        snprintf(title, sizeof title, "nexttoken attention --model FILE --layer %d --head %d \"%s\"", S->layer, S->head, a->prompt);
        break;
    case VIEW_HEADS: snprintf(title, sizeof title, "nexttoken attention --model FILE --layer %d \"%s\"", S->layer, a->prompt); break;
    case VIEW_LENS: snprintf(title, sizeof title, "nexttoken lens --model FILE \"%s\"", a->prompt); break;
    case VIEW_NEIGHBORS: snprintf(title, sizeof title, "nexttoken neighbors --model FILE \"#%d\"", S->ids[sel]); break;
    default: snprintf(title, sizeof title, _("no command prints the positions' cosines (nexttoken neighbors: the tokens')")); break;
    }
    draw_text(w, h - 1, 1, wd - 2, ST_DIM, a, title);
}

/* ------------------------------------------------------------------------------------------ */
/* Keys and commands */

static void move_sel(Inside *S, int to)
{
    if (S->n < 1) return;
    S->sel = to < 0 ? 0 : to >= S->n - 1 ? -1 : to; /* past the end: the last, and follows it */
}

static int key(App *a, void *st, int ch)
{
    Inside *S = st;
    const int L = S->in.cfg.n_layer, NH = S->in.cfg.n_head;
    (void)a;
    switch (ch) {
    case 'v': S->view = (S->view + 1) % VIEW_COUNT; return KEY_HANDLED;
    case 'V': S->view = (S->view + VIEW_COUNT - 1) % VIEW_COUNT; return KEY_HANDLED;
    case '[': if (S->layer > 0) S->layer--; return KEY_HANDLED;
    case ']': if (S->layer < L - 1) S->layer++; return KEY_HANDLED;
    case '{': case KEY_UP: if (S->head > 0) S->head--; return KEY_HANDLED;
    case '}': case KEY_DOWN: if (S->head < NH - 1) S->head++; return KEY_HANDLED;
    case KEY_LEFT: move_sel(S, selected(S) - 1); return KEY_HANDLED;
    case KEY_RIGHT: move_sel(S, selected(S) + 1); return KEY_HANDLED;
    case KEY_HOME: move_sel(S, 0); return KEY_HANDLED;
    case KEY_END: S->sel = -1; return KEY_HANDLED;
    default: return KEY_IGNORED;
    }
}

/* :inside view NAME, layer L, head H, position P|last */
static int command(App *a, void *st, int argc, char **argv)
{
    Inside *S = st;
    if (argc < 2) return 0;
    const char *arg = argv[1];
    if (!strcmp(argv[0], "view")) {
        for (int v = 0; v < VIEW_COUNT; v++)
            if (!strcmp(arg, view_names[v])) {
                S->view = v;
                return 1;
            }
        app_message(a, 1, _("inside view attention, heads, lens, neighbors or positions"));
        return 1;
    }
    long v;
    const int L = S->in.mem ? S->in.cfg.n_layer : 1, NH = S->in.mem ? S->in.cfg.n_head : 1;
    if (!strcmp(argv[0], "layer")) {
        if (num_long(arg, NULL, &v) || v < 0 || v >= L) app_message(a, 1, _("inside layer 0 to %d"), L - 1);
        else S->layer = (int)v;
        return 1;
    }
    if (!strcmp(argv[0], "head")) {
        if (num_long(arg, NULL, &v) || v < 0 || v >= NH) app_message(a, 1, _("inside head 0 to %d"), NH - 1);
        else S->head = (int)v;
        return 1;
    }
    if (!strcmp(argv[0], "position")) {
        if (!strcmp(arg, "last")) S->sel = -1;
        else if (num_long(arg, NULL, &v) || v < 0 || v > 100000) app_message(a, 1, _("inside position P (from 0), or last"));
        else S->sel = (int)v; /* beyond the text: the last (selected() says so) */
        return 1;
    }
    return 0;
}

static void init(void *st)
{
    Inside *S = st;
    S->sel = -1;
    S->gen = S->run_gen = S->lens_gen = S->near_gen = S->pos_gen = -1;
}

static void release(void *st)
{
    Inside *S = st;
    inspect_free(&S->in);
    lens_free(S);
    free(S->ids);
    pieces_free(&S->pieces);
}

const Panel panel_inside = {
    .name = "inside",
    .title = N_("Inside"),
    .keys = "7",
    .summary = N_("attention weights, the logit lens, embedding neighbours"),
    .state_size = sizeof(Inside),
    .init = init,
    .release = release,
    .update = update,
    .draw = draw,
    .key = key,
    .command = command,
    .help = help,
};
