/* app.c - the terminal interface's start, main loop, keys and end: curses and the signals that
 * must always give the terminal back, the panels' states, and the frame drawn every time from
 * state. The session lives in app_session.c, the commands in app_commands.c, the frame around
 * the panels in app_frame.c. See tui.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <term.h>

#include "core/base/blas.h"
#include "core/base/clock.h"
#include "core/base/escape.h"
#include "core/base/readfile.h"
#include "tui.h"

#define MIN_ROWS 14
#define MIN_COLS 50
#define FRAME_SECONDS 0.1      /* at most 10 redraws a second for new snapshots */
#define IDLE_SECONDS 0.5       /* otherwise a few a second, for the clock and the message's expiry */
#define REDRAW_SECONDS 1.0     /* and at least one a second */
#define MORE_SECONDS 0.01      /* how soon a panel with work left is drawn again */

/* ------------------------------------------------------------------------------------------ */
/* Terminal state that signal handlers and atexit must reach */

static volatile sig_atomic_t got_signal;
static int quit_signal;        /* the signal that ended the loop: the exit status says so */
static int curses_active;
static int signal_fd = -1;

static void restore_terminal(void)
{
    if (curses_active) {
        curses_active = 0;
        endwin();
    }
}

static void on_quit_signal(int sig)
{
    got_signal = sig;
    if (signal_fd >= 0) {
        ssize_t r = write(signal_fd, "s", 1);
        (void)r;
    }
}

