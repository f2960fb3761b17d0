/* panel_tokens.c - panel 2, Tokens: language as Lego bricks. Byte-pair merges learned live
 * from the corpus (the leaderboard of pairs, the merge chosen, the prompt re-cut as the
 * vocabulary grows); words, characters and byte pairs side by side on the prompt; and every
 * token of it with its id and bytes, under the model's vocabulary and GPT-2's. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text/bpe_train.h"
#include "core/text/pretok.h"
#include "core/text/vocabfile.h"
#include "core/text/wordtok.h"
#include "tui.h"

#define LEADERBOARD 8
#define MAX_MERGES 4096

enum { VIEW_MERGES, VIEW_COMPARE, VIEW_INSPECT, N_VIEWS };

static const HelpLine help[] = {
    {"Space / Right", "merges: one more merge (Left: one fewer)"},
    {"a", "keep merging;  r  back to bytes"},
    {"c", "merges: learn from the corpus, or from the prompt alone"},
    {"v", "merges, words vs characters vs byte pairs, or every token"},
    {"w", "show whitespace in tokens"},
    {":merges N", "jump to N merges"},
    {":letter X", "inspect: count this letter in each token (r, for strawberry)"},
    {NULL, NULL},
};

static struct {
    int view, from_prompt, show_ws;
    /* merges */
    BpeTrainer *bt;
    long bt_gen;            /* generation and source the trainer was made for */
    int bt_source;
    int merges;             /* done so far */
    BpeMerge last;
    int have_last;
    BpePair top[LEADERBOARD];
    int n_top;
    Tokenizer cut;          /* the vocabulary so far, to cut the prompt with */
    int cut_merges;
    float bpt[MAX_MERGES + 1]; /* bytes per token of the prompt after each merge */
    int n_bpt;
    /* compare and inspect */
    const WordTok *words, *chars; /* the app's, of the corpus */
    Tokenizer gpt2;
    int gpt2_tried;
    char letter;
} S = {.bt_gen = -1, .letter = 'r', .cut_merges = -1};

/* ---- merges ---- */

static void retrain(App *a, int merges)
{
    Err e;
    bpe_trainer_free(S.bt);
    tokenizer_free(&S.cut);
    S.cut_merges = -1;
    const uint8_t *text = S.from_prompt ? (const uint8_t *)a->prompt : a->corpus.data;
    size_t n = S.from_prompt ? strlen(a->prompt) : a->corpus.size;
    S.bt = n ? bpe_trainer_create(text, n, PRETOK_GPT2, &e) : NULL;
    S.bt_gen = a->settings_gen, S.bt_source = S.from_prompt;
    S.merges = 0, S.have_last = 0, S.n_bpt = 0;
    while (S.bt && S.merges < merges) {
        BpeMerge m;
        if (bpe_trainer_step(S.bt, &m, &e) != 1) break;
        S.merges++, S.last = m, S.have_last = 1;
    }
}

/* Recuts the prompt with the vocabulary so far; records its bytes per token. */
static void recut(App *a)
{
    if (!S.bt || S.cut_merges == S.merges) return;
    Err e;
    tokenizer_free(&S.cut);
    if (bpe_trainer_tokenizer(S.bt, &S.cut, &e)) return;
    S.cut_merges = S.merges;
    S.n_top = bpe_trainer_top(S.bt, S.top, LEADERBOARD);
    /* bytes per token over the merges so far (recomputed when stepping back) */
    size_t len = strlen(a->prompt);
    if (S.n_bpt > S.merges) S.n_bpt = S.merges;
    int32_t *ids = NULL;
    size_t cap = 0, n = 0;
    if (S.n_bpt == S.merges && S.merges <= MAX_MERGES && tokenizer_encode(&S.cut, (const uint8_t *)a->prompt, len, &ids, &cap, &n, &e) == 0 && n)
        S.bpt[S.n_bpt++] = (float)len / (float)n;
    free(ids);
}

