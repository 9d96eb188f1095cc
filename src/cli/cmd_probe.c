/* liereg probe -emb EMB.h5 -target NAME [-o RESULT.json]: ridge probe on frozen representations
 * (docs/EVAL.md). Prints one parseable result line; -o also writes it as JSON. */
#include "cli.h"

#include <stdio.h>

static int write_json(const char *path, const char *tmp, const char *emb, const char *target, const lie_probe_opts *o,
                      const lie_probe_result *r) {
  FILE *f = fopen(tmp, "w");
  LIE_CHECK(f, LIE_ERR_IO, "cannot write %s", tmp);
  fprintf(f,
          "{\"emb\": \"%s\", \"target\": \"%s\", \"metric\": \"%s\", \"value\": %.10g, \"bootstrap_mean\": %.10g, "
          "\"bootstrap_std\": %.10g, \"bootstrap\": %d, \"train_value\": %.10g, \"lambda\": %.10g, \"folds\": %d, "
          "\"ntrain\": %d, \"ntest\": %d, \"dim\": %d, \"outputs\": %d, \"log_target\": %s}\n",
          emb, target, lie_metric_name(r->metric), r->value, r->boot_mean, r->boot_std, o->nboot, r->train_value,
          r->lambda, o->cv.folds, r->ntrain, r->ntest, r->d, r->m, o->log_target ? "true" : "false");
  int bad = ferror(f);
  bad |= fclose(f) != 0;
  LIE_CHECK(!bad, LIE_ERR_IO, "writing %s failed (disk full?)", tmp);
  LIE_CHECK(rename(tmp, path) == 0, LIE_ERR_IO, "cannot rename %s to %s", tmp, path);
  return LIE_OK;
}

int lie_cmd_probe(lie_ctx ctx, int nargs, char **args) {
  char emb[PETSC_MAX_PATH_LEN] = "", target[64] = "", out[PETSC_MAX_PATH_LEN] = "", tmp[PETSC_MAX_PATH_LEN + 8];
  PetscBool force = PETSC_FALSE;
  lie_probe_opts o;
  lie_probe_result r;
  int stop;
  lie_probe_opts_default(&o);
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg probe -emb EMB.h5 -target NAME: ridge probe on representations",
                    NULL);
  LIE_PETSC(PetscOptionsString("-emb", "embedding file (liereg embed)", "", emb, emb, sizeof emb, NULL));
  LIE_PETSC(
      PetscOptionsString("-target", "nu, buo_y, ic_mode or ic_mode_scaled", "", target, target, sizeof target, NULL));
  LIE_PETSC(PetscOptionsString("-o", "also write the result as JSON", "", out, out, sizeof out, NULL));
  LIE_PETSC(PetscOptionsBool("-force", "overwrite -o if it exists", "", force, &force, NULL));
  PetscOptionsEnd();
  LIE_CALL(lie_probe_opts_set_from_options(ctx, &o));
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE, "probe takes no positional arguments (got '%s'); use -emb FILE", args[0]);
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CHECK(emb[0], LIE_ERR_USAGE, "missing -emb EMB.h5");
  LIE_CHECK(target[0], LIE_ERR_USAGE, "missing -target (nu, buo_y, ic_mode, ic_mode_scaled)");
  const lie_target_info *info;
  LIE_CALL(lie_target_lookup(target, &info)); /* before any file is opened */
  if (out[0]) LIE_CALL(lie_cli_output_path(out, force, tmp, sizeof tmp));
  LIE_CALL(lie_probe_run(ctx, &o, emb, target, &r));
  /* the result is the command's output, printed whatever -verbose says */
  if (lie_ctx_rank(ctx) == 0)
    printf("probe target=%s metric=%s value=%.6g bootstrap_mean=%.6g bootstrap_std=%.6g train_value=%.6g "
           "lambda=%.4g ntrain=%d ntest=%d dim=%d outputs=%d\n",
           target, lie_metric_name(r.metric), r.value, r.boot_mean, r.boot_std, r.train_value, r.lambda, r.ntrain,
           r.ntest, r.d, r.m);
  if (out[0] && lie_ctx_rank(ctx) == 0) LIE_CALL(write_json(out, tmp, emb, target, &o, &r));
  return LIE_OK;
}
