/*
 * decode_bench.c - what decoding at batch 1 is bound by, and the model to measure it on.
 *
 * A token at batch 1 reads every weight once (each matrix is a matrix-vector product), so its
 * time cannot be below weight bytes / memory read bandwidth. This program gives the two sides of
 * that bound; bench/run.sh times `nexttoken sample --timing` against it.
 *
 *   decode_bench --bandwidth [--threads N] [--mb M] [--json]
 *       the machine's read bandwidth: a streaming read of an M MB buffer (512; far larger than
 *       the caches), with 1 and with N threads (every core), the median of 9 passes each
 *   decode_bench --make-model FILE [--seed S]
 *       writes an llm.c model file shaped as GPT-2 124M (12 layers, 12 heads, width 768,
 *       context 1024, vocabulary 50,257, padded to 50,304 in the file) with random weights
 *   decode_bench --publish [--json]
 *       what it costs the trainer to hand its weights to the interface's panels: one copy of
 *       the weights into a buffer made earlier (trainer_thread.c's copy_weights, done between
 *       two steps when a panel asks), at `small` (vocabulary 512, as `make run` trains it) and
 *       at GPT-2 124M; the median of 9
 *   decode_bench --rss COMMAND [ARG...]
 *       runs the command and then prints its peak resident memory to standard error,
 *       "rss KB" (GNU time is not on every machine)
 *   decode_bench --weight-bytes FILE
 *       the bytes one token reads from a model: every weight except the position table, of
 *       which one row is read
 */
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/clock.h"
#include "core/base/rng.h"
#include "core/model/gpt2.h"
#include "core/model/llmc.h"
#include "core/train/checkpoint.h"

typedef struct {
    const uint64_t *p;
    size_t n;
    uint64_t sum;
} ReadPart;

/* Reads a range the fastest way the C library knows: memchr for a byte that is not there
 * (glibc picks an AVX2 or AVX-512 loop for the CPU at run time), so the pass is limited by the
 * memory, not by the arithmetic of a loop compiled for a baseline x86-64. */
static void *read_part(void *arg)
{
    ReadPart *r = arg;
    r->sum = memchr(r->p, 2, r->n * 8) != NULL;
    return NULL;
}

