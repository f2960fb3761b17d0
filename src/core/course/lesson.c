/* lesson.c - reading and checking lesson files. See lesson.h. */
#include "core/course/lesson.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/array.h"
#include "core/base/i18n.h"
#include "core/base/number.h"
#include "core/base/readfile.h"
#include "core/base/utf8.h"
#include "core/course/figures.h"

#define FENCE "```"
#define DIRECTIVE_FENCE "```nexttoken"

/* The commands a lesson may not give: they read or write the user's files, or end the program. */
static const char *const forbidden[] = {"save", "load", "export", "quit", "q", "quit!", "help", "lesson", NULL};

/* An error at a line of the lesson: "PATH:LINE: ...". Returns -1. */
static int at_line(Err *e, const char *name, int line, const char *fmt, ...) NT_PRINTF(4, 5);
static int at_line(Err *e, const char *name, int line, const char *fmt, ...)
{
    char msg[ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_input(e, "%s:%d: %s", name, line, msg);
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n), d[n] = 0;
    return d;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
    return s;
}

/* ---- the parser's state ---- */

typedef struct Parser {
    Lesson *l;
    const char *name;
    Err *e;
    LessonStep *step;          /* the step being read, or NULL before the first */
    size_t cap_steps, cap_para, cap_dir;
    char *para;                /* the paragraph being gathered, or NULL */
    size_t para_len, para_cap;
    int para_line;
} Parser;

static int oom(Parser *p) { return err_nomem(p->e, N_("the lesson"), 0); }

/* Ends the paragraph being gathered, if any, and adds it to the step. */
static int end_paragraph(Parser *p)
{
    if (!p->para) return 0;
    LessonStep *s = p->step;
    if (array_grow((void **)&s->para, &p->cap_para, (size_t)s->n_para + 1, sizeof *s->para, 4)) return oom(p);
    s->para[s->n_para++] = (LessonText){p->para, p->para_line};
    p->para = NULL, p->para_len = p->para_cap = 0;
    return 0;
}

static int add_to_paragraph(Parser *p, const char *line, size_t n, int lineno)
{
    if (!p->para) p->para_line = lineno;
    size_t need = p->para_len + n + 2;
    if (array_grow((void **)&p->para, &p->para_cap, need, 1, 128)) return oom(p);
    if (p->para_len) p->para[p->para_len++] = '\n';
    memcpy(p->para + p->para_len, line, n);
    p->para_len += n;
    p->para[p->para_len] = 0;
    return 0;
}

static int new_step(Parser *p, const char *title, int lineno)
{
    if (p->step && end_paragraph(p)) return -1;
    Lesson *l = p->l;
    if (array_grow((void **)&l->steps, &p->cap_steps, (size_t)l->n_steps + 1, sizeof *l->steps, 8)) return oom(p);
    p->step = &l->steps[l->n_steps++];
    memset(p->step, 0, sizeof *p->step);
    p->cap_para = p->cap_dir = 0;
    p->step->line = lineno;
    p->step->n_before = -1;
    if (!(p->step->title = dup_n(title, strlen(title)))) return oom(p);
    return 0;
}

/* Every {{figure}} in text, checked for its syntax; line is text's first line. */
static int check_figures(Parser *p, const char *text, int line)
{
    for (const char *s = text; (s = strstr(s, "{{"));) {
        const char *end = strstr(s + 2, "}}");
        int at = line;
        for (const char *c = text; c < s; c++) at += *c == '\n';
        if (!end) return at_line(p->e, p->name, at, _("a figure opens with {{ and is not closed with }}"));
        Err fe;
        if (figure_check(s + 2, (size_t)(end - s - 2), &fe)) return at_line(p->e, p->name, at, _("%s"), fe.msg);
        s = end + 2;
    }
    return 0;
}

