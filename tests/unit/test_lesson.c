/* test_lesson.c - lesson files (core/course/lesson.h) and the figures they state
 * (core/course/figures.h). The figures are checked against values worked by hand and in the
 * course's notes (../shared/course/README.md), and against tiktoken's ids where the vocabularies
 * are installed. */
#include "testutil.h"

#include "core/course/figures.h"
#include "core/course/lesson.h"
#include "core/base/rng.h"
#include "core/model/gpt2.h"
#include "core/text/vocabfile.h"

static const char good[] =
    "---\n"
    "title: From logits to probabilities\n"
    "lang: en\n"
    "order: 3\n"
    "minutes: 6\n"
    "---\n"
    "# Not a step: the file's title\n"
    "\n"
    "## Scores\n"
    "The model gives every token a score.\n"
    "Here: {{softmax 3.2 1.3 -2.1 = 86.6 / 13.0 / 0.4 %}}.\n"
    "\n"
    "A second paragraph.\n"
    "```nexttoken\n"
    "panel softmax\n"
    "# a comment\n"
    "softmax logit mat 3.2\n"
    "```\n"
    "\n"
    "## Predict\n"
    "Before the question.\n"
    "```nexttoken\n"
    "ask Which is likelier?\n"
    "choices mat | rug | moon\n"
    "answer mat\n"
    "temp 2\n"
    "train until val < 2.5 or 800 steps\n"
    "```\n"
    "After the answer.\n";

static void test_parse_good(void **state)
{
    (void)state;
    Lesson l;
    Err e;
    assert_int_equal(lesson_parse(&l, "good.md", good, strlen(good), &e), 0);
    assert_string_equal(l.title, "From logits to probabilities");
    assert_string_equal(l.lang, "en");
    assert_int_equal(l.order, 3);
    assert_int_equal(l.minutes, 6);
    assert_int_equal(l.n_steps, 2);
    LessonStep *s = &l.steps[0];
    assert_string_equal(s->title, "Scores");
    assert_int_equal(s->line, 9);
    assert_int_equal(s->n_para, 2);
    assert_string_equal(s->para[0].text, "The model gives every token a score.\nHere: {{softmax 3.2 1.3 -2.1 = 86.6 / 13.0 / 0.4 %}}.");
    assert_int_equal(s->para[0].line, 10);
    assert_int_equal(s->n_before, 2); /* no question: all of it at once */
    assert_int_equal(s->n_dir, 2);
    assert_string_equal(s->dir[1].text, "softmax logit mat 3.2");
    assert_int_equal(s->dir[1].line, 17);
    assert_null(s->ask.text);
    s = &l.steps[1];
    assert_int_equal(s->n_para, 2);
    assert_int_equal(s->n_before, 1); /* before the block that asks */
    assert_string_equal(s->ask.text, "Which is likelier?");
    assert_int_equal(s->n_choices, 3);
    assert_string_equal(s->choices[2], "moon");
    assert_string_equal(s->answer.text, "mat");
    assert_int_equal(s->n_dir, 2);
    assert_string_equal(s->dir[1].text, "train until val < 2.5 or 800 steps");
    lesson_free(&l);
}

/* A lesson with one line replaced must fail with that line's number and the words given. */
static void expect_error(const char *text, const char *line_and_words, const char *more)
{
    Lesson l;
    Err e;
    if (lesson_parse(&l, "bad.md", text, strlen(text), &e) != -1) {
        fprintf(stderr, "parsed, but should fail with: %s ... %s\n", line_and_words, more ? more : "");
        lesson_free(&l);
        fail();
    }
    assert_int_equal(e.code, ERR_INPUT);
    if (!strstr(e.msg, line_and_words) || (more && !strstr(e.msg, more))) {
        fprintf(stderr, "got: %s\nwant: %s ... %s\n", e.msg, line_and_words, more ? more : "");
        fail();
    }
}

