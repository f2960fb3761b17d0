/*
 * tui.h - the terminal interface: what its modules share.
 *
 * One thread owns curses and readline (app.c's loop); the trainer runs in its own thread
 * (core/train/trainer_thread.h) and is seen only through its snapshots. The screen is a row of
 * tabs, the focused panel, a message line and a status bar (app_frame.c), and a command line
 * that opens on ':' (cmdline.c, app_commands.c).
 *
 * A panel is a table of operations (htop's PanelClass) over a state of its own, which the app
 * allocates: keys become requests the panel handles first and the app handles otherwise (tig's
 * way); before every frame the loop calls the focused panel's update, which brings its state up
 * to date with the app's (a new model, prompt, knob) and does any computing; then draw, which
 * sees the app and the state as const and only draws (kilo's way), so the whole screen can be
 * drawn again at any moment: after a resize, an overlay, a new snapshot. The panels are listed
 * once, in panels.c: the tabs, the footer, the help, the :panel command and its completion and
 * the Lessons map are all made from that table. In a panel's file its state's type is named for
 * the panel (Slice, Loss, ...) and the pointer to it is called S throughout.
 *
 * Panels, commands and (later) lessons change what they share through typed setters
 * (app_set_prompt, app_set_sampling, app_switch, the app_train_* and model functions), which say
 * on the status line what changed; the command line is a language on top of them.
 */
#ifndef NT_TUI_H
#define NT_TUI_H

#include <stdint.h>

#include "core/base/i18n.h"
#include "core/base/paths.h"
#include "core/model/gpt2.h"
#include "core/model/sampler.h"
#include "core/text/pieces.h"
#include "core/train/session.h"
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
enum { KEY_IGNORED = 0, KEY_HANDLED = 1 };

typedef struct HelpLine {
    const char *keys, *what;
} HelpLine;

typedef struct Panel {
    const char *name;          /* "train", for :panel train */
    const char *title;         /* "Train", on its tab */
    const char *keys;          /* the keys that open it; the first is shown on its tab ("6") */
    const char *summary;       /* what it shows, in a line, for the Lessons map */
    size_t state_size;         /* its own state, allocated zeroed when the interface starts */
    void (*init)(void *st);    /* the state's starting values (optional) */
    void (*release)(void *st); /* frees what the state holds (optional) */
    void (*enter)(App *a, void *st);
    /* Before each frame: brings the state up to date and does the computing. Work too long for
     * one frame is done a slice at a time, setting a->more so that the loop comes back soon. */
    void (*update)(App *a, void *st);
    void (*draw)(const App *a, const void *st, WINDOW *w, int h, int wd);
    int (*key)(App *a, void *st, int ch);                      /* KEY_HANDLED or KEY_IGNORED */
    int (*command)(App *a, void *st, int argc, char **argv);  /* 1 handled, 0 not this panel's */
    void (*tick)(App *a, void *st);                            /* animation: a few times a second */
    const HelpLine *help;      /* NULL-terminated */
} Panel;

/* ---- panels.c: the one list of panels, in tab order ---- */
extern const Panel *const panels[];
extern const int n_panels;
int panel_index(const Panel *p);
/* The panel a key opens, or NULL. */
const Panel *panel_for_key(int ch);
/* By name ("train") or by its first key ("6"), or NULL. */
const Panel *panel_named(const char *name);
/* "lessons, slice, ..., train": the names, for messages and completion. */
const char *panel_names_text(void);
/* "0-7": the range of the panels' first keys, for the footer and the help. */
const char *panel_keys_text(void);

/* The settings a session starts from. */
typedef struct TuiOptions {
    const char *model;         /* --model FILE: load (resume) it */
    const char *corpus;        /* --corpus FILE */
    int fresh;                 /* --fresh: ignore the autosave */
    const char *script;        /* --script FILE: headless, for tests */
    int rows, cols;            /* --size for scripts (default 30 x 100) */
    int threads;
    const char *lesson;        /* a lesson file to open at start (nexttoken lesson FILE) */
    int present;               /* --present: presenter mode from the start */
    int check;                 /* lessons --check: run lessons headless, report, exit */
    char **check_files;        /* the lessons to check (none: every shipped one) */
    int n_check;
} TuiOptions;

