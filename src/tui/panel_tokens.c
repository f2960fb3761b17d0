/* panel_tokens.c - panel 2, Tokens: language as Lego bricks. Byte-pair merges learned live
 * from the corpus (the leaderboard of pairs, the merge chosen, the prompt re-cut as the
 * vocabulary grows); words, characters and byte pairs side by side on the prompt; and every
 * token of it with its id and bytes, under the model's vocabulary and GPT-2's. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/number.h"
#include "core/text/bpe_train.h"
#include "core/text/pretok.h"
#include "core/text/vocabfile.h"
#include "core/text/wordtok.h"
#include "tui.h"

#define COMPARE_NAME_WIDTH 22 /* the Tokens comparison's first column: which vocabulary */
#define LEADERBOARD 8
#define MAX_MERGES 4096
#define PAIR_WIDTH 26          /* "\"t\" + \"h\"" in the leaderboard */
#define INSPECT_TWO_COLS 96    /* from this width, the model's and GPT-2's tables side by side */

enum { VIEW_MERGES, VIEW_COMPARE, VIEW_INSPECT, N_VIEWS };
/* The prompt cut four ways, for the comparison and the tables. */
enum { CUT_WORDS, CUT_CHARS, CUT_MODEL, CUT_GPT2, N_CUTS };

static const HelpLine help[] = {
    {"Space / Right", N_("merges: one more merge (Left: one fewer)")},
    {"a", N_("keep merging;  r  back to bytes")},
    {"c", N_("merges: learn from the corpus, or from the prompt alone")},
    {"v", N_("merges, words vs characters vs byte pairs, or every token")},
    {"w", N_("show whitespace in tokens")},
    {"b", N_("a character split between tokens: drawn whole, or each part with its bytes (옛[1/3])")},
    {":merges N", N_("jump to N merges")},
    {":letter X", N_("inspect: count this letter in each token (r, for strawberry)")},
    {NULL, NULL},
};

/* The prompt as one tokenization cuts it. */
typedef struct Cut {
    int32_t *ids;
    size_t n, unknown;
    int vocab;                 /* the vocabulary's size; 0: this tokenization is not available */
} Cut;

typedef struct Tokens {
    int view, from_prompt, show_ws;
    int show_bytes;            /* b: each token as its label ("옛[1/3]"), not characters drawn whole */
    /* merges */
    BpeTrainer *bt;
    long bt_gen;               /* settings generation and source the trainer was made for */
    int bt_source;
    int merges;                /* done so far */
    int want_merges;           /* where a key or command asked to be: update learns up to it */
    BpeMerge last;
    int have_last;
    BpePair top[LEADERBOARD];
    int n_top;
    Tokenizer cut;             /* the vocabulary so far, to cut the prompt with */
    int cut_merges;
    Cut cut_prompt;            /* the prompt, cut by it */
    /* bytes per token of the prompt (bpt) after bpt_at merges, in order of merges: after each
     * one when stepping, after about every hundredth of them when jumping to a count */
    float bpt[MAX_MERGES + 1], bpt_at[MAX_MERGES + 1];
    int n_bpt;
    /* compare and inspect */
    const WordTok *words, *chars; /* the app's, of the corpus */
    Tokenizer gpt2;
    int gpt2_tried;
    Cut cuts[N_CUTS];
    long cuts_gen;
    char letter;
} Tokens;

static void cut_free(Cut *c)
{
    free(c->ids);
    memset(c, 0, sizeof *c);
}

/* The prompt, cut by a tokenizer or by a word or character vocabulary. */
static void cut_text(Cut *c, const char *text, const Tokenizer *t, const WordTok *wt)
{
    cut_free(c);
    size_t len = strlen(text), cap = len + 1;
    Err e;
    if (wt) {
        c->ids = malloc(sizeof(int32_t) * cap);
        long k = c->ids ? wordtok_encode(wt, (const uint8_t *)text, len, c->ids, &c->unknown) : 0;
        c->n = k > 0 ? (size_t)k : 0;
        c->vocab = c->ids ? wordtok_vocab_size(wt) : 0;
    } else if (t && t->n_vocab) {
        cap = 0;
        if (tokenizer_encode(t, (const uint8_t *)text, len, &c->ids, &cap, &c->n, &e) == 0) c->vocab = t->n_vocab;
    }
}

