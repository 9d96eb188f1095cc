/* liereg supervised -data TRAIN.h5 -test_data TEST.h5 -target NAME [-sup_sweep 64,128,...]
 * [-o RESULT.json] [-sup_predictions PRED.csv]: the supervised baseline (docs/EVAL.md). Runs
 * one lie_sup_job (src/pipeline/sup_job.c) and prints one parseable line per result; -o
 * writes JSON in the layout of liereg probe's, with "method": "supervised". */
#include "cli.h"
#include "liereg/options.h"

#include <stdio.h>

static void print_results(const lie_sup_job *job, const lie_sup_job_result *res) {
  const lie_job_sweep *sw = &job->sweep;
  const lie_sup_result *r = res->r;
  const char *target = job->cfg.target;
  if (!sw->nsizes)
    printf("supervised target=%s metric=%s value=%.6g bootstrap_mean=%.6g bootstrap_std=%.6g valid_value=%.6g "
           "best_lr=%.4g best_epoch=%d ntrain=%d nvalid=%d ntest=%d outputs=%d first_loss=%.5g last_loss=%.5g\n",
           target, lie_metric_name(r->metric), r->value, r->boot_mean, r->boot_std, r->valid_value, r->best_lr,
           r->best_epoch, r->ntrain, r->nvalid, r->ntest, r->m, r->first_loss, r->last_loss);
  double v[LIE_JOB_MAX_SWEEP * LIE_JOB_MAX_SWEEP];
  for (int k = 0; k < res->n; k++)
    v[k] = r[k].value;
  lie_cli_print_sweep("sweep method=supervised", target, r->metric, r->ntest, sw, v);
  fflush(stdout);
}

static int read_options(lie_ctx ctx, lie_sup_job *job) {
  PetscBool force = PETSC_FALSE, sweep = PETSC_FALSE;
  PetscInt sizes[LIE_JOB_MAX_SWEEP], nsizes = LIE_JOB_MAX_SWEEP, nseeds = job->sweep.nseeds;
  LIE_CALL(lie_sup_opts_set_from_options(ctx, &job->cfg));
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg supervised -data TRAIN.h5 -test_data TEST.h5 -target NAME", NULL);
  LIE_PETSC(LIE_OPTIONS_INT_ARRAY("-sup_sweep", "label-size sweep: labelled-set sizes, e.g. 64,128,256", "", sizes,
                                  &nsizes, &sweep));
  LIE_PETSC(LIE_OPTIONS_INT("-sup_sweep_seeds", "random labelled subsets per sweep size", "", nseeds, &nseeds, NULL));
  LIE_PETSC(PetscOptionsString("-o", "write the result as JSON", "", job->out.json, job->out.json, sizeof job->out.json,
                               NULL));
  LIE_PETSC(PetscOptionsString("-sup_predictions", "write test predictions as CSV (row,output,true,pred)", "",
                               job->out.preds, job->out.preds, sizeof job->out.preds, NULL));
  LIE_PETSC(PetscOptionsBool("-force", "overwrite existing output files", "", force, &force, NULL));
  PetscOptionsEnd();
  job->out.force = force;
  lie_cli_sweep_set(&job->sweep, sweep, nsizes, sizes, nseeds);
  return LIE_OK;
}

int lie_cmd_supervised(lie_ctx ctx, int nargs, char **args) {
  lie_sup_job job;
  lie_sup_job_result res;
  int stop;
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE, "supervised takes no positional arguments (got '%s')", args[0]);
  lie_sup_job_default(&job);
  LIE_CALL(read_options(ctx, &job));
  PetscBool help = PETSC_FALSE;
  LIE_PETSC(PetscOptionsHasHelp(NULL, &help));
  if (!help) LIE_CALL(lie_sup_job_check(&job)); /* a bad input before a misspelt option, as probe */
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CALL(lie_sup_job_run(ctx, &job, &res));
  if (lie_ctx_rank(ctx) == 0) print_results(&job, &res);
  lie_sup_job_free(&res);
  return LIE_OK;
}
