/* paths.c - the data directory and the program's directory. See paths.h. */
#include "core/base/paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int path_shipped_dir(const char *name, char *out, size_t cap)
{
    if (snprintf(out, cap, "%s", name) < (int)cap && is_dir(out)) return 0;
    char dir[NT_PATH_MAX];
    if (path_program_dir(dir, sizeof dir) == 0 && snprintf(out, cap, "%s/../%s", dir, name) < (int)cap && is_dir(out)) return 0;
    return -1;
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