/* ---- merges ---- */

/* Forgets the bytes per token measured after `merges` merges or more (stepping back), then
 * records it after `merges`, from the prompt's cut c. */
static void bpt_record(const App *a, Tokens *S, int merges, const Cut *c)
{
    while (S->n_bpt > 0 && S->bpt_at[S->n_bpt - 1] >= (float)merges) S->n_bpt--;
    if (!c->n || S->n_bpt > MAX_MERGES) return;
    S->bpt_at[S->n_bpt] = (float)merges;
    S->bpt[S->n_bpt++] = (float)strlen(a->prompt) / (float)c->n;
}

/* The same with the vocabulary the trainer holds now (a tokenizer made for the purpose). */
static void bpt_measure(const App *a, Tokens *S)
{
    Tokenizer t = {0};
    Cut c = {0};
    Err e;
    if (bpe_trainer_tokenizer(S->bt, &t, &e) == 0) {
        cut_text(&c, a->prompt, &t, NULL);
        bpt_record(a, S, S->merges, &c);
    }
    cut_free(&c);
    tokenizer_free(&t);
}

/* Learns again from the start (the corpus or the prompt) up to `merges`: merges cannot be undone
 * in place, and at this size learning again is fast. The bytes per token are measured on the
 * way, about a hundred times, so that the plot has its curve after a jump. */
static void retrain(const App *a, Tokens *S, int merges)
{
    Err e;
    bpe_trainer_free(S->bt);
    tokenizer_free(&S->cut);
    S->cut_merges = -1;
    const uint8_t *text = S->from_prompt ? (const uint8_t *)a->prompt : a->s.corpus.data;
    size_t n = S->from_prompt ? strlen(a->prompt) : a->s.corpus.size;
    S->bt = n ? bpe_trainer_create(text, n, PRETOK_GPT2, &e) : NULL;
    S->bt_gen = a->settings_gen, S->bt_source = S->from_prompt;
    S->merges = 0, S->have_last = 0, S->n_bpt = 0;
    const int every = merges > 100 ? merges / 100 : 1;
    if (S->bt && merges > 0) bpt_measure(a, S);
    while (S->bt && S->merges < merges) {
        BpeMerge m;
        if (bpe_trainer_step(S->bt, &m, &e) != 1) break;
        S->merges++, S->last = m, S->have_last = 1;
        if (S->merges % every == 0 && S->merges < merges) bpt_measure(a, S);
    }
}

/* Recuts the prompt with the vocabulary so far; records its bytes per token. */
static void recut(const App *a, Tokens *S)
{
    if (!S->bt || S->cut_merges == S->merges) return;
    Err e;
    tokenizer_free(&S->cut);
    if (bpe_trainer_tokenizer(S->bt, &S->cut, &e)) return;
    S->cut_merges = S->merges;
    S->n_top = bpe_trainer_top(S->bt, S->top, LEADERBOARD);
    cut_text(&S->cut_prompt, a->prompt, &S->cut, NULL);
    bpt_record(a, S, S->merges, &S->cut_prompt);
}

/* Brings the merges to where they were asked to be: learned again for a new text or source,
 * one more merge forward, or learned again to one fewer. */
static void update_merges(App *a, Tokens *S)
{
    if (!S->bt || S->bt_gen != a->settings_gen || S->bt_source != S->from_prompt) retrain(a, S, S->want_merges);
    if (S->want_merges < S->merges) retrain(a, S, S->want_merges);
    while (S->bt && S->merges < S->want_merges) {
        BpeMerge m;
        Err e;
        if (bpe_trainer_step(S->bt, &m, &e) != 1) {
            app_message(a, 0, _("no pair is left to merge"));
            break;
        }
        S->merges++, S->last = m, S->have_last = 1;
    }
    S->want_merges = S->merges;
    recut(a, S);
}

