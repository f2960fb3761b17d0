/* app_commands.c - the command line's language: each command parses its argument and calls a
 * typed setter (app_session.c), which does the work and says what it did. Commands that would
 * replace a model whose training is not saved ask first; y does the pending action. The table
 * below is also the help's list and the completion's. See tui.h. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/atomicfile.h"
#include "core/base/escape.h"
#include "core/base/number.h"
#include "core/base/paths.h"
#include "core/course/lesson.h"
#include "core/text/corpus.h"
#include "tui.h"

#define LOSS_CSV_HEADER "step,seconds,loss,val_loss"

void app_ask(App *a, const Pending *p)
{
    a->pending = *p;
    /* the question quotes a path or a value the user typed: shown escaped, as messages are */
    escape_str(p->question, a->pending.question, sizeof a->pending.question);
}

void app_do_pending(App *a)
{
    Pending p = a->pending;
    a->pending.kind = PENDING_NONE;
    switch (p.kind) {
    case PENDING_QUIT: a->quit = 1, a->quit_unsaved = 1; break;
    case PENDING_LOAD: app_load_model(a, p.path, 0); break;
    case PENDING_NEW_MODEL: app_new_model(a, p.path, p.preset, p.seed); break;
    case PENDING_NONE: break;
    }
}

/* A number for a float setting (core/base/number.h's strict decimal). */
static int parse_float(const char *s, float *out)
{
    double v;
    if (num_double(s, NULL, &v) != NUM_OK || fabs(v) > FLT_MAX) return -1;
    *out = (float)v;
    return 0;
}

/* ---- training and models ---- */

static void cmd_train(App *a, const char *arg)
{
    if (!strcmp(arg, "pause")) app_train_pause(a);
    else if (!strcmp(arg, "resume") || !strcmp(arg, "start")) app_train_resume(a);
    else if (!strcmp(arg, "stop")) app_train_stop(a);
    else app_message(a, 1, _("train start, pause, resume or stop"));
}

static void cmd_save(App *a, const char *arg)
{
    if (!*arg) app_message(a, 1, _("save FILE"));
    else app_save(a, arg);
}

static void cmd_load(App *a, const char *arg)
{
    if (!*arg) {
        app_message(a, 1, _("load FILE"));
        return;
    }
    if (!app_unsaved(a)) {
        app_load_model(a, arg, 0);
        return;
    }
    Pending p = {.kind = PENDING_LOAD};
    snprintf(p.path, sizeof p.path, "%s", arg);
    snprintf(p.question, sizeof p.question, _("Load %s? The current model's last %ld steps are not saved. [y/N]"), arg,
             a->snap.step - a->saved_step);
    app_ask(a, &p);
}

/* :corpus, :preset and :seed each start a new model with one setting changed. */
static void new_model(App *a, const char *what, const char *value, const char *corpus, const char *preset, uint64_t seed)
{
    if (!app_unsaved(a)) {
        app_new_model(a, corpus, preset, seed);
        return;
    }
    Pending p = {.kind = PENDING_NEW_MODEL, .seed = seed};
    snprintf(p.path, sizeof p.path, "%s", corpus);
    snprintf(p.preset, sizeof p.preset, "%s", preset);
    snprintf(p.question, sizeof p.question, _("Start a new model with %s %s? The current one's last %ld steps are not saved. [y/N]"),
             what, value, a->snap.step - a->saved_step);
    app_ask(a, &p);
}

static void cmd_corpus(App *a, const char *arg)
{
    Corpus c;
    Err e;
    char found[NT_PATH_MAX];
    path_corpus(arg, found, sizeof found); /* a shipped corpus by name, from anywhere */
    if (!*arg) app_message(a, 1, _("corpus needs a value"));
    else if (corpus_open(&c, found, &e)) app_message(a, 1, "%s", e.msg);
    else corpus_close(&c), new_model(a, "corpus", arg, found, a->preset, a->seed);
}

static void cmd_preset(App *a, const char *arg)
{
    GPT2Config probe;
    Err e;
    if (!*arg) app_message(a, 1, _("preset needs a value"));
    else if (gpt2_preset(arg, &probe, &e)) app_message(a, 1, "%s", e.msg);
    else new_model(a, "preset", arg, a->corpus_path, arg, a->seed);
}

