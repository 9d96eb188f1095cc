/* Internal state of `liereg timestep`, shared by src/eval/timestep*.c:
 *   timestep_cfg.c      options and their checks
 *   timestep_data.c     trajectories in memory, dx/dt, the conditioning vectors
 *   timestep_cond.c     the conditioning input: train-split centring, scaling, PCA (-step_cond_pca)
 *   timestep_model.c    the stepper + conditioning map, the input assembly, one training step
 *   timestep_train.c    epochs, validation, progress, CSV log, signals
 *   timestep_rollout.c  autoregressive rollout split over ranks, NMSE, bootstrap
 *   timestep_ckpt.c     resumable checkpoints
 *   timestep_json.c     RESULT.json */
#ifndef LIEREG_TIMESTEP_IMPL_H
#define LIEREG_TIMESTEP_IMPL_H

#include "liereg/io.h"
#include "liereg/timestep.h"

#include <stdio.h>

/* One split in memory as float (the network's precision): u (n, nt, fs), each frame the nf
 * fields of an nx x ny grid (1D: nf = ny = 1; Navier-Stokes: smoke, vx, vy on nx x ny), frames
 * contiguous so that a window of frames is one block; per trajectory dx, dt and the raw
 * conditioning vector (n, d). */
typedef struct {
  const char *path;
  char mode[16];
  int n, nt, nx, ny, nf;
  size_t fs; /* floats per frame: nf * nx * ny */
  float *u;
  float *dx, *dt;
  double *cond;
} lie_step_split;

typedef struct {
  lie_ctx ctx;
  const lie_step_opts *cfg;
  int P, rank;
  char pde[16];
  lie_step_split tr, va, te;
  int has_valid;
  /* conditioning: vector of d values -> din inputs P (v - cmean) of the Linear -> c channels;
   * cmean, cstd and P (din x d) from the training split (timestep_cond.c); none: din = 1, a
   * constant 0 */
  int d, din, c;
  double cmean[1024], cstd[1024];
  double *cproj;
  /* networks: the stepper (cin = nf H + 2 + c, ny, nx)... see timestep_model.c; cond: (din, 1, 1) -> (c, 1, 1) */
  int H, F, cin, nx, ny, nf, ns; /* ns: 2D Navier-Stokes data (unet) */
  size_t fs, np;                 /* floats per frame, grid points per channel (nx ny) */
  lie_nn_net net, cnet;
  lie_nn_adamw opt, copt;
  int B, nlocal;                   /* global batch and per-rank share */
  float *x, *dy, *dxin, *cx, *cdy; /* stepper input, output gradient, input gradient; cond input, its gradient */
  int *perm;                       /* trajectory order of pass perm_key (ntrain) */
  long perm_key;                   /* epoch * passes + pass, -1 none */
  /* schedule */
  int nstarts, passes;
  long spp, spe, total, stop; /* steps per pass, per epoch, all epochs, stop step */
  long step;                  /* global steps done */
  double epoch_loss;          /* sum of this epoch's per-step losses so far */
  int epochs_done;            /* epochs whose validation ran */
  double first_loss, last_loss;
  /* model selection on validation */
  float *best_p, *best_cp, *best_b;
  double best_valid;
  int best_epoch;
  FILE *log;
  double t_run;
} lie_step_job;

/* timestep_data.c */
int lie_step_split_load(lie_step_job *j, const char *path, const char *mode, lie_step_split *s);
void lie_step_split_free(lie_step_split *s);
/* Fills s->cond (n, j->d) for the job's conditioning; sets j->d on the first call. */
int lie_step_cond_vectors(lie_step_job *j, lie_step_split *s);

/* timestep_cond.c: cmean, cstd, cproj and din from the training vectors (collective). */
int lie_step_cond_standardise(lie_step_job *j);
/* The Linear's input (din) of one raw vector v (d values; NULL: zeros, padding rows). */
void lie_step_cond_input(const lie_step_job *j, const double *v, float *out);

/* timestep_model.c */
int lie_step_model_build(lie_step_job *j);
void lie_step_model_free(lie_step_job *j);
/* Cond net input of trajectory i of s into row q of j->cx (zeros for padding rows: i < 0). */
void lie_step_fill_cond(lie_step_job *j, int q, const lie_step_split *s, int i);
/* Forward of nb rows (<= nlocal; the rest are zero padding): the cond net on j->cx, then the
 * stepper on windows win[q] (H, nx) with dx[q], dt[q]; train selects batch-norm mode.
 * *out: (nlocal, F, nx). */
int lie_step_forward(lie_step_job *j, int nb, const float *const *win, const float *dx, const float *dt, int train,
                     const float **out);
/* One training step of global step `step` (collective): loss = summed squared error of the
 * global batch / B (LPSDA's logged loss). */
int lie_step_train_step(lie_step_job *j, long step, double lr, double *loss);
size_t lie_step_nparams(lie_step_job *j);
/* Copies the current weights to best_* (save = 1) or back (save = 0). */
void lie_step_best_copy(lie_step_job *j, int save);

/* timestep_rollout.c: rollout over split s (collective). per_traj (n) may be NULL; res gets
 * the summed NMSE/MSE means, bootstrap stds and per-step NMSE when non-NULL. */
int lie_step_rollout(lie_step_job *j, const lie_step_split *s, int t0, double *mse_sum, lie_step_result *res);

/* timestep_ckpt.c */
int lie_step_ckpt_save(lie_step_job *j, const char *path);
/* Loads when path exists (*resumed = 1); checks the stored configuration matches. */
int lie_step_ckpt_load(lie_step_job *j, const char *path, int *resumed);

#endif
