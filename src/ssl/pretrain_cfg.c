/* Pretraining configuration: defaults and the PETSc options that set them (listed by -help). */
#include "liereg/io.h"
#include "liereg/options.h"
#include "liereg/ssl.h"

#include <inttypes.h>
#include <petscsys.h>
#include <string.h>
#include <unistd.h>

void lie_pretrain_opts_default(lie_pretrain_opts *c) {
  memset(c, 0, sizeof *c);
  snprintf(c->mode, sizeof c->mode, "train");
  c->pde = LIE_PDE_KS;
  c->dims = 2;
  c->width = 64;
  c->nexpander = 3;
  c->expander[0] = c->expander[1] = c->expander[2] = 512;
  c->backend = lie_nn_backend_default();
  c->epochs = 100;
  c->batch = 0; /* auto: LIE_PRETRAIN_BATCH, fewer when the data hold fewer trajectories */
  c->lr = 3e-4;
  c->cosine = 1;
  c->wd = 1e-6;
  c->seed = 1;
  c->sync_bn = 1;
  c->prefetch = 1;
  c->loader_threads = 1;
  c->min_rankme = 1.1;
  c->progress_every = 10;
  lie_vicreg_opts_default(&c->vicreg);
}

/* The PDE from -pde or else the data file's root attribute "pde" (liereg files carry it). */
static int data_pde(lie_ctx ctx, lie_pretrain_opts *c, const char *pdename, int readable) {
  hid_t f;
  char name[32] = "";
  int err = 0;
  if (readable) { /* the file's own record, when it has one, must agree with -pde */
    LIE_CALL(lie_h5_open(ctx, c->data, &f));
    err = H5Aexists(f, "pde") > 0 ? lie_h5_attr_get_string(f, "pde", name, sizeof name) : 0;
    lie_h5_close(&f);
    LIE_CALL(err);
  }
  if (pdename[0]) {
    LIE_CALL(lie_pde_from_name(pdename, &c->pde));
    LIE_CHECK(!name[0] || !strcmp(name, lie_pde_name(c->pde)), LIE_ERR_USAGE, "-pde %s, but %s holds %s data", pdename,
              c->data, name);
    return LIE_OK;
  }
  LIE_CHECK(name[0], LIE_ERR_USAGE,
            "%s does not say which PDE it holds (an LPSDA/PDEArena file?): pass -pde ks|kdv|burgers|ns", c->data);
  LIE_CALL(lie_pde_from_name(name, &c->pde));
  return LIE_OK;
}

static PetscErrorCode read_data(MPI_Comm comm, lie_pretrain_opts *c, char *pde, size_t npde) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "Pretraining data", "liereg pretrain");
  PetscCall(PetscOptionsString("-data", "dataset file (HDF5: liereg/LPSDA 1D or PDEArena NS layout)", "", c->data,
                               c->data, sizeof c->data, NULL));
  PetscCall(PetscOptionsString("-data_mode", "group to train on", "", c->mode, c->mode, sizeof c->mode, NULL));
  PetscCall(PetscOptionsString("-data_field", "field dataset (default: the pde_<nt>-<nx> one)", "", c->field, c->field,
                               sizeof c->field, NULL));
  PetscCall(
      PetscOptionsString("-pde", "ks|kdv|burgers|ns (default: the file's pde attribute)", "", pde, pde, npde, NULL));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