/* Token i of a strip: the characters drawn whole (draw_strip_token), or with b its label, each
 * part of a character with its bytes ("옛[1/3]"). Returns the columns used; with w NULL, only
 * measures. */
static int strip_piece(const App *a, const Tokens *S, WINDOW *w, int y, int x, int width, int st, const Pieces *p, size_t i)
{
    if (!S->show_bytes)
        return w ? draw_strip_token(w, y, x, width, st, a, p, i, S->show_ws) : strip_width(a, p, i, S->show_ws);
    char label[160];
    token_label(a, p, i, S->show_ws, 0, label, sizeof label);
    return w ? draw_text(w, y, x, width, st, a, label) : text_width(label);
}

static void draw_tokens_line(const App *a, const Tokens *S, WINDOW *w, int y, int x0, int wd, const Tokenizer *t, const Cut *c)
{
    int x = x0;
    Pieces p;
    Err e;
    if (tokenizer_pieces(t, NULL, c->ids, c->n, &p, &e)) return;
    for (size_t i = 0; i < c->n && x < x0 + wd; i++)
        x += strip_piece(a, S, w, y, x, x0 + wd - x, i % 2 ? ST_TOKEN_B : ST_TOKEN_A, &p, i);
    pieces_free(&p);
}

/* A pair of tokens read together, as "a" and "b": two pieces that finish a character read as
 * it ("옛[1-2/3]", "옛[3/3]"). */
static void show_pair(const App *a, const BpeTrainer *bt, int32_t ida, int32_t idb, char *pa, char *pb, size_t cap)
{
    const uint8_t *tok[2];
    size_t len[2];
    tok[0] = bpe_trainer_token(bt, ida, &len[0]), tok[1] = bpe_trainer_token(bt, idb, &len[1]);
    Pieces p;
    Err e;
    pa[0] = pb[0] = 0;
    if (pieces_build(&p, tok, len, 2, &e)) return;
    char q[64];
    token_label(a, &p, 0, 1, 1, q, sizeof q);
    snprintf(pa, cap, "%s", q);
    token_label(a, &p, 1, 1, 1, q, sizeof q);
    snprintf(pb, cap, "%s", q);
    pieces_free(&p);
}

static void show(const App *a, const BpeTrainer *bt, int32_t id, char *out, size_t cap)
{
    size_t k;
    const uint8_t *b = bpe_trainer_token(bt, id, &k);
    char p[60];
    piece_text(a, b, k, 1, p, sizeof p);
    snprintf(out, cap, "\"%.60s\"", p);
}