/* Seconds for one pass over buf with `threads` threads, each reading a contiguous part. */
static double read_pass(const uint64_t *buf, size_t n, int threads, uint64_t *sink)
{
    pthread_t th[64];
    ReadPart parts[64];
    double t0 = clock_now();
    for (int t = 0; t < threads; t++) {
        size_t a = n * (size_t)t / (size_t)threads, b = n * (size_t)(t + 1) / (size_t)threads;
        parts[t] = (ReadPart){buf + a, b - a, 0};
        if (t > 0) pthread_create(&th[t], NULL, read_part, &parts[t]);
    }
    read_part(&parts[0]);
    for (int t = 1; t < threads; t++) pthread_join(th[t], NULL);
    double s = clock_now() - t0;
    for (int t = 0; t < threads; t++) *sink += parts[t].sum;
    return s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_gbs(const uint64_t *buf, size_t n, int threads, uint64_t *sink)
{
    double gbs[9];
    read_pass(buf, n, threads, sink); /* warm-up */
    for (int i = 0; i < 9; i++) gbs[i] = (double)n * 8 / read_pass(buf, n, threads, sink) / 1e9;
    qsort(gbs, 9, sizeof *gbs, cmp_double);
    return gbs[4];
}

static int bandwidth(int threads, int mb, int json)
{
    size_t n = (size_t)mb * 1024 * 1024 / 8;
    uint64_t *buf = malloc(n * 8), sink = 0;
    if (!buf) {
        fprintf(stderr, "decode_bench: cannot allocate %d MB\n", mb);
        return 1;
    }
    memset(buf, 1, n * 8); /* written, so every page is real memory (and holds no byte 2) */
    double one = median_gbs(buf, n, 1, &sink), all = median_gbs(buf, n, threads, &sink);
    if (json)
        printf("{\"mb\":%d,\"threads\":%d,\"gb_s_1\":%.2f,\"gb_s\":%.2f,\"sink\":%llu}\n", mb, threads, one, all,
               (unsigned long long)(sink & 1));
    else
        printf("read bandwidth, %d MB buffer: %.2f GB/s with 1 thread, %.2f GB/s with %d\n", mb, one, all, threads);
    free(buf);
    return 0;
}

static int make_model(const char *path, uint64_t seed)
{
    GPT2Config c = {.n_ctx = 1024, .n_vocab = 50257, .n_layer = 12, .n_head = 12, .n_embd = 768};
    GPT2 m;
    Err e;
    if (gpt2_create(&m, &c, &e)) {
        fprintf(stderr, "decode_bench: %s\n", e.msg);
        return 1;
    }
    Rng rng;
    rng_seed(&rng, seed);
    gpt2_init_random(&m, &rng);
    int rc = llmc_save_model(path, &m, &e);
    if (rc) fprintf(stderr, "decode_bench: %s\n", e.msg);
    gpt2_free(&m);
    return rc ? 1 : 0;
}

/* Median seconds of copying m's weights into a second model of its shape. */
static double publish_seconds(const GPT2Config *c, size_t *bytes)
{
    GPT2 a, b;
    Err e;
    if (gpt2_create(&a, c, &e) || gpt2_create(&b, c, &e)) return -1;
    memset(a.params, 1, sizeof(float) * a.n_params);
    memset(b.params, 0, sizeof(float) * b.n_params); /* both in memory before the first copy */
    double t[9];
    for (int i = 0; i < 9; i++) {
        double t0 = clock_now();
        memcpy(b.params, a.params, sizeof(float) * a.n_params);
        t[i] = clock_now() - t0;
    }
    qsort(t, 9, sizeof *t, cmp_double);
    *bytes = sizeof(float) * a.n_params;
    gpt2_free(&a), gpt2_free(&b);
    return t[4];
}

static int publish(int json)
{
    GPT2Config small, g124 = {.n_ctx = 1024, .n_vocab = 50257, .n_layer = 12, .n_head = 12, .n_embd = 768};
    gpt2_preset("small", &small, NULL);
    small.n_vocab = 512;
    size_t bs, bg;
    double ts = publish_seconds(&small, &bs), tg = publish_seconds(&g124, &bg);
    if (ts < 0 || tg < 0) {
        fprintf(stderr, "decode_bench: no memory for two copies of the weights\n");
        return 1;
    }
    if (json)
        printf("{\"small_mb\":%.1f,\"small_ms\":%.3f,\"gpt2_mb\":%.1f,\"gpt2_ms\":%.2f}\n", bs / 1e6, ts * 1e3, bg / 1e6, tg * 1e3);
    else
        printf("a publish (one copy of the weights): small %.1f MB in %.3f ms; GPT-2 124M %.1f MB in %.1f ms\n", bs / 1e6,
               ts * 1e3, bg / 1e6, tg * 1e3);
    return 0;
}

static int weight_bytes(const char *path)
{
    Checkpoint ck;
    Err e;
    if (checkpoint_load(path, &ck, CKPT_WEIGHTS, &e)) {
        fprintf(stderr, "decode_bench: %s\n", e.msg);
        return 1;
    }
    size_t sizes[GPT2_NUM_TENSORS];
    gpt2_tensor_sizes(&ck.model.cfg, sizes);
    size_t floats = ck.model.n_params - sizes[GPT2_WPE] + (size_t)ck.model.cfg.n_embd;
    printf("%zu\n", floats * sizeof(float));
    checkpoint_free(&ck);
    return 0;
}

static int run_rss(char **argv)
{
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) return 1;
    fprintf(stderr, "rss %ld\n", ru.ru_maxrss);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "--rss")) return run_rss(argv + 2);
    int threads = (int)sysconf(_SC_NPROCESSORS_ONLN), mb = 512, json = 0;
    uint64_t seed = 1337;
    const char *make = NULL, *weights = NULL;
    int bw = 0, pub = 0;
    if (threads < 1) threads = 1;
    if (threads > 64) threads = 64;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--json")) { json = 1; continue; }
        if (!strcmp(a, "--bandwidth")) { bw = 1; continue; }
        if (!strcmp(a, "--publish")) { pub = 1; continue; }
        if (!v) { fprintf(stderr, "decode_bench: %s needs a value\n", a); return 2; }
        if (!strcmp(a, "--threads")) threads = atoi(v);
        else if (!strcmp(a, "--mb")) mb = atoi(v);
        else if (!strcmp(a, "--make-model")) make = v;
        else if (!strcmp(a, "--weight-bytes")) weights = v;
        else if (!strcmp(a, "--seed")) seed = strtoull(v, NULL, 10);
        else { fprintf(stderr, "decode_bench: unknown option %s\n", a); return 2; }
        i++;
    }
    if (threads < 1 || threads > 64 || mb < 1) { fprintf(stderr, "decode_bench: bad --threads or --mb\n"); return 2; }
    if (make) return make_model(make, seed);
    if (weights) return weight_bytes(weights);
    if (bw) return bandwidth(threads, mb, json);
    if (pub) return publish(json);
    fprintf(stderr, "usage: decode_bench --bandwidth | --publish | --make-model FILE | --weight-bytes FILE\n");
    return 2;
}
