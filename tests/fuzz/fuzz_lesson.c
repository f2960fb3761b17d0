/* fuzz_lesson.c - lesson files (lesson_parse: front matter, steps, narration, directive blocks,
 * questions, and every {{figure}} checked as it is read), then each text of each step rendered
 * with its figures computed (figures_render), as the lesson runner shows them: beside a small
 * live model with a byte tokenizer, and with GPT-2's, cl100k's and o200k's vocabularies when
 * `make gpt2-vocab` installed them (loaded once, on first use, and kept). */
#include "fuzz.h"

#include <math.h>

#include "core/course/figures.h"
#include "core/course/lesson.h"

static Figures fig;
static GPT2 model;
static Tokenizer tok;
static int ready;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (ready) return 0;
    ready = 1;
    Err e;
    GPT2Config cfg = {.n_layer = 1, .n_head = 2, .n_embd = 8, .n_ctx = 16, .n_vocab = 256};
    Rng rng;
    rng_seed(&rng, 7);
    if (tokenizer_init_bytes(&tok, &e) || gpt2_create(&model, &cfg, &e)) {
        fprintf(stderr, "fuzz_lesson: %s\n", e.msg);
        abort();
    }
    gpt2_init_random(&model, &rng);
    figures_init(&fig);
    fig.live = (FigureModel){.model = &model, .tok = &tok, .text = "Once upon a time", .val_loss = 5.25, .train_loss = 4.5, .unigram = 12, .step = 0};
    return 0;
}

static void render(const char *text)
{
    if (!text) return;
    char out[4096];
    int line = -1;
    Err e = {0};
    int bad = figures_render(&fig, text, out, sizeof out, &line, &e);
    FUZZ_CHECK(bad >= 0 && memchr(out, 0, sizeof out));
    if (bad) {
        FUZZ_CHECK_ERR(e);
        FUZZ_CHECK(line >= 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) LLVMFuzzerInitialize(NULL, NULL);
    Lesson l;
    Err e = {0};
    if (lesson_parse(&l, "fuzz.md", (const char *)data, size, &e)) {
        FUZZ_CHECK_ERR(e);
        return 0;
    }
    FUZZ_CHECK(memchr(l.title, 0, sizeof l.title) && memchr(l.lang, 0, sizeof l.lang));
    for (int i = 0; i < l.n_steps; i++) {
        const LessonStep *s = &l.steps[i];
        FUZZ_CHECK(s->title && s->n_before >= 0 && s->n_before <= s->n_para);
        FUZZ_CHECK(s->n_choices >= 0 && s->n_choices <= LESSON_MAX_CHOICES);
        for (int k = 0; k < s->n_para; k++) render(s->para[k].text);
        for (int k = 0; k < s->n_dir; k++) FUZZ_CHECK(s->dir[k].text && s->dir[k].line > 0);
        render(s->ask.text);
        for (int k = 0; k < s->n_choices; k++) render(s->choices[k]);
        render(s->answer.text);
    }
    lesson_free(&l);
    return 0;
}
