/* Supervised baseline configuration: defaults and the PETSc options that set them. */
#include "liereg/io.h"
#include "liereg/options.h"
#include "liereg/supervised.h"

#include <petscsys.h>
#include <string.h>
#include <unistd.h>

void lie_sup_opts_default(lie_sup_opts *c) {
  memset(c, 0, sizeof *c);
  snprintf(c->train_mode, sizeof c->train_mode, "train");
  snprintf(c->test_mode, sizeof c->test_mode, "test");
  c->valid_frac = 0.2;
  c->dims = 2;
  c->width = 64;
  c->backend = lie_nn_backend_default();
  c->nlr = 2;
  c->lr[0] = 1e-3, c->lr[1] = 3e-4;
  c->epochs = 30;
  c->patience = 8;
  c->batch = 32;
  c->wd = 1e-6;
  c->seed = 1;
  c->sync_bn = 1;
  c->nboot = 1000;
  c->pde = LIE_PDE_KS;
}

typedef struct {
  char pde[32], backend[32], aug[16], train_crop[16], model_from[LIE_SUP_PATH];
} sup_strings;

static PetscErrorCode read_options(MPI_Comm comm, lie_sup_opts *c, sup_strings *s) {
  PetscInt ntrain = c->ntrain, sseed = (PetscInt)c->subset_seed, dims = c->dims, width = c->width;
  PetscInt threads = c->threads, epochs = c->epochs, pat = c->patience, batch = c->batch, seed = (PetscInt)c->seed;
  PetscInt nboot = c->nboot, prog = c->progress, nlr = LIE_SUP_MAXLR;
  PetscReal lr[LIE_SUP_MAXLR];
  PetscBool lg = c->log_target ? PETSC_TRUE : PETSC_FALSE, sync = c->sync_bn ? PETSC_TRUE : PETSC_FALSE, set;
  PetscFunctionBeginUser;
  for (int i = 0; i < c->nlr; i++)
    lr[i] = c->lr[i];
  PetscOptionsBegin(comm, NULL, "Supervised baseline (encoder + linear head from scratch)", "liereg supervised");
  PetscCall(
      PetscOptionsString("-data", "labelled dataset (liereg generate)", "", c->train, c->train, sizeof c->train, NULL));
  PetscCall(
      PetscOptionsString("-data_mode", "group of -data", "", c->train_mode, c->train_mode, sizeof c->train_mode, NULL));
  PetscCall(PetscOptionsString("-test_data", "test dataset", "", c->test, c->test, sizeof c->test, NULL));
  PetscCall(PetscOptionsString("-test_mode", "group of -test_data", "", c->test_mode, c->test_mode, sizeof c->test_mode,
                               NULL));
  PetscCall(PetscOptionsString("-data_field", "field dataset (default: the pde_* one)", "", c->field, c->field,
                               sizeof c->field, NULL));
  PetscCall(PetscOptionsString("-target", "nu, buo_y, ic_mode or ic_mode_scaled", "", c->target, c->target,
                               sizeof c->target, NULL));
  PetscCall(PetscOptionsString("-pde", "ks|kdv|burgers|ns (default: the file's pde attribute)", "", s->pde, s->pde,
                               sizeof s->pde, NULL));
  PetscCall(LIE_OPTIONS_INT("-sup_ntrain", "labelled trajectories used (0 = all)", "", ntrain, &ntrain, NULL));
  PetscCall(LIE_OPTIONS_INT("-sup_subset_seed", "0: the first N; S > 0: a random N (as -probe_subset_seed)", "", sseed,
                            &sseed, NULL));
  PetscCall(LIE_OPTIONS_REAL("-sup_valid_frac", "fraction of the labelled set held out for validation", "",
                             c->valid_frac, &c->valid_frac, NULL));
  PetscCall(PetscOptionsBool("-sup_log", "regress log(target) (positive targets, e.g. nu)", "", lg, &lg, NULL));
  PetscCall(PetscOptionsString("-sup_model_from",
                               "take model dims/width/crop/aug mode from this pretraining "
                               "checkpoint (the same encoder as the SSL run)",
                               "", s->model_from, s->model_from, sizeof s->model_from, NULL));
  PetscCall(LIE_OPTIONS_INT("-model_dims", "2: (channels, t, x) images; 1: frames as channels", "", dims, &dims, NULL));
  PetscCall(LIE_OPTIONS_INT("-model_width", "ResNet-18 base width", "", width, &width, NULL));
  PetscCall(PetscOptionsString("-nn_backend", "ref|dnnl", "", s->backend, s->backend, sizeof s->backend, NULL));
  PetscCall(LIE_OPTIONS_INT("-threads", "threads per rank (0 = all cores available)", "", threads, &threads, NULL));
  PetscCall(PetscOptionsString("-sup_aug", "crop (random crops) or lie (+ Lie augmentations, -aug_*)", "", s->aug,
                               s->aug, sizeof s->aug, NULL));
  PetscCall(PetscOptionsString("-sup_train_crop", "random (crop positions drawn per sample) or first (the test's crop)",
                               "", s->train_crop, s->train_crop, sizeof s->train_crop, NULL));
  PetscCall(
      LIE_OPTIONS_REAL_ARRAY("-sup_lr", "learning-rate grid (comma list), chosen on validation", "", lr, &nlr, &set));
  if (set) c->nlr = (int)nlr;
  PetscCall(LIE_OPTIONS_INT("-sup_epochs", "max epochs per learning rate", "", epochs, &epochs, NULL));
  PetscCall(LIE_OPTIONS_INT("-sup_patience", "early stop after N epochs without validation improvement", "", pat, &pat,
                            NULL));
  PetscCall(LIE_OPTIONS_INT("-sup_batch", "GLOBAL batch size (divisible by the rank count)", "", batch, &batch, NULL));
  PetscCall(LIE_OPTIONS_REAL("-sup_wd", "AdamW weight decay", "", c->wd, &c->wd, NULL));
  PetscCall(LIE_OPTIONS_INT("-seed", "seed of weights, order, views and the validation split", "", seed, &seed, NULL));
  PetscCall(PetscOptionsBool("-train_sync_bn", "batch-norm statistics over the global batch", "", sync, &sync, NULL));
  PetscCall(LIE_OPTIONS_RANGE_INT("-sup_bootstrap", "bootstrap resamples of the test set", "", nboot, &nboot, NULL, 0,
                                  1000000));
  PetscCall(LIE_OPTIONS_INT("-sup_progress", "progress line every N epochs (0: one per lr)", "", prog, &prog, NULL));
  PetscOptionsEnd();
  for (int i = 0; i < c->nlr; i++)
    c->lr[i] = lr[i];
  c->ntrain = (int)ntrain, c->subset_seed = (uint64_t)sseed, c->dims = (int)dims, c->width = (int)width;
  c->threads = (int)threads, c->epochs = (int)epochs, c->patience = (int)pat, c->batch = (int)batch;
  c->seed = (uint64_t)seed, c->nboot = (int)nboot, c->progress = (int)prog;
  c->log_target = lg == PETSC_TRUE, c->sync_bn = sync == PETSC_TRUE;
  PetscFunctionReturn(0);
}

