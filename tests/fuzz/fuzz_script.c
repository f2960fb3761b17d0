/* fuzz_script.c - the interface's script mode (src/tui/script.c): every line a script may hold
 * (keys, typed text, ':' command lines with their arguments, resize, dump, expect, tick, wait,
 * measure), run by the real interface, headless: curses draws into memory at 100x30 as for
 * `nexttoken --script`, the session is the interface's own (a small model on a short corpus),
 * and readline takes the command lines typed after ':'. So this fuzzes the script's line
 * parser, the key and command dispatchers, every command's and every panel's argument parsing,
 * and whatever they lead to, drawing included.
 *
 * One interface serves every input (its start-up takes a second), made the way tui_main makes
 * it for a script, with the tiny preset's model; its state carries over from input to input, as
 * in a long script.
 *
 * A sandbox, so that no input can touch a file outside it: the interface runs in its own
 * directory (NT_FUZZ_SANDBOX, made afresh, holding short copies of the corpora and the lessons),
 * an input with a '/' anywhere is refused (no path can leave the directory, and $DIR is
 * "dumps"), every file an input made is removed after it, and atomic_open, through which every
 * save goes, is wrapped (-Wl,--wrap=atomic_open) to refuse absolute paths and "..", which
 * readline's file-name completion could otherwise type. Training is bounded: an input that
 * waits past step 3, ticks more than 20 times or measures more than 3 presses is refused, the
 * base preset is refused (gpt2_preset is wrapped too), and training left running is paused
 * after each input. */
#include "fuzz.h"

#include "core/base/readfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <sys/stat.h>
#include <time.h>

#include <readline/history.h>

#include "core/base/atomicfile.h"
#include "core/base/blas.h"
#include "core/train/trainer_thread.h"
#include "tui/tui.h"

#define WAIT_MAX 3
#define TICK_MAX 20
#define MEASURE_MAX 3

/* declared from the real one's type, so that a wrapper whose parameters drift from it does not
 * compile (one taking fewer once wrote its refusal into the FileKind) */
__typeof__(atomic_open) __real_atomic_open, __wrap_atomic_open;
int __wrap_atomic_open(AtomicFile *af, const char *path, const FileKind *kind, Err *e)
{
    if (path[0] == '/' || strstr(path, ".."))
        return err_input(e, "%s: the fuzzer writes nothing outside its sandbox", path);
    return __real_atomic_open(af, path, kind, e);
}

/* The base preset's model takes seconds a step under the sanitizers, which would make a slow
 * input of every one that asks for it (":preset base", or completed from ":preset b<Tab>"): its
 * name is refused, as an unknown one is. */
__typeof__(gpt2_preset) __real_gpt2_preset, __wrap_gpt2_preset;
int __wrap_gpt2_preset(const char *name, GPT2Config *cfg, Err *e)
{
    if (!strcmp(name, "base")) return err_input(e, "the fuzzer trains no base model");
    return __real_gpt2_preset(name, cfg, e);
}

static App *app;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* The first `max` bytes of src into dst, cut after the last newline (whole UTF-8 lines). */
static int copy_head(const char *src, const char *dst, size_t max)
{
    FILE *in = fopen(src, "rb");
    if (!in) return -1;
    char *buf = malloc(max);
    size_t n = buf ? fread(buf, 1, max, in) : 0;
    fclose(in);
    if (n == max)
        while (n > 0 && buf[n - 1] != '\n') n--;
    FILE *out = fopen(dst, "wb");
    if (out) fwrite(buf, 1, n, out), fclose(out);
    free(buf);
    return out ? 0 : -1;
}

