/* liereg probe -emb EMB.h5 -target NAME [-probe_sweep 64,128,...] [-o RESULT.json]: ridge
 * probe on frozen representations (docs/EVAL.md). Prints one parseable line per result; -o also
 * writes them as JSON (lie_probe_result_write, src/report). */
#include "cli.h"
#include "liereg/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_SWEEP LIE_CLI_MAX_SWEEP

static void print_single(const char *target, const lie_probe_result *r) {
  printf("probe target=%s metric=%s value=%.6g bootstrap_mean=%.6g bootstrap_std=%.6g train_value=%.6g "
         "lambda=%.4g ntrain=%d ntest=%d dim=%d outputs=%d\n",
         target, lie_metric_name(r->metric), r->value, r->boot_mean, r->boot_std, r->train_value, r->lambda, r->ntrain,
         r->ntest, r->d, r->m);
}

static void print_sweep(const char *target, int size, int nseeds, const lie_probe_result *r) {
  double v[MAX_SWEEP], mean, std;
  for (int s = 0; s < nseeds; s++)
    v[s] = r[s].value;
  lie_mean_std(v, nseeds, &mean, &std);
  printf("sweep target=%s metric=%s ntrain=%d seeds=%d mean=%.6g std=%.6g ntest=%d\n", target,
         lie_metric_name(r->metric), size, nseeds, mean, std, r->ntest);
}

/* Without -target, the paper's target for the PDE recorded in the embedding file (liereg embed
 * copies the data's pde attribute): Burgers nu, NS buoyancy, KS/KdV initial-condition modes. */
static int default_target(lie_ctx ctx, const char *emb, char *target, size_t n) {
  char pde[32] = "";
  LIE_CALL(lie_ctx_agree(ctx, access(emb, R_OK) == 0
                                  ? LIE_OK
                                  : lie_error_set(LIE_ERR_IO, __FILE__, __LINE__, __func__,
                                                  "cannot open %s: no such file or not readable", emb)));
  LIE_CALL(lie_h5_file_pde(ctx, emb, pde, sizeof pde));
  LIE_CHECK(pde[0], LIE_ERR_USAGE, "%s does not record its PDE: give -target nu|buo_y|ic_mode|ic_mode_scaled", emb);
  snprintf(target, n, "%s", !strcmp(pde, "burgers") ? "nu" : !strcmp(pde, "ns") ? "buo_y" : "ic_mode");
  lie_log_info(ctx, "probe: -target %s (the %s default)", target, pde);
  return LIE_OK;
}

static int check_files(const char *emb, const char *out, char *tmp, const char *preds, char *ptmp, const char *png,
                       PetscBool force) {
  LIE_CHECK(access(emb, R_OK) == 0, LIE_ERR_IO, "cannot open %s: no such file or not readable", emb);
  if (out[0]) LIE_CALL(lie_cli_output_path(out, force, tmp, PETSC_MAX_PATH_LEN + 8));
  if (preds[0]) LIE_CALL(lie_cli_output_path(preds, force, ptmp, PETSC_MAX_PATH_LEN + 8));
  LIE_CHECK(!png[0] || force || access(png, F_OK) != 0, LIE_ERR_USAGE, "%s exists (use -force to overwrite)", png);
  return LIE_OK;
}

