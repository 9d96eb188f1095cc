/* The paper's linear probe (docs/DESIGN.md §8): a linear head trained with Adam on the
 * FROZEN pretrained encoder, on random crops of the labelled trajectories (`liereg probe
 * -probe_mode trained`). The encoder runs forward only, in inference mode (the checkpoint's
 * batch-norm running statistics); the head (W, b) gets its closed-form gradient and an Adam
 * step in plain C. Learning rate and epoch are chosen on a validation split of the labels (as
 * the supervised baseline). Protocol and options: docs/EVAL.md ("Trained linear head"). */
#ifndef LIEREG_PROBE_TRAINED_H
#define LIEREG_PROBE_TRAINED_H
#include "liereg/eval.h"
#include "liereg/supervised.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LIE_PT_PATH 1024
#define LIE_PT_MAXLR 8

typedef struct {
  lie_probe_opts probe;        /* -probe_ntrain, -probe_subset_seed, -probe_log, -probe_metric, bootstrap,
                                  -probe_train_mode (group of -data), -probe_test_mode (group of the test file) */
  char ckpt[LIE_PT_PATH];      /* -ckpt CKPT.h5 (liereg pretrain) */
  char data[LIE_PT_PATH];      /* -data LABELLED.h5 */
  char test_data[LIE_PT_PATH]; /* -probe_test_data TEST.h5 ("" = -data) */
  char field[128];             /* -data_field */
  char target[64];             /* -target */
  double valid_frac;           /* -probe_valid_frac 0.2 of the labelled set */
  int nlr;
  double lr[LIE_PT_MAXLR]; /* -probe_lr grid, default 3e-2,1e-2,3e-3 (all trained on the same batches) */
  int epochs;              /* -probe_epochs: max passes over the fit rows */
  int patience;            /* -probe_patience: per lr, stop after N epochs without improvement */
  int cosine;              /* -probe_schedule cosine (default: lr·½(1 + cos(π step/total)) over -probe_epochs)
                              or constant */
  int batch;               /* -probe_batch: GLOBAL batch (capped by the fit rows, multiple of the ranks) */
  uint64_t seed;           /* -seed: sample order, crops, validation split */
  int lie_aug;             /* -probe_aug crop|lie */
  int train_crop_first;    /* -probe_train_crop first|random: fit on the plain crop (the frames the
                              test embeds) or on random crop positions (default) */
  lie_aug_opts aug;        /* -aug_* (used with -probe_aug lie; crop sizes come from the checkpoint) */
  lie_nn_backend backend;  /* -nn_backend */
  int threads;             /* -threads */
  int progress;            /* -probe_progress N: a line every N epochs (0 = none) */
} lie_probe_trained_opts;

void lie_probe_trained_opts_default(lie_probe_trained_opts *cfg);
/* Reads the options above (the -probe_* ones of lie_probe_opts_set_from_options must be read
 * into cfg->probe by the caller). The PDE for -aug_* defaults comes from the checkpoint. */
int lie_probe_trained_opts_set_from_options(lie_ctx ctx, lie_probe_trained_opts *cfg);
/* Values and readable files: LIE_ERR_USAGE with one clear message. */
int lie_probe_trained_opts_check(const lie_probe_trained_opts *cfg);

/* Trains the heads of the lr grid, picks (lr, epoch) on validation, reports the test metric.
 * Result in the supervised baseline's struct: value/bootstrap on the test split,
 * valid_value, best_lr, best_epoch, the lr grid, first/last training loss (standardised
 * targets), test predictions; res->m outputs. *dim (may be NULL) = representation size,
 * *train_value (may be NULL) = metric of the chosen head on the fit rows' plain crops.
 * Collective; every rank gets the same result. */
int lie_probe_trained_run(lie_ctx ctx, const lie_probe_trained_opts *cfg, lie_sup_result *res, int *dim,
                          double *train_value);
/* Label-size sweep: subset seeds 1..nseeds per size (the ridge probe's subsets). */
int lie_probe_trained_sweep(lie_ctx ctx, const lie_probe_trained_opts *cfg, int nsizes, const int *sizes, int nseeds,
                            lie_sup_result *res);

/* ---------------------------------------------------------------- the head, in plain C */
/* Forward + gradient of the head's loss on n rows of a batch whose GLOBAL size is nglobal:
 *   f = h W + b          h (n, d) features, W (d, m), b (m), f (n, m)
 *   L = 1/(nglobal m) Σ_rows Σ_t (f_t − z_t)²
 *   dL/dW = h^T G, dL/db = Σ_rows G, G = 2 (f − z) / (nglobal m)
 * Returns this slice's share of L; the gradient is ADDED to dW (d, m) and db (m), so that
 * the slices of the ranks sum to the gradient of the global batch. */
double lie_probe_head_loss(int n, int d, int m, int nglobal, const double *h, const double *z, const double *W,
                           const double *b, double *dW, double *db);

/* Adam (Kingma & Ba 2015): beta1 0.9, beta2 0.999, eps 1e-8, bias-corrected, no weight decay. */
typedef struct {
  int n;
  long t;
  double *m, *v;
} lie_adam;
int lie_adam_create(int n, lie_adam *a); /* zeroed moments */
void lie_adam_reset(lie_adam *a);
void lie_adam_step(lie_adam *a, double lr, double *param, const double *grad);
void lie_adam_destroy(lie_adam *a);

/* frozen_encoder.c: the encoder `model` (a checkpoint's, without expander) on a new *net of
 * `backend` for batches of `batch`, with the checkpoint's weights and batch-norm statistics;
 * threads > 0 sets the OpenMP threads first. *repr: the representation tensor, *D its width,
 * *in_numel the size of one input. Shared by the trained probe and lie_encoder (infer.h). */
int lie_frozen_encoder_build(lie_ctx ctx, const char *ckpt, const lie_ssl_model_opts *model, lie_nn_backend backend,
                             int threads, int batch, lie_nn_net *net, int *repr, int *D, size_t *in_numel);

#ifdef __cplusplus
}
#endif
#endif
