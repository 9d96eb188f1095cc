/* liereg supervised -data TRAIN.h5 -test_data TEST.h5 -target NAME [-sup_sweep 64,128,...]
 * [-o RESULT.json] [-sup_predictions PRED.csv]: the supervised baseline (docs/EVAL.md).
 * Prints one parseable line per result; -o writes JSON in the layout of liereg probe's, with
 * "method": "supervised" and the lr/epoch selection (lie_sup_result_write, src/report). */
#include "cli.h"
#include "liereg/options.h"

#include <stdio.h>
#include <stdlib.h>

#define MAX_SWEEP 32

static void print_single(const char *target, const lie_sup_result *r) {
  printf("supervised target=%s metric=%s value=%.6g bootstrap_mean=%.6g bootstrap_std=%.6g valid_value=%.6g "
         "best_lr=%.4g best_epoch=%d ntrain=%d nvalid=%d ntest=%d outputs=%d first_loss=%.5g last_loss=%.5g\n",
         target, lie_metric_name(r->metric), r->value, r->boot_mean, r->boot_std, r->valid_value, r->best_lr,
         r->best_epoch, r->ntrain, r->nvalid, r->ntest, r->m, r->first_loss, r->last_loss);
}

int lie_cmd_supervised(lie_ctx ctx, int nargs, char **args) {
  char out[PETSC_MAX_PATH_LEN] = "", tmp[PETSC_MAX_PATH_LEN + 8], preds[PETSC_MAX_PATH_LEN] = "";
  char ptmp[PETSC_MAX_PATH_LEN + 8];
  PetscBool force = PETSC_FALSE, sweep = PETSC_FALSE, help = PETSC_FALSE;
  PetscInt sizes[MAX_SWEEP], nsizes = MAX_SWEEP, nseeds = 3;
  int stop, isizes[MAX_SWEEP];
  lie_sup_opts cfg;
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE, "supervised takes no positional arguments (got '%s')", args[0]);
  lie_sup_opts_default(&cfg);
  LIE_CALL(lie_sup_opts_set_from_options(ctx, &cfg));
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg supervised -data TRAIN.h5 -test_data TEST.h5 -target NAME", NULL);
  LIE_PETSC(LIE_OPTIONS_INT_ARRAY("-sup_sweep", "label-size sweep: labelled-set sizes, e.g. 64,128,256", "", sizes,
                                  &nsizes, &sweep));
  LIE_PETSC(LIE_OPTIONS_INT("-sup_sweep_seeds", "random labelled subsets per sweep size", "", nseeds, &nseeds, NULL));
  LIE_PETSC(PetscOptionsString("-o", "write the result as JSON", "", out, out, sizeof out, NULL));
  LIE_PETSC(PetscOptionsString("-sup_predictions", "write test predictions as CSV (row,output,true,pred)", "", preds,
                               preds, sizeof preds, NULL));
  LIE_PETSC(PetscOptionsBool("-force", "overwrite existing output files", "", force, &force, NULL));
  PetscOptionsEnd();
  LIE_PETSC(PetscOptionsHasHelp(NULL, &help));
  if (!sweep) nsizes = 0;
  if (!help) {
    LIE_CALL(lie_sup_opts_check(&cfg));
    LIE_CHECK(nseeds >= 1 && nseeds <= MAX_SWEEP, LIE_ERR_USAGE, "-sup_sweep_seeds must be in 1..%d", MAX_SWEEP);
    LIE_CHECK(!preds[0] || !sweep, LIE_ERR_USAGE, "-sup_predictions is for a single run, not with -sup_sweep");
    for (int i = 0; i < nsizes; i++)
      LIE_CHECK(sizes[i] >= 4, LIE_ERR_USAGE, "-sup_sweep sizes must be >= 4");
    if (out[0]) LIE_CALL(lie_cli_output_path(out, force, tmp, sizeof tmp));
    if (preds[0]) LIE_CALL(lie_cli_output_path(preds, force, ptmp, sizeof ptmp));
  }
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  for (int i = 0; i < nsizes; i++)
    isizes[i] = (int)sizes[i];
  int nres = nsizes ? (int)(nsizes * nseeds) : 1, err;
  lie_sup_result *r;
  LIE_ALLOC(r, nres);
  err = nsizes ? lie_sup_sweep(ctx, &cfg, (int)nsizes, isizes, (int)nseeds, r) : lie_sup_run(ctx, &cfg, r);
  if (!err && lie_ctx_rank(ctx) == 0) {
    if (!nsizes) print_single(cfg.target, r);
    for (int i = 0; i < nsizes; i++) {
      double v[MAX_SWEEP], mean, std;
      for (int s = 0; s < nseeds; s++)
        v[s] = r[i * nseeds + s].value;
      lie_mean_std(v, (int)nseeds, &mean, &std);
      printf("sweep method=supervised target=%s metric=%s ntrain=%d seeds=%d mean=%.6g std=%.6g ntest=%d\n", cfg.target,
             lie_metric_name(r->metric), isizes[i], (int)nseeds, mean, std, r->ntest);
    }
    fflush(stdout);
  }
  lie_result_info info = {NULL, NULL, cfg.target, (int)nsizes, (int)nseeds, isizes, 0, 0};
  if (!err && out[0] && lie_ctx_rank(ctx) == 0) err = lie_sup_result_write(out, &info, &cfg, r);
  if (!err && preds[0] && lie_ctx_rank(ctx) == 0) err = lie_predictions_write(preds, r->ntest, r->m, r->truth, r->pred);
  for (int i = 0; i < nres; i++)
    lie_sup_result_free(&r[i]);
  free(r);
  LIE_CALL(err);
  return LIE_OK;
}