/* A crash still leaves a usable terminal: restore it, then die of the same signal. */
static void on_crash(int sig)
{
    restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ------------------------------------------------------------------------------------------ */
/* Panels */

void *app_panel_state(const App *a, const Panel *p)
{
    return a->panel_state[panel_index(p)];
}

static int panels_create(App *a)
{
    a->panel_state = calloc((size_t)n_panels, sizeof *a->panel_state);
    if (!a->panel_state) return -1;
    for (int i = 0; i < n_panels; i++) {
        const Panel *p = panels[i];
        if (!(a->panel_state[i] = calloc(1, p->state_size ? p->state_size : 1))) return -1;
        if (p->init) p->init(a->panel_state[i]);
    }
    return 0;
}

static void panels_free(App *a)
{
    if (!a->panel_state) return;
    for (int i = 0; i < n_panels; i++) {
        if (a->panel_state[i] && panels[i]->release) panels[i]->release(a->panel_state[i]);
        free(a->panel_state[i]);
    }
    free(a->panel_state);
    a->panel_state = NULL;
}

void app_switch(App *a, const Panel *p)
{
    if (p == a->panel) return;
    a->animating = 0;
    a->panel = p;
    if (p->enter) p->enter(a, app_panel_state(a, p));
}

/* ------------------------------------------------------------------------------------------ */
/* Drawing */

/* A terminal too small for the panels: three short lines, so that even a tiny one shows them. */
static void draw_too_small(const App *a)
{
    char msg[3][64];
    snprintf(msg[0], sizeof msg[0], _("nexttoken needs"));
    snprintf(msg[1], sizeof msg[1], _("at least %dx%d"), MIN_COLS, MIN_ROWS);
    snprintf(msg[2], sizeof msg[2], _("(this is %dx%d)"), a->cols, a->rows);
    for (int i = 0; i < 3; i++) {
        int w = text_width(msg[i]);
        draw_text(stdscr, a->rows / 2 - 1 + i, w < a->cols ? (a->cols - w) / 2 : 0, a->cols, i ? ST_NORMAL : ST_ERROR, a, msg[i]);
    }
}

void app_draw(App *a)
{
    a->more = 0; /* a panel that still has work sets it again */
    getmaxyx(stdscr, a->rows, a->cols);
    werase(stdscr);
    curs_set(0);
    if (a->rows < MIN_ROWS || a->cols < MIN_COLS) {
        draw_too_small(a);
    } else {
        void *st = app_panel_state(a, a->panel);
        app_lesson_update(a);
        if (a->panel->update) a->panel->update(a, st);
        /* the body: between the tabs and the message line, or in presenter mode all but the
         * message line; a lesson's narration at its top */
        int top = a->present ? 0 : 1, h = a->rows - (a->present ? 1 : 3);
        WINDOW *body = derwin(stdscr, h, a->cols, top, 0);
        if (body && !a->lesson) {
            a->panel->draw(a, st, body, h, a->cols);
        } else if (body) {
            int used = app_lesson_draw(a, body, h, a->cols);
            /* the step's panel below its narration; a step that shows none yet (the Lessons
             * panel is the home screen, not a step's) is narration alone */
            WINDOW *area = a->panel != panels[0] && h - used > 2 ? derwin(body, h - used, a->cols, used, 0) : NULL;
            if (area) a->panel->draw(a, st, area, h - used, a->cols), delwin(area);
        }
        if (body) delwin(body);
        frame_draw(a);
        if (a->cmd_open) cmdline_draw(a);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

/* ------------------------------------------------------------------------------------------ */
/* Keys */

void app_key(App *a, int ch)
{
    if (ch == KEY_RESIZE) return; /* redrawn below at the new size */
    if (a->pending.kind != PENDING_NONE) {
        if (ch == 'y' || ch == 'Y') app_do_pending(a);
        else a->pending.kind = PENDING_NONE, app_message(a, 0, "%s", _("cancelled"));
        return;
    }
    if (a->cmd_open) {
        cmdline_feed(a, ch);
        return;
    }
    if (a->help_open) {
        a->help_open = 0;
        if (ch == '?' || ch == 27 || ch == 'q') return;
    }
    if (ch == KEY_F(5)) {
        a->present = !a->present;
        return;
    }
    if (app_lesson_key(a, ch)) return;
    void *st = app_panel_state(a, a->panel);
    if (ch == KEY_MOUSE) {
        MEVENT ev;
        if (getmouse(&ev) != OK) return;
        const Panel *clicked = ev.y == 0 ? frame_tab_at(a, ev.x) : NULL;
        if (clicked) app_switch(a, clicked);
        /* below the tabs: the panel's, in its own coordinates (its window starts at row 1) */
        if (ev.y > 0 && a->panel->key) {
            a->mouse = ev;
            a->mouse.y -= 1;
            a->panel->key(a, st, KEY_MOUSE);
        }
        return;
    }
    if (a->panel->key && a->panel->key(a, st, ch) == KEY_HANDLED) {
        if (a->lesson) a->interacted = 1; /* n first puts the step back as it was */
        return;
    }
    const int i = panel_index(a->panel);
    const Panel *p = panel_for_key(ch);
    if (p) app_switch(a, p);
    else if (ch == '\t') app_switch(a, panels[(i + 1) % n_panels]);
    else if (ch == KEY_BTAB) app_switch(a, panels[(i + n_panels - 1) % n_panels]);
    else if (ch == '?') a->help_open = 1;
    else if (ch == 'a' && a->panel->tick) a->animating = !a->animating; /* a panel that steps: on its own */
    else if (ch == ':') cmdline_open(a);
    else if (ch == 'e') { /* every panel's text: the prompt, ready to edit */
        char buf[sizeof a->prompt + 8];
        snprintf(buf, sizeof buf, "prompt %s", a->prompt);
        cmdline_open_with(a, buf);
    }
    else if (ch == 'q') app_request_quit(a);
}

/* ------------------------------------------------------------------------------------------ */
/* Start, loop, end */

static int app_setup(App *a, Err *e)
{
    if (panels_create(a)) return err_nomem(e, N_("the panels"), 0);
    a->panel = panel_named("lessons"); /* the home: the lessons, and the model training behind them */
    if (pipe(a->wake_fd)) return err_internal(e, _("pipe: %s"), strerror(errno));
    for (int i = 0; i < 2; i++) fcntl(a->wake_fd[i], F_SETFL, O_NONBLOCK), fcntl(a->wake_fd[i], F_SETFD, FD_CLOEXEC);
    signal_fd = a->wake_fd[1];
    /* the lessons' language is the interface's: the locale's (LC_ALL, then LC_MESSAGES, then
     * LANG), English if not Korean (core/base/i18n.h) */
    snprintf(a->lang, sizeof a->lang, "%s", i18n_lang());
    a->present = a->opt.present;
    if (app_session_start(a, e)) return -1;
    if (a->opt.lesson && app_lesson_take(a, a->opt.lesson)) return err_input(e, "%s", a->message);
    return 0;
}

static void app_teardown(App *a, int save)
{
    app_lesson_close(a);
    app_session_end(a, save);
    panels_free(a);
    cmdline_shutdown(a);
    restore_terminal();
    if (a->quit_note[0]) { /* one line naming the autosave's path, which comes from the environment */
        char note[2 * sizeof a->quit_note];
        escape_bytes((const uint8_t *)a->quit_note, strcspn(a->quit_note, "\n"), ESCAPE_KEEP_BACKSLASH, note, sizeof note);
        fprintf(stderr, "%s\n", note);
    }
    if (a->kept_autosave[0]) {
        char kept[2 * sizeof a->kept_autosave];
        escape_bytes((const uint8_t *)a->kept_autosave, strlen(a->kept_autosave), ESCAPE_KEEP_BACKSLASH, kept, sizeof kept);
        fprintf(stderr, _("nexttoken: the model that could not be resumed is kept as %s\n"), kept);
    }
    if (a->wake_fd[0] > 0) close(a->wake_fd[0]), close(a->wake_fd[1]);
    signal_fd = -1;
}

/* The real terminal, or for scripts a terminal of the asked-for size drawn into nothing: the
 * screen is read back from curses's own copy (script.c). */
static int start_curses(App *a)
{
    if (a->headless) {
        char rows[16], cols[16];
        snprintf(rows, sizeof rows, "%d", a->opt.rows);
        snprintf(cols, sizeof cols, "%d", a->opt.cols);
        setenv("LINES", rows, 1);
        setenv("COLUMNS", cols, 1);
        FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
        if (!out || !in || !newterm("xterm-256color", out, in)) {
            fputs(_("nexttoken: cannot start curses for the script (is the xterm-256color terminfo installed?)\n"), stderr);
            return -1;
        }
    } else if (!newterm(getenv("TERM"), stdout, stdin)) {
        fprintf(stderr, _("nexttoken: cannot start the terminal interface on TERM=%s\n"), getenv("TERM"));
        return -1;
    }
    curses_active = 1;
    atexit(restore_terminal);
    app_curses_modes(a);
    return 0;
}

void app_curses_modes(App *a)
{
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
    mouseinterval(0);
    draw_init_styles(a);
}

static void install_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_quit_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    struct sigaction crash = {0};
    crash.sa_handler = on_crash;
    crash.sa_flags = SA_RESETHAND;
    int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) sigaction(fatal[i], &crash, NULL);
}

static void run_loop(App *a)
{
    double last_draw = 0;
    int dirty = 1;
    while (!a->quit) {
        struct pollfd fds[2] = {{0, POLLIN, 0}, {a->wake_fd[0], POLLIN, 0}};
        /* Wake for keys and for the trainer; otherwise a few times a second, for the clock and
         * the message's expiry. Redraws of trainer news are paced at FRAME_SECONDS. */
        double wait = dirty ? FRAME_SECONDS - (clock_now() - last_draw) : a->more ? MORE_SECONDS : IDLE_SECONDS;
        if (a->animating && ANIMATE_SECONDS - (clock_now() - a->anim_last) < wait) wait = ANIMATE_SECONDS - (clock_now() - a->anim_last);
        if (wait < 0) wait = 0;
        poll(fds, 2, (int)(wait * 1000));
        if (fds[1].revents & POLLIN) {
            char buf[256];
            while (read(a->wake_fd[0], buf, sizeof buf) > 0) {}
        }
        if (got_signal) {
            int sig = got_signal;
            got_signal = 0;
            if (sig == SIGINT && a->cmd_open) cmdline_cancel(a); /* Ctrl-C clears the command line */
            else a->quit = 1, quit_signal = sig;
            dirty = 1;
        }
        int keys = 0, ch;
        while ((ch = wgetch(stdscr)) != ERR) {
            app_key(a, ch);
            keys = 1;
        }
        if (app_poll_trainer(a)) dirty = 1;
        if (a->animating && a->panel->tick && clock_now() - a->anim_last >= ANIMATE_SECONDS) {
            a->anim_last = clock_now();
            a->panel->tick(a, app_panel_state(a, a->panel));
            keys = 1; /* drawn at once */
        }
        if (keys || a->more || (dirty && clock_now() - last_draw >= FRAME_SECONDS) || clock_now() - last_draw > REDRAW_SECONDS) {
            app_draw(a);
            last_draw = clock_now();
            dirty = 0;
        }
    }
}

int tui_main(const TuiOptions *opt)
{
    App *a = calloc(1, sizeof *a);
    if (!a) return 1;
    a->opt = *opt;
    a->headless = opt->script != NULL || opt->check;
    /* The trainer's pool splits every layer; OpenBLAS runs single-threaded inside each part. */
    blas_set_threads(1);
    /* The user's locale for characters and messages, but numbers as the course writes them:
     * 0.25, never 0,25 (a figure's check compares the digits it prints with the lesson's).
     * A locale that is not installed still gives UTF-8 and its language (core/base/i18n.h). */
    i18n_setup(1);
    a->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    Err e;
    /* The script first: one that cannot be read (missing, a directory, a FIFO that would block)
     * is refused before a model is trained for it. */
    FILE *script = NULL;
    if (opt->script && !(script = readfile_stream(opt->script, N_("a script file"), &e))) {
        fprintf(stderr, "nexttoken: %s\n", e.msg);
        free(a);
        return 2;
    }
    if (!a->headless && (!isatty(0) || !isatty(1))) {
        fputs(_("nexttoken: the interactive interface needs a terminal; without one, use the commands (nexttoken train, sample, loss, softmax, slice, bpe, encode: nexttoken --help)\n"), stderr);
        free(a);
        return 2;
    }
    if (!a->headless) {
        const char *term = getenv("TERM");
        int err;
        if (!term || !*term || setupterm(term, 1, &err) != OK) {
            fprintf(stderr, _("nexttoken: unknown terminal type '%s' (TERM); try TERM=xterm-256color, or use the commands (nexttoken --help)\n"), term ? term : "");
            free(a);
            return 2;
        }
        /* TERM=dumb (and any terminal without cursor addressing) is known to curses, but every
         * frame would be drawn nowhere: a blank screen, and no way to tell why. */
        const char *cup = tigetstr("cup");
        if (!cup || cup == (const char *)-1) {
            fprintf(stderr, _("nexttoken: the terminal type '%s' (TERM) cannot move the cursor, which the interface needs; try TERM=xterm-256color, or use the commands (nexttoken --help)\n"), term);
            free(a);
            return 2;
        }
    }
    /* The model first (it may take a moment to learn its tokenizer), while the terminal is
     * still an ordinary one for error messages. */
    if (app_setup(a, &e)) {
        if (script) fclose(script);
        fprintf(stderr, "nexttoken: %s\n", e.msg);
        a->quit_note[0] = 0;
        app_teardown(a, 0);
        free(a);
        return e.code == ERR_INPUT ? 2 : 1;
    }
    int status = 0;
    if (start_curses(a)) {
        if (script) fclose(script);
        app_teardown(a, 0);
        free(a);
        return 2;
    }
    cmdline_init(a);
    if (opt->check) {
        int problems = app_lessons_check(a, opt->check_files, opt->n_check);
        status = problems ? 2 : 0; /* a lesson that does not run as written is bad input */
        app_teardown(a, 0);
        if (problems == 0) fprintf(stderr, _("lessons: every step applied, every figure computed and every check read as written\n"));
    } else if (a->headless) {
        status = script_run(a, script, opt->script);
        app_teardown(a, 0);
    } else {
        install_signals();
        app_draw(a);
        run_loop(a);
        app_teardown(a, 1);
        /* Ended by a signal (the model saved on the way out): 128 + its number, the shell's
         * convention, so that a script that sent SIGTERM does not read success. */
        if (quit_signal) status = 128 + quit_signal;
    }
    free(a);
    return status;
}
