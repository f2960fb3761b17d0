/*
 * lesson.h - a lesson file: Markdown that narrates a class and drives the panels.
 *
 * The format is lessons/README.md's: front matter (title, lang, order, minutes) between two
 * "---" lines; then steps, each a "## heading", its narration (paragraphs, which may hold
 * {{figures}}: figures.h), and ```nexttoken blocks of directives, one per line, among them an
 * optional question (ask / choices / answer). This module reads and checks the file and keeps
 * every part with its line, so that whoever runs the lesson can say FILE:LINE of a problem. It
 * refuses what a lesson must never do (save, load, export, quit; a corpus outside the lesson's
 * folder and nexttoken's corpora) before anything runs; what the directives mean is the
 * interface's business (the commands they are), and it checks them as it applies them.
 *
 * Used by the interface's lesson runner and by `nexttoken lessons --check`.
 */
#ifndef NT_LESSON_H
#define NT_LESSON_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/base/paths.h"

#define LESSON_MAX_BYTES (1 << 20)  /* a lesson is a few pages; a bigger file is not one */
#define LESSON_MAX_CHOICES 8

typedef struct LessonText {
    char *text;                /* one line of a directive, or a paragraph (lines joined by \n) */
    int line;                  /* where it starts in the file, from 1 */
} LessonText;

typedef struct LessonStep {
    char *title;
    int line;
    LessonText *para;          /* the narration, paragraph by paragraph */
    int n_para;
    int n_before;              /* the paragraphs shown before the question is answered (all of
                                * them when there is no question) */
    LessonText *dir;           /* the directives, in order, without the question's lines */
    int n_dir;
    /* the question, if any (ask.text NULL: none) */
    LessonText ask;
    char *choices[LESSON_MAX_CHOICES];
    int n_choices;
    LessonText answer;
} LessonStep;

typedef struct Lesson {
    char path[NT_PATH_MAX];    /* as given, for messages */
    char dir[NT_PATH_MAX];     /* its folder: the corpora it names may be there */
    char title[256];
    char lang[8];              /* "en", "ko" */
    int order, minutes;
    LessonStep *steps;
    int n_steps;
} Lesson;

/* Reads and checks a lesson file. Errors are ERR_INPUT "PATH:LINE: what is wrong". */
int lesson_load(Lesson *l, const char *path, Err *e);
/* The same from text in memory; name is what messages call it. */
int lesson_parse(Lesson *l, const char *name, const char *text, size_t n, Err *e);
void lesson_free(Lesson *l);

/* The corpus file a lesson's "corpus NAME" means: NAME in the lesson's folder, else in
 * corpora_dir; a plain file name, and the file where it resolves (links followed) must lie in
 * that folder. Into out; ERR_INPUT otherwise (the message says what, the caller says where). */
int lesson_corpus_path(const Lesson *l, const char *name, const char *corpora_dir, char *out, size_t cap, Err *e);

/* How long a "train" directive trains, from now: "until val < X or N steps", "until val < X"
 * or "N steps" (words apart by spaces, numbers as core/base/number.h reads them). *val is the
 * validation loss to get below (0: none), *steps the most steps (0: no limit). 0, or -1 when
 * args is none of these. The lesson checker and the lesson runner (src/tui) both read it here. */
int lesson_train_wait(const char *args, double *val, long *steps);

/* The lessons of a folder for a language: the .md files of dir/LANG, sorted by order (then file name). Each
 * entry is loaded whole; one that fails to load is skipped and counted in *broken. */
typedef struct LessonList {
    Lesson *lessons;
    int n;
} LessonList;
int lesson_list(const char *dir, const char *lang, LessonList *out, int *broken, Err *e);
void lesson_list_free(LessonList *ls);

#endif
