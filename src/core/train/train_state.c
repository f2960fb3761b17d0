/* train_state.c - see train_state.h. */
#include "core/train/train_state.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/array.h"
#include "core/base/i18n.h"

void train_config_default(TrainConfig *tc)
{
    *tc = (TrainConfig){
        .batch = 8,
        .lr = 2e-3f,
        .warmup = 50,
        .total_steps = 0,
        .min_lr_ratio = 0.1f,
        .weight_decay = 0.1f,
        .grad_clip = 1.0f,
        .seed = 1337,
        .val_every = 50,
        .val_batches = 2,
    };
}

int train_config_check(const TrainConfig *tc, Err *e)
{
    if (tc->batch < 1 || tc->batch > TRAIN_MAX_BATCH)
        return err_input(e, _("batch must be between 1 and %d (got %d)"), TRAIN_MAX_BATCH, tc->batch);
    if (!(tc->lr > 0 && tc->lr <= 10)) return err_input(e, _("learning rate must be in (0, 10] (got %g)"), tc->lr);
    if (tc->warmup < 0) return err_input(e, _("warm-up steps must be >= 0 (got %d)"), tc->warmup);
    if (tc->total_steps < 0 || tc->total_steps > TRAIN_MAX_STEPS)
        return err_input(e, _("steps must be between 1 and %ld, or 0 for open-ended training (got %ld)"), TRAIN_MAX_STEPS,
                         tc->total_steps);
    if (!(tc->min_lr_ratio >= 0 && tc->min_lr_ratio <= 1)) return err_input(e, _("minimum learning-rate ratio must be in [0, 1]"));
    if (!(tc->weight_decay >= 0 && tc->weight_decay < 1)) return err_input(e, _("weight decay must be in [0, 1) (got %g)"), tc->weight_decay);
    if (!(tc->grad_clip >= 0 && isfinite(tc->grad_clip))) return err_input(e, _("gradient clip must be >= 0 (got %g)"), tc->grad_clip);
    if (tc->val_every < 0) return err_input(e, _("validation interval must be >= 0 (got %d)"), tc->val_every);
    if (tc->val_batches < 0 || tc->val_batches > TRAIN_MAX_VAL_BATCHES)
        return err_input(e, _("validation batches must be between 0 and %d (got %d)"), TRAIN_MAX_VAL_BATCHES, tc->val_batches);
    return 0;
}

void train_state_free(TrainState *st)
{
    free(st->hist.loss);
    free(st->hist.seconds);
    free(st->hist.val_step);
    free(st->hist.val_loss);
    memset(st, 0, sizeof *st);
}

int train_history_add(TrainHistory *h, float loss, float seconds, Err *e)
{
    void **const cols[] = {(void **)&h->loss, (void **)&h->seconds};
    const size_t elems[] = {sizeof *h->loss, sizeof *h->seconds};
    if (array_grow_columns(&h->cap, h->n + 1, 1024, 2, cols, elems)) return err_nomem(e, N_("loss history"), (h->n + 1) * 8);
    h->loss[h->n] = loss;
    h->seconds[h->n] = seconds;
    h->n++;
    return 0;
}

int train_history_add_val(TrainHistory *h, long step, float loss, Err *e)
{
    void **const cols[] = {(void **)&h->val_step, (void **)&h->val_loss};
    const size_t elems[] = {sizeof *h->val_step, sizeof *h->val_loss};
    if (array_grow_columns(&h->cap_val, h->n_val + 1, 64, 2, cols, elems))
        return err_nomem(e, N_("validation history"), (h->n_val + 1) * 12);
    h->val_step[h->n_val] = step;
    h->val_loss[h->n_val] = loss;
    h->n_val++;
    return 0;
}
