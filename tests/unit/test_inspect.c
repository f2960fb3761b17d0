/* Inspection against PyTorch: attention weights of every layer and head, the logit lens after
 * every block, and the cosines of token and position embeddings, from the fixture
 * tests/reference/torch_inspect.py wrote (float64 arithmetic), to a relative 1e-4. Then what the
 * reference does not cover: the causal triangle, a second shorter run through the same buffers,
 * the ranking of neighbours, and the refusals. */
#include "testutil.h"

#include "core/model/gpt2.h"
#include "core/model/inspect.h"

typedef struct {
    int L, NH, C, ctx, V, n;
    size_t n_params;
    float *params;
    int32_t *ids;
    double *att, *lens, *wte_cos, *wpe_cos;
} Ref;

static uint8_t *ref_buf;

static int load_ref(Ref *r)
{
    size_t size;
    if (!(ref_buf = fixture_load("inspect_torch.bin", "NTINS001", 40, &size))) return -1;
    const uint8_t *p = ref_buf + 8;
    int32_t h[6];
    memcpy(h, p, sizeof h), p += sizeof h;
    r->L = h[0], r->NH = h[1], r->C = h[2], r->ctx = h[3], r->V = h[4], r->n = h[5];
    int64_t np;
    memcpy(&np, p, 8), p += 8;
    r->n_params = (size_t)np;
    const size_t L = r->L, NH = r->NH, n = r->n, V = r->V;
    r->params = take(&p, sizeof(float) * r->n_params);
    r->ids = take(&p, sizeof(int32_t) * n);
    r->att = take(&p, sizeof(double) * L * NH * n * n);
    r->lens = take(&p, sizeof(double) * L * n * V);
    r->wte_cos = take(&p, sizeof(double) * V * V);
    r->wpe_cos = take(&p, sizeof(double) * r->ctx * r->ctx);
    return (size_t)(p - ref_buf) == size ? 0 : -1;
}

static void ref_free(Ref *r)
{
    free(r->params), free(r->ids), free(r->att), free(r->lens), free(r->wte_cos), free(r->wpe_cos);
    free(ref_buf);
}

/* The largest relative error seen (close_rel's max measure), for the test's report. */
static double worst_err;

static int check(const char *what, const float *got, const double *want, size_t count)
{
    double rel2, relmax;
    rel_errors(got, want, count, &rel2, &relmax);
    if (relmax > worst_err) worst_err = relmax;
    if (rel2 > worst_err) worst_err = rel2;
    return close_rel(what, got, want, count, 1e-4);
}

