/*
 * train_bench.c - training speed of nexttoken's GPT-2, the way bench/torch_gpt2_baseline.py
 * measures PyTorch's: the same model, batch, data (bytes of a text, token = byte mod vocab) and
 * optimizer; the median time of a step after warm-up; tokens/s = batch x context / median.
 * Also the achieved GFLOP/s, peak memory, and where a step's time goes, layer by layer.
 *
 *   train_bench [--preset NAME] [--vocab N] [--batch N] [--threads N] [--steps N] [--warmup N]
 *               [--corpus FILE] [--json]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/base/blas.h"
#include "core/base/clock.h"
#include "core/base/parallel.h"
#include "core/text/corpus.h"
#include "core/train/trainer.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Multiply-adds of one forward pass per token, x2 for FLOPs; backward is twice the forward.
 * Attention's two products are counted over the full T x T square, as they are computed. */
static double flops_per_token(const GPT2Config *c, int T)
{
    double C = c->n_embd, L = c->n_layer, V = c->n_vocab;
    double fwd = L * (2 * 12 * C * C + 2 * 2 * T * C) + 2 * C * V;
    return 3 * fwd;
}

int main(int argc, char **argv)
{
    const char *preset = "small", *corpus_path = NULL;
    int vocab = 512, batch = 8, threads = 2, steps = 30, warmup = 3, json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--json")) { json = 1; continue; }
        if (!v) { fprintf(stderr, "train_bench: %s needs a value\n", a); return 2; }
        if (!strcmp(a, "--preset")) preset = v;
        else if (!strcmp(a, "--vocab")) vocab = atoi(v);
        else if (!strcmp(a, "--batch")) batch = atoi(v);
        else if (!strcmp(a, "--threads")) threads = atoi(v);
        else if (!strcmp(a, "--steps")) steps = atoi(v);
        else if (!strcmp(a, "--warmup")) warmup = atoi(v);
        else if (!strcmp(a, "--corpus")) corpus_path = v;
        else { fprintf(stderr, "train_bench: unknown option %s\n", a); return 2; }
        i++;
    }
    GPT2Config mc;
    if (gpt2_preset(preset, &mc, NULL)) { fprintf(stderr, "train_bench: unknown preset %s\n", preset); return 2; }
    mc.n_vocab = vocab;
    Err e;

    /* Data: bytes mod vocab (plain bytes when vocab >= 256), or uniform random tokens. */
    Dataset d = {0};
    Corpus c;
    if (corpus_path) {
        if (corpus_open(&c, corpus_path, &e)) { fprintf(stderr, "train_bench: %s\n", e.msg); return 2; }
        d.n_tokens = c.size;
    } else {
        d.n_tokens = 1 << 20;
    }
    d.tokens = malloc(sizeof(int32_t) * d.n_tokens);
    Rng r;
    rng_seed(&r, 1);
    for (size_t i = 0; i < d.n_tokens; i++)
        d.tokens[i] = corpus_path ? c.data[i] % vocab : (int32_t)rng_below(&r, (uint64_t)vocab);
    d.n_train = d.n_tokens - d.n_tokens / 10;
    d.n_vocab = vocab;

    blas_set_threads(1);
    ParPool *pool = par_create(threads, &e);
    TrainConfig tc;
    train_config_default(&tc);
    tc.batch = batch;
    tc.lr = 3e-4f, tc.warmup = 0, tc.grad_clip = 0, tc.val_every = 0; /* as the PyTorch baseline */
    Trainer tr;
    if (!pool || trainer_create(&tr, &mc, &tc, &d, pool, &e)) { fprintf(stderr, "train_bench: %s\n", e.msg); return 1; }
    GPT2Profile prof;
    double *dt = malloc(sizeof(double) * steps), prof_steps = 0, first_loss = 0;
    for (int s = 0; s < steps; s++) {
        if (s == warmup) {
            memset(&prof, 0, sizeof prof);
            tr.work.prof = &prof;
        }
        double t0 = clock_now();
        if (trainer_step(&tr, &e)) { fprintf(stderr, "train_bench: %s\n", e.msg); return 1; }
        dt[s] = clock_now() - t0;
        if (s == 0) first_loss = tr.loss;
        if (s >= warmup) prof_steps++;
    }
    int timed = steps - warmup;
    double *sorted = malloc(sizeof(double) * timed);
    memcpy(sorted, dt + warmup, sizeof(double) * timed);
    qsort(sorted, (size_t)timed, sizeof(double), cmp_double);
    double med = timed % 2 ? sorted[timed / 2] : 0.5 * (sorted[timed / 2 - 1] + sorted[timed / 2]);
    double tokens = (double)batch * mc.n_ctx, tps = tokens / med;
    double gflops = flops_per_token(&mc, mc.n_ctx) * tps / 1e9;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss_mb = ru.ru_maxrss / 1024.0;

    double fwd = 0, bwd = 0, mean_step = 0;
    for (int i = 0; i < PROF_NUM; i++) fwd += prof.fwd[i], bwd += prof.bwd[i];
    for (int s = warmup; s < steps; s++) mean_step += dt[s];
    if (json) {
        printf("{\"impl\":\"nexttoken\",\"preset\":\"%s\",\"vocab\":%d,\"batch\":%d,\"threads\":%d,"
               "\"kernel\":\"%s\",\"median_ms\":%.3f,\"tokens_per_s\":%.1f,\"gflops\":%.1f,\"peak_rss_mb\":%.1f,"
               "\"first_loss\":%.4f,\"final_loss\":%.4f,\"profile_ms\":{",
               preset, vocab, batch, threads, blas_kernel_in_use(), med * 1e3, tps, gflops, rss_mb, first_loss, tr.loss);
        for (int i = 0; i < PROF_NUM; i++)
            printf("\"%s\":[%.3f,%.3f],", gpt2_prof_names[i], prof.fwd[i] / prof_steps * 1e3, prof.bwd[i] / prof_steps * 1e3);
        printf("\"optimizer and other\":%.3f}}\n", (mean_step - fwd - bwd) / prof_steps * 1e3);
    } else {
        printf("preset %s (layers %d, heads %d, width %d, context %d, vocab %d), batch %d, %d threads, kernel %s\n",
               preset, mc.n_layer, mc.n_head, mc.n_embd, mc.n_ctx, vocab, batch, threads, blas_kernel_in_use());
        printf("median step %.2f ms: %.0f tokens/s, %.1f GFLOP/s; peak RSS %.1f MB; loss %.3f -> %.3f\n",
               med * 1e3, tps, gflops, rss_mb, first_loss, tr.loss);
        printf("%-20s %9s %9s %7s\n", "layer", "fwd ms", "bwd ms", "share");
        for (int i = 0; i < PROF_NUM; i++)
            printf("%-20s %9.3f %9.3f %6.1f%%\n", gpt2_prof_names[i], prof.fwd[i] / prof_steps * 1e3,
                   prof.bwd[i] / prof_steps * 1e3, 100 * (prof.fwd[i] + prof.bwd[i]) / mean_step);
        printf("%-20s %19.3f %6.1f%%\n", "optimizer and other", (mean_step - fwd - bwd) / prof_steps * 1e3,
               100 * (mean_step - fwd - bwd) / mean_step);
    }
    trainer_free(&tr);
    par_free(pool);
    free(d.tokens);
    free(dt);
    free(sorted);
    return 0;
}
