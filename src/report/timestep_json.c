/* RESULT.json of `liereg timestep`: the one writer of the time-stepping result, on the shared
 * JSON writer (NaN/Inf become null, listed in "nonfinite"). Keys: docs/TIMESTEP.md. */
#include "liereg/report.h"

/* NMSE summed over the first call's F predicted frames (from ground truth): the one-step reading
 * of the paper's table (docs/TIMESTEP.md, "The paper's time-stepping numbers"). */
static double first_call(const lie_step_opts *c, const lie_step_result *r) {
  double s = 0;
  for (int k = 0; k < c->future && k < r->nsteps; k++)
    s += r->nmse_per_step[k];
  return s;
}

static int fields(lie_json j, const lie_step_opts *c, const lie_step_result *r) {
  LIE_CALL(lie_json_str(j, "method", "timestep"));
  LIE_CALL(lie_json_str(j, "pde", r->pde));
  LIE_CALL(lie_json_str(j, "model", c->model));
  LIE_CALL(lie_json_str(j, "cond", lie_step_cond_name(c->cond)));
  LIE_CALL(lie_json_str(j, "cond_ckpt", c->cond_ckpt));
  LIE_CALL(lie_json_str(j, "data", c->train));
  LIE_CALL(lie_json_str(j, "valid_data", c->valid));
  LIE_CALL(lie_json_str(j, "test_data", c->test));
  LIE_CALL(lie_json_real(j, "rollout_nmse", r->rollout_nmse));
  LIE_CALL(lie_json_real(j, "rollout_nmse_std", r->rollout_nmse_std));
  LIE_CALL(lie_json_real(j, "rollout_mse", r->rollout_mse));
  LIE_CALL(lie_json_real(j, "rollout_mse_std", r->rollout_mse_std));
  LIE_CALL(lie_json_reals(j, "nmse_per_step", r->nsteps, r->nmse_per_step));
  LIE_CALL(lie_json_real(j, "nmse_first_call", first_call(c, r)));
  LIE_CALL(lie_json_int(j, "history", c->history));
  LIE_CALL(lie_json_int(j, "future", c->future));
  LIE_CALL(lie_json_int(j, "rollout_start", c->rollout_start < 0 ? c->history : c->rollout_start));
  LIE_CALL(lie_json_int(j, "predicted_frames", r->nsteps));
  LIE_CALL(lie_json_int(j, "ntrain", r->ntrain));
  LIE_CALL(lie_json_int(j, "nvalid", r->nvalid));
  LIE_CALL(lie_json_int(j, "ntest", r->ntest));
  LIE_CALL(lie_json_int(j, "nt", r->nt));
  LIE_CALL(lie_json_int(j, "nx", r->nx));
  LIE_CALL(lie_json_int(j, "parameters", r->nparams));
  LIE_CALL(lie_json_int(j, "cond_dim", r->cond_dim));
  LIE_CALL(lie_json_int(j, "cond_inputs", r->cond_inputs));
  LIE_CALL(lie_json_int(j, "cond_pca", c->cond_pca));
  LIE_CALL(lie_json_real(j, "cond_noise", c->cond_noise));
  LIE_CALL(lie_json_int(j, "cond_channels", c->cond_channels));
  LIE_CALL(lie_json_int(j, "epochs", c->epochs));
  LIE_CALL(lie_json_int(j, "epochs_run", r->epochs_run));
  LIE_CALL(lie_json_int(j, "best_epoch", r->best_epoch));
  LIE_CALL(lie_json_int(j, "steps", r->steps));
  LIE_CALL(lie_json_int(j, "batch", c->batch));
  LIE_CALL(lie_json_real(j, "lr", c->lr));
  LIE_CALL(lie_json_int(j, "seed", (long long)c->seed));
  LIE_CALL(lie_json_int(j, "bootstrap", c->nboot));
  LIE_CALL(lie_json_real(j, "first_loss", r->first_loss));
  LIE_CALL(lie_json_real(j, "last_loss", r->last_loss));
  LIE_CALL(lie_json_real(j, "valid_rollout_loss", r->valid_loss));
  LIE_CALL(lie_json_real(j, "train_seconds", r->train_seconds));
  LIE_CALL(lie_json_real(j, "seconds_per_epoch", r->seconds_per_epoch));
  LIE_CALL(lie_json_real(j, "eval_seconds", r->eval_seconds));
  LIE_CALL(lie_json_real(j, "wall_seconds", r->wall_seconds));
  return LIE_OK;
}

int lie_step_write_json(const char *path, const char *tmp, const lie_step_opts *c, const lie_step_result *r) {
  lie_json j = NULL;
  (void)tmp; /* lie_json_write uses path.tmp itself */
  LIE_CALL(lie_json_create(&j));
  int err = LIE_OK;
  LIE_CALL_GOTO(fields(j, c, r));
  LIE_CALL_GOTO(lie_json_write(j, path));
done:
  lie_json_destroy(&j);
  return err;
}
