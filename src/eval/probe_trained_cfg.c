/* Trained-probe configuration: defaults and the PETSc options that set them (docs/EVAL.md,
 * "Trained linear head"). The -probe_* options shared with the ridge probe (labelled subset,
 * log target, metric, bootstrap, split groups) are read by lie_probe_opts_set_from_options. */
#include "liereg/io.h"
#include "liereg/options.h"
#include "liereg/probe_trained.h"

#include <petscsys.h>
#include <string.h>
#include <unistd.h>

void lie_probe_trained_opts_default(lie_probe_trained_opts *c) {
  memset(c, 0, sizeof *c);
  lie_probe_opts_default(&c->probe);
  c->valid_frac = 0.2;
  c->nlr = 3;
  c->lr[0] = 3e-2, c->lr[1] = 1e-2, c->lr[2] = 3e-3;
  c->epochs = 100;
  c->patience = 15;
  c->cosine = 1;
  c->batch = 32;
  c->seed = 1;
  c->backend = lie_nn_backend_default();
  lie_aug_opts_default(LIE_PDE_KS, &c->aug);
}

typedef struct {
  char backend[32], aug[16], schedule[16], train_crop[16];
} pt_strings;

static PetscErrorCode read_options(MPI_Comm comm, lie_probe_trained_opts *c, pt_strings *s) {
  PetscInt epochs = c->epochs, pat = c->patience, batch = c->batch, seed = (PetscInt)c->seed, threads = c->threads;
  PetscInt prog = c->progress, nlr = LIE_PT_MAXLR;
  PetscReal lr[LIE_PT_MAXLR];
  PetscBool set;
  PetscFunctionBeginUser;
  for (int i = 0; i < c->nlr; i++)
    lr[i] = c->lr[i];
  PetscOptionsBegin(comm, NULL, "Trained linear probe (-probe_mode trained: Adam head on the frozen encoder)",
                    "liereg probe");
  PetscCall(PetscOptionsString("-ckpt", "pretraining checkpoint (the frozen encoder, its crop and normalisation)", "",
                               c->ckpt, c->ckpt, sizeof c->ckpt, NULL));
  PetscCall(PetscOptionsString("-data", "labelled trajectories (liereg generate); group -probe_train_mode", "", c->data,
                               c->data, sizeof c->data, NULL));
  PetscCall(PetscOptionsString("-probe_test_data", "test trajectories (default -data); group -probe_test_mode", "",
                               c->test_data, c->test_data, sizeof c->test_data, NULL));
  PetscCall(PetscOptionsString("-data_field", "field dataset (default: the pde_* one)", "", c->field, c->field,
                               sizeof c->field, NULL));
  PetscCall(LIE_OPTIONS_REAL("-probe_valid_frac", "fraction of the labelled set held out for validation", "",
                             c->valid_frac, &c->valid_frac, NULL));
  PetscCall(LIE_OPTIONS_REAL_ARRAY("-probe_lr", "Adam learning-rate grid (comma list), chosen on validation", "", lr,
                                   &nlr, &set));
  if (set) c->nlr = (int)nlr;
  PetscCall(LIE_OPTIONS_INT("-probe_epochs", "max passes over the fit rows", "", epochs, &epochs, NULL));
  PetscCall(LIE_OPTIONS_INT("-probe_patience", "early stop after N epochs without validation improvement", "", pat,
                            &pat, NULL));
  PetscCall(LIE_OPTIONS_INT("-probe_batch", "GLOBAL batch of random crops (capped by the fit rows)", "", batch, &batch,
                            NULL));
  PetscCall(PetscOptionsString("-probe_schedule", "cosine (decay to 0 over -probe_epochs) or constant", "", s->schedule,
                               s->schedule, sizeof s->schedule, NULL));
  PetscCall(PetscOptionsString("-probe_aug", "crop (random crops) or lie (+ Lie augmentations, -aug_*)", "", s->aug,
                               s->aug, sizeof s->aug, NULL));
  PetscCall(PetscOptionsString("-probe_train_crop",
                               "random (crop positions drawn per sample) or first (the crop the test embeds)", "",
                               s->train_crop, s->train_crop, sizeof s->train_crop, NULL));
  PetscCall(
      LIE_OPTIONS_INT("-seed", "seed of the sample order, the crops and the validation split", "", seed, &seed, NULL));
  PetscCall(PetscOptionsString("-nn_backend", "ref|dnnl", "", s->backend, s->backend, sizeof s->backend, NULL));
  PetscCall(LIE_OPTIONS_INT("-threads", "threads per rank (0 = all cores available)", "", threads, &threads, NULL));
  PetscCall(LIE_OPTIONS_INT("-probe_progress", "progress line every N epochs (0: one per lr at the end)", "", prog,
                            &prog, NULL));
  PetscOptionsEnd();
  for (int i = 0; i < c->nlr; i++)
    c->lr[i] = lr[i];
  c->epochs = (int)epochs, c->patience = (int)pat, c->batch = (int)batch, c->seed = (uint64_t)seed;
  c->threads = (int)threads, c->progress = (int)prog;
  PetscFunctionReturn(0);
}

