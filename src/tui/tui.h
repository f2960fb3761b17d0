/*
 * tui.h - the terminal interface: what its modules share.
 *
 * One thread owns curses and readline (app.c's loop); the trainer runs in its own thread
 * (core/trainer_thread.h) and is seen only through its snapshots. The screen is a row of tabs,
 * the focused panel, a status bar, and a command line that opens on ':'. A panel is a table of
 * operations (htop's PanelClass): enter, leave, draw, key, command. Keys become requests the
 * panel handles first and the app handles otherwise (tig's way); draw works from state only
 * (kilo's way), so the whole screen can be drawn again at any moment - after a resize, an
 * overlay, a new snapshot.
 */
#ifndef NT_TUI_H
#define NT_TUI_H

#include <stdint.h>

#include "core/model/sampler.h"
#include "core/text/corpus.h"
#include "core/text/dataset.h"
#include "core/train/checkpoint.h"
#include "core/train/trainer_thread.h"

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

/* ---- styles: every distinction also has a non-colour form (bold, reverse, a symbol) ---- */
enum {
    ST_NORMAL, ST_DIM, ST_TITLE, ST_TAB, ST_TAB_ACTIVE, ST_STATUS, ST_STATUS_RUN, ST_STATUS_PAUSE,
    ST_STATUS_FAIL, ST_ERROR, ST_ACCENT, ST_GOOD, ST_BAD, ST_PLOT_TRAIN, ST_PLOT_VAL, ST_PLOT_REF,
    ST_KEY, ST_SELECT, ST_COPIED, ST_HEAT0, ST_HEAT1, ST_HEAT2, ST_HEAT3, ST_HEAT4, ST_TOKEN_A, ST_TOKEN_B,
    ST_COUNT
};
#define HEAT_LEVELS 5

typedef struct App App;

/* What a key handler tells the loop. */
enum { KEY_IGNORED = 0, KEY_HANDLED = 1, KEY_QUIT = 2 };

typedef struct HelpLine {
    const char *keys, *what;
} HelpLine;

typedef struct Panel {
    const char *name;          /* "train", for :panel train */
    const char *title;         /* "Train", on the tab */
    int hotkey;                /* '6' */
    void (*enter)(App *a);
    void (*leave)(App *a);
    void (*draw)(App *a, WINDOW *w, int h, int wd);
    int (*key)(App *a, int ch);                     /* KEY_* */
    int (*command)(App *a, int argc, char **argv);  /* 1 handled, 0 not this panel's */
    void (*tick)(App *a);                            /* animation: called a few times a second */
    const HelpLine *help;      /* NULL-terminated */
} Panel;

extern const Panel panel_lessons, panel_slice, panel_tokens, panel_softmax, panel_loss,
    panel_sample, panel_train;

/* The settings a session starts from. */
typedef struct TuiOptions {
    const char *model;         /* --model FILE: load (resume) it */
    const char *corpus;        /* --corpus FILE */
    int fresh;                 /* --fresh: ignore the autosave */
    const char *script;        /* --script FILE: headless, for tests */
    int rows, cols;            /* --size for scripts (default 30 x 100) */
    int threads;
} TuiOptions;

#define TRAIN_PANEL_HISTORY 8  /* samples kept on screen */

struct App {
    TuiOptions opt;
    int utf8;                  /* box drawing and braille, or ASCII */
    int colors;                /* 0, 8 or 256 */
    int rows, cols;
    int headless;              /* script mode: timings are masked */
    int quit;
    const Panel *panel;        /* the focused panel */
    int help_open;
    char message[512];         /* the status line's message (errors in ST_ERROR) */
    int message_error;
    double message_time;
    /* confirmation asked for by a command or quit: y runs confirm_cmd, anything else cancels */
    char confirm_text[256], confirm_cmd[256];
    int confirming;
    char quit_note[4800];      /* what quitting saved, printed once the terminal is back */
    /* the model and its training */
    char data_dir[4096], autosave[4096], model_path[4096];
    char corpus_path[4096];
    char preset[16];
    uint64_t seed;
    float lr;
    Tokenizer tok;
    Corpus corpus;
    Dataset data;
    TrainerThread *tt;
    TrainSnapshot snap;
    long saved_step;
    int fitted_batch; /* the batch a loaded model was given to fit memory, or 0 */
    int wake_fd[2];
    /* the loss history, copied incrementally from the thread */
    float *hist_loss, *hist_sec;
    long hist_n;
    size_t hist_cap;
    long *val_step;
    float *val_loss;
    long val_n;
    size_t val_cap;
    double unigram_entropy;
    /* sampling settings shared by the panels */
    char prompt[512];
    SamplerConfig sc;
    /* the Train panel's view */
    int plot_log, plot_time, plot_smooth_idx, sample_scroll;
    char samples[TRAIN_PANEL_HISTORY][1024];
    long sample_steps[TRAIN_PANEL_HISTORY];
    int n_samples;
    /* command line */
    int cmd_open;
    /* The model the teaching panels look at: a copy of the trainer's latest published weights,
     * never the live ones. generation counts the changes (new weights, a new session, a new
     * prompt), so a panel recomputes when the one it drew from is not the latest. */
    GPT2 view;
    long view_version;
    long generation;
    long settings_gen;         /* the part of generation that is not new weights: the prompt,
                                * a knob, a new session (what drawn samples and merges follow) */
    /* a panel with work left after a frame (it does a slice of it per frame, so that keys are
     * answered at once) sets this; the loop then draws again soon */
    int more;
    /* animation: the focused panel's tick() runs every ANIMATE_SECONDS while this is set */
    int animating;
    double anim_last;
    MEVENT mouse;              /* the last click, for panels that take them (KEY_MOUSE) */
    /* the corpus as tokens, indexed for "remix or recall" (built when first needed) */
    struct SuffixArray *corpus_index;
    /* the threads training splits every layer over (borrowed by the trainer and its thread) */
    struct ParPool *pool;
    /* the corpus's word and character vocabularies, and its length in each (built when first
     * needed), for the comparisons of the Slice and Tokens panels */
    struct WordTok *wordtok[2];
    size_t wordtok_corpus_tokens[2];
};