/* good with line `line` (from 1) replaced by `with` */
static char *replace_line(int line, const char *with)
{
    static char out[4096];
    size_t at = 0;
    int k = 1;
    for (const char *p = good; *p; k++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (k == line) at += (size_t)snprintf(out + at, sizeof out - at, "%s\n", with);
        else memcpy(out + at, p, len), at += len;
        p += len;
    }
    out[at] = 0;
    return out;
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_error(replace_line(1, "title: no front matter"), "bad.md:1:", "front matter");
    /* a last line that is only a carriage return, no newline: it once kept the parser on the
     * same line for ever (found by fuzz_lesson) */
    expect_error("---\r", "bad.md:1:", "not closed");
    expect_error("---\r\ntitle: x\r", "bad.md:2:", "not closed");
    expect_error(replace_line(5, "pages: 6"), "bad.md:5:", "unknown front matter field 'pages'");
    expect_error(replace_line(5, ""), "bad.md:6:", "lacks 'minutes'");
    expect_error(replace_line(3, "lang: English"), "bad.md:3:", "lang");
    expect_error(replace_line(4, "order: third"), "bad.md:4:", "order");
    expect_error(replace_line(15, "save /tmp/x.ckpt"), "bad.md:15:", "cannot 'save'");
    expect_error(replace_line(15, "export loss /tmp/x.csv"), "bad.md:15:", "cannot 'export'");
    expect_error(replace_line(15, "corpus ../../etc/passwd"), "bad.md:15:", "file name");
    expect_error(replace_line(15, "corpus /etc/passwd"), "bad.md:15:", "file name");
    expect_error(replace_line(15, "train forever"), "bad.md:15:", "train takes");
    expect_error(replace_line(11, "Here: {{softmaks 3.2}}."), "bad.md:11:", "unknown figure 'softmaks'");
    expect_error(replace_line(11, "Here: {{softmax 3.2 1.3"), "bad.md:11:", "not closed");
    expect_error(replace_line(11, "Here: {{surprise 1.5}}"), "bad.md:11:", "probability");
    expect_error(replace_line(11, "Here: {{count \"x\" by letters}}"), "bad.md:11:", "by words");
    expect_error(replace_line(25, "answer sofa"), "bad.md:25:", "not one of the choices");
    expect_error(replace_line(24, "choices mat"), "bad.md:24:", "two choices");
    expect_error(replace_line(25, "temp 2"), "bad.md:23:", "needs its choices and its answer");
    expect_error(replace_line(18, ""), "bad.md:14:", "not closed");
    expect_error(replace_line(9, "Just text, no steps"), "bad.md:14:", "belong to a step");
    expect_error(replace_line(10, "The model gives every token a \xff score."), "bad.md:10:", "not UTF-8");
    const char *no_steps = "---\ntitle: t\nlang: en\norder: 1\nminutes: 1\n---\nno steps\n";
    expect_error(no_steps, "bad.md:7:", "at least one step");
}

/* figures_render, its no-break spaces read as spaces */
static int render_plain(Figures *f, const char *text, char *out, size_t cap, int *line, Err *e)
{
    int bad = figures_render(f, text, out, cap, line, e);
    size_t o = 0;
    for (size_t i = 0; out[i]; i++) {
        if ((unsigned char)out[i] == 0xc2 && (unsigned char)out[i + 1] == 0xa0) out[o++] = ' ', i++;
        else out[o++] = out[i];
    }
    out[o] = 0;
    return bad;
}

static void render(Figures *f, const char *text, const char *want)
{
    char out[1024];
    int line = -1;
    Err e;
    int bad = render_plain(f, text, out, sizeof out, &line, &e);
    if (bad || strcmp(out, want) != 0) {
        fprintf(stderr, "figures_render(%s) -> '%s' (%d bad: %s), want '%s'\n", text, out, bad, bad ? e.msg : "", want);
        fail();
    }
}