static int file_pde(lie_ctx ctx, const char *path, lie_pde *pde) {
  hid_t f;
  char name[32] = "";
  LIE_CALL(lie_h5_open(ctx, path, &f));
  int err = H5Aexists(f, "pde") > 0 ? lie_h5_attr_get_string(f, "pde", name, sizeof name) : 0;
  lie_h5_close(&f);
  LIE_CALL(err);
  LIE_CHECK(name[0], LIE_ERR_USAGE, "%s does not say which PDE it holds: pass -pde ks|kdv|burgers|ns", path);
  LIE_CALL(lie_pde_from_name(name, pde));
  return LIE_OK;
}

/* The encoder of a pretraining checkpoint: same dims, width, crop and input channels. */
static int model_from(lie_ctx ctx, const char *path, lie_sup_opts *c) {
  lie_pretrain_state st;
  LIE_CHECK(access(path, R_OK) == 0, LIE_ERR_USAGE, "cannot read -sup_model_from %s", path);
  LIE_CALL(lie_pretrain_ckpt_read_state(ctx, path, &st));
  c->dims = st.model.dims, c->width = st.model.width;
  c->aug.crop_t = st.model.crop_t, c->aug.crop_x = st.model.crop_x, c->aug.crop_dt = st.model.crop_dt;
  LIE_CALL(lie_aug_mode_from_name(st.aug_mode, &c->aug.mode));
  return LIE_OK;
}

