/* script.c - the headless mode tests drive the interface with (tig's way): keys and commands
 * from a file, the screen drawn by curses into memory at a fixed size, and named dumps of it to
 * compare with expected files. Timings are masked on screen; training is waited for by step,
 * never by time.
 *
 *   # a comment
 *   key 6            keys: text, or <Tab> <S-Tab> <Esc> <Enter> <Space> <Up> <Down> <Left>
 *   key <Tab>        <Right> <Backspace> <C-c> <Home> <End> <PageDown> <PageUp> <F5>; several
 *                    in one line run in order
 *   type some text   each character as a key
 *   :lr 3e-4         a command line, as if typed after ':'
 *   wait step 20     train until step 20, then pause there
 *   resize 80x24
 *   dump NAME        the panel into NAME.screen, beside the script (or in $NT_SCREEN_DIR): the
 *                    screen without the tab row, and with the message line blank when it shows
 *                    only the key hint, so that adding a panel changes none of these
 *   dump-frame NAME  the whole screen, tabs and hint too (for the tests of the frame itself)
 *   expect TEXT      fail unless the screen shows TEXT
 *   tick N           N steps of the focused panel's animation (what 'a' runs on a timer)
 *   measure KEYS N   press KEYS N times, timing each from the key to the drawn screen; prints
 *                    the median, 95th percentile and worst on standard output (bench/)
 * $DIR anywhere in a line stands for the directory the dumps go to.
 * See tui.h. */
/* wcwidth() is X/Open, not C11: asked for here, by the code that calls it, rather than left to
 * whatever ncursesw's pkg-config flags happen to define (Debian's define _XOPEN_SOURCE=600,
 * which serves as well, hence the guard). */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "core/base/atomicfile.h"
#include "core/base/clock.h"
#include "core/base/escape.h"
#include "core/base/number.h"
#include "tui.h"

void screen_dump(const App *a, FILE *f, int frame)
{
    const int hint = !app_message_shown(a) && !a->cmd_open;
    for (int y = frame || a->present ? 0 : 1; y < a->rows; y++) {
        if (!frame && hint && y == a->rows - (a->present ? 1 : 2)) {
            fputc('\n', f);
            continue;
        }
        wchar_t line[1024];
        int n = 0;
        for (int x = 0; x < a->cols && n < 1023; x++) {
            cchar_t cc;
            if (mvwin_wch(stdscr, y, x, &cc) == ERR) break;
            wchar_t wch[CCHARW_MAX + 1];
            attr_t at;
            short pair;
            getcchar(&cc, wch, &at, &pair, NULL);
            if (wch[0] == 0) continue;
            if (wcwidth(wch[0]) == 2) x++; /* a wide character fills two cells: read it once */
            /* line-drawing characters read back as their ACS codes: write what they show */
            chtype c = (chtype)wch[0];
            if ((at & A_ALTCHARSET) && c < 128) {
                wch[0] = c == 'q' ? L'─' : c == 'x' ? L'│' : c == 'l' ? L'┌' : c == 'k' ? L'┐' : c == 'm' ? L'└' : c == 'j' ? L'┘' : L'+';
            }
            line[n++] = wch[0];
        }
        while (n > 0 && line[n - 1] == L' ') n--;
        line[n] = 0;
        char out[4096];
        size_t k = wcstombs(out, line, sizeof out - 1);
        if (k == (size_t)-1) k = 0;
        out[k] = 0;
        fprintf(f, "%s\n", out);
    }
}

static int screen_has(App *a, const char *text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return 0;
    screen_dump(a, f, 1);
    fclose(f);
    int found = strstr(buf, text) != NULL;
    free(buf);
    return found;
}

static int cmp_double(const void *x, const void *y)
{
    double p = *(const double *)x, q = *(const double *)y;
    return (p > q) - (p < q);
}

