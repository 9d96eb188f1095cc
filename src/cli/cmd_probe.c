/* liereg probe -emb EMB.h5 -target NAME [-probe_sweep 64,128,...] [-o RESULT.json]: ridge
 * probe on frozen representations (docs/EVAL.md). Prints one parseable line per result; -o also
 * writes them as JSON (tmp file renamed when complete). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_SWEEP LIE_CLI_MAX_SWEEP

static void json_single(FILE *f, const lie_probe_opts *o, const lie_probe_result *r) {
  fprintf(f,
          "\"value\": %.10g, \"bootstrap_mean\": %.10g, \"bootstrap_std\": %.10g, \"bootstrap\": %d, "
          "\"train_value\": %.10g, \"lambda\": %.10g, \"folds\": %d, \"ntrain\": %d, \"ntest\": %d, \"dim\": %d, "
          "\"outputs\": %d, \"log_target\": %s",
          r->value, r->boot_mean, r->boot_std, o->nboot, r->train_value, r->lambda, o->cv.folds, r->ntrain, r->ntest,
          r->d, r->m, o->log_target ? "true" : "false");
}

/* One sweep entry: the seeds' values with their mean and std. */
static void json_sweep(FILE *f, int size, int nseeds, const lie_probe_result *r) {
  double v[MAX_SWEEP], mean, std;
  for (int s = 0; s < nseeds; s++)
    v[s] = r[s].value;
  lie_mean_std(v, nseeds, &mean, &std);
  fprintf(f, "{\"ntrain\": %d, \"seeds\": %d, \"mean\": %.10g, \"std\": %.10g, \"values\": [", size, nseeds, mean, std);
  for (int s = 0; s < nseeds; s++)
    fprintf(f, "%s%.10g", s ? ", " : "", r[s].value);
  fprintf(f, "], \"lambdas\": [");
  for (int s = 0; s < nseeds; s++)
    fprintf(f, "%s%.6g", s ? ", " : "", r[s].lambda);
  fprintf(f, "]}");
}

static int write_json(const char *path, const char *tmp, const char *emb, const char *target, const lie_probe_opts *o,
                      const lie_probe_result *r, int nsizes, const int *sizes, int nseeds) {
  FILE *f = fopen(tmp, "w");
  LIE_CHECK(f, LIE_ERR_IO, "cannot write %s", tmp);
  fprintf(f, "{\"emb\": \"%s\", \"test_emb\": \"%s\", \"target\": \"%s\", \"metric\": \"%s\", ", emb,
          o->test_emb[0] ? o->test_emb : emb, target, lie_metric_name(r->metric));
  if (!nsizes)
    json_single(f, o, r);
  else {
    fprintf(f, "\"ntest\": %d, \"sweep\": [", r->ntest);
    for (int i = 0; i < nsizes; i++) {
      fprintf(f, "%s", i ? ", " : "");
      json_sweep(f, sizes[i], nseeds, r + i * nseeds);
    }
    fprintf(f, "]");
  }
  fprintf(f, "}\n");
  return lie_cli_finish_file(f, tmp, path);
}

/* Predicted vs true values of the test split (for scatter plots in reports). */
static int write_predictions(const char *path, const char *tmp, const lie_probe_result *r) {
  return lie_cli_write_predictions(path, tmp, r->ntest, r->m, r->truth, r->pred);
}

/* Predicted vs true on the test split, one series per output (up to 8), with y = x. */
int lie_cli_probe_plot_predictions(const char *path, const char *target, const lie_probe_result *r) {
  lie_plot pl;
  char title[160], lab[32];
  int m = r->m < 8 ? r->m : 8, err = LIE_OK;
  double *x, *y;
  LIE_ALLOC(x, 2 * (size_t)r->ntest);
  y = x + r->ntest;
  snprintf(title, sizeof title, "%s: predicted vs true (%s %.4g)", target, lie_metric_name(r->metric), r->value);
  LIE_CALL(lie_plot_create(480, 480, &pl));
  lie_plot_set_labels(pl, title, "true", "predicted");
  for (int t = 0; !err && t < m; t++) {
    for (int i = 0; i < r->ntest; i++)
      x[i] = r->truth[(size_t)i * r->m + t], y[i] = r->pred[(size_t)i * r->m + t];
    snprintf(lab, sizeof lab, "output %d", t);
    err = lie_plot_add(pl, r->ntest, x, y, NULL, LIE_PLOT_MARKERS, r->m > 1 ? lab : NULL);
  }
  if (!err) err = lie_plot_add_diagonal(pl);
  if (!err) err = lie_plot_write_png(pl, path);
  lie_plot_destroy(&pl);
  free(x);
  LIE_CALL(err);
  return LIE_OK;
}

/* Label-size curve: mean ± std over the seeds against the number of labels (log x). */
int lie_cli_probe_plot_sweep(const char *path, const char *target, const char *method, int nsizes, const int *sizes,
                             int nseeds, const lie_probe_result *r) {
  double x[MAX_SWEEP], y[MAX_SWEEP], e[MAX_SWEEP], v[MAX_SWEEP];
  char title[160], ylab[64];
  lie_plot pl;
  for (int i = 0; i < nsizes; i++) {
    for (int s = 0; s < nseeds; s++)
      v[s] = r[i * nseeds + s].value;
    x[i] = sizes[i];
    lie_mean_std(v, nseeds, &y[i], &e[i]);
  }
  snprintf(title, sizeof title, "%s: %s vs labelled set size", target, method);
  snprintf(ylab, sizeof ylab, "test %s (mean +- std, %d seeds)", lie_metric_name(r->metric), nseeds);
  LIE_CALL(lie_plot_create(640, 420, &pl));
  lie_plot_set_labels(pl, title, "labelled trajectories", ylab);
  lie_plot_set_log(pl, 1, 0);
  int err = lie_plot_add(pl, nsizes, x, y, e, LIE_PLOT_LINE_MARKERS, method);
  if (!err) err = lie_plot_write_png(pl, path);
  lie_plot_destroy(&pl);
  LIE_CALL(err);
  return LIE_OK;
}

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