static void cmd_seed(App *a, const char *arg)
{
    uint64_t v;
    if (!*arg) app_message(a, 1, _("seed needs a value"));
    else if (num_u64(arg, NULL, &v) != NUM_OK) app_message(a, 1, _("seed takes a whole number"));
    else new_model(a, "seed", arg, a->corpus_path, a->preset, v);
}

static void cmd_lr(App *a, const char *arg)
{
    float f;
    if (parse_float(arg, &f)) app_message(a, 1, _("lr takes a learning rate in (0, 10]"));
    else app_set_lr(a, f);
}

/* ---- what the panels share ---- */

static void cmd_prompt(App *a, const char *arg) { app_set_prompt(a, arg); }

/* :temp, :top-p, :top-k and :min-p: one knob of the sampler each */
static void set_knob(App *a, const char *name, const char *arg, int knob)
{
    SamplerConfig sc = a->sc;
    float f;
    long k;
    if (knob == 2) { /* a whole number; past any vocabulary is as good as off */
        if (num_long(arg, NULL, &k) != NUM_OK || k < 0) {
            app_message(a, 1, _("top-k takes a whole number of tokens (0: off)"));
            return;
        }
        sc.top_k = k > TOKENIZER_MAX_VOCAB ? TOKENIZER_MAX_VOCAB : (int)k;
    } else if (parse_float(arg, &f)) {
        app_message(a, 1, _("%s takes a number"), name);
        return;
    } else if (knob == 0) {
        sc.temperature = f;
    } else if (knob == 1) {
        sc.top_p = f;
    } else {
        sc.min_p = f;
    }
    app_set_sampling(a, &sc);
}
static void cmd_temp(App *a, const char *arg) { set_knob(a, "temp", arg, 0); }
static void cmd_top_p(App *a, const char *arg) { set_knob(a, "top-p", arg, 1); }
static void cmd_top_k(App *a, const char *arg) { set_knob(a, "top-k", arg, 2); }
static void cmd_min_p(App *a, const char *arg) { set_knob(a, "min-p", arg, 3); }

static void cmd_panel(App *a, const char *arg)
{
    const Panel *p = panel_named(arg);
    if (p) app_switch(a, p);
    else app_message(a, 1, _("no panel '%s' (%s)"), arg, panel_names_text());
}

/* :lesson NAME - a lesson file, or a shipped lesson by its file's name or its order */
static void cmd_lesson(App *a, const char *arg)
{
    if (!*arg) app_message(a, 1, _("lesson NAME: a lesson file, or one of the lessons by name or number (the Lessons panel lists them)"));
    else app_lesson_take(a, arg);
}

static void cmd_lang(App *a, const char *arg)
{
    if (strcmp(arg, "en") != 0 && strcmp(arg, "ko") != 0) app_message(a, 1, _("lang en or lang ko"));
    else if (!strcmp(arg, "ko") && !a->utf8) app_message(a, 1, "%s", _("Korean needs a UTF-8 terminal and locale (LANG=ko_KR.UTF-8)"));
    else app_set_lang(a, arg);
}

static void cmd_present(App *a, const char *arg)
{
    (void)arg;
    a->present = !a->present;
}

static int is_loss_csv(const uint8_t *head, size_t n)
{
    size_t k = n < strlen(LOSS_CSV_HEADER) ? n : strlen(LOSS_CSV_HEADER);
    return memcmp(head, LOSS_CSV_HEADER, k) == 0;
}
static const FileKind loss_csv_kind = {N_("a loss export"), is_loss_csv};

/* The loss history as CSV, one row per step, the validation loss where there was one. */
static void export_loss(App *a, const char *path)
{
    AtomicFile af;
    Err e;
    if (atomic_open(&af, path, &loss_csv_kind, &e)) {
        app_message(a, 1, "%s", e.msg);
        return;
    }
    char line[128];
    int n = snprintf(line, sizeof line, LOSS_CSV_HEADER "\n");
    atomic_write(&af, line, (size_t)n);
    long v = 0;
    for (long i = 0; i < a->hist_n; i++) {
        long step = i + 1;
        while (v < a->val_n && a->val_step[v] < step) v++;
        if (v < a->val_n && a->val_step[v] == step)
            n = snprintf(line, sizeof line, "%ld,%.3f,%.6f,%.6f\n", step, a->hist_sec[i], a->hist_loss[i], a->val_loss[v]);
        else
            n = snprintf(line, sizeof line, "%ld,%.3f,%.6f,\n", step, a->hist_sec[i], a->hist_loss[i]);
        atomic_write(&af, line, (size_t)n);
    }
    if (atomic_commit(&af, &e)) app_message(a, 1, "%s", e.msg);
    else app_message(a, 0, _("wrote %ld steps of loss history to %s"), a->hist_n, path);
}

