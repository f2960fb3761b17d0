/* The sampler: the numbers a classroom checks by hand, exact distributions after each filter,
 * the top-p boundary, greedy decoding, and a chi-square test of many seeded draws. */
#include "testutil.h"

#include "core/model/layers.h"
#include "core/model/sampler.h"

static Sampler make(float T, int k, float p, float minp, int V)
{
    SamplerConfig c = {.temperature = T, .top_k = k, .top_p = p, .min_p = minp};
    Sampler s;
    Err e;
    assert_int_equal(sampler_create(&s, &c, V, &e), 0);
    return s;
}

/* p_final of token id (the candidates are sorted, so look it up) */
static double final_p(const Sampler *s, int id)
{
    for (int i = 0; i < s->n_vocab; i++)
        if (s->cand[i].id == id) return s->cand[i].p_final;
    return -1;
}

static double temp_p(const Sampler *s, int id)
{
    for (int i = 0; i < s->n_vocab; i++)
        if (s->cand[i].id == id) return s->cand[i].p_temp;
    return -1;
}

static void test_classroom_softmax(void **state)
{
    (void)state;
    /* mat 3.2, rug 1.3, moon -2.1 -> 86.6%, 13.0%, 0.4% to one decimal (86.61, 12.95, 0.43) */
    float logits[3] = {3.2f, 1.3f, -2.1f};
    Sampler s = make(1, 0, 1, 0, 3);
    sampler_distribution(&s, logits);
    assert_true(round(1000 * final_p(&s, 0)) == 866);
    assert_true(round(1000 * final_p(&s, 1)) == 130);
    assert_true(round(1000 * final_p(&s, 2)) == 4);
    assert_true(round(10000 * final_p(&s, 1)) == 1295);
    /* the worked table: e^3.2 + e^1.3 + e^-2.1 = 28.32 */
    assert_true(s.exp_shift == 0);
    assert_true(fabs(s.exp_sum - (exp(3.2) + exp(1.3) + exp(-2.1))) < 1e-4);
    sampler_free(&s);
}

static void test_classroom_surprise(void **state)
{
    (void)state;
    /* -ln 0.866 = 0.14 and -ln 0.01 = 4.6, through the model's own loss function */
    float logits[2][2] = {{logf(0.866f), logf(0.134f)}, {logf(0.01f), logf(0.99f)}};
    float probs[4], losses[2];
    int32_t targets[2] = {0, 0};
    crossentropy_forward(probs, losses, &logits[0][0], targets, 2, 0, 2);
    assert_true(fabs(losses[0] - 0.14) < 0.005);
    assert_true(fabs(losses[1] - 4.6) < 0.01);
    assert_true(fabs(probs[0] - 0.866) < 1e-6);
}

static void test_classroom_temperature(void **state)
{
    (void)state;
    /* 40/30/20/10% sharpened by T = 0.5 (p^2, renormalised) and flattened by T = 2 (sqrt p) */
    float logits[4] = {logf(0.4f), logf(0.3f), logf(0.2f), logf(0.1f)};
    Sampler s = make(0.5f, 0, 1, 0, 4);
    sampler_distribution(&s, logits);
    const double sharp[4] = {16 / 30.0, 9 / 30.0, 4 / 30.0, 1 / 30.0};
    for (int i = 0; i < 4; i++) assert_true(fabs(temp_p(&s, i) - sharp[i]) < 1e-6);
    sampler_free(&s);
    s = make(2.0f, 0, 1, 0, 4);
    sampler_distribution(&s, logits);
    double z = sqrt(0.4) + sqrt(0.3) + sqrt(0.2) + sqrt(0.1);
    const double flat[4] = {sqrt(0.4) / z, sqrt(0.3) / z, sqrt(0.2) / z, sqrt(0.1) / z};
    for (int i = 0; i < 4; i++) assert_true(fabs(temp_p(&s, i) - flat[i]) < 1e-6);
    /* 53.3/30.0/13.3/3.3% and 32.5/28.2/23.0/16.3%, as a slide would show them */
    assert_true(fabs(100 * flat[0] - 32.5) < 0.05 && fabs(100 * sharp[0] - 53.3) < 0.05);
    /* the untempered probabilities are kept alongside */
    assert_true(fabs(s.cand[0].p - 0.4) < 1e-6);
    sampler_free(&s);
}

