/* draw.c - styles and the drawing helpers every panel uses. See tui.h. */
/* wcwidth() is X/Open, not C11: asked for here, by the code that calls it, rather than left to
 * whatever ncursesw's pkg-config flags happen to define (Debian's define _XOPEN_SOURCE=600,
 * which serves as well, hence the guard). */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/base/escape.h"
#include "tui.h"

static attr_t styles[ST_COUNT];

/* Colour pairs, and what each style falls back to without colour: bold, reverse, underline and
 * dim carry every distinction on a monochrome terminal or with NO_COLOR. */
void draw_init_styles(App *a)
{
    static const struct {
        short fg256, fg8;
        attr_t extra, mono;
    } def[ST_COUNT] = {
        [ST_NORMAL] = {-1, -1, 0, 0},
        [ST_DIM] = {244, COLOR_WHITE, 0, A_DIM},
        [ST_TITLE] = {75, COLOR_CYAN, A_BOLD, A_BOLD},
        [ST_TAB] = {250, COLOR_WHITE, 0, 0},
        [ST_TAB_ACTIVE] = {231, COLOR_WHITE, A_BOLD | A_REVERSE, A_BOLD | A_REVERSE},
        [ST_STATUS] = {252, COLOR_WHITE, A_REVERSE, A_REVERSE},
        [ST_STATUS_RUN] = {114, COLOR_GREEN, A_REVERSE | A_BOLD, A_REVERSE | A_BOLD},
        [ST_STATUS_PAUSE] = {221, COLOR_YELLOW, A_REVERSE | A_BOLD, A_REVERSE},
        [ST_STATUS_FAIL] = {203, COLOR_RED, A_REVERSE | A_BOLD, A_REVERSE | A_BOLD | A_BLINK},
        [ST_ERROR] = {203, COLOR_RED, A_BOLD, A_BOLD | A_UNDERLINE},
        [ST_ACCENT] = {75, COLOR_CYAN, 0, A_BOLD},
        [ST_GOOD] = {114, COLOR_GREEN, 0, A_BOLD},
        [ST_BAD] = {203, COLOR_RED, 0, A_UNDERLINE},
        [ST_PLOT_TRAIN] = {75, COLOR_CYAN, 0, 0},
        [ST_PLOT_VAL] = {215, COLOR_YELLOW, 0, A_BOLD},
        [ST_PLOT_REF] = {244, COLOR_WHITE, 0, A_DIM},
        [ST_KEY] = {221, COLOR_YELLOW, A_BOLD, A_BOLD},
        [ST_SELECT] = {231, COLOR_WHITE, A_REVERSE, A_REVERSE},
        [ST_COPIED] = {215, COLOR_YELLOW, A_UNDERLINE, A_UNDERLINE},
        /* surprise, calm to hot; without colour: plain, plain, underline, bold, reverse */
        [ST_HEAT0] = {114, COLOR_GREEN, 0, 0},
        [ST_HEAT1] = {150, COLOR_GREEN, 0, 0},
        [ST_HEAT2] = {221, COLOR_YELLOW, 0, A_UNDERLINE},
        [ST_HEAT3] = {209, COLOR_RED, 0, A_BOLD},
        [ST_HEAT4] = {196, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
        /* alternate tokens, so their boundaries show; without colour, underline every other */
        [ST_TOKEN_A] = {117, COLOR_CYAN, 0, 0},
        [ST_TOKEN_B] = {222, COLOR_YELLOW, 0, A_UNDERLINE},
    };
    a->colors = 0;
    if (!getenv("NO_COLOR") && has_colors() && start_color() == OK) {
        use_default_colors();
        a->colors = COLORS >= 256 ? 256 : 8;
    }
    for (int i = 0; i < ST_COUNT; i++) {
        if (a->colors && def[i].fg256 >= 0) {
            init_pair((short)(i + 1), a->colors == 256 ? def[i].fg256 : def[i].fg8, -1);
            styles[i] = COLOR_PAIR(i + 1) | def[i].extra;
        } else {
            styles[i] = a->colors ? def[i].extra : def[i].mono;
        }
    }
}

attr_t style(const App *a, int st)
{
    (void)a;
    return st >= 0 && st < ST_COUNT ? styles[st] : 0;
}

void sample_line(const App *a, const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = in; *p && o + 4 < cap; p++) {
        size_t run = 0;
        while ((unsigned char)p[run] >= 32 && p[run] != 127) run++;
        /* the text between two controls, escaped as every string from outside is (escape.h) */
        o += escape_bytes((const uint8_t *)p, run, ESCAPE_KEEP_BACKSLASH, out + o, cap - o);
        p += run;
        if (!*p) break;
        const char *sym = *p != '\n' ? " " : a->utf8 ? "\u21b5" : "|"; /* tabs and other controls: a space */
        const size_t len = strlen(sym);
        if (o + len >= cap) break;
        memcpy(out + o, sym, len), o += len;
    }
    out[o] = 0;
}