#define PROMPT_BYTES TT_PROMPT_MAX /* the text the panels work on (and the samples start from) */
#define SAMPLES_KEPT 8         /* the trainer's latest samples, newest first */

/* What the status line asks before an action that would lose unsaved training; y does it. */
typedef enum { PENDING_NONE, PENDING_QUIT, PENDING_LOAD, PENDING_NEW_MODEL } PendingKind;
typedef struct Pending {
    PendingKind kind;
    char question[NT_PATH_MAX + 256];
    char path[NT_PATH_MAX];    /* PENDING_LOAD: the model; PENDING_NEW_MODEL: the corpus */
    char preset[16];           /* PENDING_NEW_MODEL */
    uint64_t seed;             /* PENDING_NEW_MODEL */
} Pending;

struct App {
    TuiOptions opt;
    /* the terminal */
    int utf8;                  /* box drawing and braille, or ASCII */
    int colors;                /* 0, 8 or 256 */
    int rows, cols;
    int headless;              /* script mode: timings are masked */
    int quit;
    int quit_unsaved;          /* y to "quit anyway?": the model is not saved on the way out */
    /* the frame (app_frame.c) */
    const Panel *panel;        /* the focused panel */
    void **panel_state;        /* each panel's own state, by panel_index */
    int help_open, cmd_open;
    char message[ERR_MSG_MAX];  /* the status line's message (errors in ST_ERROR) */
    int message_error;
    double message_time;
    Pending pending;
    char quit_note[NT_PATH_MAX + 256]; /* what quitting saved, printed once the terminal is back */
    int more;                  /* the focused panel has work left: the loop draws again soon */
    int animating;             /* the focused panel's tick() runs every ANIMATE_SECONDS */
    double anim_last;
    MEVENT mouse;              /* the last click, for panels that take them (KEY_MOUSE) */
    /* the session (app_session.c): the model, its text and its trainer thread */
    char data_dir[NT_PATH_MAX], autosave[NT_PATH_MAX], model_path[NT_PATH_MAX];
    char kept_autosave[NT_PATH_MAX]; /* where an autosave that could not be resumed was moved */
    char corpus_path[NT_PATH_MAX]; /* the text a new model learns from */
    char preset[16];           /* a new model's sizes */
    uint64_t seed;
    float lr;
    Session s;                 /* corpus, tokenizer, dataset; its trainer is in tt while tt runs */
    TrainerThread *tt;
    struct ParPool *pool;      /* the threads training splits every layer over (lent to the trainer) */
    int wake_fd[2];            /* the trainer writes a byte when it has published */
    TrainSnapshot snap;
    long saved_step;           /* the step last saved on purpose */
    /* the trainer's history, copied incrementally from its thread */
    float *hist_loss, *hist_sec;
    long hist_n;
    size_t hist_cap;
    long *val_step;
    float *val_loss;
    long val_n;
    size_t val_cap;
    char samples[SAMPLES_KEPT][TT_SAMPLE_MAX];
    long sample_steps[SAMPLES_KEPT];
    int n_samples;
    double unigram_entropy;
    /* what the panels share */
    char prompt[PROMPT_BYTES];
    SamplerConfig sc;
    /* The model the teaching panels look at: a copy of the trainer's latest published weights,
     * never the live ones. generation counts the changes (new weights, a new session, a new
     * prompt), so a panel recomputes when the one it drew from is not the latest. */
    GPT2 view;
    long view_version;         /* the trainer's step its weights are from (-1: none yet) */
    long weights_gen;          /* bumps whenever view changes: what a cache fed from it follows */
    long generation;
    long settings_gen;         /* the part of generation that is not new weights: the prompt,
                                * a knob, a new session (what drawn samples and merges follow) */
    /* the lessons (app_lesson.c) */
    struct LessonRun *lesson;  /* the lesson being taken, or NULL */
    char lang[8];              /* the lessons' language: "en", "ko" */
    int present;               /* presenter mode: no chrome, large narration, the panel below */
    int interacted;            /* a key or command changed a panel since the step was applied */
    long steps_applied;        /* bumps whenever a lesson step is applied (a command that moved the
                                * lesson is not the class playing with its panel) */
    /* the corpus as tokens, indexed for "remix or recall" (built when first needed) */
    struct SuffixArray *corpus_index;
    /* the corpus's word and character vocabularies, and its length in each (built when first
     * needed), for the comparisons of the Slice and Tokens panels */
    struct WordTok *wordtok[2];
    size_t wordtok_corpus_tokens[2];
};