static void step(App *a, int d)
{
    if (!S.bt || S.bt_gen != a->settings_gen || S.bt_source != S.from_prompt) retrain(a, 0);
    if (d > 0) {
        BpeMerge m;
        Err e;
        if (S.bt && bpe_trainer_step(S.bt, &m, &e) == 1) S.merges++, S.last = m, S.have_last = 1;
        else app_message(a, 0, "no pair is left to merge");
    } else if (S.merges > 0) {
        /* merges cannot be undone in place: learn again, one fewer (fast at this size) */
        retrain(a, S.merges - 1);
    }
}

static void draw_tokens_line(App *a, WINDOW *w, int y, int x0, int wd, const Tokenizer *t, const int32_t *ids, size_t n)
{
    int x = x0;
    for (size_t i = 0; i < n && x < x0 + wd; i++) {
        size_t k;
        const uint8_t *b = tokenizer_token(t, ids[i], &k);
        char p[96];
        piece_text(b, k, S.show_ws, a->utf8, p, sizeof p);
        x += draw_text(w, y, x, x0 + wd - x, i % 2 ? ST_TOKEN_B : ST_TOKEN_A, a, p);
    }
}

static void show(const BpeTrainer *bt, int32_t id, int ws, int utf8, char *out, size_t cap)
{
    size_t k;
    const uint8_t *b = bpe_trainer_token(bt, id, &k);
    char p[60];
    piece_text(b, k, ws, utf8, p, sizeof p);
    snprintf(out, cap, "\"%.60s\"", p);
}

static void draw_merges(App *a, WINDOW *w, int h, int wd)
{
    if (!S.bt || S.bt_gen != a->settings_gen || S.bt_source != S.from_prompt) retrain(a, S.merges);
    recut(a);
    int y = 0;
    draw_textf(w, y++, 1, wd - 2, ST_TITLE, a, "Byte-pair merges, learned from %s: the most frequent pair of tokens becomes a new one",
               S.from_prompt ? "the prompt" : "the corpus");
    if (!S.bt) {
        draw_text(w, y + 1, 2, wd - 4, ST_DIM, a, "nothing to learn from");
        return;
    }
    char pa[72], pb[72], pn[72];
    if (S.have_last) {
        show(S.bt, S.last.a, 1, a->utf8, pa, sizeof pa);
        show(S.bt, S.last.b, 1, a->utf8, pb, sizeof pb);
        show(S.bt, S.last.id, 1, a->utf8, pn, sizeof pn);
        draw_textf(w, y++, 1, wd - 2, ST_ACCENT, a, "merge %d: %s + %s -> %s, token %d (the pair occurred %lld times)%s", S.last.rank + 1, pa,
                   pb, pn, S.last.id, (long long)S.last.count, S.last.is_new ? "" : " - already a token");
    } else {
        draw_text(w, y++, 1, wd - 2, ST_ACCENT, a, "no merges yet: the 256 bytes are the vocabulary (Space merges)");
    }
    draw_textf(w, y++, 1, wd - 2, ST_DIM, a, "vocabulary %d tokens after %d merges", bpe_trainer_vocab_size(S.bt), S.merges);
    y++;
    int left = wd >= 90 ? wd / 2 : wd;
    draw_text(w, y, 1, left - 2, ST_DIM, a, "the most frequent pairs now (the next merge first)");
    for (int i = 0; i < S.n_top && y + 1 + i < h - 6; i++) {
        show(S.bt, S.top[i].a, 1, a->utf8, pa, sizeof pa);
        show(S.bt, S.top[i].b, 1, a->utf8, pb, sizeof pb);
        char pair[160];
        snprintf(pair, sizeof pair, "%s + %s", pa, pb);
        draw_cell(w, y + 1 + i, 2, 26, i == 0 ? ST_KEY : ST_NORMAL, a, pair);
        int used = draw_textf(w, y + 1 + i, 29, 9, ST_NORMAL, a, "%8lld ", (long long)S.top[i].count);
        draw_bar(w, y + 1 + i, 29 + used, left - 31 - used, (double)S.top[i].count / (double)S.top[0].count, ST_PLOT_TRAIN, a);
    }
    /* bytes per token of the prompt as merges go on */
    if (left < wd && S.n_bpt > 1) {
        float xs[MAX_MERGES + 1];
        for (int i = 0; i < S.n_bpt; i++) xs[i] = (float)i;
        PlotSeries s = {xs, S.bpt, S.n_bpt, ST_PLOT_VAL};
        float ymax = 1;
        for (int i = 0; i < S.n_bpt; i++) ymax = fmaxf(ymax, S.bpt[i]);
        draw_text(w, y, left + 1, wd - left - 2, ST_DIM, a, "bytes per token of the prompt");
        plot_draw(w, y + 1, left, LEADERBOARD, wd - left - 1, a, &s, 1, NULL, 0, 0, S.n_bpt - 1 > 1 ? S.n_bpt - 1 : 1, 1,
                  ymax * 1.1, 0, "merges");
    }
    y += LEADERBOARD + 2;
    /* the prompt, cut by the vocabulary so far */
    if (S.cut.n_vocab && y < h - 2) {
        int32_t *ids = NULL;
        size_t cap = 0, n = 0, len = strlen(a->prompt);
        Err e;
        if (tokenizer_encode(&S.cut, (const uint8_t *)a->prompt, len, &ids, &cap, &n, &e) == 0) {
            draw_textf(w, y++, 1, wd - 2, ST_DIM, a, "the prompt: %zu bytes in %zu tokens, %.2f bytes per token", len, n, n ? (double)len / n : 0);
            draw_tokens_line(a, w, y++, 2, wd - 4, &S.cut, ids, n);
        }
        free(ids);
    }
    draw_textf(w, h - 1, 1, wd - 2, ST_DIM, a, "nexttoken bpe train --corpus %s --vocab-size %d --out FILE --trace",
               S.from_prompt ? "PROMPT.txt" : "CORPUS", bpe_trainer_vocab_size(S.bt));
}