int text_width(const char *s)
{
    mbstate_t ps = {0};
    int w = 0;
    size_t n = strlen(s);
    while (n > 0) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, s, n, &ps);
        if (k == (size_t)-1 || k == (size_t)-2) {
            memset(&ps, 0, sizeof ps);
            k = 1, wc = L'?';
        } else if (k == 0) {
            break;
        }
        /* as draw_text shows them: control characters as a space, the unprintable as '?' */
        int cw = wc < 32 ? 1 : wcwidth(wc);
        w += cw >= 0 ? cw : 1;
        s += k, n -= k;
    }
    return w;
}

int draw_text(WINDOW *w, int y, int x, int width, int st, const App *a, const char *s)
{
    if (width <= 0) return 0;
    mbstate_t ps = {0};
    int used = 0;
    size_t n = strlen(s);
    wattrset(w, style(a, st));
    wmove(w, y, x);
    while (n > 0 && used < width) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, s, n, &ps);
        if (k == (size_t)-1 || k == (size_t)-2) { /* not text in this locale: show a '?' */
            memset(&ps, 0, sizeof ps);
            k = 1, wc = L'?';
        } else if (k == 0) {
            break;
        }
        if (wc == L'\n' || wc == L'\t' || wc < 32) wc = L' ';
        int cw = wcwidth(wc);
        if (cw < 0) wc = L'?', cw = 1;
        if (used + cw > width) break; /* a wide character never straddles the edge */
        if (!a->utf8 && wc > 126) wc = L'?', cw = 1;
        wchar_t str[2] = {wc, 0};
        waddnwstr(w, str, 1);
        used += cw;
        s += k, n -= k;
    }
    wattrset(w, 0);
    return used;
}

int draw_cell(WINDOW *w, int y, int x, int width, int st, const App *a, const char *s)
{
    int used = draw_text(w, y, x, width, st, a, s);
    if (used < width) {
        wattrset(w, style(a, st));
        for (int i = used; i < width; i++) mvwaddch(w, y, x + i, ' ');
        wattrset(w, 0);
    }
    return width;
}

int draw_right(WINDOW *w, int y, int x, int width, int st, const App *a, const char *s)
{
    int tw = text_width(s);
    if (tw > width) tw = width;
    draw_text(w, y, x + width - tw, tw, st, a, s);
    return width;
}

int draw_textf(WINDOW *w, int y, int x, int width, int st, const App *a, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return draw_text(w, y, x, width, st, a, buf);
}

void draw_bar(WINDOW *w, int y, int x, int width, double frac, int st, const App *a)
{
    if (width <= 0) return;
    if (!(frac > 0)) frac = 0;
    if (frac > 1) frac = 1;
    int eighths = (int)(frac * width * 8 + 0.5);
    wattrset(w, style(a, st));
    wmove(w, y, x);
    for (int i = 0; i < width; i++) {
        int e = eighths - i * 8;
        if (e <= 0) break;
        if (!a->utf8) {
            waddch(w, e >= 4 ? '#' : (e >= 1 && i == 0 ? '|' : ' '));
            continue;
        }
        static const wchar_t blocks[] = L" \u258f\u258e\u258d\u258c\u258b\u258a\u2589\u2588";
        wchar_t ch[2] = {blocks[e >= 8 ? 8 : e], 0};
        waddnwstr(w, ch, 1);
    }
    wattrset(w, 0);
}

int heat_style(double value, double hot)
{
    if (!(value >= 0)) return ST_HEAT4;
    int k = (int)(value / hot * (HEAT_LEVELS - 1) + 0.5);
    return ST_HEAT0 + (k > HEAT_LEVELS - 1 ? HEAT_LEVELS - 1 : k);
}

void piece_text(const App *a, const uint8_t *b, size_t n, int show_ws, char *out, size_t cap)
{
    escape_bytes(b, n, ESCAPE_SYMBOLS | (show_ws ? ESCAPE_SPACES : 0) | (a->utf8 ? 0 : ESCAPE_ASCII), out, cap);
}

