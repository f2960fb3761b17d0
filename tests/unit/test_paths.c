/* Where the shipped data is found (paths.h): the places in their order, the first that holds a
 * folder winning, the source tree's layout (data/gpt2) beside the installed one (gpt2), the XDG
 * variables, and a corpus named bare resolving to the shipped one. Run in a temporary
 * directory, so that the current directory holds nothing until a test puts it there. */
#include "testutil.h"

#include "core/base/paths.h"

static char dir[64], here[4096];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s", temp_dir());
    if (!getcwd(here, sizeof here) || chdir(dir)) return -1;
    char home[128], dirs[256];
    snprintf(home, sizeof home, "%s/home", dir);
    snprintf(dirs, sizeof dirs, "%s/a::%s/b", dir, dir); /* an empty entry is skipped */
    setenv("XDG_DATA_HOME", home, 1);
    setenv("XDG_DATA_DIRS", dirs, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return chdir(here) || rm_tree(dir);
}

/* mkdir -p of dir/rel, and an empty file there when file is given */
static void make(const char *rel, const char *file)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    for (char *s = p + strlen(dir) + 1; *s; s++)
        if (*s == '/') *s = 0, mkdir(p, 0755), *s = '/';
    mkdir(p, 0755);
    if (file) {
        snprintf(p + strlen(p), sizeof p - strlen(p), "/%s", file);
        FILE *f = fopen(p, "w");
        assert_non_null(f);
        fclose(f);
    }
}

static void test_places_in_order(void **state)
{
    (void)state;
    ShippedPlace p[PATH_PLACES_MAX];
    int n = path_shipped_places(p, PATH_PLACES_MAX);
    assert_true(n >= 6);
    assert_string_equal(p[0].dir, ".");
    assert_true(p[0].tree);
    assert_string_equal(p[1].why, "the program's parent folder, as a source tree");
    assert_true(p[1].tree);
    assert_string_equal(p[2].why, "the data directory compiled in");
    assert_true(strstr(p[2].dir, "/nexttoken") != NULL && !p[2].tree);
    assert_string_equal(p[3].why, "beside the program");
    char want[256];
    snprintf(want, sizeof want, "%s/home/nexttoken", dir);
    assert_string_equal(p[n - 3].dir, want);
    snprintf(want, sizeof want, "%s/a/nexttoken", dir);
    assert_string_equal(p[n - 2].dir, want);
    snprintf(want, sizeof want, "%s/b/nexttoken", dir);
    assert_string_equal(p[n - 1].dir, want);
    /* a short list is cut, never overrun */
    assert_int_equal(path_shipped_places(p, 2), 2);
}

static void test_first_place_wins(void **state)
{
    (void)state;
    char out[NT_PATH_MAX], want[256];
    make("b/nexttoken/corpora", "x.txt");
    assert_int_equal(path_shipped_dir("corpora", out, sizeof out), 0);
    snprintf(want, sizeof want, "%s/b/nexttoken/corpora", dir);
    assert_string_equal(out, want);
    make("a/nexttoken/corpora", NULL); /* earlier in $XDG_DATA_DIRS */
    assert_int_equal(path_shipped_dir("corpora", out, sizeof out), 0);
    snprintf(want, sizeof want, "%s/a/nexttoken/corpora", dir);
    assert_string_equal(out, want);
    /* ... but a file is looked for where it is */
    assert_int_equal(path_shipped_file("corpora", "x.txt", out, sizeof out), 0);
    snprintf(want, sizeof want, "%s/b/nexttoken/corpora", dir);
    assert_string_equal(out, want);
    make("home/nexttoken/corpora", NULL); /* $XDG_DATA_HOME before $XDG_DATA_DIRS */
    assert_int_equal(path_shipped_dir("corpora", out, sizeof out), 0);
    snprintf(want, sizeof want, "%s/home/nexttoken/corpora", dir);
    assert_string_equal(out, want);
    make("corpora", NULL); /* the current directory first of all */
    assert_int_equal(path_shipped_dir("corpora", out, sizeof out), 0);
    assert_string_equal(out, "corpora");
    assert_int_equal(path_shipped_dir("no-such-folder", out, sizeof out), -1);
}

static void test_vocabulary_layouts(void **state)
{
    (void)state;
    char out[NT_PATH_MAX], want[256];
    make("b/nexttoken/gpt2", "encoder.json"); /* installed: gpt2 */
    make("b/nexttoken/data/gpt2", "vocab.bpe"); /* not a tree's layout there */
    assert_int_equal(path_shipped_file("gpt2", "encoder.json", out, sizeof out), 0);
    snprintf(want, sizeof want, "%s/b/nexttoken/gpt2", dir);
    assert_string_equal(out, want);
    assert_int_equal(path_shipped_file("gpt2", "vocab.bpe", out, sizeof out), -1);
    make("data/gpt2", "encoder.json"); /* a tree: data/gpt2 */
    assert_int_equal(path_shipped_file("gpt2", "encoder.json", out, sizeof out), 0);
    assert_string_equal(out, "data/gpt2");
}

static void test_corpus_by_name(void **state)
{
    (void)state;
    char out[NT_PATH_MAX], want[256];
    make("b/nexttoken/corpora", "story.txt");
    snprintf(want, sizeof want, "%s/b/nexttoken/corpora/story.txt", dir);
    path_corpus("story.txt", out, sizeof out);
    assert_string_equal(out, want);
    path_corpus("corpora/story.txt", out, sizeof out); /* as the README names corpora */
    assert_string_equal(out, want);
    path_corpus("other/story.txt", out, sizeof out); /* a path through folders is the user's */
    assert_string_equal(out, "other/story.txt");
    path_corpus("missing.txt", out, sizeof out); /* left for the error to name */
    assert_string_equal(out, "missing.txt");
    path_corpus("/abs/story.txt", out, sizeof out);
    assert_string_equal(out, "/abs/story.txt");
    path_corpus("corpora/..", out, sizeof out);
    assert_string_equal(out, "corpora/..");
    make("", "story.txt"); /* a file of that name here wins */
    path_corpus("story.txt", out, sizeof out);
    assert_string_equal(out, "story.txt");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_places_in_order),
        cmocka_unit_test(test_first_place_wins),
        cmocka_unit_test(test_vocabulary_layouts),
        cmocka_unit_test(test_corpus_by_name),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