/* ---- compare ---- */

static void vocabularies(App *a)
{
    S.words = app_wordtok(a, WORDTOK_WORD, NULL);
    S.chars = app_wordtok(a, WORDTOK_CHAR, NULL);
    if (!S.gpt2_tried) {
        Err e;
        S.gpt2_tried = 1;
        if (vocab_load_named(&S.gpt2, "gpt2", &e)) memset(&S.gpt2, 0, sizeof S.gpt2);
    }
}

static int compare_row(App *a, WINDOW *w, int y, int h, int wd, const char *name, const WordTok *wt, const Tokenizer *t)
{
    size_t len = strlen(a->prompt), unknown = 0, n = 0;
    int32_t *ids = malloc(sizeof(int32_t) * (len + 1));
    size_t cap = len + 1;
    Err e;
    int vocab;
    if (wt) {
        long k = ids ? wordtok_encode(wt, (const uint8_t *)a->prompt, len, ids, &unknown) : 0;
        n = k > 0 ? (size_t)k : 0;
        vocab = wordtok_vocab_size(wt);
    } else if (!ids || tokenizer_encode(t, (const uint8_t *)a->prompt, len, &ids, &cap, &n, &e)) {
        free(ids);
        return y;
    } else {
        vocab = t->n_vocab;
    }
    draw_textf(w, y++, 1, wd - 2, ST_ACCENT, a, "%-22s vocabulary %7d   %3zu tokens%s", name, vocab, n,
               unknown ? "" : "   nothing unknown");
    if (unknown) draw_textf(w, y - 1, 60, wd - 61, ST_BAD, a, "%zu unknown: <unk>", unknown);
    int x = 3;
    for (size_t i = 0; i < n && y < h; i++) {
        size_t k;
        const uint8_t *b = wt ? (const uint8_t *)wordtok_token(wt, ids[i], &k) : tokenizer_token(t, ids[i], &k);
        char p[96];
        piece_text(b, k, S.show_ws, a->utf8, p, sizeof p);
        int pw = text_width(p) + (wt == S.words); /* words lost their spaces: put one back */
        if (x + pw > wd - 2) x = 3, y++;
        if (y >= h) break;
        int st = wt && ids[i] == 0 ? ST_BAD : (i % 2 ? ST_TOKEN_B : ST_TOKEN_A);
        x += draw_text(w, y, x, wd - 2 - x, st, a, p);
        if (wt == S.words) x++;
    }
    free(ids);
    return y + 2;
}

