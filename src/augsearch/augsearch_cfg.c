/* liereg augsearch: defaults and the -augsearch_ options (listed by -help); the pretraining
 * options are pretrain's own (lie_pretrain_opts_set_from_options). */
#include "liereg/augsearch.h"
#include "liereg/io.h"
#include "liereg/options.h"

#include <petscsys.h>
#include <string.h>
#include <unistd.h>

void lie_augsearch_opts_default(lie_augsearch_opts *c) {
  memset(c, 0, sizeof *c);
  lie_pretrain_opts_default(&c->pre);
  snprintf(c->valid_mode, sizeof c->valid_mode, "valid");
  lie_ridge_cv_opts_default(&c->cv);
  c->log_target = -1; /* the target's default */
  c->candidates = 8;
  c->rungs = 3;
  c->eta = 2;
  c->steps = 100;
  c->range = 4.0;
  c->crop = 1;
  c->seed = 1;
  c->group_size = 1;
}

static PetscErrorCode read_options(MPI_Comm comm, lie_augsearch_opts *c, PetscBool *lg, PetscBool *lg_set) {
  PetscInt cand = c->candidates, rungs = c->rungs, eta = c->eta, steps = c->steps, seed = (PetscInt)c->seed;
  PetscInt group = c->group_size, stop = c->stop_after;
  PetscBool crop = c->crop ? PETSC_TRUE : PETSC_FALSE, force = c->force ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "Augmentation search (successive halving, docs/AUGSEARCH.md)", "liereg augsearch");
  PetscCall(PetscOptionsString("-augsearch_valid_data", "labelled validation file (default: -data)", "", c->valid_data,
                               c->valid_data, sizeof c->valid_data, NULL));
  PetscCall(PetscOptionsString("-augsearch_valid_mode", "its group scored (never the test split)", "", c->valid_mode,
                               c->valid_mode, sizeof c->valid_mode, NULL));
  PetscCall(PetscOptionsString("-augsearch_target", "target of the probe (default: the PDE's, as liereg probe)", "",
                               c->target, c->target, sizeof c->target, NULL));
  PetscCall(PetscOptionsBool("-augsearch_log", "fit log(target) (default: yes for nu)", "", *lg, lg, lg_set));
  PetscCall(LIE_OPTIONS_RANGE_INT("-augsearch_candidates", "candidates of the first rung, the defaults included", "",
                                  cand, &cand, NULL, 1, LIE_AUGSEARCH_MAX_CAND));
  PetscCall(LIE_OPTIONS_RANGE_INT("-augsearch_rungs", "rungs of successive halving", "", rungs, &rungs, NULL, 1,
                                  LIE_AUGSEARCH_MAX_RUNGS));
  PetscCall(LIE_OPTIONS_RANGE_INT("-augsearch_eta", "keep 1/eta of the candidates per rung, eta times the steps", "",
                                  eta, &eta, NULL, 2, 16));
  PetscCall(LIE_OPTIONS_RANGE_INT("-augsearch_steps", "pretraining steps of the first rung", "", steps, &steps, NULL, 1,
                                  1 << 24));
  PetscCall(LIE_OPTIONS_RANGE_REAL("-augsearch_range", "strength multipliers log-uniform in [1/R, R]", "", c->range,
                                   &c->range, NULL, 1.0, 1e3));
  PetscCall(PetscOptionsBool("-augsearch_crop", "also search the time crop -aug_crop_t", "", crop, &crop, NULL));
  PetscCall(LIE_OPTIONS_RANGE_INT("-augsearch_seed", "seed of the candidates and of the outer folds", "", seed, &seed,
                                  NULL, 0, PETSC_MAX_INT));
  PetscCall(LIE_OPTIONS_RANGE_INT("-augsearch_group_size", "MPI ranks training one candidate", "", group, &group, NULL,
                                  1, 1 << 20));
  PetscCall(PetscOptionsString("-augsearch_table", "table of every candidate (JSON)", "", c->table, c->table,
                               sizeof c->table, NULL));
  PetscCall(LIE_OPTIONS_RANGE_INT("-augsearch_stop_after", "stop as if signalled after N trainings (for tests)", "",
                                  stop, &stop, NULL, 0, PETSC_MAX_INT));
  PetscCall(PetscOptionsBool("-force", "overwrite -o and the table", "", force, &force, NULL));
  PetscOptionsEnd();
  c->candidates = (int)cand, c->rungs = (int)rungs, c->eta = (int)eta, c->steps = steps, c->seed = (uint64_t)seed;
  c->group_size = (int)group, c->stop_after = (int)stop, c->crop = crop == PETSC_TRUE, c->force = force == PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* The paper's target for the PDE (as liereg probe): Burgers nu (fitted in log), NS buoyancy,
 * KS/KdV initial-condition modes. */
