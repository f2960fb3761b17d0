/* replay.c - runs a harness without libFuzzer (`make test`): every file named, and every file in
 * every directory named, goes once through LLVMFuzzerTestOneInput. The seeds and the inputs a
 * fuzzer once found (tests/fuzz/regressions/) are replayed this way on every test run, with the
 * ordinary compiler (and under the sanitizers by `make test-sanitize`). All inputs are read
 * before the harness's set-up, which may change directory. */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

typedef struct {
    char *name;
    uint8_t *data;
    size_t size;
} Input;

static Input *inputs;
static size_t n_inputs, cap_inputs;

static int add_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: cannot read\n", path);
        return -1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    for (size_t k; buf && (k = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += k;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb) free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (n_inputs == cap_inputs) {
        Input *ni = realloc(inputs, (cap_inputs = cap_inputs ? 2 * cap_inputs : 64) * sizeof *ni);
        if (!ni) return -1;
        inputs = ni;
    }
    if (!buf) return -1;
    inputs[n_inputs++] = (Input){strdup(path), buf, n};
    return 0;
}

/* A failed check names the input that made it. */
static const char *current;
static void on_crash(int sig)
{
    static const char msg[] = "replay: crashed on ";
    if (current) {
        (void)!write(2, msg, sizeof msg - 1);
        (void)!write(2, current, strlen(current));
        (void)!write(2, "\n", 1);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int add(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s: no such file\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) return add_file(path);
    DIR *d = opendir(path);
    if (!d) return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (de->d_name[0] == '.') continue;
        if (n == cap) names = realloc(names, (cap = cap ? 2 * cap : 32) * sizeof *names);
        size_t len = strlen(path) + strlen(de->d_name) + 2;
        names[n] = malloc(len);
        snprintf(names[n++], len, "%s/%s", path, de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        rc |= add(names[i]);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (add(argv[i])) return 2;
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    signal(SIGABRT, on_crash); /* not the others: the sanitizers report those */
    for (size_t i = 0; i < n_inputs; i++) {
        current = inputs[i].name;
        LLVMFuzzerTestOneInput(inputs[i].data, inputs[i].size);
        current = NULL;
        free(inputs[i].name);
        free(inputs[i].data);
    }
    free(inputs);
    printf("%zu inputs\n", n_inputs);
    return 0;
}