int lie_cmd_probe(lie_ctx ctx, int nargs, char **args) {
  char emb[PETSC_MAX_PATH_LEN] = "", target[64] = "", out[PETSC_MAX_PATH_LEN] = "", tmp[PETSC_MAX_PATH_LEN + 8];
  char preds[PETSC_MAX_PATH_LEN] = "", ptmp[PETSC_MAX_PATH_LEN + 8], png[PETSC_MAX_PATH_LEN] = "";
  PetscBool force = PETSC_FALSE, sweep = PETSC_FALSE;
  PetscInt sizes[MAX_SWEEP], nsizes = MAX_SWEEP, nseeds = 3;
  lie_probe_opts o;
  lie_probe_trained_opts tc;
  int stop, isizes[MAX_SWEEP];
  lie_probe_opts_default(&o);
  lie_probe_trained_opts_default(&tc);
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg probe -emb EMB.h5 -target NAME: ridge probe on representations",
                    NULL);
  LIE_PETSC(PetscOptionsString("-emb", "embedding file (liereg embed)", "", emb, emb, sizeof emb, NULL));
  LIE_PETSC(
      PetscOptionsString("-target", "nu, buo_y, ic_mode or ic_mode_scaled", "", target, target, sizeof target, NULL));
  LIE_PETSC(LIE_OPTIONS_INT_ARRAY("-probe_sweep", "label-size sweep: sizes of the labelled set, e.g. 64,128,256", "",
                                  sizes, &nsizes, &sweep));
  LIE_PETSC(LIE_OPTIONS_INT("-probe_sweep_seeds", "random labelled subsets per sweep size", "", nseeds, &nseeds, NULL));
  LIE_PETSC(PetscOptionsString("-o", "also write the result as JSON", "", out, out, sizeof out, NULL));
  LIE_PETSC(PetscOptionsString("-probe_predictions", "write test predictions as CSV (row,output,true,pred)", "", preds,
                               preds, sizeof preds, NULL));
  LIE_PETSC(PetscOptionsString("-probe_plot", "PNG: predicted vs true, or the label-size curve with -probe_sweep", "",
                               png, png, sizeof png, NULL));
  LIE_PETSC(PetscOptionsBool("-force", "overwrite -o if it exists", "", force, &force, NULL));
  PetscOptionsEnd();
  LIE_CALL(lie_probe_opts_set_from_options(ctx, &o));
  LIE_CALL(lie_probe_trained_opts_set_from_options(ctx, &tc)); /* always, so that -help lists them */
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE, "probe takes no positional arguments (got '%s'); use -emb FILE", args[0]);
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CHECK(nseeds >= 1 && nseeds <= MAX_SWEEP, LIE_ERR_USAGE, "-probe_sweep_seeds must be in 1..%d (got %d)",
            MAX_SWEEP, (int)nseeds);
  PetscBool named = PETSC_FALSE;
  LIE_PETSC(PetscOptionsHasName(NULL, NULL, "-probe_sweep", &named));
  LIE_CHECK(sweep || !named, LIE_ERR_USAGE, "-probe_sweep needs a list of sizes, e.g. 64,128,256");
  if (!sweep) nsizes = 0;
  LIE_CHECK(!sweep || nsizes >= 1, LIE_ERR_USAGE, "-probe_sweep needs a list of sizes, e.g. 64,128,256");
  for (int i = 0; i < nsizes; i++)
    isizes[i] = (int)sizes[i];
  if (!target[0] && !o.trained && emb[0]) LIE_CALL(default_target(ctx, emb, target, sizeof target));
  LIE_CHECK(target[0], LIE_ERR_USAGE, "missing -target (nu, buo_y, ic_mode, ic_mode_scaled)");
  const lie_target_info *info;
  LIE_CALL(lie_target_lookup(target, &info));
  LIE_CHECK(!preds[0] || !sweep, LIE_ERR_USAGE, "-probe_predictions is for a single probe, not with -probe_sweep");
  LIE_CHECK(!o.save[0] || !sweep, LIE_ERR_USAGE, "-probe_save is for a single probe, not with -probe_sweep");
  if (o.trained) { /* the Adam head on the frozen encoder (cmd_probe_trained.c) */
    tc.probe = o;
    snprintf(tc.target, sizeof tc.target, "%s", target);
    lie_cli_probe_args a = {emb, out, preds, png, force, (int)nsizes, {0}, (int)nseeds};
    for (int i = 0; i < a.nsizes; i++)
      a.sizes[i] = isizes[i];
    return lie_cmd_probe_trained(ctx, &tc, &a);
  }
  LIE_CHECK(!tc.ckpt[0] && !tc.data[0] && !tc.test_data[0], LIE_ERR_USAGE,
            "-ckpt, -data and -probe_test_data are for -probe_mode trained (the ridge probe reads -emb)");
  LIE_CHECK(emb[0], LIE_ERR_USAGE, "missing -emb EMB.h5");
  /* per-rank file checks after lie_cli_options_done: agreed before the reads */
  LIE_CALL(lie_ctx_agree(ctx, check_files(emb, out, tmp, preds, ptmp, png, force)));
  o.keep_predictions = preds[0] != 0 || (png[0] && !sweep);

  int nres = nsizes ? (int)(nsizes * nseeds) : 1, err;
  lie_probe_result *r;
  LIE_ALLOC(r, nres);
  if (nsizes)
    err = lie_probe_sweep(ctx, &o, emb, target, (int)nsizes, isizes, (int)nseeds, r);
  else
    err = lie_probe_run(ctx, &o, emb, target, r);
  /* the results are the command's output, printed whatever -verbose says */
  if (!err && lie_ctx_rank(ctx) == 0) {
    if (!nsizes) print_single(target, r);
    for (int i = 0; i < nsizes; i++)
      print_sweep(target, isizes[i], (int)nseeds, r + i * nseeds);
    fflush(stdout);
  }
  lie_result_info rinfo = {emb, o.test_emb, target, (int)nsizes, (int)nseeds, isizes, 0, 0};
  if (!err && out[0] && lie_ctx_rank(ctx) == 0) err = lie_probe_result_write(out, &rinfo, &o, r);
  if (!err && preds[0] && lie_ctx_rank(ctx) == 0) err = lie_predictions_write(preds, r->ntest, r->m, r->truth, r->pred);
  if (!err && png[0] && lie_ctx_rank(ctx) == 0)
    err = sweep ? lie_plot_sweep_png(png, target, "SSL + ridge", (int)nsizes, isizes, (int)nseeds, r)
                : lie_plot_predictions_png(png, target, r);
  for (int i = 0; i < nres; i++)
    lie_probe_result_free(&r[i]);
  free(r);
  LIE_CALL(err);
  return LIE_OK;
}