static void default_target(lie_augsearch_opts *c, PetscBool lg, PetscBool lg_set) {
  if (!c->target[0])
    snprintf(c->target, sizeof c->target, "%s",
             c->pre.pde == LIE_PDE_BURGERS ? "nu"
             : c->pre.pde == LIE_PDE_NS    ? "buo_y"
                                           : "ic_mode");
  c->log_target = lg_set ? lg == PETSC_TRUE : !strcmp(c->target, "nu");
}

int lie_augsearch_opts_set_from_options(lie_ctx ctx, lie_augsearch_opts *c) {
  PetscBool lg = PETSC_FALSE, lg_set = PETSC_FALSE;
  LIE_CALL(lie_pretrain_opts_set_from_options(ctx, &c->pre));
  LIE_PETSC(read_options(lie_ctx_comm(ctx), c, &lg, &lg_set));
  LIE_CALL(lie_ridge_cv_opts_set_from_options(ctx, &c->cv));
  default_target(c, lg, lg_set);
  if (!c->valid_data[0]) snprintf(c->valid_data, sizeof c->valid_data, "%s", c->pre.data);
  snprintf(c->work, sizeof c->work, "%s.d", c->pre.out);
  return LIE_OK;
}

int lie_augsearch_opts_check(const lie_augsearch_opts *c) {
  const lie_pretrain_opts *p = &c->pre;
  const lie_target_info *info;
  LIE_CHECK(!p->resume[0] && !p->log[0] && p->steps == 0, LIE_ERR_USAGE,
            "augsearch sets -train_resume, -train_log and -train_steps per candidate: do not give them (the budget is "
            "-augsearch_steps)");
  LIE_CHECK(p->out[0], LIE_ERR_USAGE, "missing -o BEST.opts (the options file written for pretrain -options_file)");
  LIE_CALL(lie_pretrain_opts_check(p));
  LIE_CHECK(access(c->valid_data, R_OK) == 0, LIE_ERR_USAGE, "cannot read -augsearch_valid_data %s", c->valid_data);
  LIE_CHECK(strcmp(c->valid_mode, "test") != 0, LIE_ERR_USAGE,
            "-augsearch_valid_mode test: the search must never see the test split (use valid)");
  if (lie_target_lookup(c->target, &info)) {
    lie_error_clear();
    LIE_ERROR(LIE_ERR_USAGE, "-augsearch_target %s: unknown target (nu, buo_y, ic_mode, ic_mode_scaled)", c->target);
  }
  long s = c->steps;
  for (int r = 1; r < c->rungs; r++, s *= c->eta)
    LIE_CHECK(s <= (1L << 30) / c->eta, LIE_ERR_USAGE, "-augsearch_steps %ld x eta^%d is too large", c->steps,
              c->rungs - 1);
  lie_output o;
  LIE_CALL(lie_output_begin(&o, p->out, c->force));
  LIE_CALL(lie_output_not_input(&o, p->data, "-data"));
  LIE_CALL(lie_output_not_input(&o, c->valid_data, "-augsearch_valid_data"));
  if (c->table[0]) {
    LIE_CALL(lie_output_begin(&o, c->table, c->force));
    LIE_CALL(lie_output_not_input(&o, p->data, "-data"));
    LIE_CHECK(strcmp(c->table, p->out) != 0, LIE_ERR_USAGE, "-augsearch_table and -o are the same file %s", p->out);
  }
  return LIE_OK;
}