static int key_named(const char *name, int len)
{
    static const struct {
        const char *name;
        int key;
    } keys[] = {
        {"Tab", '\t'},        {"S-Tab", KEY_BTAB},        {"Esc", 27},         {"Enter", '\r'},
        {"Space", ' '},       {"Up", KEY_UP},             {"Down", KEY_DOWN},  {"Left", KEY_LEFT},
        {"Right", KEY_RIGHT}, {"Backspace", KEY_BACKSPACE}, {"C-c", 3},        {"Home", KEY_HOME},
        {"End", KEY_END},     {"PageDown", KEY_NPAGE},    {"PageUp", KEY_PPAGE}, {"F5", KEY_F(5)},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if ((int)strlen(keys[i].name) == len && strncmp(keys[i].name, name, (size_t)len) == 0) return keys[i].key;
    return -1;
}

/* Feeds keys; multi-byte characters go in byte by byte, as a terminal would send them. */
static int feed_keys(App *a, const char *s, int literal)
{
    while (*s) {
        if (!literal && *s == '<') {
            const char *end = strchr(s, '>');
            int k = end ? key_named(s + 1, (int)(end - s - 1)) : -1;
            if (k >= 0) {
                app_key(a, k);
                s = end + 1;
                continue;
            }
        }
        if (!literal && *s == ' ') { /* spaces separate keys; <Space> is one */
            s++;
            continue;
        }
        app_key(a, (unsigned char)*s++);
        app_poll_trainer(a);
    }
    return 0;
}

/* Trains to `step` and waits there: the trainer pauses itself on that step. */
static int wait_step(App *a, long step)
{
    /* Steps count from 1; the trainer reads a pause at step 0 as no pause at all, so waiting
     * for it while training ran would never end. */
    if (!a->tt || step < 1) return -1;
    app_poll_trainer(a);
    if (a->snap.step > step) return -1;
    /* Already there and paused: done. Resuming would race the trainer, which may take the pause
     * at this step (reached already) before the resume and then train on without end. */
    if (a->snap.step == step && a->snap.state != TT_RUNNING) return 0;
    tt_run_to(a->tt, step);
    for (int spins = 0;; spins++) {
        app_poll_trainer(a);
        if (a->snap.step >= step && a->snap.state != TT_RUNNING) break;
        if (a->snap.state == TT_FAILED) return -1;
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
        if (spins > 300000) return -1; /* ten minutes: something is wrong */
    }
    app_poll_trainer(a);
    return 0;
}

/* NAME.screen in the directory of dumps: a path the script makes up, not one a user names. */
static const FileKind screen_dump_kind = {N_("a screen dump"), NULL};

int script_run(App *a, FILE *f, const char *path)
{
    char dir[4096];
    const char *env = getenv("NT_SCREEN_DIR");
    if (env) snprintf(dir, sizeof dir, "%s", env);
    else {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s", path);
        snprintf(dir, sizeof dir, "%s", dirname(tmp));
    }
    char line[2048];
    int lineno = 0, status = 0;
    app_draw(a);
    while (!a->quit && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        int bad = 0;
        long n, w, h;
        /* $DIR stands for the directory the dumps go to (for files a test reads afterwards) */
        char *var = strstr(line, "$DIR");
        if (var) {
            char expanded[sizeof line + 4096];
            snprintf(expanded, sizeof expanded, "%.*s%s%s", (int)(var - line), line, dir, var + 4);
            size_t k = strnlen(expanded, sizeof line - 1);
            memcpy(line, expanded, k);
            line[k] = 0;
        }
        if (line[0] == ':') {
            app_command(a, line + 1);
        } else if (!strncmp(line, "key ", 4)) {
            feed_keys(a, line + 4, 0);
        } else if (!strncmp(line, "type ", 5)) {
            feed_keys(a, line + 5, 1);
        } else if (!strncmp(line, "wait step ", 10)) {
            bad = num_long(line + 10, NULL, &n) || wait_step(a, n);
        } else if (!strncmp(line, "resize ", 7)) {
            if (num_pair(line + 7, 'x', &w, &h) == 0 && w > 0 && h > 0 && w <= 1000 && h <= 500) resizeterm((int)h, (int)w);
            else bad = 1;
        } else if (!strncmp(line, "dump ", 5) || !strncmp(line, "dump-frame ", 11)) {
            int frame = line[4] == '-';
            app_poll_trainer(a);
            do app_draw(a); while (a->more); /* the whole screen, whatever it takes */
            char out[6200];
            snprintf(out, sizeof out, "%s/%s.screen", dir, line + (frame ? 11 : 5));
            AtomicFile d;
            Err e;
            if (atomic_open(&d, out, &screen_dump_kind, &e)) bad = 1;
            else screen_dump(a, d.f, frame), bad = atomic_commit(&d, &e) != 0;
        } else if (!strncmp(line, "measure ", 8)) {
            /* "measure KEYS N": the keys are everything before the last word */
            char *last = strrchr(line, ' ');
            if (num_long(last + 1, NULL, &n) || n > 1000000) n = 0;
            *last = 0;
            double *t = n > 0 ? malloc(sizeof(double) * (size_t)n) : NULL;
            if (!t) {
                bad = 1;
            } else {
                for (int i = 0; i < n; i++) {
                    double t0 = clock_now();
                    feed_keys(a, line + 8, 0);
                    app_poll_trainer(a);
                    app_draw(a);
                    t[i] = clock_now() - t0;
                }
                qsort(t, (size_t)n, sizeof *t, cmp_double);
                printf("%s %s: median %.1f ms, 95th percentile %.1f ms, worst %.1f ms over %ld presses\n", a->panel->name,
                       line + 8, 1e3 * t[n / 2], 1e3 * t[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1], 1e3 * t[n - 1], n);
                fflush(stdout);
                free(t);
            }
        } else if (!strncmp(line, "tick ", 5)) {
            if (num_long(line + 5, NULL, &n) || n < 0) bad = 1;
            for (long i = n; !bad && i > 0 && a->panel->tick; i--) a->panel->tick(a, app_panel_state(a, a->panel));
        } else if (!strncmp(line, "expect ", 7)) {
            app_poll_trainer(a);
            do app_draw(a); while (a->more);
            if (!screen_has(a, line + 7)) {
                char said[4 * sizeof line];
                escape_format(said, sizeof said, "%s:%d: the screen does not show \"%s\"", path, lineno, line + 7);
                fprintf(stderr, "nexttoken: %s\n", said);
                screen_dump(a, stderr, 1);
                status = 1;
            }
        } else {
            bad = 1;
        }
        if (bad) {
            char said[4 * sizeof line];
            escape_format(said, sizeof said, "%s:%d: cannot do \"%s\"", path, lineno, line);
            fprintf(stderr, "nexttoken: %s\n", said);
            status = status ? status : 2;
            break;
        }
        app_poll_trainer(a);
        app_draw(a);
    }
    fclose(f);
    return status;
}
