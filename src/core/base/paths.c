/* paths.c - the data directory, the program's directory and the shipped data. See paths.h. */
#include "core/base/paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/i18n.h"

int path_data_dir(char *out, size_t cap)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    int n = xdg && *xdg ? snprintf(out, cap, "%s/nexttoken", xdg)
                        : snprintf(out, cap, "%s/.local/share/nexttoken", home ? home : ".");
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

int path_state_dir(char *out, size_t cap)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n = xdg && *xdg ? snprintf(out, cap, "%s/nexttoken", xdg)
                        : snprintf(out, cap, "%s/.local/state/nexttoken", home ? home : ".");
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int path_program_dir(char *out, size_t cap)
{
    if (cap < 2) return -1;
    ssize_t k = readlink("/proc/self/exe", out, cap - 1);
    if (k <= 0 || (size_t)k >= cap - 1) return -1;
    out[k] = 0;
    char *slash = strrchr(out, '/');
    if (!slash) return -1;
    *slash = 0;
    return 0;
}

/* Appends a place unless the list is full, the path does not fit (then it is left out: a cut
 * path would name another directory) or it is already listed (the compiled-in directory is
 * also an XDG one when PREFIX is /usr/local or /usr). */
static void add(ShippedPlace *out, int max, int *n, int tree, const char *why, const char *fmt, const char *a, const char *b)
{
    if (*n >= max) return;
    ShippedPlace *p = &out[*n];
    int k = snprintf(p->dir, sizeof p->dir, fmt, a, b);
    if (k <= 0 || (size_t)k >= sizeof p->dir) return;
    /* <program>/../share/nexttoken reads better without its "bin/..", in --version and in the
     * lessons' list; a place that does not exist is kept as written */
    char *real = strstr(p->dir, "/..") ? realpath(p->dir, NULL) : NULL;
    if (real && strlen(real) < sizeof p->dir) memcpy(p->dir, real, strlen(real) + 1);
    free(real);
    for (int i = 0; i < *n; i++)
        if (strcmp(out[i].dir, p->dir) == 0) return;
    p->tree = tree;
    p->why = why;
    (*n)++;
}

int path_shipped_places(ShippedPlace *out, int max)
{
    int n = 0;
    char prog[NT_PATH_MAX], home[NT_PATH_MAX];
    int have_prog = path_program_dir(prog, sizeof prog) == 0;
    add(out, max, &n, 1, N_("the current directory, as a source tree"), "%s%s", ".", "");
    if (have_prog) add(out, max, &n, 1, N_("the program's parent folder, as a source tree"), "%s/..%s", prog, "");
#ifdef NT_DATADIR
    /* The Makefile's $(DATADIR), without any DESTDIR: where `make install` puts the data. */
    add(out, max, &n, 0, N_("the data directory compiled in"), "%s/nexttoken%s", NT_DATADIR, "");
#endif
    if (have_prog) add(out, max, &n, 0, N_("beside the program"), "%s/../share/nexttoken%s", prog, "");
    if (path_data_dir(home, sizeof home) == 0) add(out, max, &n, 0, "$XDG_DATA_HOME", "%s%s", home, "");
    /* $XDG_DATA_DIRS: a colon-separated list; empty entries are skipped, as the spec says. */
    const char *dirs = getenv("XDG_DATA_DIRS");
    if (!dirs || !*dirs) dirs = "/usr/local/share:/usr/share";
    for (const char *s = dirs; *s;) {
        size_t len = strcspn(s, ":");
        if (len > 0 && len < NT_PATH_MAX) {
            char one[NT_PATH_MAX];
            memcpy(one, s, len);
            one[len] = 0;
            add(out, max, &n, 0, "$XDG_DATA_DIRS", "%s/nexttoken%s", one, "");
        }
        s += len;
        if (*s == ':') s++;
    }
    return n;
}

int path_place_sub(const ShippedPlace *p, const char *name, char *out, size_t cap)
{
    int tree_vocab = p->tree && strcmp(name, "gpt2") == 0;
    int k = snprintf(out, cap, "%s/%s%s", p->dir, tree_vocab ? "data/" : "", name);
    /* "./corpora" reads better as "corpora" in messages, and means the same */
    if (k > 0 && (size_t)k < cap && strncmp(out, "./", 2) == 0) memmove(out, out + 2, (size_t)k - 1);
    return k > 0 && (size_t)k < cap ? 0 : -1;
}

/* The first place whose folder name is a directory (file NULL) or holds a readable file. */
static int find(const char *name, const char *file, char *out, size_t cap)
{
    ShippedPlace places[PATH_PLACES_MAX];
    int n = path_shipped_places(places, PATH_PLACES_MAX);
    for (int i = 0; i < n; i++) {
        if (path_place_sub(&places[i], name, out, cap) || !is_dir(out)) continue;
        if (!file) return 0;
        char p[NT_PATH_MAX + 256];
        if (snprintf(p, sizeof p, "%s/%s", out, file) < (int)sizeof p && access(p, R_OK) == 0) return 0;
    }
    return -1;
}

int path_shipped_dir(const char *name, char *out, size_t cap) { return find(name, NULL, out, cap); }

int path_shipped_file(const char *name, const char *file, char *out, size_t cap) { return find(name, file, out, cap); }

void path_corpus(const char *given, char *out, size_t cap)
{
    snprintf(out, cap, "%s", given);
    if (!*given || given[0] == '/' || access(given, F_OK) == 0) return;
    const char *base = strncmp(given, "corpora/", 8) == 0 ? given + 8 : given;
    if (!*base || strchr(base, '/') || !strcmp(base, ".") || !strcmp(base, "..")) return;
    char dir[NT_PATH_MAX];
    if (path_shipped_file("corpora", base, dir, sizeof dir) == 0) {
        int k = snprintf(out, cap, "%s/%s", dir, base);
        if (k < 0 || (size_t)k >= cap) snprintf(out, cap, "%s", given);
    }
}
