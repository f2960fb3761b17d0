/* panel_softmax.c - panel 3, Softmax: from scores to probabilities. The model's logits for the
 * token after the prompt, worked column by column (logit, e^logit, / sum, probability), the
 * rest of the vocabulary summed up; the same bars after dividing by a temperature; and a toy
 * mode where the logits are typed in by hand. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/number.h"
#include "core/model/probe.h"
#include "core/model/sampler.h"
#include "tui.h"

#define MAX_TOY 8
#define REVEAL_ALL 3 /* 0 logits, 1 + e^logit, 2 + / sum = p, 3 + bars and temperature */

static const HelpLine help[] = {
    {"Space / Right", N_("the next column of the working (Left: back)")},
    {"a", N_("animate the working;  r  start over")},
    {"[ ]", N_("temperature down / up (0.1)")},
    {"m", N_("toy mode: logits typed by hand, or the model's")},
    {"Up Down  + -", N_("toy mode: choose a logit, change it by 0.1")},
    {":logit NAME X", N_("toy mode: set (or add) a logit")},
    {NULL, NULL},
};

typedef struct Softmax {
    long gen;
    int toy, reveal, sel, n_toy;
    char toy_name[MAX_TOY][16];
    float toy_logit[MAX_TOY];
    Sampler s;
    int have, n_tokens;
    char err[512];
} Softmax;

static void toy_reset(Softmax *S)
{
    static const char *names[] = {"mat", "rug", "moon"};
    static const float logits[] = {3.2f, 1.3f, -2.1f};
    S->n_toy = 3;
    for (int i = 0; i < 3; i++) {
        snprintf(S->toy_name[i], sizeof S->toy_name[i], "%s", names[i]);
        S->toy_logit[i] = logits[i];
    }
    S->sel = 0;
}

/* The distribution to show, recomputed when the model, the prompt or a knob changed. */
static void update(App *a, void *st)
{
    Softmax *S = st;
    const GPT2 *m = S->toy ? NULL : app_view_model(a);
    if (S->have && S->gen == a->generation) return;
    S->gen = a->generation;
    S->have = 0;
    S->err[0] = 0;
    Err e;
    SamplerConfig sc;
    sampler_config_default(&sc);
    sc.temperature = a->sc.temperature;
    sampler_free(&S->s);
    if (S->toy) {
        if (S->n_toy == 0) { /* cleared: the words to come are a lesson's (or the user's) */
            snprintf(S->err, sizeof S->err, _("no words yet: :softmax logit NAME X adds one, r brings back mat, rug and moon"));
            return;
        }
        if (sampler_create(&S->s, &sc, S->n_toy, &e) == 0) {
            sampler_distribution(&S->s, S->toy_logit);
            S->have = 1;
        }
        return;
    }
    if (!m) {
        snprintf(S->err, sizeof S->err, _("no model yet"));
        return;
    }
    int32_t *ids = NULL;
    size_t cap = 0, n = 0;
    const char *p = a->prompt[0] ? a->prompt : "\n";
    if (tokenizer_encode(&a->s.tok, (const uint8_t *)p, strlen(p), &ids, &cap, &n, &e)
        || probe_next_distribution(m, ids, (int)n, &sc, &S->s, &e)) {
        snprintf(S->err, sizeof S->err, "%s", e.msg);
    } else {
        S->have = 1;
        S->n_tokens = (int)n;
    }
    free(ids);
}

