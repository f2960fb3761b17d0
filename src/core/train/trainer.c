/* trainer.c - the training step. See trainer.h. */
#include "core/train/trainer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/clock.h"
#include "core/base/i18n.h"

/* Everything but the model, the optimizer and the state: the work area and batch buffers. */
static int trainer_setup(Trainer *tr, const Dataset *d, Err *e)
{
    const GPT2Config *mc = &tr->model.cfg;
    if (d->n_vocab != mc->n_vocab)
        return err_input(e, _("the data has a vocabulary of %d tokens but the model has %d"), d->n_vocab, mc->n_vocab);
    tr->data = d;
    int B = tr->st.cfg.batch, T = mc->n_ctx;
    if (gpt2_work_create(&tr->work, &tr->model, B, T, 1, tr->pool, e)) return -1;
    tr->x = malloc(2 * sizeof(int32_t) * B * T);
    if (!tr->x) return err_nomem(e, N_("batch"), 8ULL * B * T);
    tr->y = tr->x + (size_t)B * T;
    size_t sizes[GPT2_NUM_TENSORS];
    gpt2_tensor_sizes(mc, sizes);
    tr->n_seg = GPT2_NUM_TENSORS;
    for (int i = 0; i < GPT2_NUM_TENSORS; i++) {
        tr->seg_size[i] = sizes[i];
        tr->seg_decay[i] = gpt2_tensor_is_matrix[i];
    }
    /* No step yet: nothing to show, not zeros (trainer_resume brings back the saved losses). */
    tr->loss = tr->grad_norm = tr->lr = tr->val_loss = NAN;
    return 0;
}

int trainer_create(Trainer *tr, const GPT2Config *mc, const TrainConfig *tc, const Dataset *d,
                   ParPool *pool, Err *e)
{
    memset(tr, 0, sizeof *tr);
    tr->pool = pool;
    if (train_config_check(tc, e)) return -1;
    tr->st.cfg = *tc;
    if (gpt2_create(&tr->model, mc, e) || adamw_create(&tr->opt, tr->model.n_params, e)) {
        trainer_free(tr);
        return -1;
    }
    /* One generator for initialisation, then the same generator draws batches: a seed fixes
     * the whole run. */
    rng_seed(&tr->st.rng, tc->seed);
    gpt2_init_random(&tr->model, &tr->st.rng);
    tr->opt.weight_decay = tc->weight_decay;
    if (trainer_setup(tr, d, e)) {
        trainer_free(tr);
        return -1;
    }
    return 0;
}

int trainer_resume(Trainer *tr, GPT2 *model, AdamW *opt, TrainState *st, const TrainConfig *tc,
                   const Dataset *d, ParPool *pool, Err *e)
{
    memset(tr, 0, sizeof *tr);
    tr->pool = pool;
    tr->model = *model;
    memset(model, 0, sizeof *model);
    if (st->cfg.batch > 0) {
        tr->st = *st;
        memset(st, 0, sizeof *st);
    } else {
        tr->st.cfg = *tc;
        rng_seed(&tr->st.rng, tc->seed);
    }
    if (opt->n == tr->model.n_params && opt->m) {
        tr->opt = *opt;
        memset(opt, 0, sizeof *opt);
    } else if (adamw_create(&tr->opt, tr->model.n_params, e)) {
        trainer_free(tr);
        return -1;
    }
    tr->opt.weight_decay = tr->st.cfg.weight_decay;
    if (train_config_check(&tr->st.cfg, e) || trainer_setup(tr, d, e)) {
        trainer_free(tr);
        return -1;
    }
    /* The losses of the last step saved, for whatever shows the model before it trains on
     * (the interface's status bar said 0.000 until then). */
    const TrainHistory *h = &tr->st.hist;
    if (h->n) tr->loss = h->loss[h->n - 1];
    if (h->n_val) tr->val_loss = h->val_loss[h->n_val - 1];
    return 0;
}

void trainer_free(Trainer *tr)
{
    gpt2_free(&tr->model);
    gpt2_work_free(&tr->work);
    adamw_free(&tr->opt);
    train_state_free(&tr->st);
    free(tr->x);
    memset(tr, 0, sizeof *tr);
}

int trainer_step(Trainer *tr, Err *e)
{
    double t0 = clock_now();
    TrainState *st = &tr->st;
    const int B = st->cfg.batch, T = tr->model.cfg.n_ctx;
    LrSchedule sched = {st->cfg.lr, st->cfg.warmup, st->cfg.total_steps, st->cfg.min_lr_ratio};

    dataset_train_batch(tr->data, &st->rng, B, T, tr->x, tr->y);
    double loss = gpt2_forward(&tr->model, &tr->work, tr->x, tr->y, B, T);
    if (!isfinite(loss))
        return err_input(e, _("training stopped at step %ld: the loss is %g; the weights of the last good step are kept (a lower learning rate may help)"), st->step + 1, loss);
    gpt2_backward(&tr->model, &tr->work);
    double norm = grad_norm(tr->work.grads, tr->model.n_params, tr->pool);
    if (!isfinite(norm))
        return err_input(e, _("training stopped at step %ld: the gradient is not finite; the weights of the last good step are kept (a lower learning rate may help)"), st->step + 1);
    grad_clip(tr->work.grads, tr->model.n_params, norm, st->cfg.grad_clip, tr->pool);
    float lr = lr_at(&sched, st->step);
    adamw_update(&tr->opt, tr->model.params, tr->work.grads, tr->seg_size, tr->seg_decay, tr->n_seg, lr, tr->pool);

    st->step++;
    st->seconds += clock_now() - t0;
    tr->loss = (float)loss;
    tr->grad_norm = (float)norm;
    tr->lr = lr;
    if (train_history_add(&st->hist, tr->loss, (float)st->seconds, e)) return -1;
    if (st->cfg.val_every > 0 && st->cfg.val_batches > 0 && st->step % st->cfg.val_every == 0) {
        tr->val_loss = (float)trainer_validate(tr);
        if (train_history_add_val(&st->hist, st->step, tr->val_loss, e)) return -1;
    }
    return 0;
}

double trainer_validate(Trainer *tr)
{
    const int B = tr->st.cfg.batch, T = tr->model.cfg.n_ctx;
    int n = tr->st.cfg.val_batches * B;
    if (n < 1) n = B;
    double sum = 0;
    for (int k0 = 0; k0 < n; k0 += B) {
        int nb = n - k0 < B ? n - k0 : B;
        for (int b = 0; b < nb; b++)
            dataset_val_window(tr->data, k0 + b, n, T, tr->x + (size_t)b * T, tr->y + (size_t)b * T);
        sum += gpt2_forward(&tr->model, &tr->work, tr->x, tr->y, nb, T) * nb;
    }
    return sum / n;
}