static void test_figures(void **state)
{
    (void)state;
    Figures f;
    figures_init(&f);
    /* the course's softmax, worked by hand: e^3.2 = 24.53, e^1.3 = 3.67, e^-2.1 = 0.12 */
    render(&f, "{{softmax 3.2 1.3 -2.1}}", "86.6 / 13.0 / 0.4 %");
    render(&f, "mat {{softmax 3.2 1.3 -2.1 #1}}, moon {{softmax 3.2 1.3 -2.1 #3}}", "mat 86.6 %, moon 0.4 %");
    render(&f, "{{exp 3.2}} {{exp 1.3}} {{exp -2.1}}", "24.53 3.67 0.12");
    render(&f, "{{softmax 3.2 1.3 -2.1 0.5}}", "81.8 / 12.2 / 0.4 / 5.5 %");
    /* the common temperature table, exact: p^(1/T) renormalised */
    render(&f, "{{temper 40 30 20 10 T=0.5}}", "53.3 / 30.0 / 13.3 / 3.3 %");
    render(&f, "{{temper 40 30 20 10 T=2}}", "32.5 / 28.2 / 23.0 / 16.3 %");
    render(&f, "{{temper 0.4 0.3 0.2 0.1 T=1 #1}}", "40.0 %");
    /* surprise, -ln p */
    render(&f, "{{surprise 86.6%}} and {{surprise 0.01}}", "0.144 and 4.605");
    render(&f, "{{ln 50257}}", "10.825");
    /* counting without a vocabulary: words and characters as the word tokenizer cuts them */
    render(&f, "{{examples \"The cat sat on the mat\" by words}}", "5");
    render(&f, "{{count \"The cat sat on the mat.\" by words}}", "7");
    render(&f, "{{count \"cat\" by characters}}", "3");
    render(&f, "{{count \"고양이가 매트 위에 앉았다.\" by words}}", "5");
    render(&f, "{{count \"고양이\" by characters}}", "3");
    /* a checked figure: right, and wrong */
    render(&f, "{{softmax 3.2 1.3 -2.1 = 86.6 / 13.0 / 0.4 %}}", "86.6 / 13.0 / 0.4 %");
    char out[256];
    int line = -1;
    Err e;
    assert_int_equal(render_plain(&f, "a\nb {{softmax 1 1 = 40.0 / 60.0 %}}", out, sizeof out, &line, &e), 1);
    assert_string_equal(out, "a\nb 50.0 / 50.0 %"); /* shown as computed */
    assert_int_equal(line, 1);
    assert_non_null(strstr(e.msg, "reads '50.0 / 50.0 %', not '40.0 / 60.0 %'"));
    /* on screen a figure is one word: its spaces do not break */
    assert_int_equal(figures_render(&f, "{{softmax 1 1}}", out, sizeof out, &line, &e), 0);
    assert_string_equal(out, "50.0\xc2\xa0/\xc2\xa0" "50.0\xc2\xa0%");
    /* the live model's figures without a model */
    assert_int_equal(render_plain(&f, "{{loss}}", out, sizeof out, &line, &e), 1);
    assert_string_equal(out, "?");
    assert_non_null(strstr(e.msg, "no model yet"));
    figures_free(&f);
}

/* The live model's figures, on a small random model over bytes: p "X" of every byte sums to
 * 100 % (the figure asks the model for each, independently), a text of two tokens is refused,
 * and the training loss is there only after a step. */
