/* liereg probe -emb EMB.h5 -target NAME [-probe_sweep 64,128,...] [-o RESULT.json]: ridge
 * probe on frozen representations; with -probe_mode trained (-ckpt CKPT.h5 -data LABELLED.h5)
 * the paper's linear head trained with Adam on the frozen encoder (docs/EVAL.md). Runs one
 * lie_probe_job (src/pipeline/probe_job.c) and prints one parseable line per result. */
#include "cli.h"
#include "liereg/options.h"

#include <stdio.h>

/* The sweep's lines, whichever probe ran. */
static void print_sweep(const lie_probe_job *job, const lie_probe_job_result *res, lie_metric metric, int ntest) {
  double v[LIE_JOB_MAX_SWEEP * LIE_JOB_MAX_SWEEP];
  for (int k = 0; k < res->n; k++)
    v[k] = job->trained ? res->head[k].value : res->ridge[k].value;
  lie_cli_print_sweep(job->trained ? "sweep mode=trained" : "sweep", res->target, metric, ntest, &job->sweep, v);
}

static void print_ridge(const lie_probe_job *job, const lie_probe_job_result *res) {
  const lie_probe_result *r = res->ridge;
  if (!job->sweep.nsizes)
    printf("probe target=%s metric=%s value=%.6g bootstrap_mean=%.6g bootstrap_std=%.6g train_value=%.6g "
           "lambda=%.4g ntrain=%d ntest=%d dim=%d outputs=%d\n",
           res->target, lie_metric_name(r->metric), r->value, r->boot_mean, r->boot_std, r->train_value, r->lambda,
           r->ntrain, r->ntest, r->d, r->m);
  print_sweep(job, res, r->metric, r->ntest);
}

static void print_head(const lie_probe_job *job, const lie_probe_job_result *res) {
  const lie_sup_result *r = res->head;
  if (!job->sweep.nsizes)
    printf("probe mode=trained target=%s metric=%s value=%.6g bootstrap_mean=%.6g bootstrap_std=%.6g "
           "train_value=%.6g valid_value=%.6g best_lr=%.4g best_epoch=%d ntrain=%d nvalid=%d ntest=%d dim=%d "
           "outputs=%d\n",
           res->target, lie_metric_name(r->metric), r->value, r->boot_mean, r->boot_std, res->train_value,
           r->valid_value, r->best_lr, r->best_epoch, r->ntrain, r->nvalid, r->ntest, res->dim, r->m);
  print_sweep(job, res, r->metric, r->ntest);
}

/* *listless: -probe_sweep given without a list of sizes (reported after the unknown options). */
static int read_options(lie_ctx ctx, lie_probe_job *job, int *listless) {
  PetscBool force = PETSC_FALSE, sweep = PETSC_FALSE, named = PETSC_FALSE;
  PetscInt sizes[LIE_JOB_MAX_SWEEP], nsizes = LIE_JOB_MAX_SWEEP, nseeds = job->sweep.nseeds;
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg probe -emb EMB.h5 -target NAME: ridge probe on representations",
                    NULL);
  LIE_PETSC(PetscOptionsString("-emb", "embedding file (liereg embed)", "", job->emb, job->emb, sizeof job->emb, NULL));
  LIE_PETSC(PetscOptionsString("-target", "nu, buo_y, ic_mode or ic_mode_scaled", "", job->target, job->target,
                               sizeof job->target, NULL));
  LIE_PETSC(LIE_OPTIONS_INT_ARRAY("-probe_sweep", "label-size sweep: sizes of the labelled set, e.g. 64,128,256", "",
                                  sizes, &nsizes, &sweep));
  LIE_PETSC(LIE_OPTIONS_INT("-probe_sweep_seeds", "random labelled subsets per sweep size", "", nseeds, &nseeds, NULL));
  LIE_PETSC(PetscOptionsString("-o", "also write the result as JSON", "", job->out.json, job->out.json,
                               sizeof job->out.json, NULL));
  LIE_PETSC(PetscOptionsString("-probe_predictions", "write test predictions as CSV (row,output,true,pred)", "",
                               job->out.preds, job->out.preds, sizeof job->out.preds, NULL));
  LIE_PETSC(PetscOptionsString("-probe_plot", "PNG: predicted vs true, or the label-size curve with -probe_sweep", "",
                               job->out.png, job->out.png, sizeof job->out.png, NULL));
  LIE_PETSC(PetscOptionsBool("-force", "overwrite -o if it exists", "", force, &force, NULL));
  PetscOptionsEnd();
  LIE_CALL(lie_probe_opts_set_from_options(ctx, &job->ridge));
  LIE_CALL(lie_probe_trained_opts_set_from_options(ctx, &job->head)); /* always, so that -help lists them */
  LIE_PETSC(PetscOptionsHasName(NULL, NULL, "-probe_sweep", &named));
  *listless = (named && !sweep) || (sweep && nsizes < 1);
  job->out.force = force, job->trained = job->ridge.trained;
  lie_cli_sweep_set(&job->sweep, sweep, nsizes, sizes, nseeds);
  return LIE_OK;
}

int lie_cmd_probe(lie_ctx ctx, int nargs, char **args) {
  lie_probe_job job;
  lie_probe_job_result res;
  int stop, listless = 0;
  lie_probe_job_default(&job);
  LIE_CALL(read_options(ctx, &job, &listless));
  LIE_CHECK(!nargs, LIE_ERR_USAGE, "probe takes no positional arguments (got '%s'); use -emb FILE", args[0]);
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CHECK(!listless, LIE_ERR_USAGE, "-probe_sweep needs a list of sizes, e.g. 64,128,256");
  LIE_CALL(lie_probe_job_run(ctx, &job, &res));
  /* the results are the command's output, printed whatever -verbose says */
  if (lie_ctx_rank(ctx) == 0) {
    if (job.trained)
      print_head(&job, &res);
    else
      print_ridge(&job, &res);
    fflush(stdout);
  }
  lie_probe_job_free(&res);
  return LIE_OK;
}
