/* panel_train.c - panel 6, Train: a real GPT-2 learning while you watch. The loss curves with
 * reference lines, the figures of the last step, and samples of text as they turn from noise
 * into words. Everything comes from the trainer thread's snapshots (app.c copies them). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/parallel.h"
#include "core/base/utf8.h"
#include "tui.h"

#define FIGURES_WIDTH 26       /* the figures box, right of the plot */
#define SIDE_BY_SIDE_COLS 70   /* narrower: figures become one line above the plot */

typedef struct TrainView {
    int plot_log, plot_time;   /* log-scale loss axis; x axis in seconds rather than steps */
    int smooth_idx;            /* into plot_smoothing */
    int sample_scroll;         /* the first sample shown */
} TrainView;

static const HelpLine help[] = {
    {"Space", N_("pause / resume training")},
    {"o", N_("log scale for the loss axis")},
    {"x", N_("x axis: steps or training time")},
    {"s", N_("smoothing of the training curve: 0, 0.6, 0.9, 0.99")},
    {"w", N_("save the model now (to the session's file)")},
    {"j k / Down Up", N_("scroll through older samples")},
    {NULL, NULL},
};

/* The training curve, smoothed as TensorBoard does: an exponential moving average whose
 * start is debiased (divided by 1 - w^t), so the first points are not pulled towards 0. */
static double smooth_step(double *last, double *weight, float w, float y)
{
    *last = *last * w + (1 - w) * y;
    *weight = *weight * w + (1 - w);
    return *last / *weight;
}

static void smooth(const float *y, long n, float w, float *out)
{
    double last = 0, weight = 0;
    for (long i = 0; i < n; i++) out[i] = (float)smooth_step(&last, &weight, w, y[i]);
}

/* Averages n points into at most `buckets` (x and y means), for a plot a few hundred dots wide. */
static long bucket(const float *x, const float *y, long n, long buckets, float *bx, float *by)
{
    if (n <= buckets) {
        memcpy(bx, x, sizeof(float) * (size_t)n);
        memcpy(by, y, sizeof(float) * (size_t)n);
        return n;
    }
    for (long b = 0; b < buckets; b++) {
        long lo = n * b / buckets, hi = n * (b + 1) / buckets;
        double sx = 0, sy = 0;
        for (long i = lo; i < hi; i++) sx += x[i], sy += y[i];
        bx[b] = (float)(sx / (hi - lo));
        by[b] = (float)(sy / (hi - lo));
    }
    return buckets;
}

