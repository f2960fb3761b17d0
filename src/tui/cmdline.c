/* cmdline.c - the ':' command line: GNU readline's callback interface inside curses, as
 * ../STYLE.md describes it: readline edits, completes and keeps history; curses draws. Keys come
 * from curses (keypad on, so resizes and panels see KEY_* codes), and the editing keys are
 * handed to readline as the escape sequences it expects. See tui.h. */
/* wcwidth() is X/Open, not C11: asked for here, by the code that calls it, rather than left to
 * whatever ncursesw's pkg-config flags happen to define (Debian's define _XOPEN_SOURCE=600,
 * which serves as well, hence the guard). */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "core/base/atomicfile.h"
#include "tui.h"

static App *app;           /* readline's callbacks take no context */
static int pending[8], n_pending, at_pending;
static char history_path[4200];

static int cl_getc(FILE *f)
{
    (void)f;
    return at_pending < n_pending ? pending[at_pending++] : EOF;
}

static int cl_input_available(void) { return at_pending < n_pending; }

static void cl_redisplay(void) { /* drawn with the frame: app_draw calls cmdline_draw */ }

static void cl_prep(int meta) { (void)meta; }
static void cl_deprep(void) {}

static void on_line(char *line)
{
    App *a = app;
    /* The handler stays installed until the line is used: remove it first, as a command may
     * open the line again. */
    rl_callback_handler_remove();
    a->cmd_open = 0;
    if (line) {
        if (*line) {
            add_history(line);
            if (history_path[0]) {
                append_history(1, history_path);
                history_truncate_file(history_path, 1000);
            }
        }
        long applied = a->steps_applied;
        app_command(a, line);
        /* the class changed something: n first restores the step (unless the command opened a
         * lesson or moved through one) */
        if (a->lesson && a->steps_applied == applied) a->interacted = 1;
        free(line);
    }
}

/* ---- completion ---- */

/* The words a command's argument completes to, made from the tables (app_commands, panels, the
 * model presets) when first asked. */
static const char *command_words[64], *panel_words[32], *preset_words[16];
static const char *const *words;

static void make_words(void)
{
    if (command_words[0]) return;
    int n = 0;
    for (const CommandInfo *c = app_commands; c->name && n < 63; c++) command_words[n++] = c->name;
    for (int i = 0; i < n_panels && i < 31; i++) panel_words[i] = panels[i]->name;
    for (int i = 0; gpt2_preset_name(i) && i < 15; i++) preset_words[i] = gpt2_preset_name(i);
}

static char *word_generator(const char *text, int state)
{
    static int i;
    static size_t len;
    if (!state) i = 0, len = strlen(text);
    while (words[i]) {
        const char *w = words[i++];
        if (strncmp(w, text, len) == 0) return strdup(w);
    }
    return NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    make_words();
    rl_attempted_completion_over = 1;
    char first[32] = "";
    sscanf(rl_line_buffer, "%31s", first);
    const CommandInfo *c = app_commands;
    while (c->name && strcmp(c->name, first) != 0) c++;
    /* the command's first argument completes to its words, panels, presets or a file; later
     * ones (export loss FILE) to files */
    const char *space = strchr(rl_line_buffer, ' ');
    int first_arg = space && !strchr(space + 1, ' ');
    if (start == 0) words = command_words;
    else if (!c->name) return NULL;
    else if (c->complete == COMPLETE_WORDS && first_arg) words = c->words;
    else if (c->complete == COMPLETE_PANELS) words = panel_words;
    else if (c->complete == COMPLETE_PRESETS) words = preset_words;
    else if (c->complete == COMPLETE_FILES || c->complete == COMPLETE_WORDS) {
        rl_attempted_completion_over = 0; /* file names */
        return rl_completion_matches(text, rl_filename_completion_function);
    } else return NULL;
    return rl_completion_matches(text, word_generator);
}

/* Several matches: listed in the message line, never printed over the screen. */
static void show_matches(char **matches, int n, int longest)
{
    (void)longest;
    char buf[512] = "";
    size_t at = 0;
    for (int i = 1; i <= n && at + 2 < sizeof buf; i++)
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s  ", matches[i]);
    app_message(app, 0, "%s", buf);
}