const char *token_text(const App *a, int32_t id, int show_ws, int quoted, char *out, size_t cap)
{
    size_t k;
    const uint8_t *b = tokenizer_token(&a->s.tok, id, &k);
    if (!quoted) {
        piece_text(a, b, k, show_ws, out, cap);
        return out;
    }
    char piece[256];
    piece_text(a, b, k, show_ws, piece, cap - 2 < sizeof piece ? cap - 2 : sizeof piece);
    snprintf(out, cap, "\"%s\"", piece);
    return out;
}

/* ---- tokens as text: characters split between tokens read whole (core/text/pieces.h) ---- */

/* The escaping piece_text does. */
static int piece_how(const App *a, int show_ws)
{
    return ESCAPE_SYMBOLS | (show_ws ? ESCAPE_SPACES : 0) | (a->utf8 ? 0 : ESCAPE_ASCII);
}

/* Quotes around what is in out, cut so that the whole fits in cap. */
static const char *quote(char *out, size_t cap, size_t n)
{
    if (cap < 3) return out[0] = 0, out;
    if (n + 3 > cap) n = cap - 3; /* the caller wrote at most cap - 2: never cuts inside here */
    memmove(out + 1, out, n);
    out[0] = '"', out[n + 1] = '"', out[n + 2] = 0;
    return out;
}

const char *token_label(const App *a, const Pieces *p, size_t t, int show_ws, int quoted, char *out, size_t cap)
{
    size_t n = pieces_label(p, t, piece_how(a, show_ws), out, quoted && cap > 2 ? cap - 2 : cap);
    return quoted ? quote(out, cap, n) : out;
}

const char *token_text_after(const App *a, const uint8_t *ctx, size_t n_ctx, int32_t id, int show_ws, int quoted,
                             char *out, size_t cap)
{
    size_t k;
    const uint8_t *b = tokenizer_token(&a->s.tok, id, &k);
    size_t n = pieces_label_after(ctx, n_ctx, b, k, piece_how(a, show_ws), out, quoted && cap > 2 ? cap - 2 : cap);
    return quoted ? quote(out, cap, n) : out;
}

char *label_fit(char *s, int width)
{
    char *open = strrchr(s, '[');
    size_t n = strlen(s);
    if (text_width(s) > width && open && open > s && (unsigned char)open[-1] >= 0x80 && n && s[n - 1] == ']')
        *open = 0;
    return s;
}

size_t text_tail(const App *a, const char *before, const int32_t *ids, size_t n, uint8_t tail[TEXT_TAIL])
{
    size_t got = 0; /* filled from the end of tail */
    for (size_t i = n; i-- > 0 && got < TEXT_TAIL;) {
        size_t k;
        const uint8_t *b = tokenizer_token(&a->s.tok, ids[i], &k);
        while (k > 0 && got < TEXT_TAIL) tail[TEXT_TAIL - 1 - got++] = b[--k];
    }
    for (size_t k = before ? strlen(before) : 0; k > 0 && got < TEXT_TAIL;) tail[TEXT_TAIL - 1 - got++] = (uint8_t)before[--k];
    memmove(tail, tail + TEXT_TAIL - got, got);
    return got;
}

/* What a strip shows for token t: the characters that begin in it (the last of them, when it
 * ends in a later token, apart in split, to be underlined); a token that begins no character
 * (the middle or the end of one) is a thin divider, so that it still has its place. */
static void strip_parts(const App *a, const Pieces *p, size_t t, int show_ws, char *whole, char *split, size_t cap)
{
    size_t first, n = pieces_token_chars(p, t, &first), o = 0;
    whole[0] = split[0] = 0;
    const int how = piece_how(a, show_ws);
    int begins = 0;
    for (size_t k = 0; k < n; k++) {
        const PieceChar *c = &p->chars[first + k];
        if (c->start < p->tok_start[t]) continue; /* begun in an earlier token: drawn there */
        begins = 1;
        if (c->last_tok != t) { /* only the last can go on past the token */
            escape_bytes(p->bytes + c->start, c->len, how, split, cap);
            break;
        }
        o += escape_bytes(p->bytes + c->start, c->len, how, whole + o, cap - o);
    }
    if (n && !begins) snprintf(whole, cap, "%s", STRIP_DIVIDER);
}

int strip_width(const App *a, const Pieces *p, size_t t, int show_ws)
{
    char whole[160], split[160];
    if (!a->utf8) { /* no characters but ASCII: the bytes, as before */
        piece_text(a, p->bytes + p->tok_start[t], p->tok_start[t + 1] - p->tok_start[t], show_ws, whole, sizeof whole);
        return text_width(whole);
    }
    strip_parts(a, p, t, show_ws, whole, split, sizeof whole);
    return text_width(whole) + text_width(split);
}