int lesson_train_wait(const char *args, double *val, long *steps)
{
    /* the words, at most eight of them (the longest form has seven) */
    char buf[256], *w[8], *save;
    int n = 0;
    if (snprintf(buf, sizeof buf, "%s", args) >= (int)sizeof buf) return -1;
    for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
        if (n < 8) w[n++] = t;
        else return -1;
    *val = 0, *steps = 0;
    int at = 0;
    if (n >= 4 && !strcmp(w[0], "until") && !strcmp(w[1], "val") && !strcmp(w[2], "<")) {
        if (num_double(w[3], NULL, val) || !(*val > 0)) return -1;
        if (n == 4) return 0;
        if (strcmp(w[4], "or") != 0) return -1;
        at = 5;
    }
    if (n != at + 2 || num_long(w[at], NULL, steps) || *steps <= 0 || strcmp(w[at + 1], "steps") != 0) return -1;
    return 0;
}

/* "train until val < X [or N steps]", "train N steps", "train start|pause|resume". */
static int check_train(Parser *p, const char *args, int line)
{
    double x;
    long n;
    if (!strcmp(args, "start") || !strcmp(args, "pause") || !strcmp(args, "resume")) return 0;
    if (lesson_train_wait(args, &x, &n) == 0) return 0;
    return at_line(p->e, p->name, line, _("train takes start, pause, resume, 'until val < X', 'until val < X or N steps' or 'N steps'"));
}

/* One line of a ```nexttoken block. */
static int directive(Parser *p, char *text, int line)
{
    LessonStep *s = p->step;
    char *t = trim(text);
    if (!*t || *t == '#') return 0;
    char word[32];
    size_t w = strcspn(t, " \t");
    snprintf(word, sizeof word, "%.*s", (int)(w < sizeof word ? w : sizeof word - 1), t);
    char *args = trim(t + w);
    if (!strcmp(word, "ask")) {
        if (s->ask.text) return at_line(p->e, p->name, line, _("a step asks one question"));
        if (!*args) return at_line(p->e, p->name, line, _("ask needs a question"));
        if (end_paragraph(p) || check_figures(p, args, line)) return -1;
        s->n_before = s->n_para;
        if (!(s->ask.text = dup_n(args, strlen(args)))) return oom(p);
        s->ask.line = line;
        return 0;
    }
    if (!strcmp(word, "choices")) {
        if (!s->ask.text) return at_line(p->e, p->name, line, _("choices come after ask"));
        if (s->n_choices) return at_line(p->e, p->name, line, _("a question has one line of choices"));
        for (char *c = args, *bar; c; c = bar ? bar + 1 : NULL) {
            bar = strchr(c, '|');
            if (bar) *bar = 0;
            char *one = trim(c);
            if (!*one) return at_line(p->e, p->name, line, _("an empty choice (choices A | B | C)"));
            if (s->n_choices == LESSON_MAX_CHOICES) return at_line(p->e, p->name, line, _("at most %d choices"), LESSON_MAX_CHOICES);
            if (check_figures(p, one, line)) return -1;
            if (!(s->choices[s->n_choices++] = dup_n(one, strlen(one)))) return oom(p);
        }
        if (s->n_choices < 2) return at_line(p->e, p->name, line, _("a question needs at least two choices (choices A | B)"));
        return 0;
    }
    if (!strcmp(word, "answer")) {
        if (!s->n_choices) return at_line(p->e, p->name, line, _("answer comes after ask and choices"));
        if (s->answer.text) return at_line(p->e, p->name, line, _("a question has one answer"));
        if (!*args) return at_line(p->e, p->name, line, _("answer needs the right choice"));
        if (check_figures(p, args, line)) return -1;
        int found = strstr(args, "{{") != NULL; /* a figure: compared with the choices when shown */
        for (int i = 0; i < s->n_choices && !found; i++) found = !strcmp(s->choices[i], args);
        if (!found) return at_line(p->e, p->name, line, _("the answer '%s' is not one of the choices"), args);
        if (!(s->answer.text = dup_n(args, strlen(args)))) return oom(p);
        s->answer.line = line;
        return 0;
    }
    for (int i = 0; forbidden[i]; i++)
        if (!strcmp(word, forbidden[i]))
            return at_line(p->e, p->name, line, _("a lesson cannot '%s': it may not read or write the user's files or end the program"), word);
    if (!strcmp(word, "corpus")) {
        if (!*args || strchr(args, '/') || !strcmp(args, ".") || !strcmp(args, ".."))
            return at_line(p->e, p->name, line, _("corpus takes a file name (no folders): a text in the lesson's folder or in corpora/"));
    }
    if (!strcmp(word, "train") && check_train(p, args, line)) return -1;
    if (check_figures(p, t, line)) return -1;
    if (array_grow((void **)&s->dir, &p->cap_dir, (size_t)s->n_dir + 1, sizeof *s->dir, 8)) return oom(p);
    if (!(s->dir[s->n_dir].text = dup_n(t, strlen(t)))) return oom(p);
    s->dir[s->n_dir++].line = line;
    return 0;
}

