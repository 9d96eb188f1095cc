/* Conditioned neural time-stepping (issue 13, DESIGN §8): a stepper network trained to LPSDA's
 * protocol (history H frames -> future F frames, random start times, AdamW, lr x0.4 at epochs
 * 5/10/15, summed squared error) and evaluated by autoregressive rollout with LPSDA's summed
 * NMSE. The stepper's input is (H + 2 + c, 1, nx): H frames, dx and dt broadcast along x (as
 * LPSDA's models), and c conditioning channels = a learned Linear of a per-trajectory vector
 * broadcast along x. The three variants differ only in that vector:
 *   none   a zero-length vector (the Linear reduces to its bias)
 *   ssl    the frozen pretrained encoder's representation of the first ground-truth frames
 *   truth  the true parameters (Burgers log nu; KS/KdV L and dt; NS buoyancy)
 * Definitions, choices and deviations from LPSDA: docs/TIMESTEP.md. */
#ifndef LIEREG_TIMESTEP_H
#define LIEREG_TIMESTEP_H
#include "liereg/core.h"
#include "liereg/nn.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LIE_STEP_PATH 1024
#define LIE_STEP_MAX_MILESTONES 8
#define LIE_STEP_CKPT_VERSION 1
/* -step_cond_pca and -step_cond_noise defaults (docs/TIMESTEP.md, "Why SSL conditioning hurt") */
#define LIE_STEP_COND_PCA_DEFAULT 4
#define LIE_STEP_COND_NOISE_DEFAULT 0.5

typedef enum { LIE_STEP_COND_NONE = 0, LIE_STEP_COND_SSL, LIE_STEP_COND_TRUTH } lie_step_cond;
const char *lie_step_cond_name(lie_step_cond c);
int lie_step_cond_from_name(const char *name, lie_step_cond *c);

typedef struct {
  char train[LIE_STEP_PATH], valid[LIE_STEP_PATH], test[LIE_STEP_PATH]; /* -data -valid_data -test_data */
  char out[LIE_STEP_PATH];                                              /* -o RESULT.json */
  char model[16];                /* -step_model cnn|fno|resnet|unet|tiny (tiny: tests) */
  int width;                     /* -step_width (0 = the model's default) */
  lie_step_cond cond;            /* -step_cond */
  char cond_ckpt[LIE_STEP_PATH]; /* -step_cond_ckpt CKPT.h5 (ssl) */
  int cond_channels;             /* -step_cond_channels c (default 8) */
  int cond_pca;                  /* -step_cond_pca k: ssl vector -> its k leading whitened principal
                                    components on the training split (0 = all features) */
  double cond_noise;             /* -step_cond_noise s: N(0, s^2) added to the conditioning inputs in training */
  int history, future;           /* -step_history 20 -step_future 20 */
  int epochs, batch;             /* -step_epochs 20, -step_batch 16 (GLOBAL) */
  double lr, lr_decay, wd;       /* -step_lr 1e-4, -step_lr_decay 0.4, -step_wd 0.01 (torch AdamW) */
  int nmilestones, milestones[LIE_STEP_MAX_MILESTONES]; /* -step_lr_milestones 5,10,15 */
  int start_stride;                                     /* -step_start_stride 1: training start times 0,s,2s.. */
  int passes;                                           /* -step_passes per epoch (0 = one per possible start time) */
  int rollout_start;                                    /* -step_rollout_start (-1 = history, LPSDA) */
  int nboot;                                            /* -step_bootstrap 64 (LPSDA) */
  long max_steps;           /* -step_max_steps: stop training after N global steps (tests) */
  char ckpt[LIE_STEP_PATH]; /* -step_ckpt OUT.h5 (resumed when it exists) */
  char log[LIE_STEP_PATH];  /* -step_log CSV */
  long progress_every;      /* -step_progress N steps */
  uint64_t seed;            /* -seed */
  int threads;              /* -threads */
  lie_nn_backend backend;   /* -nn_backend */
} lie_step_opts;

void lie_step_opts_default(lie_step_opts *c);
int lie_step_opts_set_from_options(lie_ctx ctx, lie_step_opts *c);
/* Values and readable inputs (LIE_ERR_USAGE naming the option/file). */
int lie_step_opts_check(const lie_step_opts *c);

typedef enum { LIE_STEP_DONE = 0, LIE_STEP_STOPPED, LIE_STEP_INTERRUPTED } lie_step_status;

typedef struct {
  lie_step_status status;
  char pde[16];
  int ntrain, nvalid, ntest, nt, nx;
  int nparams;                           /* trainable parameters (stepper + conditioning map) */
  int cond_dim;                          /* length of the conditioning vector (0 for none) */
  int cond_inputs;                       /* inputs of the conditioning Linear (-step_cond_pca; none: 1) */
  int epochs_run, best_epoch;            /* best_epoch: chosen on validation rollout loss (-1: last) */
  long steps;                            /* global steps done */
  double first_loss, last_loss;          /* mean training loss per sample of the first / last epoch */
  double valid_loss;                     /* rollout MSE-sum of the chosen model on -valid_data */
  double rollout_nmse, rollout_nmse_std; /* LPSDA summed NMSE (mean over test trajectories), bootstrap std */
  double rollout_mse, rollout_mse_std;   /* LPSDA's unnormalised summed loss */
  int nsteps;                            /* predicted frames per trajectory */
  double *nmse_per_step;                 /* (nsteps) mean over trajectories of the per-frame NMSE */
  double train_seconds, eval_seconds, wall_seconds, seconds_per_epoch;
} lie_step_result;
void lie_step_result_free(lie_step_result *r);

/* Trains (resuming from cfg->ckpt when that file exists), selects the epoch with the lowest
 * validation rollout loss, evaluates the rollout on the test file. Collective. A SIGUSR1 /
 * SIGTERM checkpoints at the next step and returns status INTERRUPTED (no evaluation). */
int lie_step_run(lie_ctx ctx, const lie_step_opts *cfg, lie_step_result *res);
/* Asks a running lie_step_run to checkpoint and return (what the signal handler does). */
void lie_step_request_stop(void);

/* ---------------------------------------------------------------- pieces (tested alone) */
/* Number of start times 0, s, 2s, .. <= nt - H - F for training windows (0: too short). */
int lie_step_num_starts(int nt, int history, int future, int stride);
/* Start time of slot `slot` of pass `pass` of epoch `epoch`: a pure function of the seed
 * (independent of the rank count). */
int lie_step_start_time(uint64_t seed, int epoch, int pass, long slot, int nstarts, int stride);
/* Rollout windows from t0: inputs t0, t0+F, ... while the target fits: count (0: too short). */
int lie_step_num_windows(int nt, int history, int future, int t0);
/* Learning rate of epoch e: lr * decay^(number of milestones <= e) (torch MultiStepLR). */
double lie_step_lr(const lie_step_opts *c, int epoch);
/* Per-frame NMSE mean_x(err^2) / mean_x(u^2) and MSE mean_x(err^2) of one frame (nx). */
void lie_step_frame_errors(const float *pred, const float *truth, int nx, double *nmse, double *mse);
/* Bootstrap of the mean of v (n): nboot resamples with replacement from lie_rng(seed);
 * mean and unbiased std of the resampled means (LPSDA's bootstrap with binsize 1). */
int lie_step_bootstrap(const double *v, int n, int nboot, uint64_t seed, double *mean, double *std);

#ifdef __cplusplus
}
#endif
#endif
