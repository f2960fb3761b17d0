/* The rule every output follows (atomicfile.h): what may be replaced and what is refused without
 * blocking, one file under two names, the temporary files of killed saves removed only when their
 * writer is gone, and a file kept aside without replacing another. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "core/base/atomicfile.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s", temp_dir());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return rm_tree(dir);
}

/* dir/name, in one of 16 buffers used in turn: enough for the paths one test keeps at once */
static const char *in_dir(const char *name)
{
    static char p[16][256];
    static int k;
    k = (k + 1) % 16;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int is_greeting(const uint8_t *head, size_t n) { return n >= 5 && memcmp(head, "HELLO", 5) == 0; }
static const FileKind greeting = {"a greeting", is_greeting};
static const FileKind any_file = {"a file of ours", NULL};

static void test_what_may_be_replaced(void **state)
{
    (void)state;
    Err e;
    /* nothing there, an empty file, one of the kind: yes */
    assert_int_equal(output_may_replace(in_dir("new"), &greeting, &e), 0);
    put_file(in_dir("empty"), "");
    assert_int_equal(output_may_replace(in_dir("empty"), &greeting, &e), 0);
    put_file(in_dir("hello"), "HELLO world");
    assert_int_equal(output_may_replace(in_dir("hello"), &greeting, &e), 0);
    /* another kind: no, and the file is untouched by a save */
    put_file(in_dir("notes"), "my notes");
    assert_int_equal(output_may_replace(in_dir("notes"), &greeting, &e), -1);
    assert_int_equal(e.code, ERR_INPUT);
    assert_non_null(strstr(e.msg, "exists and is not a greeting; refusing to overwrite it"));
    AtomicFile af;
    assert_int_equal(atomic_open(&af, in_dir("notes"), &greeting, &e), -1);
    size_t n;
    uint8_t *b = read_file(in_dir("notes"), &n);
    assert_string_equal((char *)b, "my notes");
    free(b);
    /* a kind with no test takes any regular file */
    assert_int_equal(output_may_replace(in_dir("notes"), &any_file, &e), 0);
    /* a directory, a FIFO, a device: never, and without blocking (alarm ends a test that hangs) */
    alarm(20);
    assert_int_equal(output_may_replace(dir, &any_file, &e), -1);
    assert_non_null(strstr(e.msg, "is a directory"));
    assert_int_equal(mkfifo(in_dir("fifo"), 0600), 0);
    assert_int_equal(output_may_replace(in_dir("fifo"), &any_file, &e), -1);
    assert_non_null(strstr(e.msg, "not a regular file"));
    assert_int_equal(atomic_open(&af, in_dir("fifo"), &any_file, &e), -1);
    assert_int_equal(output_may_replace("/dev/null", &any_file, &e), -1);
    assert_non_null(strstr(e.msg, "not a regular file"));
    alarm(0);
    /* the kind's own file is replaced, atomically */
    assert_int_equal(atomic_open(&af, in_dir("hello"), &greeting, &e), 0);
    atomic_write(&af, "HELLO again", 11);
    assert_int_equal(atomic_commit(&af, &e), 0);
    b = read_file(in_dir("hello"), &n);
    assert_string_equal((char *)b, "HELLO again");
    free(b);
}

static void test_same_file(void **state)
{
    (void)state;
    /* not there yet: the same directory and name */
    assert_true(output_same(in_dir("a"), in_dir("./a")));
    assert_false(output_same(in_dir("a"), in_dir("b")));
    put_file(in_dir("a"), "x");
    put_file(in_dir("b"), "x");
    assert_true(output_same(in_dir("a"), in_dir("./a")));
    assert_false(output_same(in_dir("a"), in_dir("b")));
    /* another name for one file: a link, or a path through a link to its directory */
    assert_int_equal(link(in_dir("a"), in_dir("c")), 0);
    assert_true(output_same(in_dir("a"), in_dir("c")));
    assert_int_equal(symlink(dir, in_dir("d")), 0);
    assert_true(output_same(in_dir("a"), in_dir("d/a")));
    assert_true(output_same(in_dir("new"), in_dir("d/new")));
}

/* The pid of a process that has just ended. */
static pid_t dead_pid(void)
{
    pid_t p = fork();
    if (p == 0) _exit(0);
    waitpid(p, NULL, 0);
    return p;
}

static void touch_days_ago(const char *path, int days)
{
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= days * 86400;
    tv[1] = tv[0];
    assert_int_equal(utimes(path, tv), 0);
}

static void test_stale_temporaries(void **state)
{
    (void)state;
    char name[128];
    const pid_t dead = dead_pid(), me = getpid();
    const char *target = in_dir("m.ckpt");
    put_file(target, "HELLO model");
    /* a save killed midway: its writer is dead, the file unlocked - removed */
    snprintf(name, sizeof name, "m.ckpt.tmp.%ld.aB3xYz", (long)dead);
    put_file(in_dir(name), "HELLO half");
    const char *killed = in_dir(name);
    /* the same, but a live process holds its lock (a writer in a container whose pids are not
     * ours): kept */
    snprintf(name, sizeof name, "m.ckpt.tmp.%ld.lOcKed", (long)dead);
    const char *locked = in_dir(name);
    put_file(locked, "HELLO half");
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t holder = fork();
    if (holder == 0) {
        int fd = open(locked, O_RDONLY);
        flock(fd, LOCK_EX);
        (void)!write(ready[1], "x", 1);
        pause();
        _exit(0);
    }
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    /* a live writer between closing its file and renaming it (unlocked, pid alive): kept */
    snprintf(name, sizeof name, "m.ckpt.tmp.%ld.LiVe01", (long)me);
    const char *live = in_dir(name);
    put_file(live, "HELLO half");
    /* alive pid but untouched for two days (the pid was reused): removed */
    snprintf(name, sizeof name, "m.ckpt.tmp.%ld.oLd001", (long)me);
    const char *reused = in_dir(name);
    put_file(reused, "HELLO half");
    touch_days_ago(reused, 2);
    /* earlier versions' names, with no pid: removed when old, kept when not */
    const char *legacy_old = in_dir("m.ckpt.tmp.Ab12Cd"), *legacy_new = in_dir("m.ckpt.tmp.Ef34Gh");
    put_file(legacy_old, "HELLO half");
    touch_days_ago(legacy_old, 2);
    put_file(legacy_new, "HELLO half");
    /* not ours, or another target's: kept, however old */
    snprintf(name, sizeof name, "m.ckpt2.tmp.%ld.aB3xYz", (long)dead);
    const char *other = in_dir(name);
    put_file(other, "HELLO");
    touch_days_ago(other, 2);
    snprintf(name, sizeof name, "m.ckpt.tmp.%ld.toolong", (long)dead);
    const char *odd = in_dir(name);
    put_file(odd, "HELLO");
    touch_days_ago(odd, 2);

    AtomicFile af;
    Err e;
    assert_int_equal(atomic_open(&af, target, &greeting, &e), 0);
    char own[64];
    snprintf(own, sizeof own, ".tmp.%ld.", (long)me);
    assert_non_null(strstr(af.tmp, own)); /* its own file names its writer */
    atomic_write(&af, "HELLO new", 9);
    assert_int_equal(atomic_commit(&af, &e), 0);
    kill(holder, SIGKILL);
    waitpid(holder, NULL, 0);

    assert_int_equal(access(killed, F_OK), -1);
    assert_int_equal(access(reused, F_OK), -1);
    assert_int_equal(access(legacy_old, F_OK), -1);
    assert_int_equal(access(locked, F_OK), 0);
    assert_int_equal(access(live, F_OK), 0);
    assert_int_equal(access(legacy_new, F_OK), 0);
    assert_int_equal(access(other, F_OK), 0);
    assert_int_equal(access(odd, F_OK), 0);
    /* its holder gone, the next save takes the locked one too */
    assert_int_equal(atomic_open(&af, target, &greeting, &e), 0);
    atomic_abort(&af);
    assert_int_equal(access(locked, F_OK), -1);
    close(ready[0]), close(ready[1]);
}

static void test_set_aside(void **state)
{
    (void)state;
    const char *p = in_dir("default.ckpt");
    char kept[2][4096];
    Err e;
    for (int i = 0; i < 2; i++) {
        put_file(p, i ? "second" : "first");
        assert_int_equal(file_set_aside(p, "damaged", kept[i], sizeof kept[i], &e), 0);
        assert_int_equal(access(p, F_OK), -1);
        assert_non_null(strstr(kept[i], "/default.ckpt.damaged-"));
    }
    /* two in one second: the second takes another name; neither replaced the other */
    assert_string_not_equal(kept[0], kept[1]);
    size_t n;
    uint8_t *b = read_file(kept[0], &n);
    assert_string_equal((char *)b, "first");
    free(b);
    b = read_file(kept[1], &n);
    assert_string_equal((char *)b, "second");
    free(b);
    /* a directory where the file was (no hard links to it): renamed all the same */
    assert_int_equal(mkdir(p, 0755), 0);
    char k[4096];
    assert_int_equal(file_set_aside(p, "damaged", k, sizeof k, &e), 0);
    struct stat st;
    assert_int_equal(stat(k, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_what_may_be_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_temporaries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_aside, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