static void draw(const App *a, const void *st, WINDOW *w, int h, int wd)
{
    const Softmax *S = st;
    const double T = a->sc.temperature;
    int y = 0;
    if (S->toy) {
        static const char *const counts[MAX_TOY + 1] = {N_("no words yet"), N_("one word and its score"), N_("two words and their scores"),
                                                        N_("three words and their scores"), N_("four words and their scores"),
                                                        N_("five words and their scores"), N_("six words and their scores"),
                                                        N_("seven words and their scores"), N_("eight words and their scores")};
        draw_textf(w, y++, 1, wd - 2, ST_TITLE, a, _("Toy mode: %s (Up/Down chooses, + - changes)"), _(counts[S->n_toy]));
    } else {
        draw_textf(w, y++, 1, wd - 2, ST_TITLE, a, _("After \"%s\": the model's scores (logits) for the next token"), a->prompt);
    }
    if (!S->have) {
        draw_text(w, y + 1, 2, wd - 4, ST_DIM, a, S->err[0] ? S->err : "...");
        return;
    }
    const Sampler *s = &S->s;
    const int V = s->n_vocab;
    /* columns: token, logit, e^logit, / sum, p, bar [, p at T, bar] */
    int tok_w = 14, num_w = 10, bar_w = (wd - 2 - tok_w - 4 * num_w - 8) / (T != 1 && S->reveal >= REVEAL_ALL ? 2 : 1) - num_w;
    if (bar_w < 4) bar_w = 4;
    /* The columns are the softmax at T = 1, shifted as the sampler shifts (by the largest logit
     * when e^logit would overflow): the header names the same shift the column uses. */
    double sum1 = 0, mx = -INFINITY;
    for (int i = 0; i < V; i++) mx = fmax(mx, s->cand[i].logit);
    double shift = mx <= 80 ? 0 : mx;
    for (int i = 0; i < V; i++) sum1 += exp(s->cand[i].logit - shift);
    char hdr_exp[32];
    snprintf(hdr_exp, sizeof hdr_exp, shift ? "e^(l-%.0f)" : "e^logit", shift);
    y++;
    int x = 1;
    draw_text(w, y, x, tok_w, ST_DIM, a, S->toy ? _("word") : _("token")), x += tok_w + 1;
    draw_right(w, y, x, num_w, ST_DIM, a, _("logit")), x += num_w + 1;
    if (S->reveal >= 1) draw_right(w, y, x, num_w, ST_DIM, a, hdr_exp);
    x += num_w + 1;
    if (S->reveal >= 2) draw_right(w, y, x, num_w, ST_DIM, a, _("/ sum"));
    x += num_w + 1;
    if (S->reveal >= 2) draw_right(w, y, x, num_w, ST_DIM, a, _("p"));
    x += num_w + 2;
    if (S->reveal >= REVEAL_ALL && T != 1) {
        draw_right(w, y, x + bar_w + 1, num_w, ST_DIM, a, _("at T"));
    }
    y++;
    /* the rows: the toy's, or the model's most likely (probabilities at temperature 1) */
    int rows = S->toy ? S->n_toy : h - y - 6; /* room below for the rest, three lines, the command */
    if (rows > V) rows = V;
    if (rows < 1) rows = 1;
    /* at T = 1 the sampler's candidates are in probability order; the toy keeps its own order */
    for (int r = 0; r < rows; r++, y++) {
        const SampleCandidate *c = NULL;
        if (S->toy) {
            for (int i = 0; i < V; i++)
                if (s->cand[i].id == r) c = &s->cand[i];
        } else {
            c = &s->cand[r];
        }
        char name[64];
        if (S->toy) snprintf(name, sizeof name, "%s", S->toy_name[r]);
        else token_text_after(a, (const uint8_t *)a->prompt, strlen(a->prompt), c->id, 1, 1, name, sizeof name);
        int sty = S->toy && r == S->sel ? ST_SELECT : ST_NORMAL;
        x = 1;
        draw_text(w, y, x, tok_w, sty, a, name), x += tok_w + 1;
        draw_textf(w, y, x, num_w, ST_NORMAL, a, "%*.3f", num_w, c->logit), x += num_w + 1;
        double ez = exp(c->logit - shift);
        if (S->reveal >= 1) draw_textf(w, y, x, num_w, ST_ACCENT, a, "%*.4g", num_w, ez);
        x += num_w + 1;
        if (S->reveal >= 2) draw_textf(w, y, x, num_w, ST_DIM, a, "%*.4g", num_w, ez / sum1);
        x += num_w + 1;
        if (S->reveal >= 2) draw_textf(w, y, x, num_w, ST_NORMAL, a, "%*.2f%%", num_w - 1, 100 * c->p);
        x += num_w + 2;
        if (S->reveal >= REVEAL_ALL) {
            draw_bar(w, y, x, bar_w, c->p, ST_PLOT_TRAIN, a);
            if (T != 1) {
                draw_textf(w, y, x + bar_w + 1, num_w, ST_NORMAL, a, "%*.2f%%", num_w - 1, 100 * c->p_temp);
                draw_bar(w, y, x + bar_w + num_w + 2, bar_w, c->p_temp, ST_PLOT_VAL, a);
            }
        }
    }
    /* the rest of the vocabulary, summed */
    if (!S->toy && rows < V) {
        double rest_e = 0, rest_p = 0, rest_t = 0;
        for (int i = rows; i < V; i++)
            rest_e += exp(s->cand[i].logit - shift), rest_p += s->cand[i].p, rest_t += s->cand[i].p_temp;
        x = 1;
        draw_textf(w, y, x, tok_w + num_w + 1, ST_DIM, a, _("(%d others)"), V - rows), x += tok_w + num_w + 2;
        if (S->reveal >= 1) draw_textf(w, y, x, num_w, ST_DIM, a, "%*.4g", num_w, rest_e);
        x += num_w + 1;
        if (S->reveal >= 2) draw_textf(w, y, x, num_w, ST_DIM, a, "%*.4g", num_w, rest_e / sum1);
        x += num_w + 1;
        if (S->reveal >= 2) draw_textf(w, y, x, num_w, ST_DIM, a, "%*.2f%%", num_w - 1, 100 * rest_p);
        x += num_w + 2;
        if (S->reveal >= REVEAL_ALL) {
            draw_bar(w, y, x, bar_w, rest_p, ST_DIM, a);
            if (T != 1) draw_textf(w, y, x + bar_w + 1, num_w, ST_DIM, a, "%*.2f%%", num_w - 1, 100 * rest_t);
        }
        y++;
    }
    y++;
    static const char *steps[] = {
        N_("The model gives every token a score, its logit: any number, higher for likelier."),
        N_("Raise e to each: all become positive, and the order stays."),
        N_("Divide each by the sum of them all: they now add up to 1. That is the softmax."),
        N_("Temperature T divides the logits first: below 1 sharpens the distribution, above 1 flattens it."),
    };
    if (y < h) draw_text(w, y++, 1, wd - 2, ST_ACCENT, a, _(steps[S->reveal]));
    if (y < h && S->reveal >= 2)
        draw_textf(w, y++, 1, wd - 2, ST_DIM, a, _("sum of %s over all %d %s = %.6g; the probabilities add up to 1"), hdr_exp, V,
                   S->toy ? _("words") : _("tokens"), sum1);
    if (y < h && S->reveal >= REVEAL_ALL)
        draw_textf(w, y++, 1, wd - 2, ST_DIM, a, _("temperature %.2g ([ and ] change it)%s"), T,
                   T == 1 ? "" : _(": right, p proportional to e^(logit/T)"));
    /* the same numbers from the command line */
    if (h - 1 > y) {
        char cmd[800];
        if (S->toy) {
            int at = snprintf(cmd, sizeof cmd, "nexttoken softmax --temperature %g", T);
            for (int i = 0; i < S->n_toy && at < (int)sizeof cmd - 16; i++) at += snprintf(cmd + at, sizeof cmd - (size_t)at, " %g", S->toy_logit[i]);
        } else {
            snprintf(cmd, sizeof cmd, "nexttoken softmax --model MODEL --prompt \"%s\" --temperature %g", a->prompt, T);
        }
        draw_text(w, h - 1, 1, wd - 2, ST_DIM, a, cmd);
    }
}

