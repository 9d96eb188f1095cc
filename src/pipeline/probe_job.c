/* lie_probe_job_run: the ridge probe on an embedding file or the trained linear head on a
 * frozen encoder, single run or label-size sweep, and its result files (JSON, predictions CSV,
 * PNG). Used by `liereg probe` and the quickstart. */
#include "pipeline_impl.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

void lie_probe_job_default(lie_probe_job *job) {
  memset(job, 0, sizeof *job);
  lie_probe_opts_default(&job->ridge);
  lie_probe_trained_opts_default(&job->head);
  job->sweep.nseeds = 3;
}

/* Checks shared by both probes: sweep, target, single-run-only outputs. */
static int check_common(lie_ctx ctx, const lie_probe_job *job, char *target, size_t n) {
  const int sweep = job->sweep.nsizes > 0;
  LIE_CALL(lie_job_sweep_check(&job->sweep, "-probe_sweep", job->trained ? 4 : 1));
  snprintf(target, n, "%s", job->target);
  /* without -target: the default of the PDE of the embedding file (ridge) or the data (trained) */
  const char *file = job->trained ? job->head.data : job->emb;
  if (!target[0] && file[0]) LIE_CALL(lie_ctx_agree(ctx, lie_job_default_target(file, target, n)));
  LIE_CHECK(target[0], LIE_ERR_USAGE, "missing -target (nu, buo_y, ic_mode, ic_mode_scaled)");
  const lie_target_info *info;
  LIE_CALL(lie_target_lookup(target, &info));
  LIE_CHECK(!job->out.preds[0] || !sweep, LIE_ERR_USAGE,
            "-probe_predictions is for a single probe, not with -probe_sweep");
  LIE_CHECK(!job->ridge.save[0] || !sweep, LIE_ERR_USAGE, "-probe_save is for a single probe, not with -probe_sweep");
  return LIE_OK;
}

/* The ridge probe's result view of a trained-head run (shares pred/truth; for the plots). */
static lie_probe_result as_probe(const lie_sup_result *r, double train_value, int dim) {
  lie_probe_result p = {r->ntrain, r->ntest,     dim,         r->m,        r->metric, 0.0,
                        r->value,  r->boot_mean, r->boot_std, train_value, r->pred,   r->truth};
  return p;
}

static int write_png(const lie_probe_job *job, const char *target, const char *method, const lie_probe_result *r) {
  const lie_job_sweep *sw = &job->sweep;
  if (sw->nsizes)
    LIE_CALL(lie_plot_sweep_png(job->out.png, target, method, sw->nsizes, sw->sizes, sw->nseeds, r));
  else
    LIE_CALL(lie_plot_predictions_png(job->out.png, target, r));
  return LIE_OK;
}

/* Rank 0 writes the files of a finished run. */
static int write_ridge(const lie_probe_job *job, const lie_probe_job_result *res) {
  const lie_job_sweep *sw = &job->sweep;
  const lie_probe_result *r = res->ridge;
  lie_result_info info = {job->emb, job->ridge.test_emb, res->target, sw->nsizes, sw->nseeds, sw->sizes, 0, 0};
  if (job->out.json[0]) LIE_CALL(lie_probe_result_write(job->out.json, &info, &job->ridge, r));
  if (job->out.preds[0]) LIE_CALL(lie_predictions_write(job->out.preds, r->ntest, r->m, r->truth, r->pred));
  if (job->out.png[0]) LIE_CALL(write_png(job, res->target, "SSL + ridge", r));
  return LIE_OK;
}

static int write_head(const lie_probe_job *job, const lie_probe_trained_opts *c, const lie_probe_job_result *res) {
  const lie_job_sweep *sw = &job->sweep;
  const lie_sup_result *r = res->head;
  lie_result_info info = {NULL, NULL, res->target, sw->nsizes, sw->nseeds, sw->sizes, res->train_value, res->dim};
  if (job->out.json[0]) LIE_CALL(lie_probe_trained_result_write(job->out.json, &info, c, r));
  if (job->out.preds[0]) LIE_CALL(lie_predictions_write(job->out.preds, r->ntest, r->m, r->truth, r->pred));
  if (!job->out.png[0]) return LIE_OK;
  lie_probe_result *p;
  LIE_ALLOC(p, res->n);
  for (int i = 0; i < res->n; i++)
    p[i] = as_probe(&r[i], res->train_value, res->dim);
  int err = write_png(job, res->target, "SSL + trained head", p);
  free(p);
  LIE_CALL(err);
  return LIE_OK;
}

