/* app_frame.c - the frame around the focused panel: the tab row, the message line (messages,
 * questions, or the key hint), the status bar, and the help overlay. All of it is drawn from
 * state, the panels and the commands from their tables. See tui.h. */
/* wcwidth() is X/Open (draw.c says why it is asked for here) */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "core/base/clock.h"
#include "core/base/escape.h"
#include "tui.h"

#define MESSAGE_SECONDS 8      /* how long a message stays */
#define HELP_WIDTH 72          /* the help overlay's width, at most */
#define HELP_KEYS_WIDTH 14     /* its column of keys */

void app_message(App *a, int error, const char *fmt, ...)
{
    /* Messages quote paths, values typed and what files hold: escaped, so that a name holding
     * an escape sequence shows as \x1b[..., not as a screen it clears (draw_text would only
     * blank it). */
    va_list ap;
    va_start(ap, fmt);
    escape_vformat(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    a->message_error = error;
    a->message_time = clock_now();
}

int app_message_shown(const App *a)
{
    return a->pending.kind != PENDING_NONE
           || (a->message[0] && (a->headless || clock_now() - a->message_time < MESSAGE_SECONDS));
}

/* ---- tabs ---- */

static const char *const TITLE = " nexttoken ";

/* Tab i's label, " 6 Train " (" 6 " squeezed), bracketed when active on a terminal without colour. */
static void tab_label(const App *a, int i, int squeeze, char *out, size_t cap)
{
    if (squeeze >= 2 && a->panel != panels[i]) snprintf(out, cap, " %c ", panels[i]->keys[0]);
    else snprintf(out, cap, " %c %s ", panels[i]->keys[0], _(panels[i]->title));
    if (a->panel == panels[i] && !a->colors) out[0] = '[', out[strlen(out) - 1] = ']';
}

/* Where tab i starts, and the column after it (i == n_panels: the row's width). */
static void tab_span_at(const App *a, int squeeze, int i, int *x0, int *x1)
{
    char label[64];
    int x = squeeze ? 0 : text_width(TITLE);
    for (int k = 0; k < n_panels; k++) {
        tab_label(a, k, squeeze, label, sizeof label);
        if (k == i) {
            *x0 = x, *x1 = x + text_width(label);
            return;
        }
        x += text_width(label);
    }
    *x0 = *x1 = x;
}

/* How much the tab row gives up to fit the terminal: 0 nothing, 1 the title, 2 the names of the
 * tabs that are not active (their keys stay, so that every panel can still be seen and clicked). */
static int tab_squeeze(const App *a)
{
    int x0, x1, squeeze = 0;
    for (; squeeze < 2; squeeze++) {
        tab_span_at(a, squeeze, n_panels, &x0, &x1);
        if (x1 <= a->cols) break;
    }
    return squeeze;
}

static void tab_span(const App *a, int i, int *x0, int *x1)
{
    tab_span_at(a, tab_squeeze(a), i, x0, x1);
}

const Panel *frame_tab_at(const App *a, int x)
{
    for (int i = 0; i < n_panels; i++) {
        int x0, x1;
        tab_span(a, i, &x0, &x1);
        if (x >= x0 && x < x1 && x0 < a->cols) return panels[i];
    }
    return NULL;
}

static void draw_tabs(const App *a)
{
    const int squeeze = tab_squeeze(a);
    int x = squeeze ? 0 : draw_text(stdscr, 0, 0, a->cols, ST_TITLE, a, TITLE);
    for (int i = 0; i < n_panels && x < a->cols; i++) {
        char label[64];
        tab_label(a, i, squeeze, label, sizeof label);
        x += draw_text(stdscr, 0, x, a->cols - x, a->panel == panels[i] ? ST_TAB_ACTIVE : ST_TAB, a, label);
    }
}

/* ---- the status bar ---- */

static void fmt_count(char *out, size_t cap, double v)
{
    if (v >= 1e6) snprintf(out, cap, "%.2fM", v / 1e6);
    else if (v >= 1e4) snprintf(out, cap, "%.0fk", v / 1e3);
    else snprintf(out, cap, "%.0f", v);
}

static void draw_status(const App *a)
{
    int y = a->rows - 1;
    wattrset(stdscr, style(a, ST_STATUS));
    mvwhline(stdscr, y, 0, ' ', a->cols);
    wattrset(stdscr, 0);
    int x = 0;
    if (!a->tt) {
        draw_text(stdscr, y, 1, a->cols - 2, ST_STATUS, a, _("no model - train start, or load FILE"));
        return;
    }
    const GPT2Config *c = tt_model_config(a->tt);
    char params[16];
    fmt_count(params, sizeof params, (double)gpt2_param_count(c));
    x += draw_textf(stdscr, y, x, a->cols - x, ST_STATUS, a, _(" %s %s params, vocab %d "), a->preset, params, c->n_vocab);
    static const struct {
        const char *name, *utf8, *ascii;
    } states[] = {
        [TT_RUNNING] = {N_("running"), "\u25b6", ">"},
        [TT_PAUSED] = {N_("paused"), "\u2016", "||"},
        [TT_STOPPED] = {N_("stopped"), "\u25a0", "#"},
        [TT_FAILED] = {N_("failed"), "\u2717", "X"},
    };
    int st = a->snap.state;
    if (st < 0 || st >= (int)(sizeof states / sizeof states[0]) || !states[st].name) st = TT_STOPPED;
    int sst = st == TT_RUNNING ? ST_STATUS_RUN : st == TT_FAILED ? ST_STATUS_FAIL : ST_STATUS_PAUSE;
    x += draw_textf(stdscr, y, x, a->cols - x, sst, a, " %s %s ", a->utf8 ? states[st].utf8 : states[st].ascii, _(states[st].name));
    x += draw_textf(stdscr, y, x, a->cols - x, ST_STATUS, a, _(" step %ld"), a->snap.step);
    /* a loaded model shows its saved last loss; one saved without a history, '-' until a step */
    if (a->snap.step > 0 && isfinite(a->snap.loss)) x += draw_textf(stdscr, y, x, a->cols - x, ST_STATUS, a, _("  loss %.3f"), a->snap.loss);
    else if (a->snap.step > 0) x += draw_textf(stdscr, y, x, a->cols - x, ST_STATUS, a, _("  loss -"));
    const char *base = strrchr(a->corpus_path, '/');
    char right[300];
    snprintf(right, sizeof right, _("%.200s  seed %llu "), base ? base + 1 : a->corpus_path, (unsigned long long)a->seed);
    int rw = text_width(right);
    if (x + rw + 2 < a->cols) draw_text(stdscr, y, a->cols - rw, rw, ST_STATUS, a, right);
}

/* ---- the message line ---- */

static void draw_message(const App *a)
{
    int y = a->rows - (a->present ? 1 : 2);
    wmove(stdscr, y, 0);
    wclrtoeol(stdscr);
    if (a->pending.kind != PENDING_NONE) {
        draw_text(stdscr, y, 1, a->cols - 2, ST_KEY, a, a->pending.question);
    } else if (app_message_shown(a)) {
        draw_text(stdscr, y, 1, a->cols - 2, a->message_error ? ST_ERROR : ST_ACCENT, a, a->message);
    } else {
        draw_textf(stdscr, y, 1, a->cols - 2, ST_DIM, a, _("? help   : command   q quit   %s panels   Tab next"), panel_keys_text());
    }
}

/* ---- help ---- */

/* The keys every panel shares, made from the panel table. */
static int global_help(HelpLine *out, char *buf, size_t cap)
{
    int n = 0;
    size_t at = (size_t)snprintf(buf, cap, "%s", _("panels:"));
    for (int i = 0; i < n_panels && at < cap; i++) {
        at += (size_t)snprintf(buf + at, cap - at, "%s %s", i ? "," : "", _(panels[i]->title));
        if (panels[i]->keys[1] && at < cap) at += (size_t)snprintf(buf + at, cap - at, _(" (also %s)"), panels[i]->keys + 1);
    }
    out[n++] = (HelpLine){panel_keys_text(), buf};
    out[n++] = (HelpLine){"Tab / S-Tab", _("next / previous panel")};
    out[n++] = (HelpLine){":", _("command line (Tab completes, Up/Down history)")};
    out[n++] = (HelpLine){"e", _("edit the text the panels work on (the prompt)")};
    out[n++] = (HelpLine){"?", _("this help")};
    out[n++] = (HelpLine){"q", _("quit (saves the model)")};
    return n;
}

/* Text wrapped at spaces to width columns, from row y (not past row `last`), or only counted
 * when w is NULL. Returns the rows it takes. */
static int wrap(const App *a, WINDOW *w, int y, int x, int width, int last, int st, const char *text)
{
    /* in display columns (a translation's characters may be two wide), never mid-character */
    const int all = 1000;
    int rows = *text ? draw_wrapped(NULL, 0, 0, width, all, st, a, text) : 0;
    if (w && rows && y <= last) draw_wrapped(w, y, x, width, last - y + 1, st, a, text);
    return rows;
}

/* The help's rows, as HelpLine lists: the panel's keys, the keys every panel shares, and the
 * commands. Drawn when w is not NULL; returns the rows they take. */
static int help_rows(const App *a, WINDOW *w, int y, int x0, int wd, int last, const HelpLine *global, int m, const char *cmds)
{
    const int kx = x0 + 2, wx = kx + HELP_KEYS_WIDTH + 1, ww = wd - (wx - x0) - 2;
    int rows = 0;
    for (const HelpLine *l = a->panel->help; l && l->keys; l++) {
        if (w && y + rows <= last) draw_text(w, y + rows, kx, HELP_KEYS_WIDTH, ST_KEY, a, l->keys);
        rows += wrap(a, w, y + rows, wx, ww, last, ST_NORMAL, _(l->what));
    }
    rows++;
    for (int i = 0; i < m; i++) {
        if (w && y + rows <= last) draw_text(w, y + rows, kx, HELP_KEYS_WIDTH, ST_KEY, a, global[i].keys);
        rows += wrap(a, w, y + rows, wx, ww, last, ST_NORMAL, global[i].what);
    }
    rows++;
    return rows + wrap(a, w, y + rows, kx, wd - 4, last, ST_DIM, cmds);
}

static void draw_help(const App *a)
{
    HelpLine global[8];
    char panel_line[512];
    int m = global_help(global, panel_line, sizeof panel_line);
    /* the commands, from their table */
    char cmds[1024];
    size_t at = (size_t)snprintf(cmds, sizeof cmds, "%s", _("commands:"));
    for (const CommandInfo *c = app_commands; c->name && at < sizeof cmds; c++)
        at += (size_t)snprintf(cmds + at, sizeof cmds - at, "%s %s%s%s", c == app_commands ? "" : ",", c->name, c->args[0] ? " " : "",
                               c->args);
    int w = a->cols - 8 < HELP_WIDTH ? a->cols - 8 : HELP_WIDTH;
    int h = help_rows(a, NULL, 0, 0, w, 0, global, m, cmds) + 2; /* and the box */
    if (h > a->rows - 2) h = a->rows - 2;
    int y0 = (a->rows - h) / 2, x0 = (a->cols - w) / 2;
    for (int r = 0; r < h; r++) {
        /* a wide character (Korean) whose right half is under the box's left edge is blanked
         * whole, never left as half a character beside the border */
        cchar_t cell;
        wchar_t wc[CCHARW_MAX + 1];
        attr_t cell_attr;
        short cell_pair;
        if (x0 > 0 && mvwin_wch(stdscr, y0 + r, x0 - 1, &cell) == OK && getcchar(&cell, wc, &cell_attr, &cell_pair, NULL) == OK
            && wcwidth(wc[0]) > 1)
            mvwaddch(stdscr, y0 + r, x0 - 1, ' ');
        wmove(stdscr, y0 + r, x0);
        for (int c = 0; c < w; c++) waddch(stdscr, ' ');
    }
    char title[64];
    snprintf(title, sizeof title, _("Help: %s"), _(a->panel->title));
    draw_box(stdscr, y0, x0, h, w, a, title);
    help_rows(a, stdscr, y0 + 1, x0, w, y0 + h - 2, global, m, cmds);
}

void frame_draw(const App *a)
{
    /* presenter mode: no tabs and no status bar, only what the room must read */
    if (!a->present) draw_tabs(a);
    draw_message(a);
    if (!a->present) draw_status(a);
    if (a->help_open) draw_help(a);
}