static void tick(App *a, void *st)
{
    Softmax *S = st;
    S->reveal = (S->reveal + 1) % (REVEAL_ALL + 1);
    (void)a;
}

/* [ and ]: the temperature, in steps of 0.1 between 0 and 2, rounded as the status line shows it */
static void set_temperature(App *a, double t)
{
    SamplerConfig sc = a->sc;
    sc.temperature = (float)(round(fmin(2, fmax(0, t)) * 100) / 100);
    app_set_sampling(a, &sc);
}

static int key(App *a, void *st, int ch)
{
    Softmax *S = st;
    switch (ch) {
    case ' ': case KEY_RIGHT:
        if (S->reveal < REVEAL_ALL) S->reveal++;
        return KEY_HANDLED;
    case KEY_LEFT:
        if (S->reveal > 0) S->reveal--;
        return KEY_HANDLED;
    case 'r':
        S->reveal = 0;
        toy_reset(S);
        S->have = 0; /* this panel's own: the others need not start over */
        return KEY_HANDLED;
    case 'm':
        S->toy = !S->toy;
        S->have = 0;
        return KEY_HANDLED;
    case '[': set_temperature(a, a->sc.temperature - 0.1); return KEY_HANDLED;
    case ']': set_temperature(a, a->sc.temperature + 0.1); return KEY_HANDLED;
    case KEY_UP: case 'k':
        if (S->toy && S->sel > 0) S->sel--;
        return S->toy ? KEY_HANDLED : KEY_IGNORED;
    case KEY_DOWN: case 'j':
        if (S->toy && S->sel < S->n_toy - 1) S->sel++;
        return S->toy ? KEY_HANDLED : KEY_IGNORED;
    case '+': case '=': case '-':
        if (!S->toy) return KEY_IGNORED;
        S->toy_logit[S->sel] += ch == '-' ? -0.1f : 0.1f;
        S->toy_logit[S->sel] = roundf(S->toy_logit[S->sel] * 10) / 10;
        S->have = 0;
        return KEY_HANDLED;
    default: return KEY_IGNORED;
    }
}