int lie_sup_opts_set_from_options(lie_ctx ctx, lie_sup_opts *c) {
  sup_strings s;
  memset(&s, 0, sizeof s);
  snprintf(s.backend, sizeof s.backend, "%s", lie_nn_backend_name(c->backend));
  snprintf(s.aug, sizeof s.aug, "%s", c->lie_aug ? "lie" : "crop");
  snprintf(s.train_crop, sizeof s.train_crop, "%s", c->train_crop_first ? "first" : "random");
  LIE_PETSC(read_options(lie_ctx_comm(ctx), c, &s));
  LIE_CALL(lie_nn_backend_from_name(s.backend, &c->backend));
  LIE_CALL(lie_sup_aug_from_name("-sup_aug", s.aug, &c->lie_aug));
  LIE_CALL(lie_sup_train_crop_from_name("-sup_train_crop", s.train_crop, &c->train_crop_first));
  if (s.pde[0])
    LIE_CALL(lie_pde_from_name(s.pde, &c->pde));
  else {
    int readable; /* on every rank: the open is collective (a missing file is reported by the check) */
    LIE_CALL(lie_h5_readable_all(ctx, c->train, &readable));
    if (readable) LIE_CALL(file_pde(ctx, c->train, &c->pde));
  }
  int crop_t = c->aug.crop_t, crop_x = c->aug.crop_x, crop_dt = c->aug.crop_dt;
  lie_aug_mode mode = c->aug.mode;
  LIE_CALL(lie_aug_opts_default(c->pde, &c->aug));
  c->aug.crop_t = crop_t, c->aug.crop_x = crop_x, c->aug.mode = mode, c->aug.crop_dt = crop_dt > 1 ? crop_dt : 1;
  LIE_CALL(lie_aug_opts_set_from_options(ctx, &c->aug));
  if (s.model_from[0]) LIE_CALL(model_from(ctx, s.model_from, c));
  return LIE_OK;
}

int lie_sup_grid_check(const char *prefix, double valid_frac, int nlr, const double *lr, int maxlr, int epochs,
                       int patience) {
  LIE_CHECK(valid_frac > 0 && valid_frac < 1, LIE_ERR_USAGE, "-%s_valid_frac must be in (0, 1) (got %g)", prefix,
            valid_frac);
  LIE_CHECK(nlr >= 1 && nlr <= maxlr, LIE_ERR_USAGE, "-%s_lr: 1 to %d values", prefix, maxlr);
  for (int i = 0; i < nlr; i++)
    LIE_CHECK(lr[i] > 0, LIE_ERR_USAGE, "-%s_lr values must be > 0 (got %g)", prefix, lr[i]);
  LIE_CHECK(epochs >= 1 && patience >= 1, LIE_ERR_USAGE, "-%s_epochs and -%s_patience must be >= 1", prefix, prefix);
  return LIE_OK;
}

int lie_sup_opts_check(const lie_sup_opts *c) {
  const lie_target_info *info;
  LIE_CHECK(c->train[0], LIE_ERR_USAGE, "missing -data FILE.h5 (the labelled trajectories)");
  LIE_CHECK(c->test[0], LIE_ERR_USAGE, "missing -test_data FILE.h5");
  LIE_CHECK(c->target[0], LIE_ERR_USAGE, "missing -target (nu, buo_y, ic_mode, ic_mode_scaled)");
  LIE_CALL(lie_target_lookup(c->target, &info));
  LIE_CHECK(access(c->train, R_OK) == 0, LIE_ERR_USAGE, "cannot read data file -data %s", c->train);
  LIE_CHECK(access(c->test, R_OK) == 0, LIE_ERR_USAGE, "cannot read data file -test_data %s", c->test);
  LIE_CHECK(c->dims == 1 || c->dims == 2, LIE_ERR_USAGE, "-model_dims must be 1 or 2 (got %d)", c->dims);
  LIE_CHECK(c->width >= 1, LIE_ERR_USAGE, "-model_width must be >= 1 (got %d)", c->width);
  LIE_CHECK(c->ntrain >= 0, LIE_ERR_USAGE, "-sup_ntrain must be >= 0 (got %d)", c->ntrain);
  LIE_CALL(lie_sup_grid_check("sup", c->valid_frac, c->nlr, c->lr, LIE_SUP_MAXLR, c->epochs, c->patience));
  LIE_CHECK(c->batch >= 2, LIE_ERR_USAGE, "-sup_batch must be >= 2 (got %d)", c->batch);
  LIE_CHECK(c->wd >= 0 && c->nboot >= 2, LIE_ERR_USAGE, "-sup_wd must be >= 0 and -sup_bootstrap >= 2");
  return LIE_OK;
}
