/* RESULT.json of `liereg timestep`: the one writer of the time-stepping result (so the report
 * helpers can port it to their JSON library in one place). Keys: docs/TIMESTEP.md. */
#include "timestep_impl.h"

#include <math.h>
#include <string.h>

static void jstr(FILE *f, const char *key, const char *v) {
  fprintf(f, "\"%s\": \"", key);
  for (const char *p = v; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(f, "\\%c", *p);
    else if ((unsigned char)*p < 0x20)
      fprintf(f, "\\u%04x", (unsigned char)*p);
    else
      fputc(*p, f);
  }
  fprintf(f, "\", ");
}

/* JSON has no NaN: absent values are null. */
static void jnum(FILE *f, const char *key, double v) {
  if (isfinite(v))
    fprintf(f, "\"%s\": %.10g, ", key, v);
  else
    fprintf(f, "\"%s\": null, ", key);
}

int lie_step_write_json(const char *path, const char *tmp, const lie_step_cfg *c, const lie_step_result *r) {
  FILE *f = fopen(tmp, "w");
  LIE_CHECK(f, LIE_ERR_IO, "cannot write %s", tmp);
  fprintf(f, "{\"method\": \"timestep\", ");
  jstr(f, "pde", r->pde);
  jstr(f, "model", c->model);
  jstr(f, "cond", lie_step_cond_name(c->cond));
  jstr(f, "cond_ckpt", c->cond_ckpt);
  jstr(f, "data", c->train);
  jstr(f, "valid_data", c->valid);
  jstr(f, "test_data", c->test);
  jnum(f, "rollout_nmse", r->rollout_nmse);
  jnum(f, "rollout_nmse_std", r->rollout_nmse_std);
  jnum(f, "rollout_mse", r->rollout_mse);
  jnum(f, "rollout_mse_std", r->rollout_mse_std);
  fprintf(f, "\"nmse_per_step\": [");
  for (int k = 0; k < r->nsteps; k++)
    fprintf(f, "%s%.8g", k ? ", " : "", r->nmse_per_step[k]);
  fprintf(f, "], \"history\": %d, \"future\": %d, \"rollout_start\": %d, \"predicted_frames\": %d, ", c->history,
          c->future, c->rollout_start < 0 ? c->history : c->rollout_start, r->nsteps);
  fprintf(f, "\"ntrain\": %d, \"nvalid\": %d, \"ntest\": %d, \"nt\": %d, \"nx\": %d, \"parameters\": %d, ", r->ntrain,
          r->nvalid, r->ntest, r->nt, r->nx, r->nparams);
  fprintf(f, "\"cond_dim\": %d, \"cond_channels\": %d, \"epochs\": %d, \"epochs_run\": %d, \"best_epoch\": %d, ",
          r->cond_dim, c->cond_channels, c->epochs, r->epochs_run, r->best_epoch);
  fprintf(f, "\"steps\": %ld, \"batch\": %d, \"lr\": %.6g, \"seed\": %llu, \"bootstrap\": %d, ", r->steps, c->batch,
          c->lr, (unsigned long long)c->seed, c->nboot);
  jnum(f, "first_loss", r->first_loss);
  jnum(f, "last_loss", r->last_loss);
  jnum(f, "valid_rollout_loss", r->valid_loss);
  jnum(f, "train_seconds", r->train_seconds);
  jnum(f, "seconds_per_epoch", r->seconds_per_epoch);
  jnum(f, "eval_seconds", r->eval_seconds);
  fprintf(f, "\"wall_seconds\": %.3f}\n", r->wall_seconds);
  int bad = ferror(f);
  if (fclose(f) != 0) bad = 1;
  LIE_CHECK(!bad, LIE_ERR_IO, "error writing %s", tmp);
  LIE_CHECK(rename(tmp, path) == 0, LIE_ERR_IO, "cannot rename %s to %s", tmp, path);
  return LIE_OK;
}
