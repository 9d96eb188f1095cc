/* Internal state of the supervised baseline, shared by supervised*.c. */
#ifndef LIEREG_SUPERVISED_IMPL_H
#define LIEREG_SUPERVISED_IMPL_H

#include "liereg/io.h"
#include "liereg/supervised.h"

typedef struct {
  lie_ctx ctx;
  const lie_sup_opts *cfg;
  lie_ssl_data dtr, dte;    /* labelled (train) file and test file */
  lie_ssl_model_opts model; /* encoder input/width as pretraining */
  lie_aug_opts aug;         /* views: crops only, or + Lie group */
  lie_nn_net net;
  lie_nn_adamw opt;
  int out_id, m, P, rank;
  int B, nlocal; /* global and per-rank batch */
  size_t in_numel;
  int nfile, ntest;       /* rows of the train and test splits */
  double *Ytr, *Yte;      /* labels (nfile, m), (ntest, m), original units */
  int *idx, nfit, nval;   /* idx[0..nfit) fit rows, idx[nfit..nfit+nval) validation rows */
  double *mu, *sd;        /* standardisation of the (log) targets over the fit rows */
  float *x, *dy, *yb;     /* batch inputs, dL/dout, batch targets */
  float *best_p, *best_b; /* best state so far (params, buffers) */
  size_t np, nb;
  lie_metric metric;
} lie_sup_job;

/* supervised_data.c: target `name` of path:/mode (rows n, outputs m; *m > 0 imposes m). */
int lie_sup_labels(lie_ctx ctx, const char *path, const char *mode, const char *target, int *n, int *m, double **Y);

/* supervised_data.c: the plain crops (liereg embed's) of rows[0..n) of d into x, nl inputs of
 * in_numel floats; inputs n..nl (the padding of a last, short chunk) are zero. */
int lie_sup_plain_batch(lie_ssl_data d, const lie_aug_opts *aug, const lie_ssl_model_opts *model, const int *rows,
                        int n, int nl, size_t in_numel, float *x);

/* rank_rows.c: rank's block [first, first + count) of n rows split over P ranks in rank order. */
void lie_rank_block(int n, int rank, int P, int *first, int *count);
/* Gathers the rank blocks of an (n, w) row array into `all` on every rank; `mine` holds this
 * rank's block and mine_err the result of computing it. Collective: every rank fails when one
 * did (lie_ctx_agree names the rank that failed). */
int lie_rank_rows_gather(lie_ctx ctx, int mine_err, const double *mine, int n, int w, double *all);

#endif