#define ANIMATE_SECONDS 0.4
#define WORK_SLICE_SECONDS 0.012 /* a panel's computing per frame, when it has much to do */

/* ---- app.c ---- */
int tui_main(const TuiOptions *opt);
void app_message(App *a, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void app_switch(App *a, const Panel *p);
/* Runs a command line ("train pause", "lr 3e-4"); messages go to the status bar. */
void app_command(App *a, const char *line);
/* Refreshes the snapshot and the copied history from the trainer; 1 if anything changed. */
int app_poll_trainer(App *a);
/* One key from the terminal (or a script). */
void app_key(App *a, int ch);
/* Draws the whole screen from state. */
void app_draw(App *a);
/* The panels' model (refreshed from the trainer when it has published newer weights), or NULL
 * when there is none. Bumps a->generation when it changed. */
const GPT2 *app_view_model(App *a);
/* Notes that what the panels show must be recomputed (the prompt or a knob changed). */
static inline void app_touch(App *a) { a->generation++, a->settings_gen++; }
/* The corpus's suffix array, built on first use (NULL if it cannot be). */
const struct SuffixArray *app_corpus_index(App *a);
/* The corpus's vocabulary of words or characters (WORDTOK_WORD, WORDTOK_CHAR), built on first
 * use (NULL if it cannot be); *corpus_tokens, if asked for, the corpus's length in its units. */
const struct WordTok *app_wordtok(App *a, int kind, size_t *corpus_tokens);

/* ---- draw.c ---- */
void draw_init_styles(App *a);
attr_t style(const App *a, int st);
/* Text at (y, x) clipped to `width` display columns (wide characters count two); returns the
 * columns used. */
int draw_text(WINDOW *w, int y, int x, int width, int st, const App *a, const char *s);
int draw_textf(WINDOW *w, int y, int x, int width, int st, const App *a, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* draw_text padded with spaces to exactly `width` columns (a table cell). */
int draw_cell(WINDOW *w, int y, int x, int width, int st, const App *a, const char *s);
/* A box with a title, in line-drawing characters or ASCII. */
void draw_box(WINDOW *w, int y, int x, int h, int wd, const App *a, const char *title);
int text_width(const char *s);
/* A horizontal bar of frac (0..1) of `width` columns, in eighths with block characters, or '#'. */
void draw_bar(WINDOW *w, int y, int x, int width, double frac, int st, const App *a);
/* The heat style (ST_HEAT0..4) of a surprise: calm (0) to very surprised (>= hot). */
int heat_style(double value, double hot);
/* Token pieces for a person: whitespace visible when `show_ws` (space as a dot, newline as a
 * return sign), bytes that are not whole characters as \xNN. Into out (cap bytes). */
void piece_text(const uint8_t *b, size_t n, int show_ws, int utf8, char *out, size_t cap);
/* Token id of t the same way, in double quotes when quoted (then cut at cap - 2). Returns out. */
const char *token_text(const Tokenizer *t, int32_t id, int show_ws, int quoted, int utf8, char *out, size_t cap);

/* ---- plot.c ---- */
typedef struct PlotSeries {
    const float *x, *y;        /* n points, x increasing */
    long n;
    int style;
} PlotSeries;
typedef struct PlotRef {
    float y;
    int style;
    const char *label;
} PlotRef;
/* Draws series into a region h x wd, braille when a->utf8 (2x4 dots per cell), else '*'.
 * Axes from xmin..xmax and ymin..ymax (log10 when log_y); labels at the left. */
void plot_draw(WINDOW *w, int y, int x, int h, int wd, const App *a, const PlotSeries *s, int n_series,
               const PlotRef *refs, int n_refs, double xmin, double xmax, double ymin, double ymax, int log_y,
               const char *xlabel);

/* ---- cmdline.c: GNU readline inside curses ---- */
void cmdline_init(App *a);
void cmdline_open(App *a);
/* Opens the command line with text already typed (e.g. "prompt " and the current prompt). */
void cmdline_open_with(App *a, const char *text);
/* A byte for the open command line. */
void cmdline_feed(App *a, int ch);
void cmdline_draw(App *a);
void cmdline_cancel(App *a);
void cmdline_shutdown(App *a);

/* ---- script.c ---- */
int script_run(App *a, const char *path);
/* The screen's text, one line per row, trailing spaces trimmed, into f. */
void screen_dump(App *a, FILE *f);

/* The smoothing weights the Train panel cycles through (TensorBoard's). */
extern const float plot_smoothing[];
#define PLOT_SMOOTHING_COUNT 4

#endif