static int run_ridge(lie_ctx ctx, const lie_probe_job *job, lie_probe_job_result *res) {
  const lie_job_sweep *sw = &job->sweep;
  const lie_probe_trained_opts *tc = &job->head;
  LIE_CHECK(!tc->ckpt[0] && !tc->data[0] && !tc->test_data[0], LIE_ERR_USAGE,
            "-ckpt, -data and -probe_test_data are for -probe_mode trained (the ridge probe reads -emb)");
  LIE_CHECK(job->emb[0], LIE_ERR_USAGE, "missing -emb EMB.h5");
  /* per-rank file checks: agreed before the reads */
  LIE_CALL(lie_ctx_agree(ctx, access(job->emb, R_OK) == 0
                                  ? LIE_OK
                                  : LIE_RECORD(LIE_ERR_IO, "cannot open %s: no such file or not readable", job->emb)));
  LIE_CALL(lie_job_outputs_check(ctx, &job->out));
  lie_probe_opts o = job->ridge;
  o.keep_predictions = job->out.preds[0] != 0 || (job->out.png[0] && !sw->nsizes) || o.keep_predictions;
  LIE_ALLOC(res->ridge, res->n);
  if (sw->nsizes)
    LIE_CALL(lie_probe_sweep(ctx, &o, job->emb, res->target, sw->nsizes, sw->sizes, sw->nseeds, res->ridge));
  else
    LIE_CALL(lie_probe_run(ctx, &o, job->emb, res->target, res->ridge));
  int err = lie_ctx_rank(ctx) == 0 ? write_ridge(job, res) : LIE_OK;
  LIE_CALL(lie_ctx_agree(ctx, err));
  return LIE_OK;
}

static int run_head(lie_ctx ctx, const lie_probe_job *job, lie_probe_job_result *res) {
  const lie_job_sweep *sw = &job->sweep;
  lie_probe_trained_opts c = job->head;
  c.probe = job->ridge;
  snprintf(c.target, sizeof c.target, "%s", res->target);
  LIE_CHECK(!job->emb[0], LIE_ERR_USAGE,
            "-emb is the ridge probe's input; -probe_mode trained reads -ckpt CKPT.h5 and -data LABELLED.h5");
  LIE_CALL(lie_ctx_agree(ctx, lie_probe_trained_opts_check(&c))); /* checks files: per rank */
  LIE_CALL(lie_job_outputs_check(ctx, &job->out));
  LIE_ALLOC(res->head, res->n);
  if (sw->nsizes)
    LIE_CALL(lie_probe_trained_sweep(ctx, &c, sw->nsizes, sw->sizes, sw->nseeds, res->head));
  else
    LIE_CALL(lie_probe_trained_run(ctx, &c, res->head, &res->dim, &res->train_value));
  int err = lie_ctx_rank(ctx) == 0 ? write_head(job, &c, res) : LIE_OK;
  LIE_CALL(lie_ctx_agree(ctx, err));
  return LIE_OK;
}

int lie_probe_job_run(lie_ctx ctx, const lie_probe_job *job, lie_probe_job_result *res) {
  memset(res, 0, sizeof *res);
  res->train_value = NAN;
  LIE_CALL(check_common(ctx, job, res->target, sizeof res->target));
  res->n = job->sweep.nsizes ? job->sweep.nsizes * job->sweep.nseeds : 1;
  if (job->trained)
    LIE_CALL(run_head(ctx, job, res));
  else
    LIE_CALL(run_ridge(ctx, job, res));
  return LIE_OK;
}

void lie_probe_job_free(lie_probe_job_result *res) {
  for (int i = 0; i < res->n; i++) {
    if (res->ridge) lie_probe_result_free(&res->ridge[i]);
    if (res->head) lie_sup_result_free(&res->head[i]);
  }
  free(res->ridge), free(res->head);
  res->ridge = NULL, res->head = NULL, res->n = 0;
}