/* The PDE of the checkpoint (for the -aug_* defaults of -probe_aug lie). */
static int ckpt_pde(lie_ctx ctx, const char *path, lie_pde *pde) {
  lie_pretrain_state st;
  int readable; /* on every rank (the read is collective); a missing file is reported by the check */
  *pde = LIE_PDE_KS;
  LIE_CALL(lie_h5_readable_all(ctx, path, &readable));
  if (!readable) return LIE_OK;
  LIE_CALL(lie_pretrain_ckpt_read_state(ctx, path, &st));
  if (st.pde[0]) LIE_CALL(lie_pde_from_name(st.pde, pde));
  return LIE_OK;
}

int lie_probe_trained_opts_set_from_options(lie_ctx ctx, lie_probe_trained_opts *c) {
  pt_strings s;
  lie_pde pde;
  memset(&s, 0, sizeof s);
  snprintf(s.backend, sizeof s.backend, "%s", lie_nn_backend_name(c->backend));
  snprintf(s.aug, sizeof s.aug, "%s", c->lie_aug ? "lie" : "crop");
  snprintf(s.train_crop, sizeof s.train_crop, "%s", c->train_crop_first ? "first" : "random");
  snprintf(s.schedule, sizeof s.schedule, "%s", c->cosine ? "cosine" : "constant");
  LIE_PETSC(read_options(lie_ctx_comm(ctx), c, &s));
  LIE_CALL(lie_nn_backend_from_name(s.backend, &c->backend));
  LIE_CALL(lie_sup_aug_from_name("-probe_aug", s.aug, &c->lie_aug));
  LIE_CALL(lie_sup_train_crop_from_name("-probe_train_crop", s.train_crop, &c->train_crop_first));
  LIE_CHECK(!strcmp(s.schedule, "cosine") || !strcmp(s.schedule, "constant"), LIE_ERR_USAGE,
            "-probe_schedule must be cosine or constant (got %s)", s.schedule);
  c->cosine = !strcmp(s.schedule, "cosine");
  LIE_CALL(ckpt_pde(ctx, c->ckpt, &pde));
  LIE_CALL(lie_aug_opts_default(pde, &c->aug));
  LIE_CALL(lie_aug_opts_set_from_options(ctx, &c->aug)); /* crop sizes are the checkpoint's */
  return LIE_OK;
}

int lie_probe_trained_opts_check(const lie_probe_trained_opts *c) {
  const lie_target_info *info;
  LIE_CHECK(c->ckpt[0], LIE_ERR_USAGE,
            "-probe_mode trained needs -ckpt CKPT.h5 (the pretrained encoder) and -data LABELLED.h5, not -emb");
  LIE_CHECK(c->data[0], LIE_ERR_USAGE, "-probe_mode trained needs -data LABELLED.h5 (the labelled trajectories)");
  LIE_CHECK(c->target[0], LIE_ERR_USAGE, "missing -target (nu, buo_y, ic_mode, ic_mode_scaled)");
  LIE_CALL(lie_target_lookup(c->target, &info));
  LIE_CHECK(access(c->ckpt, R_OK) == 0, LIE_ERR_USAGE, "cannot read checkpoint -ckpt %s", c->ckpt);
  LIE_CHECK(access(c->data, R_OK) == 0, LIE_ERR_USAGE, "cannot read data file -data %s", c->data);
  LIE_CHECK(!c->test_data[0] || access(c->test_data, R_OK) == 0, LIE_ERR_USAGE,
            "cannot read data file -probe_test_data %s", c->test_data);
  LIE_CALL(lie_sup_grid_check("probe", c->valid_frac, c->nlr, c->lr, LIE_PT_MAXLR, c->epochs, c->patience));
  LIE_CHECK(c->batch >= 1, LIE_ERR_USAGE, "-probe_batch must be >= 1 (got %d)", c->batch);
  LIE_CHECK(c->probe.ntrain >= 0, LIE_ERR_USAGE, "-probe_ntrain must be >= 0 (got %d)", c->probe.ntrain);
  return LIE_OK;
}
