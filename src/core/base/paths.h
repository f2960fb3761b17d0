/*
 * paths.h - where nexttoken keeps and finds its files: the user's data directory (models,
 * command history, downloaded vocabularies), the user's state directory (the lessons' progress),
 * the directory of the running program, and the data that ships with nexttoken (corpora,
 * lessons, the GPT-2 / cl100k / o200k vocabularies). Used by vocabfile.c, the training session,
 * the commands and the interface; NT_PATH_MAX by every struct that keeps a path.
 *
 * Shipped data is looked for in these places, in order, and the first that holds what is
 * wanted wins (each of "corpora", "lessons" and "gpt2" is looked for on its own):
 *   1. the current directory, as a source tree: ./corpora, ./lessons, ./data/gpt2;
 *   2. the source tree the program was built in, <program's dir>/.. (build/nexttoken's tree);
 *   3. the data directory compiled in, NT_DATADIR/nexttoken (the Makefile's $(DATADIR),
 *      $(PREFIX)/share by default): corpora, lessons, gpt2;
 *   4. <program's dir>/../share/nexttoken, for an installed tree moved elsewhere (or staged
 *      under a DESTDIR, whose binary has the final prefix compiled in);
 *   5. $XDG_DATA_HOME/nexttoken (~/.local/share/nexttoken), then each $XDG_DATA_DIRS entry's
 *      nexttoken (/usr/local/share:/usr/share when unset).
 * The source tree comes first so that a build in the tree runs on the tree's own lessons, as
 * the tests expect; then what was installed with this very program, so that the program and its
 * lessons agree; the XDG directories last, for data installed by hand. $NEXTTOKEN_GPT2_DIR,
 * when set, is the only place vocabularies are looked for (vocabfile.c).
 */
#ifndef NT_PATHS_H
#define NT_PATHS_H

#include <stddef.h>

/* The bytes a path buffer holds, its NUL included: Linux's PATH_MAX, named here so that every
 * struct that keeps a path (a save's target, a checkpoint's corpus, the autosave) agrees. */
#define NT_PATH_MAX 4096

/* $XDG_DATA_HOME/nexttoken, else $HOME/.local/share/nexttoken. -1 if it does not fit in cap. */
int path_data_dir(char *out, size_t cap);
/* $XDG_STATE_HOME/nexttoken, else $HOME/.local/state/nexttoken: what is remembered between
 * sessions that is not a file the user made (the lessons' progress). -1 if it does not fit. */
int path_state_dir(char *out, size_t cap);
/* The directory holding the running program (/proc/self/exe's); -1 if unknown. */
int path_program_dir(char *out, size_t cap);

/* One place shipped data may be: a directory, whether it is laid out as the source tree is
 * (vocabularies in data/gpt2) or as an installation is (in gpt2), and why it is looked in. */
typedef struct {
    char dir[NT_PATH_MAX];
    int tree;
    const char *why;
} ShippedPlace;
/* Four places, $XDG_DATA_HOME and eleven $XDG_DATA_DIRS entries (more are left out); a list of
 * them is 64 KB, on the stack of whoever asks. */
#define PATH_PLACES_MAX 16

/* The places above, in the order they are searched, whether or not they exist; returns how
 * many were written (at most max). A place whose path does not fit is left out. */
int path_shipped_places(ShippedPlace *out, int max);
/* A place's folder for name ("corpora", "lessons", "gpt2"): gpt2 is data/gpt2 in a tree. */
int path_place_sub(const ShippedPlace *p, const char *name, char *out, size_t cap);
/* A folder that ships with nexttoken ("corpora", "lessons", "gpt2"): the first place that has
 * it as a directory. -1 if none does. */
int path_shipped_dir(const char *name, char *out, size_t cap);
/* The first shipped folder name that holds a readable file: its directory in out; -1 if none. */
int path_shipped_file(const char *name, const char *file, char *out, size_t cap);
/* A corpus as the user named it: the path itself when it exists, is absolute, or leads through
 * folders; else, for a bare file name or corpora/NAME (the README's examples, run from any
 * directory), the shipped corpus of that name when there is one; else the name unchanged, for
 * the error to name. */
void path_corpus(const char *given, char *out, size_t cap);

#endif