static void test_top_k_exact(void **state)
{
    (void)state;
    float logits[5] = {logf(0.1f), logf(0.4f), logf(0.05f), logf(0.3f), logf(0.15f)};
    Sampler s = make(1, 2, 1, 0, 5);
    sampler_distribution(&s, logits);
    assert_int_equal(s.n_kept, 2);
    assert_int_equal(s.cand[0].id, 1);
    assert_int_equal(s.cand[1].id, 3);
    assert_true(fabs(final_p(&s, 1) - 0.4 / 0.7) < 1e-6);
    assert_true(fabs(final_p(&s, 3) - 0.3 / 0.7) < 1e-6);
    assert_true(final_p(&s, 0) == 0 && s.cand[2].cut_by == CUT_TOP_K);
    assert_true(fabs(s.kept_mass - 0.7) < 1e-6);
    sampler_free(&s);
}

static void test_top_p_boundaries(void **state)
{
    (void)state;
    float logits[3] = {logf(0.5f), logf(0.3f), logf(0.2f)};
    struct { float p; int kept; } cases[] = {
        {0.8f, 2},        /* 0.5 + 0.3 reaches 0.8 exactly: two */
        {0.80001f, 3},    /* just past it: three */
        {0.5f, 1},        /* the first alone reaches 0.5 */
        {0.3f, 1},        /* never fewer than one */
        {1.0f, 3},        /* off */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        Sampler s = make(1, 0, cases[c].p, 0, 3);
        sampler_distribution(&s, logits);
        assert_int_equal(s.n_kept, cases[c].kept);
        double sum = 0;
        for (int i = 0; i < 3; i++) sum += s.cand[i].p_final;
        assert_true(fabs(sum - 1) < 1e-12);
        for (int i = s.n_kept; i < 3; i++) assert_int_equal(s.cand[i].cut_by, CUT_TOP_P);
        sampler_free(&s);
    }
    /* top-p applies to what top-k left, renormalised: of {0.5, 0.3} (k = 2), p = 0.6 of their
     * 0.8 is 0.48, which 0.5 alone reaches */
    Sampler s = make(1, 2, 0.6f, 0, 3);
    sampler_distribution(&s, logits);
    assert_int_equal(s.n_kept, 1);
    sampler_free(&s);
    s = make(1, 2, 0.7f, 0, 3); /* 0.7 * 0.8 = 0.56 needs both */
    sampler_distribution(&s, logits);
    assert_int_equal(s.n_kept, 2);
    sampler_free(&s);
}

static void test_min_p(void **state)
{
    (void)state;
    float logits[4] = {logf(0.5f), logf(0.3f), logf(0.15f), logf(0.05f)};
    Sampler s = make(1, 0, 1, 0.5f, 4); /* keep p >= 0.25 */
    sampler_distribution(&s, logits);
    assert_int_equal(s.n_kept, 2);
    assert_int_equal(s.cand[2].cut_by, CUT_MIN_P);
    assert_true(fabs(final_p(&s, 0) - 0.625) < 1e-6);
    sampler_free(&s);
}

static void test_greedy(void **state)
{
    (void)state;
    float logits[5] = {1, 7, 3, 7, -2}; /* a tie: the lower id wins */
    Sampler s = make(0, 0, 1, 0, 5);
    Rng r, r0;
    rng_seed(&r, 5);
    r0 = r;
    for (int i = 0; i < 3; i++) assert_int_equal(sampler_sample(&s, logits, &r), 1);
    assert_true(isnan(s.u));
    assert_memory_equal(&r, &r0, sizeof r); /* nothing random was drawn */
    assert_true(final_p(&s, 1) == 1.0 && final_p(&s, 3) == 0.0);
    sampler_free(&s);
}

static void test_draw_bookkeeping(void **state)
{
    (void)state;
    float logits[4] = {0.5f, 2.0f, -1.0f, 1.0f};
    Sampler s = make(1, 0, 1, 0, 4);
    Rng r;
    rng_seed(&r, 11);
    for (int i = 0; i < 200; i++) {
        int32_t id = sampler_sample(&s, logits, &r);
        assert_true(s.u >= s.cdf_lo && s.u < s.cdf_hi);
        assert_int_equal(s.cand[s.chosen_rank].id, id);
        assert_true(fabs((s.cdf_hi - s.cdf_lo) - s.cand[s.chosen_rank].p_final) < 1e-12 || s.chosen_rank == s.n_kept - 1);
    }
    sampler_free(&s);
}

