/* sampler.c - temperature, top-k, top-p, min-p and the draw. See sampler.h. */
#include "core/model/sampler.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/i18n.h"

void sampler_config_default(SamplerConfig *c)
{
    *c = (SamplerConfig){.temperature = 1.0f, .top_k = 0, .top_p = 1.0f, .min_p = 0.0f};
}

int sampler_config_check(const SamplerConfig *c, Err *e)
{
    if (!(c->temperature >= 0 && c->temperature <= 100))
        return err_input(e, _("temperature must be between 0 and 100 (got %g)"), c->temperature);
    if (c->top_k < 0) return err_input(e, _("top-k must be >= 0 (got %d)"), c->top_k);
    if (!(c->top_p > 0 && c->top_p <= 1)) return err_input(e, _("top-p must be in (0, 1] (got %g)"), c->top_p);
    if (!(c->min_p >= 0 && c->min_p <= 1)) return err_input(e, _("min-p must be in [0, 1] (got %g)"), c->min_p);
    return 0;
}

int sampler_create(Sampler *s, const SamplerConfig *c, int n_vocab, Err *e)
{
    memset(s, 0, sizeof *s);
    if (sampler_config_check(c, e)) return -1;
    s->cfg = *c;
    s->n_vocab = n_vocab;
    size_t scratch = (size_t)n_vocab * (4 * sizeof(uint32_t) + 2 * sizeof(double));
    s->cand = calloc((size_t)n_vocab, sizeof *s->cand);
    s->scratch = malloc(scratch);
    if (!s->cand || !s->scratch) {
        sampler_free(s);
        return err_nomem(e, N_("sampler"), (unsigned long long)n_vocab * sizeof *s->cand + scratch);
    }
    s->u = NAN;
    return 0;
}

void sampler_free(Sampler *s)
{
    free(s->cand);
    free(s->scratch);
    memset(s, 0, sizeof *s);
}

/* The order of the candidates, by p_temp, highest first; equal probabilities (both may have
 * underflowed to 0) by logit, then by id, so the order never depends on the sort algorithm.
 * p_temp rises with the logit (e^(z/T - max) / sum, T > 0), and at T = 0 the one token with
 * p_temp 1 is the lowest id of the highest logit: so that order is the order of the logits,
 * highest first, equal ones by id. A radix sort of the logits gives it in linear passes (stable,
 * from ids in order; every digit's counts taken in one pass): at GPT-2's 50,257 tokens
 * qsort's comparisons cost a tenth of a decoded token. The key of a float: its bits with the
 * sign bit flipped when positive and every bit flipped when negative order as the floats do;
 * inverted, highest first. Returns the ids in order (in scratch). */
static const uint32_t *sort_ids(Sampler *s, const float *logits)
{
    enum { BITS = 11, RADIX = 1 << BITS, PASSES = (32 + BITS - 1) / BITS };
    const int V = s->n_vocab;
    uint32_t *key = s->scratch, *key2 = key + V, *idx = key2 + V, *idx2 = idx + V;
    /* three passes of 11 bits (the counts of each, 8 KB, stay in L1) rather than four of 8 */
    uint32_t count[PASSES][RADIX + 1];
    memset(count, 0, sizeof count);
    for (int i = 0; i < V; i++) {
        float z = logits[i] + 0.0f; /* -0 becomes +0: the two are equal logits */
        uint32_t b;
        memcpy(&b, &z, sizeof b);
        key[i] = ~(b & 0x80000000u ? ~b : b | 0x80000000u);
        idx[i] = (uint32_t)i;
        for (int d = 0; d < PASSES; d++) count[d][((key[i] >> (BITS * d)) & (RADIX - 1)) + 1]++;
    }
    for (int d = 0; d < PASSES; d++) {
        uint32_t *cnt = count[d];
        for (int k = 0; k < RADIX; k++) cnt[k + 1] += cnt[k];
        for (int i = 0; i < V; i++) {
            uint32_t to = cnt[(key[i] >> (BITS * d)) & (RADIX - 1)]++;
            key2[to] = key[i], idx2[to] = idx[i];
        }
        uint32_t *t = key; key = key2, key2 = t;
        t = idx, idx = idx2, idx2 = t;
    }
    return idx; /* the ids in order, in whichever pair of arrays the last pass wrote */
}

/* e[i] = e^(logit_i / T - max) into e, in id order; returns their sum, the max in *max_out. */
static double exp_into(double *e, const float *logits, int n, double T, double *max_out)
{
    double mx = -INFINITY;
    for (int i = 0; i < n; i++) mx = logits[i] / T > mx ? logits[i] / T : mx; /* fmax, inline */
    double sum = 0;
    for (int i = 0; i < n; i++) {
        e[i] = exp(logits[i] / T - mx);
        sum += e[i];
    }
    *max_out = mx;
    return sum;
}