/* ---- the front matter ---- */

static int parse_int(const char *v, int lo, int hi, int *out)
{
    long x;
    if (num_long(v, NULL, &x) || x < lo || x > hi) return -1;
    *out = (int)x;
    return 0;
}

static int front_matter_field(Parser *p, char *line, int lineno, unsigned *seen)
{
    char *colon = strchr(line, ':');
    if (!colon) return at_line(p->e, p->name, lineno, _("the front matter takes 'field: value' lines"));
    *colon = 0;
    char *key = trim(line), *v = trim(colon + 1);
    Lesson *l = p->l;
    if (!strcmp(key, "title")) {
        if (!*v || strlen(v) >= sizeof l->title) return at_line(p->e, p->name, lineno, _("title: a title of at most %zu bytes"), sizeof l->title - 1);
        snprintf(l->title, sizeof l->title, "%s", v), *seen |= 1;
    } else if (!strcmp(key, "lang")) {
        size_t n = strlen(v);
        int ok = n >= 2 && n <= 3;
        for (size_t i = 0; i < n; i++) ok &= v[i] >= 'a' && v[i] <= 'z';
        if (!ok) return at_line(p->e, p->name, lineno, _("lang: a language code such as en or ko"));
        snprintf(l->lang, sizeof l->lang, "%s", v), *seen |= 2;
    } else if (!strcmp(key, "order")) {
        if (parse_int(v, 0, 9999, &l->order)) return at_line(p->e, p->name, lineno, _("order: a whole number from 0 to 9999"));
        *seen |= 4;
    } else if (!strcmp(key, "minutes")) {
        if (parse_int(v, 1, 240, &l->minutes)) return at_line(p->e, p->name, lineno, _("minutes: a whole number from 1 to 240"));
        *seen |= 8;
    } else {
        return at_line(p->e, p->name, lineno, _("unknown front matter field '%s' (title, lang, order, minutes)"), key);
    }
    return 0;
}

/* ---- the whole file ---- */

