/* Internal state of the pretraining loop, shared by pretrain*.c. */
#ifndef LIEREG_PRETRAIN_IMPL_H
#define LIEREG_PRETRAIN_IMPL_H

#include "liereg/io.h"
#include "liereg/ssl.h"

#include <stdio.h>

struct lie_pretrain_s {
  lie_ctx ctx;
  lie_pretrain_opts cfg;
  lie_ssl_model_opts model;
  lie_ssl_data data;
  lie_nn_net net;
  lie_nn_adamw opt;
  int repr_id, D, Dr;    /* expander output and representation dims */
  int nlocal;            /* samples per rank per step (global batch / ranks) */
  int n;                 /* trajectories in the data */
  long spe, total, stop; /* steps per epoch, schedule length, stop step */
  long step;             /* global steps done */
  int perm_epoch;        /* epoch whose permutation is in perm, -1 none */
  int *perm;             /* sample order of perm_epoch (n) */
  size_t in_numel;       /* floats per view */
  float *x, *dz, *repr;  /* batch input (2 nlocal views), dL/dout, representations */
  int nnorm;             /* normalised fields (1: 1D u; 3: NS smoke, vx, vy) */
  double norm_mean[LIE_SSL_MAX_FIELDS], norm_std[LIE_SSL_MAX_FIELDS];
  lie_train_grid grid; /* of the training data, recorded in checkpoints */
  double *loss;        /* per-step loss of this run (cap values) */
  long nloss, cap;
  FILE *log;    /* CSV, rank 0 */
  double t_run; /* wall time at the start of run */
  lie_vicreg_terms epoch_sum;
  long epoch_count;
  /* input pipeline (pretrain_loader.c) */
  int *keys;                   /* trajectories of a batch built by the main thread (nlocal) */
  struct lie_loader_s *loader; /* NULL until the first batch, or with 0 loader threads */
  lie_ssl_data *wdata;         /* one serial-driver handle per loader thread */
  int nworkers;
  double batch_wait; /* wall seconds the main thread waited for the loader's batches */
};

/* views.c: the underlying 1D dataset (NULL for NS data) */
void lie_ssl_data_set_events(lie_ssl_data d, int on);

/* pretrain_step.c */
double lie_pretrain_lr(const struct lie_pretrain_s *p, long step);
int lie_pretrain_step(struct lie_pretrain_s *p, lie_vicreg_terms *terms, int diagnostics, double *rstd, double *rankme);
/* The network part of a step on the batch x (forward, loss, backward, allreduce, AdamW). */
int lie_pretrain_compute(struct lie_pretrain_s *p, const float *x, lie_vicreg_terms *terms, int diagnostics,
                         double *rstd, double *rankme);

/* pretrain_loader.c */
/* Both views of this rank's slice of global step `step` into x (2 nlocal views), main thread. */
int lie_pretrain_build(struct lie_pretrain_s *p, long step, float *x);
/* The batch of `step` (from the loader threads, or built here with 0 of them); valid until
 * lie_pretrain_batch_done(step). */
int lie_pretrain_batch(struct lie_pretrain_s *p, long step, float **x);
void lie_pretrain_batch_done(struct lie_pretrain_s *p, long step);
/* Around every HDF5 call of the main thread while the loader may be reading. */
void lie_pretrain_io_lock(struct lie_pretrain_s *p);
void lie_pretrain_io_unlock(struct lie_pretrain_s *p);
/* Returns when the loader threads have nothing left to build (bench: quiet network timing). */
void lie_pretrain_loader_idle(struct lie_pretrain_s *p);
/* Joins the loader threads and closes their data handles (idempotent). */
void lie_pretrain_loader_stop(struct lie_pretrain_s *p);

/* pretrain.c */
int lie_pretrain_save(struct lie_pretrain_s *p);

#endif