static void cmd_export(App *a, const char *arg)
{
    if (strncmp(arg, "loss ", 5) != 0 || !arg[5]) app_message(a, 1, _("export loss FILE"));
    else export_loss(a, arg + 5);
}

static void cmd_help(App *a, const char *arg)
{
    (void)arg;
    a->help_open = 1;
}

static void cmd_quit(App *a, const char *arg)
{
    (void)arg;
    app_request_quit(a);
}

static const char *const train_words[] = {"start", "pause", "resume", "stop", NULL};
static const char *const export_words[] = {"loss", NULL};
static const char *const lang_words[] = {"en", "ko", NULL};

const CommandInfo app_commands[] = {
    {"train", "start|pause|resume|stop", NULL, COMPLETE_WORDS, train_words, cmd_train},
    {"save", "FILE", NULL, COMPLETE_FILES, NULL, cmd_save},
    {"load", "FILE", NULL, COMPLETE_FILES, NULL, cmd_load},
    {"corpus", "FILE", NULL, COMPLETE_FILES, NULL, cmd_corpus},
    {"preset", "NAME", NULL, COMPLETE_PRESETS, NULL, cmd_preset},
    {"lr", "X", NULL, COMPLETE_NONE, NULL, cmd_lr},
    {"seed", "N", NULL, COMPLETE_NONE, NULL, cmd_seed},
    {"prompt", "TEXT", NULL, COMPLETE_NONE, NULL, cmd_prompt},
    {"temp", "X", "temperature", COMPLETE_NONE, NULL, cmd_temp},
    {"top-p", "X", NULL, COMPLETE_NONE, NULL, cmd_top_p},
    {"top-k", "N", NULL, COMPLETE_NONE, NULL, cmd_top_k},
    {"min-p", "X", NULL, COMPLETE_NONE, NULL, cmd_min_p},
    {"panel", "NAME", NULL, COMPLETE_PANELS, NULL, cmd_panel},
    {"lesson", "NAME", NULL, COMPLETE_FILES, NULL, cmd_lesson},
    {"lang", "en|ko", NULL, COMPLETE_WORDS, lang_words, cmd_lang},
    {"present", "", NULL, COMPLETE_NONE, NULL, cmd_present},
    {"export", "loss FILE", NULL, COMPLETE_WORDS, export_words, cmd_export},
    {"help", "", NULL, COMPLETE_NONE, NULL, cmd_help},
    {"quit", "", "q", COMPLETE_NONE, NULL, cmd_quit},
    {NULL, NULL, NULL, 0, NULL, NULL},
};

void app_command(App *a, const char *line)
{
    while (*line == ' ' || *line == ':') line++;
    char cmd[64] = "";
    int k = 0;
    while (line[k] && line[k] != ' ' && k < 63) cmd[k] = line[k], k++;
    cmd[k] = 0;
    const char *rest = line + k;
    while (*rest == ' ') rest++;
    if (!cmd[0]) return;
    for (const CommandInfo *c = app_commands; c->name; c++)
        if (!strcmp(cmd, c->name) || (c->alias && !strcmp(cmd, c->alias))) {
            c->run(a, rest);
            return;
        }
    /* the focused panel's own commands (:merges 20 on the Tokens panel) */
    if (a->panel->command) {
        char *argv[2] = {cmd, (char *)rest};
        if (a->panel->command(a, app_panel_state(a, a->panel), 2, argv)) return;
    }
    /* any panel's, named first (:slice tokens words): what lessons write */
    const Panel *p = panel_named(cmd);
    if (p && strcmp(cmd, p->name) == 0) {
        char sub[64] = "";
        int j = 0;
        while (rest[j] && rest[j] != ' ' && j < 63) sub[j] = rest[j], j++;
        sub[j] = 0;
        const char *args = rest + j;
        while (*args == ' ') args++;
        char *argv[2] = {sub, (char *)args};
        if (!sub[0] || !p->command || !p->command(a, app_panel_state(a, p), 2, argv))
            app_message(a, 1, _("the %s panel has no command '%s'%s"), p->name, sub, p->command ? "" : _(" (it takes none)"));
        return;
    }
    app_message(a, 1, _("unknown command '%s' (help lists them)"), cmd);
}
