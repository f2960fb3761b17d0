/*
 * paths.h - where nexttoken keeps and finds its files: the user's data directory (models,
 * command history, downloaded vocabularies) and the directory of the running program (the
 * source tree's corpora and data/ when run from build/). Used by vocabfile.c and the interface;
 * NT_PATH_MAX by every struct that keeps a path.
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
/* A folder that ships with nexttoken ("corpora", "lessons"): ./NAME when it is a directory, else
 * NAME beside the program's build directory (the source tree it was built in). -1 if neither. */
int path_shipped_dir(const char *name, char *out, size_t cap);
/* The directory holding the running program (/proc/self/exe's); -1 if unknown. */
int path_program_dir(char *out, size_t cap);

#endif
