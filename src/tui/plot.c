/* plot.c - line plots in a terminal: braille dots (2 x 4 per cell) or ASCII. See tui.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

const float plot_smoothing[PLOT_SMOOTHING_COUNT] = {0.0f, 0.6f, 0.9f, 0.99f};

/* Braille: dot (col, row) of a cell, col 0-1, row 0-3, is this bit of U+2800. */
static const int braille_bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};

static double ymap(double v, int log_y)
{
    return log_y ? log10(v > 1e-6 ? v : 1e-6) : v;
}

void plot_draw(WINDOW *w, int y0, int x0, int h, int wd, const App *a, const PlotSeries *s, int n_series,
               const PlotRef *refs, int n_refs, double xmin, double xmax, double ymin, double ymax, int log_y,
               const char *xlabel)
{
    const int label_w = 7; /* "12.345 " */
    int pw = wd - label_w, ph = h - 1; /* plot area, above the x axis */
    if (pw < 4 || ph < 2) return;
    double lo = ymap(ymin, log_y), hi = ymap(ymax, log_y);
    if (!(hi > lo)) hi = lo + 1;
    if (!(xmax > xmin)) xmax = xmin + 1;
    const int sub_x = a->utf8 ? 2 : 1, sub_y = a->utf8 ? 4 : 1;
    const int dw = pw * sub_x, dh = ph * sub_y;
    /* Each cell: braille bits, and the style of the series drawn last into it. */
    int *bits = calloc((size_t)pw * ph, sizeof *bits), *cst = calloc((size_t)pw * ph, sizeof *cst);
    if (!bits || !cst) {
        free(bits), free(cst);
        return;
    }
    /* reference lines first, so the curves draw over them */
    for (int r = 0; r < n_refs; r++) {
        double v = ymap(refs[r].y, log_y);
        if (v < lo || v > hi) continue;
        int row = (int)((hi - v) / (hi - lo) * (ph - 1) + 0.5);
        for (int c = 0; c < pw; c += 2) {
            int k = row * pw + c;
            if (!bits[k]) bits[k] = -1, cst[k] = refs[r].style; /* -1: a dash, not dots */
        }
    }
    for (int si = 0; si < n_series; si++) {
        const PlotSeries *p = &s[si];
        int prev_dx = -1, prev_dy = -1;
        for (long i = 0; i < p->n; i++) {
            double xv = p->x[i], yv = ymap(p->y[i], log_y);
            if (!isfinite(yv) || xv < xmin || xv > xmax) {
                prev_dx = -1;
                continue;
            }
            int dx = (int)((xv - xmin) / (xmax - xmin) * (dw - 1) + 0.5);
            double yc = yv < lo ? lo : yv > hi ? hi : yv;
            int dy = (int)((hi - yc) / (hi - lo) * (dh - 1) + 0.5);
            /* join to the previous point so the curve has no gaps (Bresenham) */
            int x1 = prev_dx < 0 ? dx : prev_dx, y1 = prev_dx < 0 ? dy : prev_dy;
            int ddx = abs(dx - x1), ddy = -abs(dy - y1), sx = x1 < dx ? 1 : -1, sy = y1 < dy ? 1 : -1, err = ddx + ddy;
            for (;;) {
                int cx = x1 / sub_x, cy = y1 / sub_y;
                if (cx >= 0 && cx < pw && cy >= 0 && cy < ph) {
                    int k = cy * pw + cx;
                    if (bits[k] < 0) bits[k] = 0;
                    bits[k] |= a->utf8 ? braille_bit[y1 % 4][x1 % 2] : 1;
                    cst[k] = p->style;
                }
                if (x1 == dx && y1 == dy) break;
                int e2 = 2 * err;
                if (e2 >= ddy) err += ddy, x1 += sx;
                if (e2 <= ddx) err += ddx, y1 += sy;
            }
            prev_dx = dx, prev_dy = dy;
        }
    }
    for (int r = 0; r < ph; r++)
        for (int c = 0; c < pw; c++) {
            int k = r * pw + c;
            if (!bits[k]) continue;
            wattrset(w, style(a, cst[k]));
            if (bits[k] < 0) {
                mvwaddch(w, y0 + r, x0 + label_w + c, a->utf8 ? ACS_HLINE : '-');
            } else if (a->utf8) {
                wchar_t ch[2] = {(wchar_t)(0x2800 + bits[k]), 0};
                mvwaddnwstr(w, y0 + r, x0 + label_w + c, ch, 1);
            } else {
                mvwaddch(w, y0 + r, x0 + label_w + c, cst[k] == ST_PLOT_VAL ? 'o' : '*');
            }
        }
    wattrset(w, 0);
    free(bits), free(cst);
    /* y labels: top, middle, bottom; the axis */
    for (int i = 0; i < 3; i++) {
        int row = i == 0 ? 0 : i == 1 ? (ph - 1) / 2 : ph - 1;
        double v = hi - (hi - lo) * row / (double)(ph - 1);
        if (log_y) v = pow(10, v);
        draw_textf(w, y0 + row, x0, label_w - 1, ST_DIM, a, "%6.2f", v);
    }
    wattrset(w, style(a, ST_DIM));
    mvwvline(w, y0, x0 + label_w - 1, a->utf8 ? ACS_VLINE : '|', ph);
    mvwaddch(w, y0 + ph, x0 + label_w - 1, a->utf8 ? ACS_LLCORNER : '+');
    mvwhline(w, y0 + ph, x0 + label_w, a->utf8 ? ACS_HLINE : '-', pw);
    wattrset(w, 0);
    /* x range and label on the axis line */
    char l[48], r[48];
    snprintf(l, sizeof l, " %.0f ", xmin);
    snprintf(r, sizeof r, " %.0f %s ", xmax, xlabel);
    draw_text(w, y0 + ph, x0 + label_w + 1, pw / 3, ST_DIM, a, l);
    int rw = text_width(r);
    if (rw < pw - 2) draw_text(w, y0 + ph, x0 + label_w + pw - rw, rw, ST_DIM, a, r);
    /* reference labels at the right end of their line */
    for (int i = 0; i < n_refs; i++) {
        double v = ymap(refs[i].y, log_y);
        if (v < lo || v > hi || !refs[i].label) continue;
        int row = (int)((hi - v) / (hi - lo) * (ph - 1) + 0.5);
        int lw = text_width(refs[i].label);
        if (lw + 2 < pw) draw_text(w, y0 + row, x0 + label_w + pw - lw - 1, lw, refs[i].style, a, refs[i].label);
    }
}