static void test_figures_live(void **state)
{
    (void)state;
    const GPT2Config c = {.n_layer = 1, .n_head = 2, .n_embd = 16, .n_ctx = 16, .n_vocab = 256};
    GPT2 m;
    Tokenizer t;
    Err e;
    Rng r;
    rng_seed(&r, 3);
    assert_int_equal(gpt2_create(&m, &c, &e), 0);
    gpt2_init_random(&m, &r);
    for (size_t i = 0; i < m.n_params; i++) m.params[i] += (float)(0.3 * rng_normal(&r));
    assert_int_equal(tokenizer_init_bytes(&t, &e), 0);
    Figures f;
    figures_init(&f);
    f.live = (FigureModel){.model = &m, .tok = &t, .text = "The cat", .val_loss = NAN, .train_loss = NAN, .step = 0};
    double sum = 0;
    char out[64];
    int matches;
    for (int b = 1; b < 256; b++) {
        if (b == '"' || b == '\\') continue; /* not in a quoted text without an escape */
        char expr[32];
        int n = snprintf(expr, sizeof expr, "p \"%c\"", b);
        assert_int_equal(figure_eval(&f, expr, (size_t)n, out, sizeof out, &matches, &e), 0);
        sum += strtod(out, NULL);
    }
    assert_int_equal(figure_eval(&f, "p \"\\\"\"", 6, out, sizeof out, &matches, &e), 0); /* the quote itself */
    sum += strtod(out, NULL);
    assert_int_equal(figure_eval(&f, "p \"\\\\\"", 6, out, sizeof out, &matches, &e), 0);
    sum += strtod(out, NULL);
    /* byte 0 cannot be written in a figure; its share is what is missing */
    assert_true(sum > 95 && sum < 100.5);
    assert_int_equal(figure_eval(&f, "p \"ab\"", 6, out, sizeof out, &matches, &e), -1);
    assert_non_null(strstr(e.msg, "2 tokens of the model's, not one"));
    assert_int_equal(figure_eval(&f, "trainloss", 9, out, sizeof out, &matches, &e), -1);
    assert_non_null(strstr(e.msg, "no training step yet"));
    f.live.train_loss = 2.5, f.live.step = 1234;
    assert_int_equal(figure_eval(&f, "trainloss = 2.500", 17, out, sizeof out, &matches, &e), 0);
    assert_int_equal(matches, 1);
    assert_int_equal(figure_eval(&f, "step", 4, out, sizeof out, &matches, &e), 0);
    assert_string_equal(out, "1,234");
    figures_free(&f);
    tokenizer_free(&t);
    gpt2_free(&m);
}

/* GPT-2's and GPT-4's tokenizers, as tiktoken cuts these (the course's checked examples). */
static void test_figures_named_vocabularies(void **state)
{
    (void)state;
    char dir[4096];
    if (vocab_find_dir("cl100k_base.tiktoken", dir, sizeof dir) || vocab_find_dir("encoder.json", dir, sizeof dir)) {
        fprintf(stderr, "SKIPPED [test_lesson] named vocabularies: run make gpt2-vocab\n");
        return;
    }
    Figures f;
    figures_init(&f);
    render(&f, "{{pieces \"strawberry\" by gpt2}} = {{ids \"strawberry\" by gpt2}}", "st | raw | berry = 301 1831 8396");
    render(&f, "{{ids \"strawberry\" by cl100k}}", "496 675 15717");
    render(&f, "{{ids \"|Viewing Single Post\" by cl100k}}", "91 860 287 11579 3962");
    render(&f, "{{ids \"The cat quickly jumped\" by gpt2}}", "464 3797 2952 11687");
    render(&f, "{{pieces \"The cat quickly\" by gpt2}}", "The | \xc2\xb7" "cat | \xc2\xb7quickly");
    render(&f, "{{pieces \"|Viewing Single Post\" by cl100k}}", "\"|\" | View | ing | \xc2\xb7Single | \xc2\xb7Post");
    /* GPT-2 cuts a syllable into bytes: each piece reads as its character and which bytes */
    render(&f, "{{pieces \"옛날 작은\" by gpt2}}",
           "옛[1/3] | 옛[2/3] | 옛[3/3] | 날[1/3] | 날[2/3] | 날[3/3] | \xc2\xb7작[1/3] | 작[2/3] | 작[3/3] | 은[1-2/3] | 은[3/3]");
    render(&f, "{{examples \"The cat sat on the mat.\" by gpt2}}", "6");
    render(&f, "{{vocab gpt2}}", "50,257");
    figures_free(&f);
}