static void draw_plot(const App *a, const TrainView *v, WINDOW *w, int y, int x, int h, int wd)
{
    char title[96];
    snprintf(title, sizeof title, _("Loss%s  smoothing %.2g%s"), v->plot_log ? _(" (log)") : "",
             plot_smoothing[v->smooth_idx], v->plot_time ? _("  by time") : "");
    draw_box(w, y, x, h, wd, a, title);
    long n = a->hist_n;
    int ih = h - 2, iw = wd - 2;
    if (n == 0) {
        draw_text(w, y + ih / 2, x + 3, iw - 4, ST_DIM, a, _("no steps yet: Space starts training"));
        return;
    }
    long buckets = 2L * iw;
    float *xs = malloc(sizeof(float) * (size_t)n), *sm = malloc(sizeof(float) * (size_t)n);
    float *bx = malloc(sizeof(float) * (size_t)buckets), *by = malloc(sizeof(float) * (size_t)buckets);
    float *sx = malloc(sizeof(float) * (size_t)buckets), *sy = malloc(sizeof(float) * (size_t)buckets);
    long nv = a->val_n;
    float *vx = malloc(sizeof(float) * (size_t)(nv + 1)), *vy = malloc(sizeof(float) * (size_t)(nv + 1));
    if (!xs || !sm || !bx || !by || !sx || !sy || !vx || !vy) goto done;
    for (long i = 0; i < n; i++) xs[i] = v->plot_time ? a->hist_sec[i] : (float)(i + 1);
    float wgt = plot_smoothing[v->smooth_idx];
    smooth(a->hist_loss, n, wgt, sm);
    long nb = bucket(xs, a->hist_loss, n, buckets, bx, by);
    long ns = bucket(xs, sm, n, buckets, sx, sy);
    for (long i = 0; i < nv; i++) {
        long s = a->val_step[i];
        vx[i] = v->plot_time ? (s >= 1 && s <= n ? a->hist_sec[s - 1] : 0) : (float)s;
        vy[i] = a->val_loss[i];
    }
    double ymin = 1e30, ymax = -1e30;
    for (long i = 0; i < nb; i++) ymin = fmin(ymin, by[i]), ymax = fmax(ymax, by[i]);
    for (long i = 0; i < nv; i++) ymin = fmin(ymin, vy[i]), ymax = fmax(ymax, vy[i]);
    const GPT2Config *c = tt_model_config(a->tt);
    double uniform = log((double)c->n_vocab);
    PlotRef refs[2] = {{(float)uniform, ST_PLOT_REF, _("uniform ln V")}, {(float)a->unigram_entropy, ST_PLOT_REF, _("unigram")}};
    int n_refs = isfinite(a->unigram_entropy) ? 2 : 1;
    for (int i = 0; i < n_refs; i++) ymin = fmin(ymin, refs[i].y), ymax = fmax(ymax, refs[i].y);
    double pad = (ymax - ymin) * 0.05 + 1e-3;
    ymin = v->plot_log ? fmax(ymin * 0.9, 1e-3) : fmax(0, ymin - pad);
    ymax += pad;
    PlotSeries s[3];
    int k = 0;
    if (wgt > 0) s[k++] = (PlotSeries){bx, by, nb, ST_DIM}; /* raw, faint, under the smoothed */
    s[k++] = (PlotSeries){sx, sy, ns, ST_PLOT_TRAIN};
    if (nv) s[k++] = (PlotSeries){vx, vy, nv, ST_PLOT_VAL};
    double xmax = xs[n - 1] > 1 ? xs[n - 1] : 1;
    plot_draw(w, y + 1, x + 1, ih, iw, a, s, k, refs, n_refs, v->plot_time ? 0 : 1, xmax, ymin, ymax, v->plot_log,
              v->plot_time ? (a->headless ? "s (masked)" : "s") : _("steps"));
    /* legend, in the top line of the box, right-aligned */
    char legend[64];
    snprintf(legend, sizeof legend, " %s%s%s%s", a->utf8 ? "\u2500" : "-", _(" train "), a->utf8 ? "\u2500" : "o", _(" val "));
    int lw = text_width(legend);
    if (lw < wd - text_width(title) - 8) {
        int lx = x + wd - lw - 2;
        draw_text(w, y, lx, 3, ST_PLOT_TRAIN, a, a->utf8 ? " \u2500" : " -");
        int tw = draw_text(w, y, lx + 2, lw, ST_NORMAL, a, _(" train "));
        draw_text(w, y, lx + 2 + tw, 1, ST_PLOT_VAL, a, a->utf8 ? "\u2500" : "o");
        draw_text(w, y, lx + 3 + tw, lw, ST_NORMAL, a, _(" val "));
    }
done:
    free(xs), free(sm), free(bx), free(by), free(sx), free(sy), free(vx), free(vy);
}

static void fmt_duration(double s, char *out, size_t cap)
{
    if (s < 60) snprintf(out, cap, "%.0fs", s);
    else if (s < 3600) snprintf(out, cap, "%dm%02ds", (int)s / 60, (int)s % 60);
    else snprintf(out, cap, "%dh%02dm", (int)s / 3600, (int)s / 60 % 60);
}