int lesson_parse(Lesson *l, const char *name, const char *text, size_t n, Err *e)
{
    memset(l, 0, sizeof *l);
    snprintf(l->path, sizeof l->path, "%s", name);
    Parser p = {.l = l, .name = name, .e = e};
    if (n > LESSON_MAX_BYTES) return err_input(e, _("%s: %zu bytes is not a lesson (at most %d)"), name, n, LESSON_MAX_BYTES);
    enum { START, FRONT, BODY, DIRECTIVES, CODE } state = START;
    unsigned seen = 0;
    int fence_line = 0, rc = 0;
    char *buf = NULL;
    size_t cap = 0;
    int lineno = 0;
    for (size_t at = 0; at < n && rc == 0;) {
        const char *nl = memchr(text + at, '\n', n - at);
        size_t len = nl ? (size_t)(nl - text - at) : n - at;
        /* the next line starts past this one's end whatever is cut from it below (a last line
         * "\r" without a newline, cut to nothing, once kept it at the same place for ever) */
        size_t next = at + len + (nl != NULL);
        lineno++;
        if (len && text[at + len - 1] == '\r') len--; /* CRLF files read the same */
        if (array_grow((void **)&buf, &cap, len + 1, 1, 256)) {
            rc = oom(&p);
            break;
        }
        memcpy(buf, text + at, len);
        buf[len] = 0;
        at = next;
        if (!utf8_valid((const uint8_t *)buf, len, NULL)) {
            rc = at_line(e, name, lineno, _("not UTF-8 text"));
            break;
        }
        if (memchr(buf, 0, len)) {
            rc = at_line(e, name, lineno, _("a NUL byte: not text"));
            break;
        }
        switch (state) {
        case START:
            if (strcmp(trim(buf), "---") != 0) rc = at_line(e, name, lineno, _("a lesson starts with front matter: a line '---', then title, lang, order and minutes"));
            state = FRONT;
            break;
        case FRONT:
            if (!strcmp(trim(buf), "---")) {
                static const char *fields[] = {"title", "lang", "order", "minutes"};
                for (int i = 0; i < 4 && rc == 0; i++)
                    if (!(seen & (1u << i))) rc = at_line(e, name, lineno, _("the front matter lacks '%s'"), fields[i]);
                state = BODY;
            } else if (*trim(buf)) {
                rc = front_matter_field(&p, buf, lineno, &seen);
            }
            break;
        case BODY:
            if (!strncmp(buf, "## ", 3)) {
                rc = new_step(&p, trim(buf + 3), lineno);
            } else if (!strcmp(trim(buf), DIRECTIVE_FENCE)) {
                if (!p.step) rc = at_line(e, name, lineno, _("directives belong to a step: put a '## heading' before them"));
                else rc = end_paragraph(&p), state = DIRECTIVES, fence_line = lineno;
            } else if (!p.step) {
                /* before the first step: a title, an introduction for readers of the file */
                if (!strncmp(buf, FENCE, 3)) state = CODE, fence_line = lineno;
            } else if (!strncmp(buf, FENCE, 3)) {
                rc = add_to_paragraph(&p, buf, len, lineno), state = CODE, fence_line = lineno;
            } else if (!*trim(buf)) {
                rc = end_paragraph(&p);
            } else {
                rc = add_to_paragraph(&p, buf, strlen(buf), lineno);
            }
            break;
        case DIRECTIVES:
            if (!strcmp(trim(buf), FENCE)) state = BODY;
            else if (!strncmp(buf, FENCE, 3) || !strncmp(buf, "## ", 3)) /* the block was left open */
                rc = at_line(e, name, fence_line, _("this block is not closed with a line ``` before line %d"), lineno);
            else rc = directive(&p, buf, lineno);
            break;
        case CODE: /* a code block of the narration, kept as it is */
            if (p.step) rc = add_to_paragraph(&p, buf, len, lineno);
            if (!strncmp(buf, FENCE, 3)) state = BODY;
            break;
        }
    }
    free(buf);
    if (rc == 0) {
        if (state == START || state == FRONT) rc = at_line(e, name, lineno ? lineno : 1, _("the front matter is not closed with a line '---'"));
        else if (state == DIRECTIVES || state == CODE) rc = at_line(e, name, fence_line, _("this block is not closed with a line ```"));
        else if (p.step) rc = end_paragraph(&p);
    }
    if (rc == 0 && l->n_steps == 0) rc = at_line(e, name, lineno, _("a lesson has at least one step: a '## heading'"));
    for (int i = 0; rc == 0 && i < l->n_steps; i++) {
        LessonStep *s = &l->steps[i];
        if (s->ask.text && !s->answer.text)
            rc = at_line(e, name, s->ask.line, _("a question needs its choices and its answer (choices A | B, answer A)"));
        if (s->n_before < 0) s->n_before = s->n_para;
        for (int k = 0; rc == 0 && k < s->n_para; k++) rc = check_figures(&p, s->para[k].text, s->para[k].line);
    }
    free(p.para);
    if (rc) lesson_free(l);
    return rc;
}