static PetscErrorCode read_train(MPI_Comm comm, lie_pretrain_opts *c, char *backend, size_t nb, char *sched,
                                 size_t ns) {
  PetscInt dims = c->dims, width = c->width, nexp = LIE_PRETRAIN_MAX_EXPANDER, exp[LIE_PRETRAIN_MAX_EXPANDER];
  PetscInt threads = c->threads, epochs = c->epochs, batch = c->batch;
  PetscInt steps = c->steps, warmup = c->warmup, every = c->ckpt_every, prog = c->progress_every;
  PetscInt seed = (PetscInt)c->seed, loaders = c->loader_threads;
  PetscBool sync = c->sync_bn ? PETSC_TRUE : PETSC_FALSE, set, pf = c->prefetch ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionBeginUser;
  for (int i = 0; i < c->nexpander; i++)
    exp[i] = c->expander[i];
  PetscOptionsBegin(comm, NULL, "Pretraining (VICReg, MPI data parallel)", "liereg pretrain");
  PetscCall(
      LIE_OPTIONS_INT("-model_dims", "2: (channels, t, x) images; 1: time frames as channels", "", dims, &dims, NULL));
  PetscCall(LIE_OPTIONS_RANGE_INT("-model_width", "ResNet-18 base width (64 = torchvision)", "", width, &width, NULL, 1,
                                  4096));
  PetscCall(lie_options_int_array(PetscOptionsObject, NULL, "-model_expander", "expander MLP sizes (comma list)", exp,
                                  &nexp, &set, 1, 1 << 16));
  if (set) c->nexpander = (int)nexp;
  for (int i = 0; i < c->nexpander; i++)
    c->expander[i] = (int)exp[i];
  PetscCall(PetscOptionsString("-nn_backend", "ref|dnnl", "", backend, backend, nb, &set));
  c->backend_set = set ? 1 : 0;
  PetscCall(LIE_OPTIONS_INT("-threads", "threads per rank (0 = all cores available)", "", threads, &threads, NULL));
  PetscCall(LIE_OPTIONS_INT("-train_epochs", "epochs (sets the schedule length)", "", epochs, &epochs, NULL));
  PetscCall(LIE_OPTIONS_INT("-train_steps", "stop when the global step reaches N (0 = run all epochs)", "", steps,
                            &steps, NULL));
  PetscCall(LIE_OPTIONS_INT("-train_batch",
                            "GLOBAL batch size (divisible by the rank count; 0: 32, or fewer for a small data file)",
                            "", batch, &batch, NULL));
  PetscCall(LIE_OPTIONS_REAL("-train_lr", "AdamW learning rate", "", c->lr, &c->lr, NULL));
  PetscCall(
      LIE_OPTIONS_REAL("-train_min_lr", "final learning rate of the cosine schedule", "", c->min_lr, &c->min_lr, NULL));
  PetscCall(LIE_OPTIONS_INT("-train_warmup", "linear warmup steps", "", warmup, &warmup, NULL));
  PetscCall(PetscOptionsString("-train_schedule", "cosine|constant", "", sched, sched, ns, NULL));
  PetscCall(LIE_OPTIONS_REAL("-train_wd", "AdamW weight decay", "", c->wd, &c->wd, NULL));
  PetscCall(LIE_OPTIONS_REAL("-train_clip", "clip the global gradient norm (0 = off)", "", c->clip, &c->clip, NULL));
  PetscCall(LIE_OPTIONS_INT("-seed", "seed of the weights, sample order and views", "", seed, &seed, NULL));
  PetscCall(PetscOptionsBool("-train_sync_bn", "batch-norm statistics over the global batch", "", sync, &sync, NULL));
  PetscCall(PetscOptionsBool(
      "-train_prefetch", "build batches ahead of the step (false: as -pretrain_loader_threads 0)", "", pf, &pf, NULL));
  PetscCall(LIE_OPTIONS_RANGE_INT("-pretrain_loader_threads",
                                  "threads building views ahead of the network (0 = in the step, on the main thread)",
                                  "", loaders, &loaders, NULL, 0, 256));
  PetscCall(LIE_OPTIONS_REAL("-train_min_rankme", "stop as collapsed when RankMe falls below", "", c->min_rankme,
                             &c->min_rankme, NULL));
  PetscCall(PetscOptionsString("-o", "output checkpoint (HDF5)", "", c->out, c->out, sizeof c->out, NULL));
  PetscCall(PetscOptionsString(
      "-train_log", "CSV log step,epoch,loss,inv,var,cov,lr,samples_per_s,rankme,repr_std (last two per epoch)", "",
      c->log, c->log, sizeof c->log, NULL));
  PetscCall(PetscOptionsString("-train_resume", "continue from this checkpoint", "", c->resume, c->resume,
                               sizeof c->resume, NULL));
  PetscCall(
      LIE_OPTIONS_INT("-train_ckpt_every", "checkpoint every N steps (0 = at the end only)", "", every, &every, NULL));
  PetscCall(LIE_OPTIONS_INT("-train_progress", "progress line every N steps", "", prog, &prog, NULL));
  PetscOptionsEnd();
  c->dims = (int)dims, c->width = (int)width, c->threads = (int)threads, c->epochs = (int)epochs;
  c->batch = (int)batch, c->steps = steps, c->warmup = warmup, c->ckpt_every = every, c->progress_every = prog;
  c->seed = (uint64_t)seed, c->sync_bn = sync ? 1 : 0, c->prefetch = pf ? 1 : 0;
  c->loader_threads = (int)loaders;
  PetscFunctionReturn(0);
}