/* The figures of the last step, as label/value rows. Times are masked in scripts. */
static int figures(const App *a, const TrainView *v, char rows[][2][40])
{
    const TrainSnapshot *s = &a->snap;
    int n = 0;
#define ROW(label, ...) (snprintf(rows[n][0], 40, "%s", _(label)), snprintf(rows[n][1], 40, __VA_ARGS__), n++)
    ROW(N_("step"), "%ld", s->step);
    if (s->step > 0) {
        ROW(N_("loss"), isfinite(s->loss) ? "%.4f" : "-", s->loss);
        float wgt = plot_smoothing[v->smooth_idx];
        if (wgt > 0 && a->hist_n > 0) {
            double last = 0, weight = 0, smoothed = 0;
            for (long i = 0; i < a->hist_n; i++) smoothed = smooth_step(&last, &weight, wgt, a->hist_loss[i]);
            ROW(N_("smoothed"), "%.4f", smoothed);
        }
    } else {
        ROW(N_("loss"), "-");
    }
    if (isfinite(s->val_loss)) ROW(N_("validation"), "%.4f", s->val_loss);
    else ROW(N_("validation"), "-");
    /* before a step of this session (a loaded model): the rate set, and no norm yet */
    ROW(N_("learning rate"), "%.2e", s->step > 0 && isfinite(s->lr) ? s->lr : a->lr);
    ROW(N_("gradient norm"), s->step > 0 && isfinite(s->grad_norm) ? "%.3f" : "-", s->grad_norm);
    if (a->headless) ROW(N_("tokens/s"), "--"), ROW(N_("time"), "--");
    else {
        ROW(N_("tokens/s"), "%.0f", s->tokens_per_s);
        char d[24];
        fmt_duration(s->seconds, d, sizeof d);
        ROW(N_("time"), "%s", d);
    }
    ROW(N_("batch"), "%d x %d", s->batch, s->context);
    ROW(N_("threads"), "%d", par_threads(a->pool));
#undef ROW
    return n;
}

static void draw_figures(const App *a, const TrainView *v, WINDOW *w, int y, int x, int h, int wd)
{
    draw_box(w, y, x, h, wd, a, _("Now"));
    char rows[12][2][40];
    int n = figures(a, v, rows);
    for (int i = 0; i < n && i < h - 2; i++) {
        draw_text(w, y + 1 + i, x + 2, 14, ST_DIM, a, rows[i][0]);
        int vw = text_width(rows[i][1]);
        draw_text(w, y + 1 + i, x + wd - 2 - vw, vw, ST_NORMAL, a, rows[i][1]);
    }
}


static void draw_samples(const App *a, const TrainView *v, WINDOW *w, int y, int x, int h, int wd)
{
    char title[640];
    snprintf(title, sizeof title, _("Samples  prompt \"%s\", temperature %.2g"), a->prompt, a->sc.temperature);
    draw_box(w, y, x, h, wd, a, title);
    if (a->n_samples == 0) {
        draw_textf(w, y + 1, x + 2, wd - 4, ST_DIM, a, _("a sample every %d steps"), TT_SAMPLE_EVERY);
        return;
    }
    int row = y + 1;
    const int first = v->sample_scroll < a->n_samples ? v->sample_scroll : a->n_samples - 1;
    for (int i = first; i < a->n_samples && row < y + h - 1; i++) {
        char flat[TT_SAMPLE_MAX * 4];
        sample_line(a, a->samples[i], flat, sizeof flat);
        char label[24];
        snprintf(label, sizeof label, "%6ld ", a->sample_steps[i]);
        draw_text(w, row, x + 1, 7, ST_DIM, a, label);
        /* the newest sample may take several lines; older ones one each */
        const char *p = flat;
        /* the first shown may take several lines; the rest one each */
        int rest = a->n_samples - 1 - i;
        int lines = i == first ? (h - 2) - (rest < h - 4 ? rest : h - 4) : 1;
        if (lines < 1) lines = 1;
        for (int l = 0; l < lines && *p && row < y + h - 1; l++, row++) {
            /* the bytes of p that fit in the width, broken at a space when one is near the end */
            int width = wd - 10, cols = 0;
            const char *q = p, *space = NULL, *end = p + strlen(p);
            while (*q) {
                unsigned char c = (unsigned char)*q;
                uint32_t cp;
                int len = utf8_decode((const uint8_t *)q, (size_t)(end - q), &cp);
                if (!len) len = 1; /* a broken character: its bytes one at a time */
                char ch[5] = {0};
                memcpy(ch, q, (size_t)len);
                int cw = text_width(ch);
                if (cols + cw > width) break;
                cols += cw;
                q += len;
                if (c == ' ' && cols > width - 16) space = q;
            }
            if (*q && space) q = space;
            char part[2048];
            snprintf(part, sizeof part, "%.*s", (int)(q - p), p);
            draw_text(w, row, x + 8, width, i == first ? ST_NORMAL : ST_DIM, a, part);
            if (q == p) break;
            p = q;
        }
        if (row == y + 1) row++;
    }
}