static void draw_merges(const App *a, const Tokens *S, WINDOW *w, int h, int wd)
{
    int y = 0;
    draw_textf(w, y++, 1, wd - 2, ST_TITLE, a, _("Byte-pair merges, learned from %s: the most frequent pair of tokens becomes a new one"),
               S->from_prompt ? _("the prompt") : _("the corpus"));
    if (!S->bt) {
        draw_text(w, y + 1, 2, wd - 4, ST_DIM, a, _("nothing to learn from"));
        return;
    }
    char pa[72], pb[72], pn[72];
    if (S->have_last) {
        show_pair(a, S->bt, S->last.a, S->last.b, pa, pb, sizeof pa);
        show(a, S->bt, S->last.id, pn, sizeof pn);
        draw_textf(w, y++, 1, wd - 2, ST_ACCENT, a, _("merge %d: %s + %s -> %s, token %d (the pair occurred %lld times)%s"), S->last.rank + 1, pa,
                   pb, pn, S->last.id, (long long)S->last.count, S->last.is_new ? "" : _(" - already a token"));
    } else {
        draw_text(w, y++, 1, wd - 2, ST_ACCENT, a, _("no merges yet: the 256 bytes are the vocabulary (Space merges)"));
    }
    draw_textf(w, y++, 1, wd - 2, ST_DIM, a, _("vocabulary %d tokens after %d merges"), bpe_trainer_vocab_size(S->bt), S->merges);
    y++;
    int left = wd >= 90 ? wd / 2 : wd;
    draw_text(w, y, 1, left - 2, ST_DIM, a, _("the most frequent pairs (the next merge first)"));
    for (int i = 0; i < S->n_top && y + 1 + i < h - 6; i++) {
        show_pair(a, S->bt, S->top[i].a, S->top[i].b, pa, pb, sizeof pa);
        char pair[160];
        snprintf(pair, sizeof pair, "%s + %s", pa, pb);
        draw_cell(w, y + 1 + i, 2, PAIR_WIDTH, i == 0 ? ST_KEY : ST_NORMAL, a, pair);
        int used = draw_textf(w, y + 1 + i, 3 + PAIR_WIDTH, 9, ST_NORMAL, a, "%8lld ", (long long)S->top[i].count);
        draw_bar(w, y + 1 + i, 3 + PAIR_WIDTH + used, left - 5 - PAIR_WIDTH - used, (double)S->top[i].count / (double)S->top[0].count,
                 ST_PLOT_TRAIN, a);
    }
    /* bytes per token of the prompt as merges go on */
    if (left < wd && S->n_bpt > 1) {
        PlotSeries s = {S->bpt_at, S->bpt, S->n_bpt, ST_PLOT_VAL};
        float ymax = 1;
        for (int i = 0; i < S->n_bpt; i++) ymax = fmaxf(ymax, S->bpt[i]);
        draw_text(w, y, left + 1, wd - left - 2, ST_DIM, a, _("bytes per token of the prompt"));
        plot_draw(w, y + 1, left, LEADERBOARD, wd - left - 1, a, &s, 1, NULL, 0, 0, S->merges > 1 ? S->merges : 1, 1,
                  ymax * 1.1, 0, _("merges"));
    }
    y += LEADERBOARD + 2;
    /* the prompt, cut by the vocabulary so far */
    if (S->cut.n_vocab && y < h - 2) {
        size_t len = strlen(a->prompt), n = S->cut_prompt.n;
        draw_textf(w, y++, 1, wd - 2, ST_DIM, a, _("the prompt: %zu bytes in %zu tokens, %.2f bytes per token"), len, n, n ? (double)len / n : 0);
        draw_tokens_line(a, S, w, y++, 2, wd - 4, &S->cut, &S->cut_prompt);
    }
    draw_textf(w, h - 1, 1, wd - 2, ST_DIM, a, "nexttoken bpe train --corpus %s --vocab-size %d --out FILE --trace",
               S->from_prompt ? "PROMPT.txt" : "CORPUS", bpe_trainer_vocab_size(S->bt));
}

/* ---- compare and inspect ---- */

/* The word, character, model and GPT-2 cuts of the prompt, again when it or the model changed. */
static void update_cuts(App *a, Tokens *S)
{
    S->words = app_wordtok(a, WORDTOK_WORD, NULL);
    S->chars = app_wordtok(a, WORDTOK_CHAR, NULL);
    if (!S->gpt2_tried) {
        Err e;
        S->gpt2_tried = 1;
        if (vocab_load_named(&S->gpt2, "gpt2", &e)) memset(&S->gpt2, 0, sizeof S->gpt2);
    }
    if (S->cuts_gen == a->generation) return;
    S->cuts_gen = a->generation;
    cut_text(&S->cuts[CUT_WORDS], a->prompt, NULL, S->words);
    cut_text(&S->cuts[CUT_CHARS], a->prompt, NULL, S->chars);
    cut_text(&S->cuts[CUT_MODEL], a->prompt, &a->s.tok, NULL);
    cut_text(&S->cuts[CUT_GPT2], a->prompt, &S->gpt2, NULL);
}

/* The piece of token id of cut k. */
static const uint8_t *cut_piece(const App *a, const Tokens *S, int k, int32_t id, size_t *len)
{
    switch (k) {
    case CUT_WORDS: return (const uint8_t *)wordtok_token(S->words, id, len);
    case CUT_CHARS: return (const uint8_t *)wordtok_token(S->chars, id, len);
    case CUT_MODEL: return tokenizer_token(&a->s.tok, id, len);
    default: return tokenizer_token(&S->gpt2, id, len);
    }
}