static int check(const lie_pretrain_opts *c) {
  LIE_CHECK(c->dims == 1 || c->dims == 2, LIE_ERR_USAGE, "-model_dims must be 1 or 2 (got %d)", c->dims);
  LIE_CHECK(c->width >= 1, LIE_ERR_USAGE, "-model_width must be >= 1 (got %d)", c->width);
  LIE_CHECK(c->epochs >= 1, LIE_ERR_USAGE, "-train_epochs must be >= 1 (got %d)", c->epochs);
  LIE_CHECK(c->steps >= 0, LIE_ERR_USAGE, "-train_steps must be >= 0");
  LIE_CHECK(c->batch == 0 || c->batch >= 2, LIE_ERR_USAGE,
            "-train_batch must be >= 2 (VICReg needs a variance) or 0 (auto), got %d", c->batch);
  LIE_CHECK(c->lr > 0 && c->min_lr >= 0 && c->wd >= 0 && c->clip >= 0, LIE_ERR_USAGE,
            "-train_lr must be > 0 and -train_min_lr, -train_wd, -train_clip >= 0");
  LIE_CHECK(c->warmup >= 0 && c->ckpt_every >= 0 && c->progress_every >= 0, LIE_ERR_USAGE,
            "-train_warmup, -train_ckpt_every and -train_progress must be >= 0");
  LIE_CHECK(c->data[0], LIE_ERR_USAGE, "missing -data FILE.h5");
  LIE_CHECK(c->out[0], LIE_ERR_USAGE, "missing -o CKPT.h5");
  return LIE_OK;
}

int lie_pretrain_opts_set_from_options(lie_ctx ctx, lie_pretrain_opts *c) {
  char pde[32] = "", backend[32] = "", sched[32] = "";
  snprintf(backend, sizeof backend, "%s", lie_nn_backend_name(c->backend));
  snprintf(sched, sizeof sched, "%s", c->cosine ? "cosine" : "constant");
  LIE_PETSC(read_data(lie_ctx_comm(ctx), c, pde, sizeof pde));
  LIE_PETSC(read_train(lie_ctx_comm(ctx), c, backend, sizeof backend, sched, sizeof sched));
  LIE_CALL(lie_nn_backend_from_name(backend, &c->backend));
  LIE_CHECK(!strcmp(sched, "cosine") || !strcmp(sched, "constant"), LIE_ERR_USAGE,
            "-train_schedule must be cosine or constant (got %s)", sched);
  c->cosine = !strcmp(sched, "cosine");
  LIE_CALL(lie_vicreg_opts_set_from_options(ctx, &c->vicreg));
  /* The augmentation defaults depend on the PDE: from -pde, else the file (when readable; a
   * missing file is reported by lie_pretrain_opts_check, so -help works without -data). */
  int readable; /* on every rank: data_pde's open is collective */
  LIE_CALL(lie_h5_readable_all(ctx, c->data, &readable));
  if (pde[0] || readable) LIE_CALL(data_pde(ctx, c, pde, readable));
  int crop_t = c->aug.crop_t, crop_x = c->aug.crop_x, crop_dt = c->aug.crop_dt;
  LIE_CALL(lie_aug_opts_default(c->pde, &c->aug));
  c->aug.crop_t = crop_t, c->aug.crop_x = crop_x, c->aug.crop_dt = crop_dt > 1 ? crop_dt : 1;
  LIE_CALL(lie_aug_opts_set_from_options(ctx, &c->aug));
  return LIE_OK;
}

int lie_pretrain_opts_check(const lie_pretrain_opts *c) {
  LIE_CALL(check(c));
  LIE_CHECK(access(c->data, R_OK) == 0, LIE_ERR_USAGE, "cannot read data file %s", c->data);
  LIE_CHECK(!c->resume[0] || access(c->resume, R_OK) == 0, LIE_ERR_USAGE, "cannot read -train_resume %s", c->resume);
  return LIE_OK;
}