int draw_strip_token(WINDOW *w, int y, int x, int width, int st, const App *a, const Pieces *p, size_t t, int show_ws)
{
    char whole[160], split[160];
    if (!a->utf8) {
        piece_text(a, p->bytes + p->tok_start[t], p->tok_start[t + 1] - p->tok_start[t], show_ws, whole, sizeof whole);
        return draw_text(w, y, x, width, st, a, whole);
    }
    strip_parts(a, p, t, show_ws, whole, split, sizeof whole);
    int used = draw_text(w, y, x, width, st, a, whole);
    if (split[0]) {
        int u = draw_text(w, y, x + used, width - used, st, a, split);
        if (u) mvwchgat(w, y, x + used, u, style(a, st) | A_UNDERLINE, (short)PAIR_NUMBER(style(a, st)), NULL);
        used += u;
    }
    return used;
}

void draw_box(WINDOW *w, int y, int x, int h, int wd, const App *a, const char *title)
{
    if (h < 2 || wd < 2) return;
    attr_t at = style(a, ST_DIM);
    wattrset(w, at);
    /* The ACS characters become + - | when the terminal or locale has no line drawing. */
    mvwaddch(w, y, x, a->utf8 ? ACS_ULCORNER : '+');
    mvwaddch(w, y, x + wd - 1, a->utf8 ? ACS_URCORNER : '+');
    mvwaddch(w, y + h - 1, x, a->utf8 ? ACS_LLCORNER : '+');
    mvwaddch(w, y + h - 1, x + wd - 1, a->utf8 ? ACS_LRCORNER : '+');
    mvwhline(w, y, x + 1, a->utf8 ? ACS_HLINE : '-', wd - 2);
    mvwhline(w, y + h - 1, x + 1, a->utf8 ? ACS_HLINE : '-', wd - 2);
    mvwvline(w, y + 1, x, a->utf8 ? ACS_VLINE : '|', h - 2);
    mvwvline(w, y + 1, x + wd - 1, a->utf8 ? ACS_VLINE : '|', h - 2);
    wattrset(w, 0);
    if (title && *title) {
        draw_text(w, y, x + 2, 1, ST_DIM, a, " ");
        int used = draw_text(w, y, x + 3, wd - 6, ST_TITLE, a, title);
        draw_text(w, y, x + 3 + used, 1, ST_DIM, a, " ");
    }
}

/* The display width of one word of narration, its ** markers left out. */
static int word_width(const char *s, size_t n)
{
    char buf[1024];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof buf; i++) {
        if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
            i++;
            continue;
        }
        buf[k++] = s[i];
    }
    buf[k] = 0;
    return text_width(buf);
}

int draw_wrapped(WINDOW *w, int y, int x, int width, int max_rows, int st, const App *a, const char *text)
{
    if (width < 1 || max_rows < 1) return 0;
    int row = 0, col = 0, bold = 0;
    for (const char *p = text; *p && row < max_rows;) {
        /* a line break in a paragraph is a space, as in Markdown, except before a table row or
         * a list item, which start lines of their own */
        for (; *p == ' ' || *p == '\n'; p++)
            if (*p == '\n' && col > 0 && (p[1] == '|' || ((p[1] == '-' || p[1] == '*') && p[2] == ' ')))
                row++, col = 0;
        if (!*p || row >= max_rows) break;
        size_t n = strcspn(p, " \n");
        int ww = word_width(p, n);
        if (col > 0 && col + 1 + ww > width) row++, col = 0; /* the word goes on the next line */
        if (row >= max_rows) break;
        if (col > 0) col++;
        /* the word, a character at a time, ** switching bold; a word wider than the line is cut */
        for (size_t i = 0; i < n;) {
            if (p[i] == '*' && i + 1 < n && p[i + 1] == '*') {
                bold = !bold, i += 2;
                continue;
            }
            mbstate_t ps = {0};
            wchar_t wc;
            size_t k = mbrtowc(&wc, p + i, n - i, &ps);
            if (k == 0 || k > n - i) k = 1, wc = L'?';
            int cw = wcwidth(wc);
            if (cw < 0) cw = 1;
            if (col + cw > width) {
                if (++row >= max_rows) break;
                col = 0;
            }
            if (w) {
                char ch[8];
                memcpy(ch, p + i, k);
                ch[k] = 0;
                draw_text(w, y + row, x + col, cw, st, a, ch);
                if (bold) mvwchgat(w, y + row, x + col, cw, style(a, st) | A_BOLD, (short)PAIR_NUMBER(style(a, st)), NULL);
            }
            col += cw, i += k;
        }
        p += n;
    }
    return row + 1;
}