static void copy_lessons(const char *from, const char *to)
{
    mkdir(to, 0755);
    DIR *d = opendir(from);
    if (!d) return;
    for (struct dirent *de; (de = readdir(d));) {
        if (de->d_name[0] == '.') continue;
        char s[PATH_MAX], t[PATH_MAX];
        snprintf(s, sizeof s, "%s/%s", from, de->d_name);
        snprintf(t, sizeof t, "%s/%s", to, de->d_name);
        struct stat st;
        if (stat(s, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) copy_lessons(s, t);
        else copy_head(s, t, 1 << 20);
    }
    closedir(d);
}

/* At exit (libFuzzer's, or the replay's), the trainer thread is stopped first: a thread still
 * training while the process tears down its libraries would crash it. */
static void stop_app(void)
{
    if (app) app_session_end(app, 0);
}

/* The interface as tui_main makes it for a script (app.c's app_setup and start_curses). */
static void start_app(void)
{
    Err e = {0};
    App *a = calloc(1, sizeof *a);
    if (!a) abort();
    a->opt = (TuiOptions){.script = "fuzz", .rows = 30, .cols = 100, .threads = 1, .fresh = 1};
    a->headless = 1;
    blas_set_threads(1);
    setlocale(LC_ALL, "");
    a->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    a->panel_state = calloc((size_t)n_panels, sizeof *a->panel_state);
    for (int i = 0; i < n_panels; i++) {
        a->panel_state[i] = calloc(1, panels[i]->state_size ? panels[i]->state_size : 1);
        if (panels[i]->init) panels[i]->init(a->panel_state[i]);
    }
    a->panel = panel_named("train");
    if (pipe(a->wake_fd)) abort();
    for (int i = 0; i < 2; i++) fcntl(a->wake_fd[i], F_SETFL, O_NONBLOCK), fcntl(a->wake_fd[i], F_SETFD, FD_CLOEXEC);
    snprintf(a->lang, sizeof a->lang, "en");
    /* the smallest model, so that the steps inputs wait for are quick */
    if (app_session_start(a, &e) || app_new_model(a, a->corpus_path, "tiny", a->seed)) {
        fprintf(stderr, "fuzz_script: %s\n", e.msg[0] ? e.msg : a->message);
        abort();
    }
    setenv("LINES", "30", 1);
    setenv("COLUMNS", "100", 1);
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    if (!out || !in || !newterm("xterm-256color", out, in)) {
        fprintf(stderr, "fuzz_script: cannot start curses (is the xterm-256color terminfo installed?)\n");
        abort();
    }
    app_curses_modes(a);
    cmdline_init(a);
    stifle_history(100); /* the interface keeps 1,000 lines; here inputs would pile them up */
    app = a;
    atexit(stop_app);
}

/* libFuzzer reads its arguments after this set-up, which changes directory: the paths among
 * them (inputs, corpus directories, where findings go, the dictionary) are made absolute. */
static void absolute_paths(int argc, char **argv, const char *root)
{
    static const char *const flags[] = {"-artifact_prefix=", "-exact_artifact_path=", "-dict=", NULL};
    for (int i = 1; i < argc; i++) {
        const char *path = argv[i];
        size_t k = 0;
        for (int f = 0; flags[f]; f++)
            if (!strncmp(argv[i], flags[f], strlen(flags[f]))) k = strlen(flags[f]);
        if ((path[0] == '-' && !k) || path[k] == '/' || !path[k]) continue;
        size_t n = k + strlen(root) + strlen(path + k) + 2;
        char *abs = malloc(n);
        if (!abs) continue;
        snprintf(abs, n, "%.*s%s/%s", (int)k, path, root, path + k);
        argv[i] = abs; /* kept for the process's life, as argv is */
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    if (app) return 0;
    char root[PATH_MAX], box[PATH_MAX], s[PATH_MAX + 64], t[PATH_MAX + 64];
    if (!getcwd(root, sizeof root)) abort();
    if (argc && argv) absolute_paths(*argc, *argv, root);
    const char *env = getenv("NT_FUZZ_SANDBOX");
    snprintf(box, sizeof box, "%s", env && *env ? env : "build/fuzz/script-sandbox");
    nftw(box, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    for (char *p = box + 1; *p; p++)
        if (*p == '/') *p = 0, mkdir(box, 0755), *p = '/';
    if (mkdir(box, 0755) != 0) {
        fprintf(stderr, "fuzz_script: cannot make the sandbox %s: %s\n", box, strerror(errno));
        abort();
    }
    snprintf(t, sizeof t, "%s/corpora", box);
    mkdir(t, 0755);
    static const struct { const char *file; size_t max; } corpora[] = {
        {"stories.txt", 12 << 10}, {"korean.txt", 6 << 10}, {"examples.txt", 4 << 10}};
    for (size_t i = 0; i < sizeof corpora / sizeof corpora[0]; i++) {
        snprintf(s, sizeof s, "%s/corpora/%s", root, corpora[i].file);
        snprintf(t, sizeof t, "%s/corpora/%s", box, corpora[i].file);
        copy_head(s, t, corpora[i].max);
    }
    snprintf(s, sizeof s, "%s/lessons", root);
    snprintf(t, sizeof t, "%s/lessons", box);
    copy_lessons(s, t);
    snprintf(s, sizeof s, "%s/data/gpt2", root);
    if (!getenv("NEXTTOKEN_GPT2_DIR")) setenv("NEXTTOKEN_GPT2_DIR", access(s, R_OK) == 0 ? s : "/nonexistent", 1);
    if (chdir(box) != 0) abort();
    if (!getcwd(s, sizeof s)) abort();
    setenv("HOME", s, 1);
    setenv("INPUTRC", "/dev/null", 1);
    setenv("LANG", "C.UTF-8", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    setenv("XDG_DATA_HOME", "data", 1);
    setenv("XDG_STATE_HOME", "state", 1);
    setenv("NT_SCREEN_DIR", "dumps", 1);
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    mkdir("dumps", 0755);
    start_app();
    return 0;
}

/* Whether any "WORD N" in the input asks for more than max (anywhere: a line longer than the
 * script's buffer is read as several). */
static int asks_too_much(const char *text, const char *word, long max)
{
    size_t k = strlen(word);
    for (const char *p = text; (p = strstr(p, word)); p += k) {
        const char *q = p + k;
        if (!strcmp(word, "measure ")) { /* "measure KEYS N": N ends the line */
            const char *eol = strchr(q, '\n');
            size_t len = eol ? (size_t)(eol - q) : strlen(q);
            const char *last = q + len;
            while (last > q && last[-1] != ' ') last--;
            q = last;
        }
        if (atol(q) > max) return 1;
    }
    return 0;
}

/* What an input left: the files it made (the directories the sandbox started with stay). */
static void tidy(void)
{
    static const char *const dirs[] = {".", "dumps", "data/nexttoken", "state/nexttoken"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        DIR *d = opendir(dirs[i]);
        if (!d) continue;
        for (struct dirent *de; (de = readdir(d));) {
            char p[PATH_MAX];
            snprintf(p, sizeof p, "%s/%s", dirs[i], de->d_name);
            struct stat st;
            if (lstat(p, &st) == 0 && !S_ISDIR(st.st_mode)) unlink(p);
        }
        closedir(d);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!app) LLVMFuzzerInitialize(NULL, NULL);
    if (memchr(data, '/', size)) return -1;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    for (size_t i = 0; i < size; i++)
        if (!text[i]) text[i] = ' '; /* the scan below reads a C string */
    int refuse = asks_too_much(text, "wait step ", WAIT_MAX) || asks_too_much(text, "tick ", TICK_MAX)
                 || asks_too_much(text, "measure ", MEASURE_MAX);
    free(text);
    if (refuse) return -1;

    char path[64];
    int fd = fuzz_file(data, size, path, sizeof path);
    if (fd < 0) return 0;
    app->quit = 0;
    Err e;
    FILE *f = readfile_stream(path, "a script", &e);
    if (f) script_run(app, f, path); /* closes f */
    fuzz_file_close(fd);
    /* the next input starts from a quiet interface: no training running (a lesson may have
     * started some in the last drawing, which no snapshot shows yet: the pause is asked for
     * whatever the snapshot says, and waited for), no quit pending */
    if (app->tt) {
        tt_pause(app->tt);
        struct timespec ts = {0, 1000000};
        for (int i = 0; i < 60000 && (app_poll_trainer(app), app->snap.state == TT_RUNNING); i++) nanosleep(&ts, NULL);
    }
    app->quit = app->quit_unsaved = 0;
    app->quit_note[0] = 0;
    tidy();
    return 0;
}
