/* panel_slice.c - panel 1, Slice: the text labels itself. A sentence of n tokens gives n-1
 * training examples, each the tokens so far and the one that comes next; and how a trainer
 * really cuts them, windows of T tokens, x = tokens[i : i+T] and y = tokens[i+1 : i+T+1]. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/number.h"
#include "core/text/wordtok.h"
#include "tui.h"

enum { MODE_BPE, MODE_WORD, MODE_CHAR, N_MODES };

static const HelpLine help[] = {
    {"Space / Right", N_("the next example (Left: the one before)")},
    {"a", N_("animate;  r  start over")},
    {"t", N_("tokens: the model's byte pairs, words, or characters")},
    {"v", N_("every example, or the windows a trainer uses")},
    {"+ -", N_("the window's length (windows view)")},
    {NULL, NULL},
};

typedef struct Slice {
    int mode, view, step, window, T;
    long gen;
    const WordTok *words;      /* the mode's vocabulary (the app's), or NULL for the model's */
    size_t corpus_tokens;      /* the corpus's length in the mode's tokens */
    int32_t *ids;
    int n;
    size_t unknown;
} Slice;

#define DEFAULT_WINDOW 8       /* T of the windows view */
#define MAX_WINDOW 64

static const char *mode_name[N_MODES] = {N_("the model's byte pairs"), N_("words"), N_("characters")};

static const uint8_t *piece(const App *a, const Slice *S, int32_t id, size_t *len)
{
    if (S->mode == MODE_BPE) return tokenizer_token(&a->s.tok, id, len);
    return (const uint8_t *)wordtok_token(S->words, id, len);
}

/* The prompt in the mode's tokens, again when the text, the model or the mode changed. */
static void compute(App *a, Slice *S)
{
    if (S->gen == a->generation) return;
    S->gen = a->generation;
    free(S->ids);
    S->ids = NULL, S->n = 0, S->unknown = 0, S->words = NULL, S->corpus_tokens = 0;
    size_t len = strlen(a->prompt);
    Err e;
    if (S->mode == MODE_BPE) {
        size_t cap = 0, n = 0;
        if (tokenizer_encode(&a->s.tok, (const uint8_t *)a->prompt, len, &S->ids, &cap, &n, &e) == 0) S->n = (int)n;
        S->corpus_tokens = a->s.data.n_tokens;
        return;
    }
    S->words = app_wordtok(a, S->mode == MODE_WORD ? WORDTOK_WORD : WORDTOK_CHAR, &S->corpus_tokens);
    if (!S->words) return;
    S->ids = malloc(sizeof(int32_t) * (len + 1));
    long k = S->ids ? wordtok_encode(S->words, (const uint8_t *)a->prompt, len, S->ids, &S->unknown) : 0;
    S->n = k > 0 ? (int)k : 0;
}

/* The characters of the prompt's tokens: 0, or -1 out of memory (p empty). */
typedef struct {
    const App *a;
    const Slice *S;
} SliceOf;

static const uint8_t *slice_piece(const void *ctx, size_t i, size_t *len)
{
    const SliceOf *c = ctx;
    return piece(c->a, c->S, c->S->ids[i], len);
}

static int slice_pieces(const App *a, const Slice *S, Pieces *p)
{
    SliceOf c = {a, S};
    Err e;
    return pieces_build_fn(p, slice_piece, &c, (size_t)S->n, &e);
}

/* Token i of the prompt in brackets; part of a character reads as it: [옛[1/3]]. */
static int draw_piece(const App *a, const Pieces *P, WINDOW *w, int y, int x, int width, int st, int i)
{
    char p[96], boxed[112];
    token_label(a, P, (size_t)i, 1, 0, p, sizeof p);
    snprintf(boxed, sizeof boxed, "[%s]", p);
    return draw_text(w, y, x, width, st, a, boxed);
}

/* The columns draw_piece takes. */
static int piece_width(const App *a, const Pieces *P, int i)
{
    char p[96];
    token_label(a, P, (size_t)i, 1, 0, p, sizeof p);
    return text_width(p) + 2;
}