/* The characters of cut k's tokens: 0, or -1 out of memory (p empty). */
typedef struct {
    const App *a;
    const Tokens *S;
    int k;
} CutOf;

static const uint8_t *cut_piece_at(const void *ctx, size_t i, size_t *len)
{
    const CutOf *c = ctx;
    return cut_piece(c->a, c->S, c->k, c->S->cuts[c->k].ids[i], len);
}

static int cut_pieces(const App *a, const Tokens *S, int k, Pieces *p)
{
    CutOf c = {a, S, k};
    Err e;
    return pieces_build_fn(p, cut_piece_at, &c, S->cuts[k].n, &e);
}

static int compare_row(const App *a, const Tokens *S, WINDOW *w, int y, int h, int wd, const char *name, int k)
{
    const Cut *c = &S->cuts[k];
    if (!c->vocab) return y;
    /* the name in a cell of display columns: a translated one may be two columns a character */
    draw_cell(w, y, 1, COMPARE_NAME_WIDTH, ST_ACCENT, a, name);
    draw_textf(w, y++, 2 + COMPARE_NAME_WIDTH, wd - 3 - COMPARE_NAME_WIDTH, ST_ACCENT, a, _("vocabulary %7d   %3zu tokens%s"), c->vocab,
               c->n, c->unknown ? "" : _("   nothing unknown"));
    if (c->unknown) draw_textf(w, y - 1, 60, wd - 61, ST_BAD, a, _("%zu unknown: <unk>"), c->unknown);
    const int words = k == CUT_WORDS, vocabulary = k <= CUT_CHARS; /* words lost their spaces: put one back */
    int x = 3;
    Pieces p;
    if (cut_pieces(a, S, k, &p)) return y + 2;
    for (size_t i = 0; i < c->n && y < h; i++) {
        int pw = strip_piece(a, S, NULL, 0, 0, 0, 0, &p, i) + words;
        if (x + pw > wd - 2) x = 3, y++;
        if (y >= h) break;
        int st = vocabulary && c->ids[i] == 0 ? ST_BAD : (i % 2 ? ST_TOKEN_B : ST_TOKEN_A);
        x += strip_piece(a, S, w, y, x, wd - 2 - x, st, &p, i);
        x += words;
    }
    pieces_free(&p);
    return y + 2;
}

static void draw_compare(const App *a, const Tokens *S, WINDOW *w, int h, int wd)
{
    int y = 0;
    draw_text(w, y++, 1, wd - 2, ST_TITLE, a, _("Words are too many, characters too long: byte pairs sit between"));
    draw_text(w, y++, 1, wd - 2, ST_DIM, a, _("try a typo or a new word: e, then prompt I love hyper-threading, awesommmme!"));
    y++;
    y = compare_row(a, S, w, y, h - 1, wd, _("words (of the corpus)"), CUT_WORDS);
    y = compare_row(a, S, w, y, h - 1, wd, _("characters"), CUT_CHARS);
    y = compare_row(a, S, w, y, h - 1, wd, _("the model's byte pairs"), CUT_MODEL);
    if (S->gpt2.n_vocab) compare_row(a, S, w, y, h - 1, wd, _("GPT-2's byte pairs"), CUT_GPT2);
    else if (y < h - 1) draw_text(w, y, 1, wd - 2, ST_DIM, a, _("(GPT-2's vocabulary: make gpt2-vocab)"));
    draw_text(w, h - 1, 1, wd - 2, ST_DIM, a, "nexttoken encode --tokenizer word --corpus CORPUS TEXT   (char, MODEL, gpt2)");
}