int lesson_load(Lesson *l, const char *path, Err *e)
{
    memset(l, 0, sizeof *l);
    uint8_t *data;
    size_t size;
    if (readfile_all(path, N_("a lesson file"), &data, &size, e)) return -1;
    int rc = lesson_parse(l, path, (const char *)data, size, e);
    free(data);
    if (rc) return -1;
    const char *slash = strrchr(path, '/');
    if (slash) snprintf(l->dir, sizeof l->dir, "%.*s", (int)(slash - path), path);
    else snprintf(l->dir, sizeof l->dir, ".");
    return 0;
}

static void text_free(LessonText *t, int n)
{
    for (int i = 0; i < n; i++) free(t[i].text);
    free(t);
}

void lesson_free(Lesson *l)
{
    for (int i = 0; i < l->n_steps; i++) {
        LessonStep *s = &l->steps[i];
        free(s->title);
        text_free(s->para, s->n_para);
        text_free(s->dir, s->n_dir);
        free(s->ask.text), free(s->answer.text);
        for (int k = 0; k < s->n_choices; k++) free(s->choices[k]);
    }
    free(l->steps);
    memset(l, 0, sizeof *l);
}

/* ---- corpora ---- */

/* Whether the file path resolves to lies inside folder dir (both with links followed). */
static int inside(const char *dir, const char *path, char *resolved, size_t cap)
{
    char d[PATH_MAX], f[PATH_MAX];
    if (!realpath(dir, d) || !realpath(path, f)) return 0;
    size_t k = strlen(d);
    if (strncmp(f, d, k) != 0 || f[k] != '/') return 0;
    return snprintf(resolved, cap, "%s", f) < (int)cap;
}

int lesson_corpus_path(const Lesson *l, const char *name, const char *corpora_dir, char *out, size_t cap, Err *e)
{
    if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
        return err_input(e, _("corpus takes a file name (no folders)"));
    const char *dirs[2] = {l->dir, corpora_dir};
    for (int i = 0; i < 2; i++) {
        if (!dirs[i] || !dirs[i][0]) continue;
        char path[NT_PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s", dirs[i], name);
        if (inside(dirs[i], path, out, cap)) return 0;
    }
    return err_input(e, _("no corpus '%s' in the lesson's folder or in corpora/ (or it leads out of them)"), name);
}

/* ---- a folder of lessons ---- */

static int by_order(const void *x, const void *y)
{
    const Lesson *a = x, *b = y;
    if (a->order != b->order) return (a->order > b->order) - (a->order < b->order);
    return strcmp(a->path, b->path);
}

int lesson_list(const char *dir, const char *lang, LessonList *out, int *broken, Err *e)
{
    memset(out, 0, sizeof *out);
    if (broken) *broken = 0;
    char folder[NT_PATH_MAX];
    if (snprintf(folder, sizeof folder, "%s/%s", dir, lang) >= (int)sizeof folder) return err_input(e, _("%s: path too long"), dir);
    DIR *d = opendir(folder);
    if (!d) return errno == ENOENT ? 0 : err_input(e, "%s: %s", folder, strerror(errno));
    size_t cap = 0;
    int rc = 0;
    for (struct dirent *ent; (ent = readdir(d)) != NULL;) {
        size_t k = strlen(ent->d_name);
        if (k < 4 || strcmp(ent->d_name + k - 3, ".md") != 0 || ent->d_name[0] == '.') continue;
        if (array_grow((void **)&out->lessons, &cap, (size_t)out->n + 1, sizeof *out->lessons, 8)) {
            rc = err_nomem(e, N_("the lessons"), 0);
            break;
        }
        char path[NT_PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s", folder, ent->d_name);
        Err le;
        if (lesson_load(&out->lessons[out->n], path, &le) == 0) out->n++;
        else if (broken) (*broken)++;
    }
    closedir(d);
    if (rc) {
        lesson_list_free(out);
        return -1;
    }
    qsort(out->lessons, (size_t)out->n, sizeof *out->lessons, by_order);
    return 0;
}

void lesson_list_free(LessonList *ls)
{
    for (int i = 0; i < ls->n; i++) lesson_free(&ls->lessons[i]);
    free(ls->lessons);
    memset(ls, 0, sizeof *ls);
}
