/* Supervised baseline for the downstream regression targets (docs/DESIGN.md §8): the same
 * encoder as pretraining (ResNet-18 1D/2D, same crops and normalisation) plus a linear head,
 * trained from scratch on the labels with AdamW, MPI data-parallel, early-stopped on a
 * validation split carved out of the labelled set, the learning rate chosen on it from a small
 * grid. Choices and formulas: docs/EVAL.md ("Supervised baseline"). */
#ifndef LIEREG_SUPERVISED_H
#define LIEREG_SUPERVISED_H
#include "liereg/augment.h"
#include "liereg/core.h"
#include "liereg/eval.h"
#include "liereg/nn.h"
#include "liereg/ssl.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LIE_SUP_PATH 1024
#define LIE_SUP_MAXLR 8

typedef struct {
  /* data */
  char train[LIE_SUP_PATH], test[LIE_SUP_PATH]; /* -data (labelled), -test_data */
  char train_mode[16], test_mode[16];           /* -data_mode train, -test_mode test */
  char field[128];                              /* -data_field */
  char target[64];                              /* -target nu|ic_mode|ic_mode_scaled|buo_y */
  int ntrain;                                   /* -sup_ntrain: labelled trajectories (0 = all) */
  uint64_t subset_seed;                         /* -sup_subset_seed: 0 = the first N, else random N */
  double valid_frac;                            /* -sup_valid_frac 0.2 of the labelled set */
  int log_target;                               /* -sup_log: regress log(y) (positive targets) */
  /* model: as pretraining (-model_dims, -model_width, -aug_crop_t, -aug_crop_x, -aug_mode) */
  int dims, width;
  lie_nn_backend backend;
  int threads;
  int lie_aug;          /* -sup_aug crop|lie: random crops only (default) or + Lie augmentations */
  int train_crop_first; /* -sup_train_crop first|random: train on the plain crop (the frames
                           validation and test see) or on random crop positions (default) */
  lie_aug_opts aug;
  /* optimisation */
  int nlr;
  double lr[LIE_SUP_MAXLR]; /* -sup_lr grid (comma list), default 1e-3,3e-4 */
  int epochs;               /* -sup_epochs: max epochs per learning rate */
  int patience;             /* -sup_patience: stop after this many epochs without improvement */
  int batch;                /* -sup_batch: GLOBAL batch (divisible by ranks; capped by the train rows) */
  double wd;                /* -sup_wd */
  uint64_t seed;            /* -seed */
  int sync_bn;              /* -train_sync_bn */
  int nboot;                /* -sup_bootstrap 1000 */
  int progress;             /* log a line every N epochs (0 = only per lr) */
  lie_pde pde;
} lie_sup_opts;

typedef struct {
  lie_metric metric;
  int ntrain, nvalid, ntest, m;
  double value, boot_mean, boot_std; /* test metric (whole split) and bootstrap */
  double valid_value;                /* best validation metric (of the chosen lr) */
  double best_lr;
  int best_epoch; /* epochs of the chosen model (1-based) */
  int nlr;
  double lr[LIE_SUP_MAXLR], lr_valid[LIE_SUP_MAXLR];
  int lr_epoch[LIE_SUP_MAXLR], lr_ran[LIE_SUP_MAXLR];
  double first_loss, last_loss; /* training MSE (standardised targets) of the chosen lr: epoch 1 and last */
  double seconds;
  double *pred, *truth; /* (ntest, m) test predictions (always kept) */
} lie_sup_result;

void lie_sup_opts_default(lie_sup_opts *cfg);
/* Reads the options above from the PETSc database; the PDE (for the augmentation defaults)
 * from -pde or the data file's "pde" attribute. */
int lie_sup_opts_set_from_options(lie_ctx ctx, lie_sup_opts *cfg);
/* Validates values and that the files are readable (LIE_ERR_USAGE). */
int lie_sup_opts_check(const lie_sup_opts *cfg);
/* Trains over the lr grid, picks lr and epoch on validation, reports the test metric.
 * Collective; every rank gets the same result. */
int lie_sup_run(lie_ctx ctx, const lie_sup_opts *cfg, lie_sup_result *res);
void lie_sup_result_free(lie_sup_result *res);
/* Label-size sweep: sizes × seeds (subset seeds 1..nseeds, as lie_probe_sweep), res row-major. */
int lie_sup_sweep(lie_ctx ctx, const lie_sup_opts *cfg, int nsizes, const int *sizes, int nseeds, lie_sup_result *res);

/* The labelled subset and its train/validation split, shared with the probe's subset rule:
 * a partial Fisher–Yates of 0..n-1 seeded with `subset_seed` (0: identity) keeps the first
 * `count` indices (exactly the rows lie_probe_run selects with -probe_subset_seed), then the
 * first round(valid_frac·count) (at least 2) of a second seeded shuffle are validation.
 * idx (count) receives [train rows..., valid rows...]; *nvalid the validation count. */
int lie_sup_split(int n, int count, uint64_t subset_seed, double valid_frac, uint64_t seed, int *idx, int *nvalid);
/* Target standardisation over the fit rows: mu[t], sd[t] (population std; 1 for a constant
 * target) of T(Y[rows[i], t]), i < nfit, with T = log when log_target. Y is (n, m) row-major.
 * Heads then regress (T(y) - mu) / sd. */
void lie_sup_target_scale(const double *Y, int m, const int *rows, int nfit, int log_target, double *mu, double *sd);
/* -sup_aug / -probe_aug (`option`): "crop" (random crops, *lie_aug = 0) or "lie" (+ Lie
 * augmentations, 1); LIE_ERR_USAGE naming the option otherwise. */
int lie_sup_aug_from_name(const char *option, const char *name, int *lie_aug);
/* -sup_train_crop / -probe_train_crop (`option`): "random" (crops at random positions, *first
 * = 0) or "first" (the crop starts at the first frame and point, as validation and test; 1);
 * LIE_ERR_USAGE naming the option otherwise. */
int lie_sup_train_crop_from_name(const char *option, const char *name, int *first);
/* The validation fraction and the learning-rate grid with early stopping of a trained head
 * (this baseline, the trained probe): one rule set, options named -<prefix>_valid_frac,
 * -<prefix>_lr (1 to maxlr values > 0), -<prefix>_epochs, -<prefix>_patience. */
int lie_sup_grid_check(const char *prefix, double valid_frac, int nlr, const double *lr, int maxlr, int epochs,
                       int patience);

#ifdef __cplusplus
}
#endif
#endif