static int inspect_table(const App *a, const Tokens *S, WINDOW *w, int y, int x0, int h, int wd, const char *name, int k)
{
    const Cut *c = &S->cuts[k];
    if (!c->vocab) return y;
    int total = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t len;
        const uint8_t *b = cut_piece(a, S, k, c->ids[i], &len);
        for (size_t j = 0; j < len; j++) total += tolower(b[j]) == S->letter;
    }
    draw_textf(w, y++, x0, wd, ST_ACCENT, a, _("%s: %zu tokens, '%c' %d times in them"), name, c->n, S->letter, total);
    /* the header in the rows' columns, each cell in display columns */
    draw_textf(w, y, x0, 7, ST_DIM, a, "%6s ", "id");
    draw_cell(w, y, x0 + 8, 14, ST_DIM, a, _("token"));
    draw_cell(w, y, x0 + 23, 18, ST_DIM, a, _("bytes"));
    draw_text(w, y++, x0 + 42, wd - 42, ST_DIM, a, (char[]){'#', S->letter, 0});
    Pieces p;
    if (cut_pieces(a, S, k, &p)) return y;
    for (size_t i = 0; i < c->n && y < h; i++, y++) {
        size_t len;
        const uint8_t *b = cut_piece(a, S, k, c->ids[i], &len);
        char quoted[112], hex[64] = "";
        token_label(a, &p, i, S->show_ws, 1, quoted, sizeof quoted);
        size_t at = 0;
        for (size_t j = 0; j < len && at + 4 < sizeof hex; j++) at += (size_t)snprintf(hex + at, sizeof hex - at, "%02x ", b[j]);
        int count = 0;
        for (size_t j = 0; j < len; j++) count += tolower(b[j]) == S->letter;
        draw_textf(w, y, x0, 7, ST_NORMAL, a, "%6d ", c->ids[i]);
        draw_cell(w, y, x0 + 8, 14, i % 2 ? ST_TOKEN_B : ST_TOKEN_A, a, quoted);
        draw_cell(w, y, x0 + 23, 18, ST_DIM, a, hex);
        if (count) draw_textf(w, y, x0 + 42, wd - 42, ST_KEY, a, "%d", count);
    }
    pieces_free(&p);
    if (y < h) draw_text(w, y++, x0, wd, ST_DIM, a, _("the model sees only the ids, never the letters"));
    return y;
}

static void draw_inspect(const App *a, const Tokens *S, WINDOW *w, int h, int wd)
{
    int y = 0;
    draw_textf(w, y++, 1, wd - 2, ST_TITLE, a, _("Every token of \"%s\": its id and its bytes"), a->prompt);
    y++;
    int two = S->gpt2.n_vocab && wd >= INSPECT_TWO_COLS;
    int half = two ? wd / 2 : wd - 2;
    int y1 = inspect_table(a, S, w, y, 1, h - 1, half - 2, _("the model's vocabulary"), CUT_MODEL);
    if (S->gpt2.n_vocab) inspect_table(a, S, w, two ? y : y1 + 1, two ? half + 1 : 1, h - 1, half - 2, "GPT-2", CUT_GPT2);
    else if (y1 + 1 < h - 1) draw_text(w, y1 + 1, 1, wd - 2, ST_DIM, a, _("(GPT-2's vocabulary: make gpt2-vocab)"));
    draw_text(w, h - 1, 1, wd - 2, ST_DIM, a, "nexttoken encode --tokenizer MODEL TEXT   (or gpt2)");
}

/* ---- the panel ---- */

static void update(App *a, void *st)
{
    Tokens *S = st;
    if (S->view == VIEW_MERGES) update_merges(a, S);
    else update_cuts(a, S);
}

static void draw(const App *a, const void *st, WINDOW *w, int h, int wd)
{
    const Tokens *S = st;
    static const char *names[N_VIEWS] = {N_("merges"), N_("words vs characters vs byte pairs"), N_("every token")};
    const char *name = _(names[S->view]);
    draw_textf(w, 0, wd - 2 - text_width(name) - 7, text_width(name) + 8, ST_DIM, a, "v: %s", name);
    WINDOW *sub = derwin(w, h - 1, wd, 1, 0);
    if (!sub) return;
    if (S->view == VIEW_MERGES) draw_merges(a, S, sub, h - 1, wd);
    else if (S->view == VIEW_COMPARE) draw_compare(a, S, sub, h - 1, wd);
    else draw_inspect(a, S, sub, h - 1, wd);
    delwin(sub);
}