static void test_corpus_paths(void **state)
{
    (void)state;
    const char *dir = temp_dir();
    char lessons[256], corpora[256], path[600], out[4096];
    snprintf(lessons, sizeof lessons, "%s/lessons", dir);
    snprintf(corpora, sizeof corpora, "%s/corpora", dir);
    mkdir(lessons, 0755), mkdir(corpora, 0755);
    snprintf(path, sizeof path, "%s/mine.txt", lessons);
    FILE *fp = fopen(path, "w");
    fputs("text", fp), fclose(fp);
    snprintf(path, sizeof path, "%s/stories.txt", corpora);
    fp = fopen(path, "w");
    fputs("text", fp), fclose(fp);
    snprintf(path, sizeof path, "%s/secret.txt", dir);
    fp = fopen(path, "w");
    fputs("secret", fp), fclose(fp);
    char link[512];
    snprintf(link, sizeof link, "%s/out.txt", lessons);
    assert_int_equal(symlink(path, link), 0); /* a link that leads out of the folder */
    snprintf(path, sizeof path, "%s/one.md", lessons);
    fp = fopen(path, "w");
    fputs(good, fp), fclose(fp);
    Lesson l;
    Err e;
    assert_int_equal(lesson_load(&l, path, &e), 0);
    assert_string_equal(l.dir, lessons);
    assert_int_equal(lesson_corpus_path(&l, "mine.txt", corpora, out, sizeof out, &e), 0);
    assert_non_null(strstr(out, "/lessons/mine.txt"));
    assert_int_equal(lesson_corpus_path(&l, "stories.txt", corpora, out, sizeof out, &e), 0);
    assert_non_null(strstr(out, "/corpora/stories.txt"));
    assert_int_equal(lesson_corpus_path(&l, "out.txt", corpora, out, sizeof out, &e), -1);
    assert_int_equal(lesson_corpus_path(&l, "../secret.txt", corpora, out, sizeof out, &e), -1);
    assert_int_equal(lesson_corpus_path(&l, "nowhere.txt", corpora, out, sizeof out, &e), -1);
    assert_non_null(strstr(e.msg, "no corpus 'nowhere.txt'"));
    lesson_free(&l);
    /* the folder's list: by order; a broken lesson is counted, not listed */
    char en[300];
    snprintf(en, sizeof en, "%s/en", lessons);
    mkdir(en, 0755);
    const char *orders[] = {"7", "2"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/l%d.md", en, i);
        fp = fopen(path, "w");
        fprintf(fp, "---\ntitle: lesson %s\nlang: en\norder: %s\nminutes: 5\n---\n## one\ntext\n", orders[i], orders[i]);
        fclose(fp);
    }
    snprintf(path, sizeof path, "%s/broken.md", en);
    fp = fopen(path, "w");
    fputs("no front matter\n", fp), fclose(fp);
    LessonList ls;
    int broken;
    assert_int_equal(lesson_list(lessons, "en", &ls, &broken, &e), 0);
    assert_int_equal(ls.n, 2);
    assert_int_equal(broken, 1);
    assert_string_equal(ls.lessons[0].title, "lesson 2");
    assert_string_equal(ls.lessons[1].title, "lesson 7");
    lesson_list_free(&ls);
    assert_int_equal(lesson_list(lessons, "ko", &ls, &broken, &e), 0); /* none in that language */
    assert_int_equal(ls.n, 0);
    assert_int_equal(rm_tree(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good),  cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_figures), cmocka_unit_test(test_figures_live),     cmocka_unit_test(test_figures_named_vocabularies),
        cmocka_unit_test(test_corpus_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
