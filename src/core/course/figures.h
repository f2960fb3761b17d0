/*
 * figures.h - the numbers a lesson states, computed by the tool when the step is shown.
 *
 * A figure is written {{NAME ARGS}} in a lesson (lessons/README.md lists them): the softmax of
 * given logits ({{softmax 3.2 1.3 -2.1}} reads "86.6 / 13.0 / 0.4 %"), probabilities at a
 * temperature, -ln p, how many tokens or training examples a text gives under a tokenizer, its
 * ids or pieces, a vocabulary's size, and figures of the live model (its loss on the panels'
 * text, its next token, its step). {{EXPR = TEXT}} also states what the figure reads, so that
 * the lesson reads well as a file and `lessons --check` confirms it: a lesson never states a
 * number the tool did not compute.
 *
 * Used by the interface's lesson runner (and through it by `nexttoken lessons --check`).
 */
#ifndef NT_FIGURES_H
#define NT_FIGURES_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/model/gpt2.h"
#include "core/text/tokenizer.h"

/* The live model a lesson runs beside, for the figures that need it. */
typedef struct FigureModel {
    const GPT2 *model;         /* NULL: no model yet (those figures cannot be computed) */
    const Tokenizer *tok;      /* its tokenizer */
    const char *text;          /* the panels' text (the prompt) */
    double val_loss;           /* its last validation loss; NaN before the first */
    double train_loss;         /* its last training step's loss; NaN before the first */
    double unigram;            /* the unigram entropy of its training tokens */
    long step;
} FigureModel;

enum { FIGURE_GPT2, FIGURE_CL100K, FIGURE_O200K, FIGURE_NAMED };

typedef struct Figures {
    FigureModel live;
    Tokenizer named[FIGURE_NAMED]; /* GPT-2's, cl100k's and o200k's, loaded when first used */
    int tried[FIGURE_NAMED];
    int unavailable;           /* set when a figure needed one of them and it is not installed */
} Figures;

void figures_init(Figures *f);
void figures_free(Figures *f);

/* Whether the text between {{ and }} (n bytes) is a figure: its name and arguments. ERR_INPUT
 * saying what is wrong otherwise. */
int figure_check(const char *expr, size_t n, Err *e);

/* Computes a figure into out. *matches is 1 when it has no "= TEXT" or reads exactly TEXT, 0
 * when it reads otherwise. -1 with e filled when it cannot be computed (no model yet, a
 * vocabulary not installed, an argument out of range). */
int figure_eval(Figures *f, const char *expr, size_t n, char *out, size_t cap, int *matches, Err *e);

/* text with every {{...}} replaced by its value, into out ("?" for a figure that cannot be
 * computed, "(make gpt2-vocab)" for one whose vocabulary is not installed), the spaces inside a value made no-break spaces so that a figure is never wrapped. Returns how many figures could not be computed or did not read as their "= TEXT"
 * said; the first of them is described in e, *line being how many lines into text it stands. */
int figures_render(Figures *f, const char *text, char *out, size_t cap, int *line, Err *e);

#endif