static void test_against_torch(void **state)
{
    (void)state;
    Ref r = {0};
    assert_int_equal(load_ref(&r), 0);
    GPT2Config cfg = {.n_layer = r.L, .n_head = r.NH, .n_embd = r.C, .n_ctx = r.ctx, .n_vocab = r.V};
    GPT2 m;
    Inspect in;
    Err e;
    assert_int_equal(gpt2_create(&m, &cfg, &e), 0);
    assert_int_equal(m.n_params, r.n_params);
    memcpy(m.params, r.params, sizeof(float) * r.n_params);
    assert_int_equal(inspect_create(&in, &m, &e), 0);
    const int n = r.n, V = r.V;
    const float *logits = inspect_run(&in, &m, r.ids, n, &e);
    assert_non_null(logits);
    worst_err = 0;

    /* attention: every layer and head, (n,n) */
    for (int l = 0; l < r.L; l++)
        for (int h = 0; h < r.NH; h++) {
            char what[64];
            snprintf(what, sizeof what, "attention weights of layer %d head %d", l, h);
            const float *a = inspect_attention(&in, l, h);
            assert_true(check(what, a, r.att + ((size_t)l * r.NH + h) * n * n, (size_t)n * n));
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    if (j > i) assert_true(a[(size_t)i * n + j] == 0.0f); /* exactly: the future is masked */
                    sum += a[(size_t)i * n + j];
                }
                assert_true(fabs(sum - 1) < 1e-5);
            }
        }
    double att_err = worst_err;

    /* the lens after every block, in chunks of INSPECT_LENS_ROWS positions */
    worst_err = 0;
    for (int l = 0; l < r.L; l++)
        for (int t0 = 0; t0 < n; t0 += INSPECT_LENS_ROWS) {
            int rows = n - t0 < INSPECT_LENS_ROWS ? n - t0 : INSPECT_LENS_ROWS;
            char what[64];
            snprintf(what, sizeof what, "logit lens after block %d", l);
            const float *p = inspect_lens(&in, &m, l, t0, rows);
            assert_true(check(what, p, r.lens + ((size_t)l * n + t0) * V, (size_t)rows * V));
        }
    double lens_err = worst_err;
    /* the last layer's lens at the last position is the model's own next-token distribution */
    {
        const float *p = inspect_lens(&in, &m, r.L - 1, n - 1, 1);
        double mx = logits[0], sum = 0;
        for (int v = 1; v < V; v++) mx = logits[v] > mx ? logits[v] : mx;
        for (int v = 0; v < V; v++) sum += exp(logits[v] - mx);
        for (int v = 0; v < V; v++) assert_true(fabs(p[v] - exp(logits[v] - mx) / sum) < 1e-6);
    }

    /* cosines: every token against every token, and the positions' matrix */
    worst_err = 0;
    for (int id = 0; id < V; id++) {
        char what[64];
        snprintf(what, sizeof what, "cosines of token %d", id);
        assert_true(check(what, inspect_token_cosines(&in, &m, id), r.wte_cos + (size_t)id * V, (size_t)V));
    }
    float *pc = malloc(sizeof(float) * r.ctx * r.ctx);
    inspect_position_cosines(&in, &m, r.ctx, pc);
    assert_true(check("cosines of position embeddings", pc, r.wpe_cos, (size_t)r.ctx * r.ctx));
    double cos_err = worst_err;
    free(pc);
    print_message("max relative error against PyTorch: attention %.2g, lens %.2g, cosines %.2g\n", att_err, lens_err,
                  cos_err);

    /* neighbours: the top 5 of a row of the reference, the token itself left out */
    for (int id = 0; id < V; id += 13) {
        InspectRank top[5];
        assert_int_equal(inspect_top(inspect_token_cosines(&in, &m, id), V, 5, id, top), 5);
        for (int k = 0; k < 5; k++) {
            assert_true(top[k].id != id);
            assert_true(fabs(top[k].v - r.wte_cos[(size_t)id * V + top[k].id]) < 1e-5);
            if (k) assert_true(top[k].v <= top[k - 1].v);
        }
        /* nothing left out ranks above the fifth */
        for (int j = 0; j < V; j++) {
            int in_top = j == id;
            for (int k = 0; k < 5; k++) in_top |= top[k].id == j;
            if (!in_top) assert_true(r.wte_cos[(size_t)id * V + j] <= top[4].v + 1e-6);
        }
    }

    /* A shorter text through the same buffers: a prefix sees only itself, so its weights are the
     * top-left block of the longer run's (causality), now laid out (k,k). */
    const int k = n / 2;
    float *first = malloc(sizeof(float) * n * n);
    memcpy(first, inspect_attention(&in, r.L - 1, r.NH - 1), sizeof(float) * n * n);
    assert_non_null(inspect_run(&in, &m, r.ids, k, &e));
    const float *a = inspect_attention(&in, r.L - 1, r.NH - 1);
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) assert_true(fabs(a[i * k + j] - first[i * n + j]) < 1e-6);
    free(first);

    /* refusals */
    assert_null(inspect_run(&in, &m, r.ids, 0, &e));
    assert_int_equal(e.code, ERR_INPUT);
    int32_t *longer = calloc((size_t)r.ctx + 1, sizeof *longer);
    assert_null(inspect_run(&in, &m, longer, r.ctx + 1, &e));
    assert_non_null(strstr(e.msg, "13 tokens, longer than the model's context of 12"));
    longer[2] = r.V;
    assert_null(inspect_run(&in, &m, longer, 3, &e));
    free(longer);

    inspect_free(&in);
    gpt2_free(&m);
    ref_free(&r);
}

static void test_top(void **state)
{
    (void)state;
    const float x[] = {0.5f, 2.0f, NAN, 2.0f, -1.0f, 3.0f, 0.5f};
    InspectRank out[7];
    /* 3.0 at 5, then the tie 2.0 at 1 before 3, then 0.5 at 0 */
    assert_int_equal(inspect_top(x, 7, 4, -1, out), 4);
    int want[] = {5, 1, 3, 0};
    for (int i = 0; i < 4; i++) assert_int_equal(out[i].id, want[i]);
    /* all of them, one left out: NaN comes last */
    assert_int_equal(inspect_top(x, 7, 7, 1, out), 6);
    int want_all[] = {5, 3, 0, 6, 4, 2};
    for (int i = 0; i < 6; i++) assert_int_equal(out[i].id, want_all[i]);
    assert_int_equal(inspect_top(x, 7, 0, -1, out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_torch),
        cmocka_unit_test(test_top),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
