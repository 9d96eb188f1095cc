/* lie_sup_job_run: the supervised baseline (single run or label-size sweep) and its result
 * files. Used by `liereg supervised` and the quickstart. */
#include "pipeline_impl.h"

#include <string.h>

void lie_sup_job_default(lie_sup_job *job) {
  memset(job, 0, sizeof *job);
  lie_sup_opts_default(&job->cfg);
  job->sweep.nseeds = 3;
}

int lie_sup_job_check(lie_sup_job *job) {
  const int sweep = job->sweep.nsizes > 0;
  lie_sup_opts *c = &job->cfg; /* without -target: the default of the data's PDE */
  if (!c->target[0] && c->train[0]) LIE_CALL(lie_job_default_target(c->train, c->target, sizeof c->target));
  LIE_CALL(lie_sup_opts_check(&job->cfg));
  LIE_CALL(lie_job_sweep_check(&job->sweep, "-sup_sweep", 4));
  LIE_CHECK(!job->out.preds[0] || !sweep, LIE_ERR_USAGE, "-sup_predictions is for a single run, not with -sup_sweep");
  LIE_CHECK(!job->out.png[0], LIE_ERR_USAGE, "the supervised job writes no picture");
  const char *path[4] = {job->out.json, job->out.preds, job->full_json, job->full_preds};
  for (int i = 0; i < 4; i++) {
    lie_output out;
    if (path[i][0]) LIE_CALL(lie_output_begin(&out, path[i], job->out.force));
  }
  return LIE_OK;
}

/* Rank 0: the run's (or sweep's) JSON and predictions; with a sweep, the whole-split run
 * (largest size, seed 1) as a single result. */
static int write(const lie_sup_job *job, const lie_sup_job_result *res) {
  const lie_job_sweep *sw = &job->sweep;
  const lie_sup_opts *c = &job->cfg;
  lie_result_info info = {NULL, NULL, c->target, sw->nsizes, sw->nseeds, sw->sizes, 0, 0}, single = info;
  single.nsizes = 0;
  const lie_sup_result *r = res->r, *full = sw->nsizes ? &r[(sw->nsizes - 1) * sw->nseeds] : r;
  if (job->out.json[0]) LIE_CALL(lie_sup_result_write(job->out.json, &info, c, r));
  if (job->out.preds[0]) LIE_CALL(lie_predictions_write(job->out.preds, r->ntest, r->m, r->truth, r->pred));
  if (job->full_json[0]) LIE_CALL(lie_sup_result_write(job->full_json, &single, c, full));
  if (job->full_preds[0])
    LIE_CALL(lie_predictions_write(job->full_preds, full->ntest, full->m, full->truth, full->pred));
  return LIE_OK;
}

int lie_sup_job_run(lie_ctx ctx, const lie_sup_job *job_in, lie_sup_job_result *res) {
  lie_sup_job checked = *job_in, *job = &checked; /* the check fills in defaults (target) */
  const lie_job_sweep *sw = &job->sweep;
  memset(res, 0, sizeof *res);
  LIE_CALL(lie_ctx_agree(ctx, lie_sup_job_check(job))); /* reads files: per rank, agreed */
  res->n = sw->nsizes ? sw->nsizes * sw->nseeds : 1;
  LIE_ALLOC(res->r, res->n);
  if (sw->nsizes)
    LIE_CALL(lie_sup_sweep(ctx, &job->cfg, sw->nsizes, sw->sizes, sw->nseeds, res->r));
  else
    LIE_CALL(lie_sup_run(ctx, &job->cfg, res->r));
  int err = lie_ctx_rank(ctx) == 0 ? write(job, res) : LIE_OK;
  LIE_CALL(lie_ctx_agree(ctx, err));
  return LIE_OK;
}

void lie_sup_job_free(lie_sup_job_result *res) {
  for (int i = 0; i < res->n && res->r; i++)
    lie_sup_result_free(&res->r[i]);
  free(res->r);
  res->r = NULL, res->n = 0;
}