static void draw_pairs(const App *a, const Slice *S, const Pieces *P, WINDOW *w, int y, int h, int wd)
{
    draw_textf(w, y++, 1, wd - 2, ST_ACCENT, a, _("%d tokens -> %d training examples: every prefix, and the token after it"), S->n,
               S->n > 0 ? S->n - 1 : 0);
    if (S->mode != MODE_BPE && S->unknown)
        draw_textf(w, y++, 1, wd - 2, ST_BAD, a, _("%zu of them not in the vocabulary of the corpus's %s: <unk>"), S->unknown, _(mode_name[S->mode]));
    y++;
    /* the revealed rows, scrolled so that the newest stays in view */
    int rows = h - y - 3, last = S->step < S->n - 1 ? S->step : S->n - 1;
    int first = last - rows + 1 > 1 ? last - rows + 1 : 1;
    /* the targets in one column, just right of the longest input shown */
    int longest = 0;
    for (int i = 0; i < last; i++) longest += piece_width(a, P, i);
    int tx = 6 + longest + 4 < wd - 22 ? 6 + longest + 1 : wd - 22;
    for (int k = first; k <= last && y < h - 3; k++, y++) {
        draw_textf(w, y, 1, 5, ST_DIM, a, "%4d", k);
        /* the input; too long, its middle left out: its start is the long-range context a
         * prediction may need ("In Paris, ... spoken is"), its end the nearest */
        int x = 6, avail = tx - x, total = 0;
        for (int i = 0; i < k; i++) total += piece_width(a, P, i);
        int head = k, tail = k; /* tokens [0, head) and [tail, k) are shown */
        if (total > avail) {
            int used = 3; /* the "..." */
            head = 0;
            while (head < k - 1 && used + piece_width(a, P, head) <= avail / 3) used += piece_width(a, P, head++);
            while (tail > head && used + piece_width(a, P, tail - 1) <= avail) used += piece_width(a, P, --tail);
        }
        for (int i = 0; i < head; i++) x += draw_piece(a, P, w, y, x, tx - x, i % 2 ? ST_TOKEN_B : ST_TOKEN_A, i);
        if (tail > head) x += draw_text(w, y, x, 3, ST_DIM, a, "...");
        for (int i = tail; i < k; i++) x += draw_piece(a, P, w, y, x, tx - x, i % 2 ? ST_TOKEN_B : ST_TOKEN_A, i);
        draw_text(w, y, tx, 4, ST_DIM, a, a->utf8 ? " \u2192 " : " -> ");
        draw_piece(a, P, w, y, tx + 4, wd - tx - 5, ST_KEY, k);
    }
    y = h - 2;
    if (S->corpus_tokens)
        draw_textf(w, y, 1, wd - 2, ST_DIM, a, _("the whole corpus, in %s: %zu tokens -> %zu examples"), _(mode_name[S->mode]),
                   S->corpus_tokens, S->corpus_tokens - 1);
}

static void draw_windows(const App *a, const Slice *S, const Pieces *P, WINDOW *w, int y, int h, int wd)
{
    const int T = S->T;
    int windows = S->n > T ? S->n - T : 0;
    draw_textf(w, y++, 1, wd - 2, ST_ACCENT, a, _("windows of T = %d: x = tokens[i : i+%d], y = tokens[i+1 : i+%d]; %d windows in %d tokens"), T,
               T, T + 1, windows, S->n);
    if (!windows) {
        draw_textf(w, y + 1, 2, wd - 4, ST_DIM, a, _("the text needs more than %d tokens (- shortens the window)"), T);
        return;
    }
    int i0 = S->window;
    /* the stream, the window marked */
    int x = 2;
    for (int i = 0; i < S->n && x < wd - 2; i++) {
        int st = i >= i0 && i < i0 + T ? ST_TOKEN_A : (i == i0 + T ? ST_KEY : ST_DIM);
        x += draw_piece(a, P, w, y, x, wd - 2 - x, st, i);
    }
    y += 2;
    draw_textf(w, y++, 1, wd - 2, ST_DIM, a, _("window %d of %d (i = %d): each position's target under it"), i0 + 1, windows, i0);
    /* columns: position, x, and its target y below */
    int x0 = 6, col = x0, row = y;
    draw_text(w, row, 1, 4, ST_DIM, a, "t");
    draw_text(w, row + 1, 1, 4, ST_DIM, a, "x");
    draw_text(w, row + 2, 1, 4, ST_DIM, a, "y");
    for (int t = 0; t < T; t++) {
        char px[96], py[96];
        token_label(a, P, (size_t)(i0 + t), 1, 0, px, sizeof px);
        token_label(a, P, (size_t)(i0 + t + 1), 1, 0, py, sizeof py);
        int cw = (text_width(px) > text_width(py) ? text_width(px) : text_width(py)) + 3;
        if (col + cw > wd - 1) { /* next block of columns */
            row += 4, col = x0;
            if (row + 2 >= h - 1) break;
            draw_text(w, row, 1, 4, ST_DIM, a, "t");
            draw_text(w, row + 1, 1, 4, ST_DIM, a, "x");
            draw_text(w, row + 2, 1, 4, ST_DIM, a, "y");
        }
        draw_textf(w, row, col, cw, ST_DIM, a, "%d", t);
        draw_piece(a, P, w, row + 1, col, cw, ST_TOKEN_A, i0 + t);
        draw_piece(a, P, w, row + 2, col, cw, ST_KEY, i0 + t + 1);
        col += cw;
    }
}

static void update(App *a, void *st)
{
    Slice *S = st;
    compute(a, S);
    /* a shorter text or a longer window leaves fewer windows to be in */
    int windows = S->n > S->T ? S->n - S->T : 0;
    if (S->window > windows - 1) S->window = windows > 0 ? windows - 1 : 0;
    if (S->n >= 2 && S->step > S->n - 1) S->step = S->n - 1;
}