static void draw_compare(App *a, WINDOW *w, int h, int wd)
{
    vocabularies(a);
    int y = 0;
    draw_text(w, y++, 1, wd - 2, ST_TITLE, a, "Words are too many, characters too long: byte pairs sit between");
    draw_text(w, y++, 1, wd - 2, ST_DIM, a, "try a typo or a new word: e, then prompt I love hyper-threading, awesommmme!");
    y++;
    if (S.words) y = compare_row(a, w, y, h - 1, wd, "words (of the corpus)", S.words, NULL);
    if (S.chars) y = compare_row(a, w, y, h - 1, wd, "characters", S.chars, NULL);
    y = compare_row(a, w, y, h - 1, wd, "the model's byte pairs", NULL, &a->tok);
    if (S.gpt2.n_vocab) y = compare_row(a, w, y, h - 1, wd, "GPT-2's byte pairs", NULL, &S.gpt2);
    else if (y < h - 1) draw_text(w, y, 1, wd - 2, ST_DIM, a, "(GPT-2's vocabulary: make gpt2-vocab)");
    draw_text(w, h - 1, 1, wd - 2, ST_DIM, a, "nexttoken encode --tokenizer word --corpus CORPUS TEXT   (char, MODEL, gpt2)");
}

/* ---- inspect ---- */

static int inspect_table(App *a, WINDOW *w, int y, int x0, int h, int wd, const char *name, const Tokenizer *t)
{
    size_t len = strlen(a->prompt), n = 0, cap = 0;
    int32_t *ids = NULL;
    Err e;
    if (tokenizer_encode(t, (const uint8_t *)a->prompt, len, &ids, &cap, &n, &e)) return y;
    int total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k;
        const uint8_t *b = tokenizer_token(t, ids[i], &k);
        for (size_t j = 0; j < k; j++) total += tolower(b[j]) == S.letter;
    }
    draw_textf(w, y++, x0, wd, ST_ACCENT, a, "%s: %zu tokens, '%c' %d times in them", name, n, S.letter, total);
    draw_textf(w, y++, x0, wd, ST_DIM, a, "%6s  %-14s %-18s %s", "id", "token", "bytes", (char[]){'#', S.letter, 0});
    for (size_t i = 0; i < n && y < h; i++, y++) {
        size_t k;
        const uint8_t *b = tokenizer_token(t, ids[i], &k);
        char p[96], quoted[112], hex[64] = "";
        piece_text(b, k, S.show_ws, a->utf8, p, sizeof p);
        snprintf(quoted, sizeof quoted, "\"%s\"", p);
        size_t at = 0;
        for (size_t j = 0; j < k && at + 4 < sizeof hex; j++) at += (size_t)snprintf(hex + at, sizeof hex - at, "%02x ", b[j]);
        int count = 0;
        for (size_t j = 0; j < k; j++) count += tolower(b[j]) == S.letter;
        draw_textf(w, y, x0, 7, ST_NORMAL, a, "%6d ", ids[i]);
        draw_cell(w, y, x0 + 8, 14, i % 2 ? ST_TOKEN_B : ST_TOKEN_A, a, quoted);
        draw_cell(w, y, x0 + 23, 18, ST_DIM, a, hex);
        if (count) draw_textf(w, y, x0 + 42, wd - 42, ST_KEY, a, "%d", count);
    }
    if (y < h) draw_text(w, y++, x0, wd, ST_DIM, a, "the model sees only the ids, never the letters");
    free(ids);
    return y;
}