/* Pearson's chi-square of many seeded draws against the distribution the sampler states. */
static void test_chi_square(void **state)
{
    (void)state;
    enum { V = 6, DRAWS = 60000 };
    float logits[V] = {1.0f, 0.2f, -0.5f, 2.0f, 0.0f, -1.5f};
    struct { float T; int k; float p; } configs[] = {{1, 0, 1}, {0.7f, 0, 1}, {1.5f, 4, 1}, {1, 0, 0.9f}};
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
        Sampler s = make(configs[c].T, configs[c].k, configs[c].p, 0, V);
        Rng r;
        rng_seed(&r, 1234 + c);
        long count[V] = {0};
        for (int i = 0; i < DRAWS; i++) count[sampler_sample(&s, logits, &r)]++;
        double chi2 = 0;
        int df = -1;
        for (int id = 0; id < V; id++) {
            double p = final_p(&s, id);
            if (p == 0) {
                assert_int_equal(count[id], 0); /* a filtered token is never drawn */
                continue;
            }
            double expect = p * DRAWS;
            chi2 += (count[id] - expect) * (count[id] - expect) / expect;
            df++;
        }
        /* The 99.9th percentile of chi-square with df <= 5 degrees of freedom is at most 20.5. */
        if (chi2 > 20.5) print_error("config %zu: chi-square %.2f with %d degrees of freedom\n", c, chi2, df);
        assert_true(chi2 <= 20.5);
        sampler_free(&s);
    }
}

/* The candidates' order: by probability, equal ones by logit, then by id (what the trace, the
 * panels and the draw rely on), checked pair by pair on logits with many ties, both zeros and
 * infinities, at a vocabulary size where the sort is not trivial. */
static void test_candidate_order(void **state)
{
    (void)state;
    const int V = 5000;
    const float values[] = {-INFINITY, -30.0f, -1.5f, -0.0f, 0.0f, 0.25f, 2.0f, 2.0000002f, 9.0f};
    float *logits = malloc(sizeof(float) * V);
    Rng r;
    rng_seed(&r, 4);
    for (int i = 0; i < V; i++)
        logits[i] = i % 7 ? values[rng_below(&r, sizeof values / sizeof *values)] : (float)rng_normal(&r) * 3;
    const float temps[] = {1.0f, 0.7f, 0.0f, 3.0f};
    for (int t = 0; t < 4; t++) {
        Sampler s;
        SamplerConfig c;
        Err e;
        sampler_config_default(&c);
        c.temperature = temps[t];
        assert_int_equal(sampler_create(&s, &c, V, &e), 0);
        sampler_distribution(&s, logits);
        int *seen = calloc((size_t)V, sizeof *seen);
        for (int i = 0; i < V; i++) {
            const SampleCandidate *x = &s.cand[i];
            assert_false(seen[x->id]++);
            assert_true(x->logit == logits[x->id]);
            if (i == 0) continue;
            const SampleCandidate *w = &s.cand[i - 1];
            assert_true(w->p_temp >= x->p_temp);
            if (w->p_temp == x->p_temp) {
                assert_true(w->logit >= x->logit);
                if (w->logit == x->logit) assert_true(w->id < x->id);
            }
        }
        free(seen);
        sampler_free(&s);
    }
    free(logits);
}

static void test_bad_config(void **state)
{
    (void)state;
    SamplerConfig bad[] = {{-0.1f, 0, 1, 0}, {1, -1, 1, 0}, {1, 0, 0, 0}, {1, 0, 1.5f, 0}, {1, 0, 1, -0.1f}, {1, 0, 1, 1.1f}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Err e;
        assert_int_equal(sampler_config_check(&bad[i], &e), -1);
        assert_int_equal(e.code, ERR_INPUT);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classroom_softmax), cmocka_unit_test(test_classroom_surprise),
        cmocka_unit_test(test_classroom_temperature), cmocka_unit_test(test_top_k_exact),
        cmocka_unit_test(test_top_p_boundaries), cmocka_unit_test(test_min_p),
        cmocka_unit_test(test_greedy), cmocka_unit_test(test_draw_bookkeeping),
        cmocka_unit_test(test_chi_square), cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_candidate_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
