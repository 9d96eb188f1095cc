/* `liereg timestep` configuration: LPSDA's defaults (experiments/train.py) and the PETSc
 * options (prefix -step_, never -ts_: that is PETSc's TS) that change them. */
#include "liereg/options.h"
#include "timestep_impl.h"

#include <petscsys.h>
#include <string.h>
#include <unistd.h>

static const char *cond_names[] = {"none", "ssl", "truth"};

const char *lie_step_cond_name(lie_step_cond c) {
  return c >= LIE_STEP_COND_NONE && c <= LIE_STEP_COND_TRUTH ? cond_names[c] : "?";
}

int lie_step_cond_from_name(const char *name, lie_step_cond *c) {
  for (int i = 0; i < 3; i++)
    if (!strcmp(name, cond_names[i])) {
      *c = (lie_step_cond)i;
      return LIE_OK;
    }
  LIE_ERROR(LIE_ERR_USAGE, "-step_cond must be none, ssl or truth (got '%s')", name);
}

void lie_step_opts_default(lie_step_opts *c) {
  memset(c, 0, sizeof *c);
  snprintf(c->model, sizeof c->model, "cnn");
  c->cond = LIE_STEP_COND_NONE;
  c->cond_channels = 8;
  c->cond_pca = LIE_STEP_COND_PCA_DEFAULT;
  c->cond_noise = LIE_STEP_COND_NOISE_DEFAULT;
  c->history = 20, c->future = 20;
  c->epochs = 20, c->batch = 16;
  c->lr = 1e-4, c->lr_decay = 0.4, c->wd = 0.01; /* torch.optim.AdamW's default decay, on every tensor */
  c->nmilestones = 3, c->milestones[0] = 5, c->milestones[1] = 10, c->milestones[2] = 15;
  c->start_stride = 1;
  c->rollout_start = -1;
  c->nboot = 64;
  c->progress_every = 50;
  c->seed = 1;
  c->backend = lie_nn_backend_default();
}

typedef struct {
  char cond[16], backend[16];
} step_strings;

static PetscErrorCode read_files(MPI_Comm comm, lie_step_opts *c) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "Conditioned neural time-stepping (docs/TIMESTEP.md)", "liereg timestep");
  PetscCall(PetscOptionsString("-data", "training dataset", "", c->train, c->train, sizeof c->train, NULL));
  PetscCall(PetscOptionsString("-valid_data", "validation dataset (model selection; optional)", "", c->valid, c->valid,
                               sizeof c->valid, NULL));
  PetscCall(PetscOptionsString("-test_data", "test dataset (rollout evaluation)", "", c->test, c->test, sizeof c->test,
                               NULL));
  PetscCall(PetscOptionsString("-o", "RESULT.json", "", c->out, c->out, sizeof c->out, NULL));
  PetscCall(PetscOptionsString("-step_ckpt", "checkpoint: written every epoch, resumed when it exists", "", c->ckpt,
                               c->ckpt, sizeof c->ckpt, NULL));
  PetscCall(PetscOptionsString("-step_log", "CSV of the training steps", "", c->log, c->log, sizeof c->log, NULL));
  PetscCall(PetscOptionsString("-step_cond_ckpt", "pretraining checkpoint for -step_cond ssl", "", c->cond_ckpt,
                               c->cond_ckpt, sizeof c->cond_ckpt, NULL));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

