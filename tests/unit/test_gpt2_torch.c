/* The model against PyTorch: logits, losses, every gradient, and three AdamW steps, from the
 * fixture tests/reference/torch_gpt2.py wrote (float64 arithmetic), to a relative 1e-4. */
#include "testutil.h"

#include "core/model/gpt2.h"
#include "core/train/adamw.h"

typedef struct {
    int L, NH, C, ctx, V, B, T, nsteps;
    size_t n;
    float *params;
    int32_t *inputs, *targets;
    double *logits, *losses, mean_loss, *grads, *step_loss, *after;
    float *lr, clip;
} Ref;

static uint8_t *ref_buf;

static int load_ref(Ref *r)
{
    size_t size;
    if (!(ref_buf = fixture_load("gpt2_torch.bin", "NTREF001", 48, &size))) return -1;
    const uint8_t *p = ref_buf + 8;
    int32_t h[8];
    memcpy(h, p, sizeof h), p += sizeof h;
    r->L = h[0], r->NH = h[1], r->C = h[2], r->ctx = h[3], r->V = h[4], r->B = h[5], r->T = h[6], r->nsteps = h[7];
    int64_t n;
    memcpy(&n, p, 8), p += 8;
    r->n = (size_t)n;
    size_t BT = (size_t)r->B * r->T;
    r->params = take(&p, sizeof(float) * r->n);
    r->inputs = take(&p, sizeof(int32_t) * BT);
    r->targets = take(&p, sizeof(int32_t) * BT);
    r->logits = take(&p, sizeof(double) * BT * r->V);
    r->losses = take(&p, sizeof(double) * BT);
    memcpy(&r->mean_loss, p, 8), p += 8;
    r->grads = take(&p, sizeof(double) * r->n);
    r->lr = take(&p, sizeof(float) * r->nsteps);
    memcpy(&r->clip, p, 4), p += 4;
    r->step_loss = take(&p, sizeof(double) * r->nsteps);
    r->after = take(&p, sizeof(double) * r->n);
    return (size_t)(p - ref_buf) == size ? 0 : -1;
}

static void test_against_torch(void **state)
{
    (void)state;
    Ref r = {0};
    assert_int_equal(load_ref(&r), 0);
    GPT2Config cfg = {.n_layer = r.L, .n_head = r.NH, .n_embd = r.C, .n_ctx = r.ctx, .n_vocab = r.V};
    GPT2 m;
    GPT2Work w;
    Err e;
    assert_int_equal(gpt2_create(&m, &cfg, &e), 0);
    assert_int_equal(m.n_params, r.n);
    memcpy(m.params, r.params, sizeof(float) * r.n);
    /* T (9) is shorter than the context (12): the work area is sized for the context. */
    assert_int_equal(gpt2_work_create(&w, &m, r.B, r.ctx, 1, NULL, &e), 0);
    size_t BT = (size_t)r.B * r.T;

    double loss = gpt2_forward(&m, &w, r.inputs, r.targets, r.B, r.T);
    assert_true(close_rel("logits", w.logits, r.logits, BT * r.V, 1e-4));
    assert_true(close_rel("losses", w.losses, r.losses, BT, 1e-4));
    assert_true(fabs(loss - r.mean_loss) <= 1e-4 * r.mean_loss);

    gpt2_backward(&m, &w);
    size_t sizes[GPT2_NUM_TENSORS], off = 0;
    gpt2_tensor_sizes(&cfg, sizes);
    for (int t = 0; t < GPT2_NUM_TENSORS; t++) {
        char what[64];
        snprintf(what, sizeof what, "gradient of %s", gpt2_tensor_names[t]);
        assert_true(close_rel(what, w.grads + off, r.grads + off, sizes[t], 1e-4));
        off += sizes[t];
    }

    /* Three optimizer steps on the same batch, clipping every time (the fixture checks that
     * the norm exceeds the limit). */
    AdamW opt;
    assert_int_equal(adamw_create(&opt, m.n_params, &e), 0);
    int decay[GPT2_NUM_TENSORS];
    for (int t = 0; t < GPT2_NUM_TENSORS; t++) decay[t] = gpt2_tensor_is_matrix[t];
    for (int s = 0; s < r.nsteps; s++) {
        double l = gpt2_forward(&m, &w, r.inputs, r.targets, r.B, r.T);
        assert_true(fabs(l - r.step_loss[s]) <= 1e-4 * r.step_loss[s]);
        gpt2_backward(&m, &w);
        double norm = grad_norm(w.grads, m.n_params, NULL);
        assert_true(grad_clip(w.grads, m.n_params, norm, r.clip, NULL) < 1.0f);
        adamw_update(&opt, m.params, w.grads, sizes, decay, GPT2_NUM_TENSORS, r.lr[s], NULL);
    }
    off = 0;
    for (int t = 0; t < GPT2_NUM_TENSORS; t++) {
        char what[64];
        snprintf(what, sizeof what, "%s after 3 AdamW steps", gpt2_tensor_names[t]);
        if (t != GPT2_QKVB) {
            assert_true(close_rel(what, m.params + off, r.after + off, sizes[t], 1e-4));
        } else {
            /* The key bias adds the same q.b to every score of a row, which softmax ignores: its
             * true gradient is exactly 0, so both sides hold rounding noise (1e-9 here, 1e-17 in
             * float64) that Adam divides by its own size into steps of +-lr. Compare the query
             * and value biases; of the key bias only check that it moved by at most the sum of
             * the learning rates, as any Adam step must. */
            for (int l = 0; l < r.L; l++) {
                size_t base = off + (size_t)l * 3 * r.C;
                assert_true(close_rel("query bias after 3 AdamW steps", m.params + base, r.after + base, r.C, 1e-4));
                assert_true(close_rel("value bias after 3 AdamW steps", m.params + base + 2 * r.C,
                                      r.after + base + 2 * r.C, r.C, 1e-4));
                for (int i = 0; i < r.C; i++) {
                    double moved = fabs(m.params[base + r.C + i] - r.params[base + r.C + i]);
                    assert_true(moved <= (r.lr[0] + r.lr[1] + r.lr[2]) * 1.01);
                }
            }
        }
        off += sizes[t];
    }
    adamw_free(&opt);
    gpt2_work_free(&w);
    gpt2_free(&m);
    free(ref_buf);
    free(r.params), free(r.inputs), free(r.targets), free(r.logits), free(r.losses);
    free(r.grads), free(r.lr), free(r.step_loss), free(r.after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_torch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