static void draw(const App *a, const void *st, WINDOW *w, int h, int wd)
{
    const TrainView *v = st;
    if (!a->tt) {
        draw_text(w, h / 2, 2, wd - 4, ST_DIM, a, _("no model: train start begins a new one"));
        return;
    }
    int sample_h = h / 3 < 5 ? 5 : h / 3;
    if (sample_h > 12) sample_h = 12;
    int top = h - sample_h;
    if (wd >= SIDE_BY_SIDE_COLS) {
        draw_plot(a, v, w, 0, 0, top, wd - FIGURES_WIDTH);
        draw_figures(a, v, w, 0, wd - FIGURES_WIDTH, top, FIGURES_WIDTH);
    } else {
        char rows[12][2][40], line[256] = "";
        int n = figures(a, v, rows);
        size_t at = 0;
        for (int i = 0; i < n && at < sizeof line - 40; i++)
            at += (size_t)snprintf(line + at, sizeof line - at, "%s %s  ", rows[i][0], rows[i][1]);
        draw_text(w, 0, 1, wd - 2, ST_NORMAL, a, line);
        draw_plot(a, v, w, 1, 0, top - 1, wd);
    }
    draw_samples(a, v, w, top, 0, sample_h, wd);
}

static int key(App *a, void *st, int ch)
{
    TrainView *v = st;
    switch (ch) {
    case ' ':
        if (!a->tt) return KEY_IGNORED;
        if (a->snap.state == TT_RUNNING) app_train_pause(a);
        else app_train_resume(a);
        return KEY_HANDLED;
    case 'j': case KEY_DOWN:
        if (v->sample_scroll < a->n_samples - 1) v->sample_scroll++;
        return KEY_HANDLED;
    case 'k': case KEY_UP:
        if (v->sample_scroll > 0) v->sample_scroll--;
        return KEY_HANDLED;
    case 'o': v->plot_log = !v->plot_log; return KEY_HANDLED;
    case 'x': v->plot_time = !v->plot_time; return KEY_HANDLED;
    case 's': v->smooth_idx = (v->smooth_idx + 1) % PLOT_SMOOTHING_COUNT; return KEY_HANDLED;
    case 'w': app_save(a, a->autosave); return KEY_HANDLED;
    default: return KEY_IGNORED;
    }
}

static void init(void *st)
{
    TrainView *v = st;
    v->smooth_idx = 1; /* 0.6: the curve's trend shows from the first steps */
}

const Panel panel_train = {
    .name = "train",
    .title = N_("Train"),
    .keys = "6",
    .summary = N_("a real GPT-2 learning now: the loss falls, samples turn into words"),
    .state_size = sizeof(TrainView),
    .init = init,
    .draw = draw,
    .key = key,
    .help = help,
};