/* One merge more (d > 0) or fewer; update does the learning. */
static void step(Tokens *S, int d)
{
    if (d > 0 && S->want_merges < MAX_MERGES) S->want_merges++;
    else if (d < 0 && S->want_merges > 0) S->want_merges--;
}

static void tick(App *a, void *st)
{
    Tokens *S = st;
    (void)a;
    if (S->view == VIEW_MERGES) step(S, 1);
}

static int key(App *a, void *st, int ch)
{
    Tokens *S = st;
    switch (ch) {
    case ' ': case KEY_RIGHT: if (S->view == VIEW_MERGES) step(S, 1); return KEY_HANDLED;
    case KEY_LEFT: if (S->view == VIEW_MERGES) step(S, -1); return KEY_HANDLED;
    case 'r': S->want_merges = 0, S->bt_gen = -1; return KEY_HANDLED;
    case 'c': S->from_prompt = !S->from_prompt, S->want_merges = 0; return KEY_HANDLED;
    case 'v': S->view = (S->view + 1) % N_VIEWS, a->animating = 0; return KEY_HANDLED;
    case 'w': S->show_ws = !S->show_ws; return KEY_HANDLED;
    case 'b': S->show_bytes = !S->show_bytes; return KEY_HANDLED;
    default: return KEY_IGNORED;
    }
}

static int command(App *a, void *st, int argc, char **argv)
{
    Tokens *S = st;
    if (argc < 2) return 0;
    if (!strcmp(argv[0], "merges")) {
        long n;
        if (num_long(argv[1], NULL, &n) || n < 0 || n > MAX_MERGES) app_message(a, 1, _("merges N, 0 to %d"), MAX_MERGES);
        else S->want_merges = (int)n, S->bt_gen = -1, S->view = VIEW_MERGES;
        return 1;
    }
    if (!strcmp(argv[0], "view")) {
        static const char *const views[N_VIEWS] = {"merges", "compare", "inspect"};
        int v = 0;
        while (v < N_VIEWS && strcmp(argv[1], views[v]) != 0) v++;
        if (v == N_VIEWS) app_message(a, 1, _("tokens view merges, compare or inspect"));
        else S->view = v;
        return 1;
    }
    if (!strcmp(argv[0], "from")) {
        if (strcmp(argv[1], "corpus") != 0 && strcmp(argv[1], "prompt") != 0) app_message(a, 1, _("tokens from corpus or prompt"));
        else S->from_prompt = !strcmp(argv[1], "prompt"), S->want_merges = 0, S->view = VIEW_MERGES;
        return 1;
    }
    if (!strcmp(argv[0], "letter")) {
        if (strlen(argv[1]) != 1 || !isalpha((unsigned char)argv[1][0])) app_message(a, 1, _("letter X: one letter"));
        else S->letter = (char)tolower((unsigned char)argv[1][0]), S->view = VIEW_INSPECT;
        return 1;
    }
    return 0;
}

static void init(void *st)
{
    Tokens *S = st;
    S->bt_gen = -1, S->cuts_gen = -1, S->letter = 'r', S->cut_merges = -1;
}

static void release(void *st)
{
    Tokens *S = st;
    bpe_trainer_free(S->bt);
    tokenizer_free(&S->cut);
    tokenizer_free(&S->gpt2);
    cut_free(&S->cut_prompt);
    for (int k = 0; k < N_CUTS; k++) cut_free(&S->cuts[k]);
}

const Panel panel_tokens = {
    .name = "tokens",
    .title = N_("Tokens"),
    .keys = "2",
    .summary = N_("byte-pair merges, live; words vs characters vs subwords; GPT-2's vocabulary"),
    .state_size = sizeof(Tokens),
    .init = init,
    .release = release,
    .update = update,
    .draw = draw,
    .key = key,
    .command = command,
    .tick = tick,
    .help = help,
};