static PetscErrorCode read_numbers(MPI_Comm comm, lie_step_opts *c, step_strings *s) {
  PetscInt width = c->width, cch = c->cond_channels, pca = c->cond_pca, H = c->history, F = c->future, ep = c->epochs,
           b = c->batch;
  PetscInt stride = c->start_stride, passes = c->passes, r0 = c->rollout_start, nboot = c->nboot;
  PetscInt maxs = (PetscInt)c->max_steps, prog = (PetscInt)c->progress_every, seed = (PetscInt)c->seed;
  PetscInt threads = c->threads, ms[LIE_STEP_MAX_MILESTONES], nms = LIE_STEP_MAX_MILESTONES;
  PetscBool set;
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "Time-stepper model, training and rollout (-step_*)", "liereg timestep");
  PetscCall(PetscOptionsString("-step_model", "cnn|fno|resnet (1D), unet (NS), tiny (tests)", "", c->model, c->model,
                               sizeof c->model, NULL));
  PetscCall(LIE_OPTIONS_INT("-step_width", "stepper width (0 = the model's default)", "", width, &width, NULL));
  PetscCall(PetscOptionsString("-step_cond", "none|ssl|truth", "", s->cond, s->cond, sizeof s->cond, NULL));
  PetscCall(
      LIE_OPTIONS_INT("-step_cond_channels", "conditioning channels c of the learned Linear", "", cch, &cch, NULL));
  PetscCall(LIE_OPTIONS_INT("-step_cond_pca",
                            "ssl: k leading whitened principal components of the representation (0 = all features)", "",
                            pca, &pca, NULL));
  PetscCall(LIE_OPTIONS_REAL("-step_cond_noise", "std of the noise on the conditioning inputs in training", "",
                             c->cond_noise, &c->cond_noise, NULL));
  PetscCall(LIE_OPTIONS_INT("-step_history", "input frames H", "", H, &H, NULL));
  PetscCall(LIE_OPTIONS_INT("-step_future", "predicted frames F per call", "", F, &F, NULL));
  PetscCall(LIE_OPTIONS_INT("-step_epochs", "training epochs", "", ep, &ep, NULL));
  PetscCall(LIE_OPTIONS_INT("-step_batch", "GLOBAL batch (split over the ranks)", "", b, &b, NULL));
  PetscCall(LIE_OPTIONS_REAL("-step_lr", "AdamW learning rate", "", c->lr, &c->lr, NULL));
  PetscCall(LIE_OPTIONS_REAL("-step_lr_decay", "lr factor at each milestone", "", c->lr_decay, &c->lr_decay, NULL));
  PetscCall(LIE_OPTIONS_INT_ARRAY("-step_lr_milestones", "epochs where lr *= decay", "", ms, &nms, &set));
  if (set) {
    c->nmilestones = (int)nms;
    for (int i = 0; i < nms; i++)
      c->milestones[i] = (int)ms[i];
  }
  PetscCall(LIE_OPTIONS_REAL("-step_wd", "AdamW weight decay (all tensors, as torch)", "", c->wd, &c->wd, NULL));
  PetscCall(LIE_OPTIONS_INT("-step_start_stride", "training start times 0, s, 2s, ... (1 = every frame)", "", stride,
                            &stride, NULL));
  PetscCall(LIE_OPTIONS_INT("-step_passes", "passes over the training set per epoch (0 = one per start time)", "",
                            passes, &passes, NULL));
  PetscCall(LIE_OPTIONS_INT("-step_rollout_start", "first input frame of the rollout (-1 = history, LPSDA)", "", r0,
                            &r0, NULL));
  PetscCall(
      LIE_OPTIONS_INT("-step_bootstrap", "bootstrap resamples of the test trajectories", "", nboot, &nboot, NULL));
  PetscCall(
      LIE_OPTIONS_INT("-step_max_steps", "stop training after N global steps (0 = all epochs)", "", maxs, &maxs, NULL));
  PetscCall(LIE_OPTIONS_INT("-step_progress", "progress line every N steps", "", prog, &prog, NULL));
  PetscCall(LIE_OPTIONS_INT("-seed", "seed of weights, trajectory order and start times", "", seed, &seed, NULL));
  PetscCall(LIE_OPTIONS_INT("-threads", "threads per rank (0 = all cores available)", "", threads, &threads, NULL));
  PetscCall(PetscOptionsString("-nn_backend", "ref|dnnl", "", s->backend, s->backend, sizeof s->backend, NULL));
  PetscOptionsEnd();
  c->width = (int)width, c->cond_channels = (int)cch, c->cond_pca = (int)pca, c->history = (int)H, c->future = (int)F;
  c->epochs = (int)ep, c->batch = (int)b, c->start_stride = (int)stride, c->passes = (int)passes;
  c->rollout_start = (int)r0, c->nboot = (int)nboot, c->max_steps = maxs, c->progress_every = prog;
  c->seed = (uint64_t)seed, c->threads = (int)threads;
  PetscFunctionReturn(0);
}

int lie_step_opts_set_from_options(lie_ctx ctx, lie_step_opts *c) {
  step_strings s;
  memset(&s, 0, sizeof s);
  snprintf(s.cond, sizeof s.cond, "%s", lie_step_cond_name(c->cond));
  snprintf(s.backend, sizeof s.backend, "%s", lie_nn_backend_name(c->backend));
  LIE_PETSC(read_files(lie_ctx_comm(ctx), c));
  LIE_PETSC(read_numbers(lie_ctx_comm(ctx), c, &s));
  LIE_CALL(lie_step_cond_from_name(s.cond, &c->cond));
  LIE_CALL(lie_nn_backend_from_name(s.backend, &c->backend));
  return LIE_OK;
}

static int readable(const char *opt, const char *path) {
  LIE_CHECK(access(path, R_OK) == 0, LIE_ERR_USAGE, "%s %s: cannot read the file", opt, path);
  return LIE_OK;
}