static void draw_inspect(App *a, WINDOW *w, int h, int wd)
{
    vocabularies(a);
    int y = 0;
    draw_textf(w, y++, 1, wd - 2, ST_TITLE, a, "Every token of \"%s\": its id and its bytes", a->prompt);
    y++;
    int two = S.gpt2.n_vocab && wd >= 96;
    int half = two ? wd / 2 : wd - 2;
    int y1 = inspect_table(a, w, y, 1, h - 1, half - 2, "the model's vocabulary", &a->tok);
    if (S.gpt2.n_vocab) inspect_table(a, w, two ? y : y1 + 1, two ? half + 1 : 1, h - 1, half - 2, "GPT-2", &S.gpt2);
    else if (y1 + 1 < h - 1) draw_text(w, y1 + 1, 1, wd - 2, ST_DIM, a, "(GPT-2's vocabulary: make gpt2-vocab)");
    draw_text(w, h - 1, 1, wd - 2, ST_DIM, a, "nexttoken encode --tokenizer MODEL TEXT   (or gpt2)");
}

static void draw(App *a, WINDOW *w, int h, int wd)
{
    static const char *names[N_VIEWS] = {"merges", "words vs characters vs byte pairs", "every token"};
    draw_textf(w, 0, wd - 2 - (int)strlen(names[S.view]) - 7, (int)strlen(names[S.view]) + 8, ST_DIM, a, "v: %s", names[S.view]);
    WINDOW *sub = derwin(w, h - 1, wd, 1, 0);
    if (!sub) return;
    if (S.view == VIEW_MERGES) draw_merges(a, sub, h - 1, wd);
    else if (S.view == VIEW_COMPARE) draw_compare(a, sub, h - 1, wd);
    else draw_inspect(a, sub, h - 1, wd);
    delwin(sub);
}

static void tick(App *a)
{
    if (S.view == VIEW_MERGES) step(a, 1);
}

static int key(App *a, int ch)
{
    switch (ch) {
    case ' ': case KEY_RIGHT: if (S.view == VIEW_MERGES) step(a, 1); return KEY_HANDLED;
    case KEY_LEFT: if (S.view == VIEW_MERGES) step(a, -1); return KEY_HANDLED;
    case 'r': retrain(a, 0); return KEY_HANDLED;
    case 'c': S.from_prompt = !S.from_prompt, retrain(a, 0); return KEY_HANDLED;
    case 'v': S.view = (S.view + 1) % N_VIEWS, a->animating = 0; return KEY_HANDLED;
    case 'w': S.show_ws = !S.show_ws; return KEY_HANDLED;
    default: return KEY_IGNORED;
    }
}

static int command(App *a, int argc, char **argv)
{
    if (argc < 2) return 0;
    if (!strcmp(argv[0], "merges")) {
        char *end;
        long n = strtol(argv[1], &end, 10);
        if (*end || n < 0 || n > MAX_MERGES) app_message(a, 1, "merges N, 0 to %d", MAX_MERGES);
        else retrain(a, (int)n), S.view = VIEW_MERGES;
        return 1;
    }
    if (!strcmp(argv[0], "letter")) {
        if (strlen(argv[1]) != 1 || !isalpha((unsigned char)argv[1][0])) app_message(a, 1, "letter X: one letter");
        else S.letter = (char)tolower((unsigned char)argv[1][0]), S.view = VIEW_INSPECT;
        return 1;
    }
    return 0;
}

const Panel panel_tokens = {
    .name = "tokens",
    .title = "Tokens",
    .hotkey = '2',
    .draw = draw,
    .key = key,
    .command = command,
    .tick = tick,
    .help = help,
};