void cmdline_init(App *a)
{
    app = a;
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
    rl_prep_term_function = cl_prep;
    rl_deprep_term_function = cl_deprep;
    rl_getc_function = cl_getc;
    rl_input_available_hook = cl_input_available;
    rl_redisplay_function = cl_redisplay;
    rl_attempted_completion_function = complete;
    rl_completion_display_matches_hook = show_matches;
    rl_outstream = fopen("/dev/null", "w"); /* readline writes nothing to the terminal */
    rl_readline_name = "nexttoken";
    using_history();
    /* readline writes the history file itself, in place: it is kept only where our rule for
     * outputs would write it (never a FIFO, which would block, nor a directory) */
    static const FileKind history_kind = {N_("a command history"), NULL};
    Err e;
    snprintf(history_path, sizeof history_path, "%s/history", a->data_dir);
    if (a->headless || output_may_replace(history_path, &history_kind, &e)) history_path[0] = 0;
    if (history_path[0]) {
        if (read_history(history_path) != 0) write_history(history_path); /* start the file */
        stifle_history(1000);
    }
}

void cmdline_open(App *a)
{
    a->cmd_open = 1;
    rl_callback_handler_install(":", on_line);
}

void cmdline_open_with(App *a, const char *text)
{
    cmdline_open(a);
    rl_insert_text(text);
}

void cmdline_cancel(App *a)
{
    if (!a->cmd_open) return;
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_callback_handler_remove();
    a->cmd_open = 0;
}


static void push(const char *bytes)
{
    n_pending = at_pending = 0;
    for (const char *b = bytes; *b && n_pending < 8; b++) pending[n_pending++] = (unsigned char)*b;
}

void cmdline_feed(App *a, int ch)
{
    /* ESC closes (a lone one: curses has already gathered escape sequences into KEY_*). */
    if (ch == 27 || ch == 3 /* Ctrl-C */) {
        cmdline_cancel(a);
        return;
    }
    char seq[8];
    switch (ch) {
    case KEY_LEFT: push("\033[D"); break;
    case KEY_RIGHT: push("\033[C"); break;
    case KEY_UP: push("\033[A"); break;
    case KEY_DOWN: push("\033[B"); break;
    case KEY_HOME: push("\033[H"); break;
    case KEY_END: push("\033[F"); break;
    case KEY_DC: push("\033[3~"); break;
    case KEY_BACKSPACE: push("\177"); break;
    case KEY_ENTER: push("\r"); break;
    case KEY_RESIZE: case KEY_MOUSE: return;
    default:
        if (ch < 0 || ch > 255) return;
        seq[0] = (char)ch, seq[1] = 0;
        if (ch == 0) return;
        push(seq);
    }
    while (a->cmd_open && cl_input_available()) rl_callback_read_char();
}

void cmdline_draw(const App *a)
{
    int y = a->rows - (a->present ? 1 : 2); /* the message line */
    wmove(stdscr, y, 0);
    wclrtoeol(stdscr);
    draw_text(stdscr, y, 0, 1, ST_KEY, a, ":");
    /* Scroll so the cursor stays in view; rl_point is a byte offset, columns come from wcwidth
     * (Korean takes two). */
    const char *buf = rl_line_buffer ? rl_line_buffer : "";
    int avail = a->cols - 2;
    char before[4096];
    size_t p = (size_t)(rl_point > 0 ? rl_point : 0);
    if (p >= sizeof before) p = sizeof before - 1;
    memcpy(before, buf, p);
    before[p] = 0;
    int cursor = text_width(before);
    const char *from = buf;
    while (cursor > avail - 1 && *from) { /* drop characters from the left */
        mbstate_t ps = {0};
        wchar_t wc;
        size_t k = mbrtowc(&wc, from, strlen(from), &ps);
        if (k == 0 || k > 4) k = 1;
        int cw = wcwidth(wc);
        cursor -= cw > 0 ? cw : 0;
        from += k;
    }
    draw_text(stdscr, y, 1, avail, ST_NORMAL, a, from);
    curs_set(1);
    wmove(stdscr, y, 1 + cursor);
}

void cmdline_shutdown(App *a)
{
    if (a->cmd_open) cmdline_cancel(a);
    if (rl_outstream && rl_outstream != stdout) {
        fclose(rl_outstream);
        rl_outstream = NULL;
    }
    clear_history();
}