int lie_step_opts_check(const lie_step_opts *c) {
  LIE_CHECK(c->train[0], LIE_ERR_USAGE, "-data TRAIN.h5 is required");
  LIE_CHECK(c->test[0], LIE_ERR_USAGE, "-test_data TEST.h5 is required");
  LIE_CALL(readable("-data", c->train));
  LIE_CALL(readable("-test_data", c->test));
  if (c->valid[0]) LIE_CALL(readable("-valid_data", c->valid));
  lie_nn_stepper_kind kind;
  if (strcmp(c->model, "tiny")) LIE_CALL(lie_nn_stepper_kind_from_name(c->model, &kind));
  LIE_CHECK(c->history >= 1, LIE_ERR_USAGE, "-step_history must be >= 1 (got %d)", c->history);
  LIE_CHECK(c->future >= 1, LIE_ERR_USAGE, "-step_future must be >= 1 (got %d)", c->future);
  LIE_CHECK(c->epochs >= 1, LIE_ERR_USAGE, "-step_epochs must be >= 1 (got %d)", c->epochs);
  LIE_CHECK(c->batch >= 1, LIE_ERR_USAGE, "-step_batch must be >= 1 (got %d)", c->batch);
  LIE_CHECK(c->lr > 0, LIE_ERR_USAGE, "-step_lr must be > 0 (got %g)", c->lr);
  LIE_CHECK(c->lr_decay > 0, LIE_ERR_USAGE, "-step_lr_decay must be > 0 (got %g)", c->lr_decay);
  LIE_CHECK(c->wd >= 0, LIE_ERR_USAGE, "-step_wd must be >= 0 (got %g)", c->wd);
  LIE_CHECK(c->cond_channels >= 1 && c->cond_channels <= 256, LIE_ERR_USAGE,
            "-step_cond_channels must be in 1..256 (got %d)", c->cond_channels);
  LIE_CHECK(c->cond_pca >= 0 && c->cond_pca <= 1024, LIE_ERR_USAGE, "-step_cond_pca must be in 0..1024 (got %d)",
            c->cond_pca);
  LIE_CHECK(c->cond_noise >= 0 && c->cond_noise <= 100, LIE_ERR_USAGE, "-step_cond_noise must be in [0, 100] (got %g)",
            c->cond_noise);
  LIE_CHECK(c->start_stride >= 1, LIE_ERR_USAGE, "-step_start_stride must be >= 1 (got %d)", c->start_stride);
  LIE_CHECK(c->passes >= 0, LIE_ERR_USAGE, "-step_passes must be >= 0 (got %d)", c->passes);
  LIE_CHECK(c->rollout_start >= -1, LIE_ERR_USAGE, "-step_rollout_start must be >= 0 or -1 (got %d)", c->rollout_start);
  LIE_CHECK(c->nboot >= 2, LIE_ERR_USAGE, "-step_bootstrap must be >= 2 (got %d)", c->nboot);
  LIE_CHECK(c->width >= 0, LIE_ERR_USAGE, "-step_width must be >= 0 (got %d)", c->width);
  LIE_CHECK(c->max_steps >= 0, LIE_ERR_USAGE, "-step_max_steps must be >= 0");
  LIE_CHECK(c->threads >= 0, LIE_ERR_USAGE, "-threads must be >= 0 (got %d)", c->threads);
  if (c->cond == LIE_STEP_COND_SSL) {
    LIE_CHECK(c->cond_ckpt[0], LIE_ERR_USAGE,
              "-step_cond ssl needs -step_cond_ckpt CKPT.h5 (a pretraining checkpoint)");
    LIE_CALL(readable("-step_cond_ckpt", c->cond_ckpt));
  } else
    LIE_CHECK(!c->cond_ckpt[0], LIE_ERR_USAGE, "-step_cond_ckpt is only used with -step_cond ssl (got -step_cond %s)",
              lie_step_cond_name(c->cond));
  for (int i = 0; i < c->nmilestones; i++)
    LIE_CHECK(c->milestones[i] >= 0 && (i == 0 || c->milestones[i] > c->milestones[i - 1]), LIE_ERR_USAGE,
              "-step_lr_milestones must be increasing epochs >= 0");
  return LIE_OK;
}

int lie_step_num_starts(int nt, int history, int future, int stride) {
  int last = nt - history - future;
  return last < 0 ? 0 : last / stride + 1;
}

int lie_step_num_windows(int nt, int history, int future, int t0) {
  int last = nt - history - future; /* the last start whose target fits */
  return last < t0 ? 0 : (last - t0) / future + 1;
}

double lie_step_lr(const lie_step_opts *c, int epoch) {
  double lr = c->lr;
  for (int i = 0; i < c->nmilestones; i++)
    if (epoch >= c->milestones[i]) lr *= c->lr_decay;
  return lr;
}

#define LIE_TAG_START 0x7374657073ULL /* "steps" */
int lie_step_start_time(uint64_t seed, int epoch, int pass, long slot, int nstarts, int stride) {
  lie_rng r;
  lie_rng_seed(&r, lie_seed_derive(seed ^ LIE_TAG_START, (uint64_t)epoch * 100003ULL + (uint64_t)pass, (uint64_t)slot));
  return lie_rng_int(&r, 0, nstarts) * stride;
}