#define ANIMATE_SECONDS 0.4
#define WORK_SLICE_SECONDS 0.012 /* a panel's computing per frame, when it has much to do */

/* ---- app.c: start, loop, keys, end ---- */
int tui_main(const TuiOptions *opt);
/* One key from the terminal (or a script). */
void app_key(App *a, int ch);
/* Brings the focused panel up to date and draws the whole screen from state. */
void app_draw(App *a);
/* The input and drawing modes of a newly made curses screen (keys without waiting, no echo,
 * the mouse, the colours): the interface's, and the script fuzzer's, which makes its own. */
void app_curses_modes(App *a);
void *app_panel_state(const App *a, const Panel *p);

/* ---- app_frame.c: tabs, message line, status bar, help ---- */
void app_message(App *a, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Whether the message line shows a message or a question now (else the key hint). */
int app_message_shown(const App *a);
void frame_draw(const App *a);
/* The panel whose tab is at column x of the tab row, or NULL. */
const Panel *frame_tab_at(const App *a, int x);
/* Asks the question on the status line; y makes the pending action happen (app_commands.c). */
void app_ask(App *a, const Pending *p);

/* ---- app_session.c: the model, its training, and what the panels share ---- */
/* The session at start: the model asked for, else the last one, else a new one. */
int app_session_start(App *a, Err *e);
void app_session_end(App *a, int save);
/* Refreshes the snapshot and the copied history from the trainer; 1 if anything changed. */
int app_poll_trainer(App *a);
/* The panels' model (refreshed from the trainer when it has published newer weights), or NULL
 * when there is none. Bumps a->generation when it changed. For update functions only. */
const GPT2 *app_view_model(App *a);
/* The corpus's suffix array, built on first use (NULL if it cannot be). */
const struct SuffixArray *app_corpus_index(App *a);
/* The corpus's vocabulary of words or characters (WORDTOK_WORD, WORDTOK_CHAR), built on first
 * use (NULL if it cannot be); *corpus_tokens, if asked for, the corpus's length in its units. */
const struct WordTok *app_wordtok(App *a, int kind, size_t *corpus_tokens);
/* Notes that what the panels show must be recomputed (the prompt or a knob changed). */
static inline void app_touch(App *a) { a->generation++, a->settings_gen++; }
/* Whether replacing the model would lose training nobody saved on purpose. */
int app_unsaved(const App *a);

/* The typed setters. Each says on the status line what it did (or why not). */
void app_set_prompt(App *a, const char *text);
int app_set_sampling(App *a, const SamplerConfig *sc);   /* -1 when sc is refused */
void app_switch(App *a, const Panel *p);
void app_train_pause(App *a);
void app_train_resume(App *a);                           /* a new model when there is none */
void app_train_stop(App *a);                             /* pauses and saves to the autosave */
int app_set_lr(App *a, float lr);
void app_save(App *a, const char *path);                 /* the outcome comes as a message */
/* Saves now, the trainer paused for it (and left paused). */
int app_save_now(App *a, const char *path, Err *e);
/* Replaces the model (they ask nothing: the command line asks first when training is unsaved). */
int app_load_model(App *a, const char *path, int running);
int app_new_model(App *a, const char *corpus, const char *preset, uint64_t seed);
/* q and :quit: saves the model first; if that fails, asks before losing its training. */
void app_request_quit(App *a);

/* ---- app_lesson.c: taking a lesson ---- */
/* The shipped lessons in the app's language, loaded when first asked (and again after :lang). */
const struct LessonList *app_lessons(App *a);
/* Progress through a lesson, as remembered: steps seen of its steps, right answers of asked. */
typedef struct LessonProgress {
    int seen, steps, right, asked;
} LessonProgress;
LessonProgress app_lesson_progress(const App *a, const char *path);
/* Opens a lesson at its first step (a message says why not); closes the one open. */
int app_lesson_open(App *a, const char *path);
/* The same for a lesson file, or a shipped lesson by its name ("03-softmax", "softmax") or its
 * order ("3") in the interface's language. */
int app_lesson_take(App *a, const char *name);
void app_lesson_close(App *a);
void app_set_lang(App *a, const char *lang);
/* A key for the lesson (n, p, PageDown, PageUp, the answers, s, Esc); 1 when it took it. */
int app_lesson_key(App *a, int ch);
/* Before drawing: the step's figures, the training it waits for. */
void app_lesson_update(App *a);
/* The narration, at the top of the body; returns the rows it took (the panel gets the rest). */
int app_lesson_draw(const App *a, WINDOW *w, int h, int wd);
/* lessons --check: each lesson run headless to its end; one line per problem on stderr.
 * Returns how many problems there were (-1: the lessons could not be found). */
int app_lessons_check(App *a, char **files, int n);

/* ---- app_commands.c: the command line's language ---- */
/* Runs a command line ("train pause", "lr 3e-4"); messages go to the status bar. */
void app_command(App *a, const char *line);
/* Does what a question asked about, now that it is answered yes. */
void app_do_pending(App *a);
/* The commands, for dispatch, help and completion. */
enum { COMPLETE_NONE, COMPLETE_FILES, COMPLETE_WORDS, COMPLETE_PANELS, COMPLETE_PRESETS };
typedef struct CommandInfo {
    const char *name, *args;   /* "train", "start|pause|resume|stop" (shown in the help) */
    const char *alias;         /* another name it answers to, or NULL */
    int complete;              /* what its argument completes to: COMPLETE_* */
    const char *const *words;  /* COMPLETE_WORDS: the words (NULL-terminated) */
    void (*run)(App *a, const char *arg);
} CommandInfo;
extern const CommandInfo app_commands[]; /* NULL-terminated by name */

/* ---- draw.c ---- */
void draw_init_styles(App *a);
attr_t style(const App *a, int st);
/* Text at (y, x) clipped to `width` display columns (wide characters count two); returns the
 * columns used. */
int draw_text(WINDOW *w, int y, int x, int width, int st, const App *a, const char *s);
int draw_textf(WINDOW *w, int y, int x, int width, int st, const App *a, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Narration: text wrapped at spaces to `width` columns from (y, x), at most max_rows rows, a
 * line break being a space (Markdown's paragraphs) except before a table row ("|") or a list
 * item ("- ", "* "), and **bold** bold. Returns the rows it takes;
 * with w NULL only counts them. */
int draw_wrapped(WINDOW *w, int y, int x, int width, int max_rows, int st, const App *a, const char *text);
/* draw_text padded with spaces to exactly `width` columns (a table cell). */
int draw_cell(WINDOW *w, int y, int x, int width, int st, const App *a, const char *s);
/* draw_text right-aligned in `width` display columns (a column's header); returns width. */
int draw_right(WINDOW *w, int y, int x, int width, int st, const App *a, const char *s);
/* A box with a title, in line-drawing characters or ASCII. */
void draw_box(WINDOW *w, int y, int x, int h, int wd, const App *a, const char *title);
int text_width(const char *s);
/* A sample of the model's text on one line (the Train panel's, the home's): a new line as a
 * return sign ('|' in ASCII), tabs and other controls as spaces, and a byte that is no
 * character (the model may write part of one, and a sample is cut where it is full) as \xNN,
 * so that nothing is hidden behind a '?'. Into out (cap bytes). */
void sample_line(const App *a, const char *in, char *out, size_t cap);
/* A horizontal bar of frac (0..1) of `width` columns, in eighths with block characters, or '#'. */
void draw_bar(WINDOW *w, int y, int x, int width, double frac, int st, const App *a);
/* The heat style (ST_HEAT0..4) of a surprise: calm (0) to very surprised (>= hot). */
int heat_style(double value, double hot);
/* Token pieces for a person (core/base/escape.h's escape_bytes, as this terminal can show
 * them): whitespace visible when `show_ws` (space as a dot), newline and tab as symbols, bytes
 * that are not whole characters as \xNN. Into out (cap bytes). */
void piece_text(const App *a, const uint8_t *b, size_t n, int show_ws, char *out, size_t cap);
/* Token id of the session's tokenizer the same way, in double quotes when quoted (then cut at
 * cap - 2). Returns out. */
const char *token_text(const App *a, int32_t id, int show_ws, int quoted, char *out, size_t cap);

/* Tokens as text, a character split between tokens read as that character: the pieces
 * (core/text/pieces.h) come from tokenizer_pieces (core/text/tokenizer.h).
 * Token t of p the way piece_text shows a piece, a character it holds part of written as the
 * character and which of its bytes: "옛[1/3]". In double quotes when quoted. Returns out. */
const char *token_label(const App *a, const Pieces *p, size_t t, int show_ws, int quoted, char *out, size_t cap);
/* The same for token id of the session's tokenizer coming after the bytes ctx[0 .. n_ctx) (a
 * candidate for the next token: it may complete a character the text began). */
const char *token_text_after(const App *a, const uint8_t *ctx, size_t n_ctx, int32_t id, int show_ws, int quoted,
                             char *out, size_t cap);
/* A label wider than `width` columns that ends in a mark of bytes ("옛[1/3]") without the mark
 * ("옛"), rather than cut inside it ("옛[1/"). Returns s. */
char *label_fit(char *s, int width);
/* The last TEXT_TAIL bytes (or fewer) of the text `before` (or NULL) followed by tokens ids of
 * the session's tokenizer, into tail; returns how many: the context token_text_after needs. */
#define TEXT_TAIL 3
size_t text_tail(const App *a, const char *before, const int32_t *ids, size_t n, uint8_t tail[TEXT_TAIL]);
/* A strip of tokens drawn one after another: token t as the characters that begin in it, the
 * last underlined when it ends in a later token, and a token that begins none (the middle of a
 * character) as a thin divider. Without UTF-8, its bytes as piece_text writes them. Returns
 * the columns used (strip_width: would use). */
#define STRIP_DIVIDER "\u00a6"
int strip_width(const App *a, const Pieces *p, size_t t, int show_ws);
int draw_strip_token(WINDOW *w, int y, int x, int width, int st, const App *a, const Pieces *p, size_t t, int show_ws);

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
/* The smoothing weights the Train panel cycles through (TensorBoard's). */
extern const float plot_smoothing[];
#define PLOT_SMOOTHING_COUNT 4

/* ---- cmdline.c: GNU readline inside curses ---- */
void cmdline_init(App *a);
void cmdline_open(App *a);
/* Opens the command line with text already typed (e.g. "prompt " and the current prompt). */
void cmdline_open_with(App *a, const char *text);
/* A byte for the open command line. */
void cmdline_feed(App *a, int ch);
void cmdline_draw(const App *a);
void cmdline_cancel(App *a);
void cmdline_shutdown(App *a);

/* ---- script.c ---- */
/* Runs the script already opened from path (tui_main opens it before anything else, so that a
 * script that cannot be read fails at once); closes f. Returns the exit status. */
int script_run(App *a, FILE *f, const char *path);
/* The screen's text, one line per row, trailing spaces trimmed, into f. With frame 0, what the
 * panel shows and says: the tab row is left out, and the key hint of the message line is blank
 * (screen tests then do not change when a panel is added). */
void screen_dump(const App *a, FILE *f, int frame);

#endif
