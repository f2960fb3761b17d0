/* Reading the files a user names (readfile.h): what is not a regular file is refused at once by
 * every reader - never waited on - and files are read, not mapped, so that one truncated by
 * someone else while it is in use or being read is an error or goes unnoticed, never SIGBUS. */
#include "testutil.h"

#include <signal.h>
#include <sys/wait.h>

#include "core/base/readfile.h"
#include "core/course/lesson.h"
#include "core/text/corpus.h"
#include "core/text/vocabfile.h"
#include "core/train/checkpoint.h"
#include "core/train/loader.h"

static char dir[64], fifo[128], sub[128], text[128], model[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s", temp_dir());
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(sub, sizeof sub, "%s/dir", dir);
    snprintf(text, sizeof text, "%s/text.txt", dir);
    snprintf(model, sizeof model, "%s/model.ckpt", dir);
    if (mkfifo(fifo, 0600) || mkdir(sub, 0700)) return -1;
    /* A reader that blocks is killed by the alarm, and the test fails instead of hanging. */
    alarm(120);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return rm_tree(dir);
}

static void expect_input_error(int rc, const Err *e, const char *fragment)
{
    if (rc == 0 || e->code != ERR_INPUT || !strstr(e->msg, fragment))
        print_error("expected an input error with '%s', got rc %d: %s\n", fragment, rc, e->msg);
    assert_int_not_equal(rc, 0);
    assert_int_equal(e->code, ERR_INPUT);
    assert_non_null(strstr(e->msg, fragment));
}

/* Every reader, given a FIFO (no writer: opening it plainly would wait for one) and a directory. */
static void test_not_regular_files(void **state)
{
    (void)state;
    const char *paths[] = {fifo, sub};
    const char *why[] = {"not a regular file", "is a directory"};
    for (int k = 0; k < 2; k++) {
        const char *p = paths[k];
        Err e = {0};
        uint8_t *data, head[8];
        size_t n;
        uint64_t size;
        expect_input_error(readfile_open(p, "a test file", &size, &e) >= 0 ? 0 : -1, &e, why[k]);
        expect_input_error(readfile_all(p, "a test file", &data, &n, &e), &e, why[k]);
        expect_input_error(readfile_head(p, head, sizeof head, &e) >= 0 ? 0 : -1, &e, why[k]);
        expect_input_error(readfile_stream(p, "a test file", &e) ? 0 : -1, &e, why[k]);
        Corpus c;
        expect_input_error(corpus_open(&c, p, &e), &e, why[k]);
        Checkpoint ck;
        expect_input_error(checkpoint_load(p, &ck, CKPT_RESUME, &e), &e, why[k]);
        Tokenizer t;
        expect_input_error(load_tokenizer(p, &t, &e), &e, why[k]);
        expect_input_error(tokenizer_load(&t, p, &e), &e, why[k]);
        Lesson l;
        expect_input_error(lesson_load(&l, p, &e), &e, why[k]);
    }
    /* a directory says what was expected there */
    Err e = {0};
    Corpus c;
    expect_input_error(corpus_open(&c, sub, &e), &e, "is a directory, expected a text file");
}

/* /proc's files say they are empty and are not: the size read must be the size the file had. */
static void test_size_changes(void **state)
{
    (void)state;
    uint8_t *data;
    size_t n;
    Err e = {0};
    expect_input_error(readfile_all("/proc/self/status", "a test file", &data, &n, &e), &e, "grew while it was being read");
    /* and a plain file reads whole, NUL-terminated */
    FILE *f = fopen(text, "w");
    fputs("abc", f);
    fclose(f);
    assert_int_equal(readfile_all(text, "a test file", &data, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_string_equal((const char *)data, "abc");
    free(data);
}

/* A corpus truncated on disk after it was opened: its bytes are the program's own. A mapped
 * corpus died of SIGBUS here, at the first touch of a page past the new end. */
static void test_corpus_truncated_after_open(void **state)
{
    (void)state;
    FILE *f = fopen(text, "w");
    for (int i = 0; i < 20000; i++) fputs("the cat sat on the mat. ", f);
    fclose(f);
    Corpus c;
    Err e;
    assert_int_equal(corpus_open(&c, text, &e), 0);
    assert_int_equal(truncate(text, 0), 0);
    uint64_t sum = 0;
    for (size_t i = 0; i < c.size; i++) sum += c.data[i];
    assert_int_equal(c.size, 20000 * 24);
    assert_true(sum > 0);
    corpus_close(&c);
}

/* A child cuts a file short and writes it again, in pieces, as fast as it can, while this
 * process reads it again and again: every read succeeds or is refused with an input error,
 * and none kills the process. */
static void read_while_rewritten(const char *path, int (*read_once)(const char *path, Err *e))
{
    size_t n = 0;
    uint8_t *bytes = read_file(path, &n);
    assert_non_null(bytes);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        for (;;) {
            FILE *f = fopen(path, "r+");
            if (!f) _exit(1);
            if (ftruncate(fileno(f), 0) != 0) _exit(1);
            for (size_t at = 0; at < n; at += 4096) {
                fwrite(bytes + at, 1, n - at < 4096 ? n - at : 4096, f);
                fflush(f);
            }
            fclose(f);
        }
    }
    int ok = 0, refused = 0;
    for (int i = 0; i < 300; i++) {
        Err e = {0};
        if (read_once(path, &e) == 0) ok++;
        else {
            if (e.code != ERR_INPUT) print_error("%s\n", e.msg);
            assert_int_equal(e.code, ERR_INPUT);
            refused++;
        }
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    free(bytes);
    assert_int_equal(ok + refused, 300);
}

static int read_corpus(const char *path, Err *e)
{
    Corpus c;
    if (corpus_open(&c, path, e)) return -1;
    corpus_close(&c);
    return 0;
}

static int read_model(const char *path, Err *e)
{
    Checkpoint ck;
    if (checkpoint_load(path, &ck, CKPT_RESUME, e)) return -1;
    checkpoint_free(&ck);
    return 0;
}

static void test_read_while_rewritten(void **state)
{
    (void)state;
    FILE *f = fopen(text, "w");
    for (int i = 0; i < 40000; i++) fputs("the cat sat on the mat. ", f);
    fclose(f);
    read_while_rewritten(text, read_corpus);

    GPT2Config cfg = {.n_layer = 2, .n_head = 2, .n_embd = 64, .n_ctx = 64, .n_vocab = 256};
    GPT2 m;
    Tokenizer tok;
    Err e;
    Rng r;
    rng_seed(&r, 5);
    assert_int_equal(tokenizer_init_bytes(&tok, &e), 0);
    assert_int_equal(gpt2_create(&m, &cfg, &e), 0);
    gpt2_init_random(&m, &r);
    assert_int_equal(checkpoint_save(model, &m, &tok, NULL, NULL, &e), 0);
    gpt2_free(&m);
    tokenizer_free(&tok);
    read_while_rewritten(model, read_model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_regular_files),
        cmocka_unit_test(test_size_changes),
        cmocka_unit_test(test_corpus_truncated_after_open),
        cmocka_unit_test(test_read_while_rewritten),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