/* :logit NAME X - a toy logit, set or added; :softmax toy, model, clear, reveal N|all */
static int command(App *a, void *st, int argc, char **argv)
{
    Softmax *S = st;
    if (argc < 2) return 0;
    if (!strcmp(argv[0], "toy") || !strcmp(argv[0], "model")) {
        S->toy = argv[0][0] == 't', S->have = 0;
        return 1;
    }
    if (!strcmp(argv[0], "clear")) { /* no toy words: the lesson's own come next */
        S->n_toy = 0, S->sel = 0, S->toy = 1, S->have = 0;
        return 1;
    }
    if (!strcmp(argv[0], "reveal")) {
        long n;
        if (!strcmp(argv[1], "all")) S->reveal = REVEAL_ALL;
        else if (num_long(argv[1], NULL, &n) || n < 0 || n > REVEAL_ALL) app_message(a, 1, _("softmax reveal 0 to %d, or all"), REVEAL_ALL);
        else S->reveal = (int)n;
        return 1;
    }
    if (strcmp(argv[0], "logit") != 0) return 0;
    /* NAME X: a word (at most 15 bytes), spaces, a number */
    char name[16];
    double v;
    const char *sp = strchr(argv[1], ' '), *x = sp;
    size_t nl = sp ? (size_t)(sp - argv[1]) : 0;
    while (x && *x == ' ') x++;
    if (!nl || nl >= sizeof name || num_double(x, NULL, &v) || fabs(v) > 1000) {
        app_message(a, 1, _("logit NAME X, e.g. logit sofa 2.5"));
        return 1;
    }
    memcpy(name, argv[1], nl);
    name[nl] = 0;
    int i = 0;
    while (i < S->n_toy && strcmp(S->toy_name[i], name) != 0) i++;
    if (i == S->n_toy) {
        if (S->n_toy == MAX_TOY) {
            app_message(a, 1, _("at most %d toy logits"), MAX_TOY);
            return 1;
        }
        snprintf(S->toy_name[S->n_toy++], sizeof S->toy_name[0], "%s", name);
    }
    S->toy_logit[i] = (float)v;
    S->toy = 1;
    S->have = 0;
    return 1;
}

static void init(void *st)
{
    Softmax *S = st;
    toy_reset(S);
    S->reveal = REVEAL_ALL;
}

static void release(void *st)
{
    sampler_free(&((Softmax *)st)->s);
}

const Panel panel_softmax = {
    .name = "softmax",
    .title = N_("Softmax"),
    .keys = "3",
    .summary = N_("logits -> e^logit -> / sum -> probabilities, and temperature"),
    .state_size = sizeof(Softmax),
    .init = init,
    .release = release,
    .update = update,
    .draw = draw,
    .key = key,
    .command = command,
    .tick = tick,
    .help = help,
};