static void draw(const App *a, const void *st, WINDOW *w, int h, int wd)
{
    const Slice *S = st;
    draw_textf(w, 0, 1, wd - 2, ST_TITLE, a, _("The text labels itself: \"%s\""), a->prompt);
    draw_textf(w, 1, 1, wd - 2, ST_DIM, a, _("tokens: %s (t changes)   view: %s (v changes)"), _(mode_name[S->mode]),
               S->view ? _("a trainer's windows") : _("every example"));
    if (S->n < 2) {
        draw_text(w, 3, 2, wd - 4, ST_DIM, a, _("the text needs two tokens for one example (e edits it)"));
        return;
    }
    Pieces P;
    if (slice_pieces(a, S, &P) == 0) {
        if (S->view == 0) draw_pairs(a, S, &P, w, 3, h - 1, wd);
        else draw_windows(a, S, &P, w, 3, h - 1, wd);
    }
    pieces_free(&P);
    /* the same from the command line */
    static const char *tok_arg[N_MODES] = {"--model MODEL", "--tokenizer word --corpus CORPUS", "--tokenizer char --corpus CORPUS"};
    char ctx[32] = "", cmd[800];
    if (S->view) snprintf(ctx, sizeof ctx, " --context %d", S->T);
    snprintf(cmd, sizeof cmd, "nexttoken slice %s%s \"%s\"", tok_arg[S->mode], ctx, a->prompt);
    draw_text(w, h - 1, 1, wd - 2, ST_DIM, a, cmd);
}

static void forward(App *a, Slice *S)
{
    compute(a, S);
    if (S->view == 0 && S->step < S->n - 1) S->step++;
    else if (S->view == 1 && S->window + 1 < S->n - S->T) S->window++;
}

static void tick(App *a, void *st)
{
    Slice *S = st;
    int at_end = S->view == 0 ? S->step >= S->n - 1 : S->window + 1 >= S->n - S->T;
    if (at_end) S->step = 1, S->window = 0;
    else forward(a, S);
}

static int key(App *a, void *st, int ch)
{
    Slice *S = st;
    switch (ch) {
    case ' ': case KEY_RIGHT: forward(a, S); return KEY_HANDLED;
    case KEY_LEFT:
        if (S->view == 0 && S->step > 1) S->step--;
        else if (S->view == 1 && S->window > 0) S->window--;
        return KEY_HANDLED;
    case 'r': S->step = 1, S->window = 0; return KEY_HANDLED;
    case 't': S->mode = (S->mode + 1) % N_MODES, S->step = 1, S->window = 0, S->gen = -1; return KEY_HANDLED;
    case 'v': S->view = !S->view; return KEY_HANDLED;
    case '+': case '=': if (S->T < MAX_WINDOW) S->T++; return KEY_HANDLED;
    case '-': if (S->T > 1) S->T--; return KEY_HANDLED;
    default: return KEY_IGNORED;
    }
}

/* :slice tokens model|words|characters, view examples|windows, window N, example N */
static int command(App *a, void *st, int argc, char **argv)
{
    Slice *S = st;
    static const char *const modes[N_MODES] = {"model", "words", "characters"}, *const views[] = {"examples", "windows"};
    if (argc < 2) return 0;
    const char *c = argv[0], *v = argv[1];
    long n;
    int number = num_long(v, NULL, &n) == NUM_OK;
    if (!strcmp(c, "tokens")) {
        int m = 0;
        while (m < N_MODES && strcmp(v, modes[m]) != 0) m++;
        if (m == N_MODES) app_message(a, 1, _("slice tokens model, words or characters"));
        else S->mode = m, S->step = 1, S->window = 0, S->gen = -1;
    } else if (!strcmp(c, "view")) {
        if (strcmp(v, views[0]) != 0 && strcmp(v, views[1]) != 0) app_message(a, 1, _("slice view examples or windows"));
        else S->view = !strcmp(v, views[1]);
    } else if (!strcmp(c, "window")) {
        if (!number || n < 1 || n > MAX_WINDOW) app_message(a, 1, _("slice window N, 1 to %d tokens"), MAX_WINDOW);
        else S->T = (int)n;
    } else if (!strcmp(c, "example")) {
        if (!number || n < 1 || n > INT_MAX) app_message(a, 1, _("slice example N, from 1"));
        else S->step = (int)n, S->window = (int)n - 1; /* update keeps them within the text */
    } else {
        return 0;
    }
    return 1;
}

static void init(void *st)
{
    Slice *S = st;
    S->T = DEFAULT_WINDOW, S->step = 1, S->gen = -1;
}

static void release(void *st)
{
    free(((Slice *)st)->ids);
}

const Panel panel_slice = {
    .name = "slice",
    .title = N_("Slice"),
    .keys = "1",
    .summary = N_("a sentence becomes (input, target) pairs: the text labels itself"),
    .state_size = sizeof(Slice),
    .init = init,
    .release = release,
    .update = update,
    .draw = draw,
    .key = key,
    .command = command,
    .tick = tick,
    .help = help,
};
