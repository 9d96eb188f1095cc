/* liereg probe -probe_mode trained -ckpt CKPT.h5 -data LABELLED.h5 [-probe_test_data TEST.h5]
 * -target NAME [-probe_sweep ...] [-o R.json] [-probe_predictions P.csv]: the paper's linear
 * head trained with Adam on the frozen encoder (src/eval/probe_trained.c, docs/EVAL.md).
 * Output lines and JSON in the ridge probe's layout plus "mode": "trained",
 * "method": "ssl+trained" and the lr/epoch selection (lie_probe_trained_result_write). */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The ridge probe's result view of a trained-probe run (shares pred/truth; for the plots). */
static lie_probe_result as_probe(const lie_sup_result *r, double train_value, int dim) {
  lie_probe_result p = {r->ntrain, r->ntest,     dim,         r->m,        r->metric, 0.0,
                        r->value,  r->boot_mean, r->boot_std, train_value, r->pred,   r->truth};
  return p;
}

static int outputs(lie_ctx ctx, const lie_cli_probe_args *a, const lie_probe_trained_opts *c, const lie_sup_result *r,
                   double train_value, int dim, const char *tmp, const char *ptmp) {
  if (lie_ctx_rank(ctx) != 0) return LIE_OK;
  if (!a->nsizes)
    printf("probe mode=trained target=%s metric=%s value=%.6g bootstrap_mean=%.6g bootstrap_std=%.6g "
           "train_value=%.6g valid_value=%.6g best_lr=%.4g best_epoch=%d ntrain=%d nvalid=%d ntest=%d dim=%d "
           "outputs=%d\n",
           c->target, lie_metric_name(r->metric), r->value, r->boot_mean, r->boot_std, train_value, r->valid_value,
           r->best_lr, r->best_epoch, r->ntrain, r->nvalid, r->ntest, dim, r->m);
  for (int i = 0; i < a->nsizes; i++) {
    double v[LIE_CLI_MAX_SWEEP], mean, std;
    for (int s = 0; s < a->nseeds; s++)
      v[s] = r[i * a->nseeds + s].value;
    lie_mean_std(v, a->nseeds, &mean, &std);
    printf("sweep mode=trained target=%s metric=%s ntrain=%d seeds=%d mean=%.6g std=%.6g ntest=%d\n", c->target,
           lie_metric_name(r->metric), a->sizes[i], a->nseeds, mean, std, r->ntest);
  }
  fflush(stdout);
  lie_result_info info = {NULL, NULL, c->target, a->nsizes, a->nseeds, a->sizes, train_value, dim};
  if (a->out[0]) LIE_CALL(lie_probe_trained_result_write(a->out, &info, c, r));
  if (a->preds[0]) LIE_CALL(lie_predictions_write(a->preds, r->ntest, r->m, r->truth, r->pred));
  if (a->png[0]) {
    int n = a->nsizes ? a->nsizes * a->nseeds : 1;
    lie_probe_result *p;
    LIE_ALLOC(p, n);
    for (int i = 0; i < n; i++)
      p[i] = as_probe(&r[i], train_value, dim);
    int err = a->nsizes ? lie_plot_sweep_png(a->png, c->target, "SSL + trained head", a->nsizes, a->sizes, a->nseeds, p)
                        : lie_plot_predictions_png(a->png, c->target, p);
    free(p);
    LIE_CALL(err);
  }
  return LIE_OK;
}

static int check_outputs(const lie_cli_probe_args *a, char *tmp, char *ptmp) {
  if (a->out[0]) LIE_CALL(lie_cli_output_path(a->out, a->force, tmp, PETSC_MAX_PATH_LEN + 8));
  if (a->preds[0]) LIE_CALL(lie_cli_output_path(a->preds, a->force, ptmp, PETSC_MAX_PATH_LEN + 8));
  LIE_CHECK(!a->png[0] || a->force || access(a->png, F_OK) != 0, LIE_ERR_USAGE, "%s exists (use -force to overwrite)",
            a->png);
  return LIE_OK;
}

int lie_cmd_probe_trained(lie_ctx ctx, lie_probe_trained_opts *c, const lie_cli_probe_args *a) {
  char tmp[PETSC_MAX_PATH_LEN + 8], ptmp[PETSC_MAX_PATH_LEN + 8];
  LIE_CHECK(!a->emb[0], LIE_ERR_USAGE,
            "-emb is the ridge probe's input; -probe_mode trained reads -ckpt CKPT.h5 and -data LABELLED.h5");
  LIE_CALL(lie_ctx_agree(ctx, lie_probe_trained_opts_check(c))); /* checks files: per rank */
  for (int i = 0; i < a->nsizes; i++)
    LIE_CHECK(a->sizes[i] >= 4, LIE_ERR_USAGE, "-probe_sweep sizes must be >= 4 with -probe_mode trained (got %d)",
              a->sizes[i]);
  /* per-rank file checks after lie_cli_options_done: agreed before the reads */
  LIE_CALL(lie_ctx_agree(ctx, check_outputs(a, tmp, ptmp)));
  int n = a->nsizes ? a->nsizes * a->nseeds : 1, dim = 0, err;
  double train_value = NAN;
  lie_sup_result *r;
  LIE_ALLOC(r, n);
  err = a->nsizes ? lie_probe_trained_sweep(ctx, c, a->nsizes, a->sizes, a->nseeds, r)
                  : lie_probe_trained_run(ctx, c, r, &dim, &train_value);
  if (!err) err = outputs(ctx, a, c, r, train_value, dim, tmp, ptmp);
  for (int i = 0; i < n; i++)
    lie_sup_result_free(&r[i]);
  free(r);
  LIE_CALL(err);
  return LIE_OK;
}
