/*
 * sampler.h - choosing the next token from the model's logits: the "biased coin".
 *
 * The steps, in this order (llama.cpp's and Hugging Face's order):
 *   1. temperature: p_temp = softmax(logits / T). T = 0 means greedy: the most likely token
 *      (the lowest id among equals) is chosen and nothing random is drawn.
 *   2. sort the candidates by p_temp, most likely first (ties: lower id first);
 *   3. top-k: keep the k most likely (k = 0: off);
 *   4. top-p: of those, keep the smallest prefix whose share of their probability reaches p
 *      (p = 1: off; "reaches" allows 1e-6 for the rounding of float logits, so that
 *      0.5 + 0.3 reaches 0.8);
 *   5. min-p: drop what is less likely than min_p times the most likely (0: off);
 *   6. renormalise what is kept into p_final, draw u uniform in [0, 1) and walk the cumulative
 *      p_final until it passes u.
 * The most likely token always survives the filters. After a draw the Sampler holds everything
 * a teacher wants on screen: every candidate's logit and probabilities before and after
 * temperature and filtering, the kept set and its mass, u, and the interval of the cumulative
 * distribution it landed in.
 *
 * Used by generate.h, probe.h, the `sample`, `softmax` and `loss` commands, the trainer's
 * samples, and the Loss, Softmax and Sample panels.
 */
#ifndef NT_SAMPLER_H
#define NT_SAMPLER_H

#include <stdint.h>

#include "core/base/err.h"
#include "core/base/rng.h"

typedef struct SamplerConfig {
    float temperature; /* >= 0; 0 = greedy */
    int top_k;         /* >= 0; 0 = off */
    float top_p;       /* (0, 1]; 1 = off */
    float min_p;       /* [0, 1]; 0 = off */
} SamplerConfig;

/* temperature 1, no filters */
void sampler_config_default(SamplerConfig *c);
/* ERR_INPUT for out-of-range values, naming the knob. */
int sampler_config_check(const SamplerConfig *c, Err *e);

enum { CUT_NONE = 0, CUT_TOP_K, CUT_TOP_P, CUT_MIN_P };

typedef struct SampleCandidate {
    int32_t id;
    float logit;
    double p;        /* softmax(logits): temperature 1 */
    double p_temp;   /* softmax(logits / T) */
    double p_final;  /* renormalised over the kept set; 0 for the rest */
    int cut_by;      /* CUT_NONE if kept, else the filter that removed it */
} SampleCandidate;

typedef struct Sampler {
    SamplerConfig cfg;
    int n_vocab;
    SampleCandidate *cand; /* n_vocab, sorted by p_temp after sampler_distribution */
    void *scratch;         /* n_vocab of each: the sort's keys and ids (twice), the softmaxes' e^z */
    int n_kept;            /* the kept set is cand[0 .. n_kept) */
    double kept_mass;      /* sum of p_temp over the kept set */
    /* The worked softmax at temperature T: e^(logit/T - shift) and their sum. shift is 0 when
     * the numbers fit on a screen (max logit/T <= 80), otherwise the max, for exactness. */
    double exp_shift, exp_sum;
    /* The last draw */
    double u;              /* NAN when greedy */
    int chosen_rank;       /* index into cand */
    int32_t chosen;
    double cdf_lo, cdf_hi; /* u fell in [cdf_lo, cdf_hi) of the cumulative p_final */
} Sampler;

int sampler_create(Sampler *s, const SamplerConfig *c, int n_vocab, Err *e);
void sampler_free(Sampler *s);

/* Steps 1-5: fills cand, n_kept, kept_mass, exp_sum. */
void sampler_distribution(Sampler *s, const float *logits);
/* Step 6 on the distribution computed last; returns the token. */
int32_t sampler_draw(Sampler *s, Rng *rng);
/* Both. */
int32_t sampler_sample(Sampler *s, const float *logits, Rng *rng);

#endif
