/*
 * tokenizer_bench.c - how fast nexttoken's tokenizer trains and encodes, the way
 * bench/FIGURES-style measurements of the known tools are made: training a 4,096-token
 * byte-level BPE (GPT-2's pre-tokenizer, 3,840 merges) on a text, from reading it to the last
 * merge; and encoding the text with GPT-2's vocabulary (loaded beforehand, as tiktoken's is).
 * Median of --reps runs.
 *
 *   tokenizer_bench --corpus FILE [--vocab-size N] [--reps N] [--json]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/clock.h"
#include "core/text/bpe_train.h"
#include "core/text/corpus.h"
#include "core/text/pretok.h"
#include "core/text/vocabfile.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int vocab = 4096, reps = 5, json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (i + 1 < argc && !strcmp(argv[i], "--corpus")) path = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--vocab-size")) vocab = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--reps")) reps = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: tokenizer_bench --corpus FILE [--vocab-size N] [--reps N] [--json]\n");
            return 2;
        }
    }
    if (!path || reps < 1) return fprintf(stderr, "tokenizer_bench: --corpus FILE is required\n"), 2;
    Err e;
    double *train = malloc(sizeof(double) * reps), *split = malloc(sizeof(double) * reps),
           *enc = malloc(sizeof(double) * reps);
    size_t chunks = 0, distinct = 0, n_tokens = 0, bytes = 0;
    int merges = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = clock_now();
        Corpus c;
        if (corpus_open(&c, path, &e)) return fprintf(stderr, "tokenizer_bench: %s\n", e.msg), 2;
        BpeTrainer *bt = bpe_trainer_create(c.data, c.size, PRETOK_GPT2, &e);
        if (!bt) return fprintf(stderr, "tokenizer_bench: %s\n", e.msg), 1;
        double t1 = clock_now();
        if (bpe_trainer_run(bt, vocab, &e) < 0) return fprintf(stderr, "tokenizer_bench: %s\n", e.msg), 1;
        train[r] = clock_now() - t0;
        split[r] = t1 - t0;
        merges = bpe_trainer_merges(bt);
        bpe_trainer_chunk_counts(bt, &chunks, &distinct);
        bytes = c.size;
        bpe_trainer_free(bt);
        corpus_close(&c);
    }
    Tokenizer gpt2;
    double load = clock_now();
    int have_gpt2 = vocab_load_named(&gpt2, "gpt2", &e) == 0;
    load = clock_now() - load;
    if (have_gpt2) {
        Corpus c;
        corpus_open(&c, path, &e);
        int32_t *ids = NULL;
        size_t cap = 0;
        for (int r = 0; r < reps; r++) {
            double t0 = clock_now();
            tokenizer_encode(&gpt2, c.data, c.size, &ids, &cap, &n_tokens, &e);
            enc[r] = clock_now() - t0;
        }
        free(ids);
        corpus_close(&c);
        tokenizer_free(&gpt2);
    }
    double tr = median(train, reps), sp = median(split, reps), en = have_gpt2 ? median(enc, reps) : 0;
    if (json) {
        printf("{\"bytes\":%zu,\"chunks\":%zu,\"distinct_chunks\":%zu,\"merges\":%d,\"train_s\":%.4f,\"split_count_s\":%.4f,"
               "\"merge_s\":%.4f,\"encode_s\":%.4f,\"encode_mb_s\":%.2f,\"tokens\":%zu,\"vocab_load_s\":%.4f}\n",
               bytes, chunks, distinct, merges, tr, sp, tr - sp, en, have_gpt2 ? bytes / en / 1e6 : 0, n_tokens, load);
    } else {
        printf("BPE training to %d tokens (%d merges) on %zu bytes (%zu chunks, %zu distinct): %.3f s\n", vocab, merges,
               bytes, chunks, distinct, tr);
        printf("  of which reading, pre-splitting and counting %.3f s, merging %.3f s\n", sp, tr - sp);
        if (have_gpt2)
            printf("GPT-2 encoding: %.3f s, %.1f MB/s, %zu tokens (vocabulary loaded in %.3f s beforehand)\n", en,
                   bytes / en / 1e6, n_tokens, load);
        else
            printf("GPT-2 encoding: skipped (%s)\n", e.msg);
    }
    free(train), free(split), free(enc);
    return 0;
}