int lie_cmd_probe(lie_ctx ctx, int nargs, char **args) {
  char emb[PETSC_MAX_PATH_LEN] = "", target[64] = "", out[PETSC_MAX_PATH_LEN] = "", tmp[PETSC_MAX_PATH_LEN + 8];
  char preds[PETSC_MAX_PATH_LEN] = "", ptmp[PETSC_MAX_PATH_LEN + 8], png[PETSC_MAX_PATH_LEN] = "";
  PetscBool force = PETSC_FALSE, sweep = PETSC_FALSE;
  PetscInt sizes[MAX_SWEEP], nsizes = MAX_SWEEP, nseeds = 3;
  lie_probe_opts o;
  lie_probe_trained_cfg tc;
  int stop, isizes[MAX_SWEEP];
  lie_probe_opts_default(&o);
  lie_probe_trained_cfg_default(&tc);
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg probe -emb EMB.h5 -target NAME: ridge probe on representations",
                    NULL);
  LIE_PETSC(PetscOptionsString("-emb", "embedding file (liereg embed)", "", emb, emb, sizeof emb, NULL));
  LIE_PETSC(
      PetscOptionsString("-target", "nu, buo_y, ic_mode or ic_mode_scaled", "", target, target, sizeof target, NULL));
  LIE_PETSC(PetscOptionsIntArray("-probe_sweep", "label-size sweep: sizes of the labelled set, e.g. 64,128,256", "",
                                 sizes, &nsizes, &sweep));
  LIE_PETSC(PetscOptionsInt("-probe_sweep_seeds", "random labelled subsets per sweep size", "", nseeds, &nseeds, NULL));
  LIE_PETSC(PetscOptionsString("-o", "also write the result as JSON", "", out, out, sizeof out, NULL));
  LIE_PETSC(PetscOptionsString("-probe_predictions", "write test predictions as CSV (row,output,true,pred)", "", preds,
                               preds, sizeof preds, NULL));
  LIE_PETSC(PetscOptionsString("-probe_plot", "PNG: predicted vs true, or the label-size curve with -probe_sweep", "",
                               png, png, sizeof png, NULL));
  LIE_PETSC(PetscOptionsBool("-force", "overwrite -o if it exists", "", force, &force, NULL));
  PetscOptionsEnd();
  LIE_CALL(lie_probe_opts_set_from_options(ctx, &o));
  LIE_CALL(lie_probe_trained_cfg_set_from_options(ctx, &tc)); /* always, so that -help lists them */
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE, "probe takes no positional arguments (got '%s'); use -emb FILE", args[0]);
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CHECK(target[0], LIE_ERR_USAGE, "missing -target (nu, buo_y, ic_mode, ic_mode_scaled)");
  LIE_CHECK(nseeds >= 1 && nseeds <= MAX_SWEEP, LIE_ERR_USAGE, "-probe_sweep_seeds must be in 1..%d (got %d)",
            MAX_SWEEP, (int)nseeds);
  PetscBool named = PETSC_FALSE;
  LIE_PETSC(PetscOptionsHasName(NULL, NULL, "-probe_sweep", &named));
  LIE_CHECK(sweep || !named, LIE_ERR_USAGE, "-probe_sweep needs a list of sizes, e.g. 64,128,256");
  if (!sweep) nsizes = 0;
  LIE_CHECK(!sweep || nsizes >= 1, LIE_ERR_USAGE, "-probe_sweep needs a list of sizes, e.g. 64,128,256");
  for (int i = 0; i < nsizes; i++)
    isizes[i] = (int)sizes[i];
  const lie_target_info *info;
  LIE_CALL(lie_target_lookup(target, &info)); /* before any file is opened */
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
  if (out[0]) LIE_CALL(lie_cli_output_path(out, force, tmp, sizeof tmp));
  if (preds[0]) LIE_CALL(lie_cli_output_path(preds, force, ptmp, sizeof ptmp));
  LIE_CHECK(!png[0] || force || access(png, F_OK) != 0, LIE_ERR_USAGE, "%s exists (use -force to overwrite)", png);
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
  if (!err && out[0] && lie_ctx_rank(ctx) == 0)
    err = write_json(out, tmp, emb, target, &o, r, (int)nsizes, isizes, (int)nseeds);
  if (!err && preds[0] && lie_ctx_rank(ctx) == 0) err = write_predictions(preds, ptmp, r);
  if (!err && png[0] && lie_ctx_rank(ctx) == 0)
    err = sweep ? lie_cli_probe_plot_sweep(png, target, "SSL + ridge", (int)nsizes, isizes, (int)nseeds, r)
                : lie_cli_probe_plot_predictions(png, target, r);
  for (int i = 0; i < nres; i++)
    lie_probe_result_free(&r[i]);
  free(r);
  LIE_CALL(err);
  return LIE_OK;
}