void sampler_distribution(Sampler *s, const float *logits)
{
    const int V = s->n_vocab;
    const SamplerConfig *c = &s->cfg;
    SampleCandidate *cand = s->cand;
    /* The softmaxes are taken in id order into scratch, after the sort's arrays (sampler_create),
     * and the candidates written once, in sorted order: the table of V candidates is the
     * largest thing a token's sampling touches. */
    double *e1 = (double *)((uint32_t *)s->scratch + 4 * (size_t)V), *et = e1 + V;
    /* 1. temperature */
    double mx1, mx = 0, sum = 0;
    const double sum1 = exp_into(e1, logits, V, 1.0, &mx1);
    int best = 0;
    if (c->temperature == 1) {
        /* the same softmax, not computed twice (V exponentials) */
        s->exp_shift = mx1 <= 80 ? 0 : mx1;
        s->exp_sum = sum1 * exp(mx1 - s->exp_shift);
    } else if (c->temperature > 0) {
        sum = exp_into(et, logits, V, c->temperature, &mx);
        s->exp_shift = mx <= 80 ? 0 : mx;
        s->exp_sum = sum * exp(mx - s->exp_shift);
    } else {
        /* The limit T -> 0: all probability on the most likely token. */
        for (int i = 1; i < V; i++)
            if (logits[i] > logits[best]) best = i;
        s->exp_shift = 0;
        s->exp_sum = NAN;
    }
    /* 2. sort */
    const uint32_t *order = sort_ids(s, logits);
    for (int r = 0; r < V; r++) {
        const int i = (int)order[r];
        const double p = e1[i] / sum1;
        double pt = p;
        if (c->temperature == 0) pt = i == best;
        else if (c->temperature != 1) pt = et[i] / sum;
        cand[r] = (SampleCandidate){.id = i, .logit = logits[i], .p = p, .p_temp = pt, .cut_by = CUT_NONE};
    }
    /* 3. top-k */
    int kept = V;
    if (c->top_k > 0 && c->top_k < kept) {
        for (int i = c->top_k; i < kept; i++) cand[i].cut_by = CUT_TOP_K;
        kept = c->top_k;
    }
    /* 4. top-p, over the mass that top-k left */
    if (c->top_p < 1.0f) {
        double mass = 0;
        for (int i = 0; i < kept; i++) mass += cand[i].p_temp;
        double target = c->top_p * mass - 1e-6, cum = 0;
        int n = 0;
        while (n < kept) {
            cum += cand[n++].p_temp;
            if (cum >= target) break;
        }
        for (int i = n; i < kept; i++) cand[i].cut_by = CUT_TOP_P;
        kept = n;
    }
    /* 5. min-p, relative to the most likely */
    if (c->min_p > 0.0f) {
        double floor_p = c->min_p * cand[0].p_temp;
        int n = 1;
        while (n < kept && cand[n].p_temp >= floor_p) n++;
        for (int i = n; i < kept; i++) cand[i].cut_by = CUT_MIN_P;
        kept = n;
    }
    if (kept < 1) kept = 1;

    /* 6a. renormalise */
    double mass = 0;
    for (int i = 0; i < kept; i++) mass += cand[i].p_temp;
    for (int i = 0; i < V; i++) cand[i].p_final = i < kept ? cand[i].p_temp / mass : 0.0;
    s->n_kept = kept;
    s->kept_mass = mass;
}

int32_t sampler_draw(Sampler *s, Rng *rng)
{
    if (s->cfg.temperature == 0) {
        s->u = NAN;
        s->chosen_rank = 0;
        s->cdf_lo = 0;
        s->cdf_hi = 1;
        return s->chosen = s->cand[0].id;
    }
    double u = rng_uniform(rng), cum = 0;
    int i = 0;
    for (; i < s->n_kept - 1; i++) {
        if (u < cum + s->cand[i].p_final) break;
        cum += s->cand[i].p_final;
    }
    /* Rounding can leave the total a hair under 1; such a u belongs to the last kept token. */
    s->u = u;
    s->chosen_rank = i;
    s->cdf_lo = cum;
    s->cdf_hi = i == s->n_kept - 1 ? 1.0 : cum + s->cand[i].p_final;
    return s->chosen = s->cand[i].id;
}

int32_t sampler_sample(Sampler *s, const float *logits, Rng *rng)
{
    sampler_distribution(s, logits);
    return sampler_draw(s, rng);
}
