/* The result files of liereg probe (ridge and trained head) and liereg supervised: one JSON
 * layout per method, single run or label-size sweep, read back by the report
 * (result_read.c). Field meanings: docs/EVAL.md, "Result files". */
#include "report_impl.h"

#include <string.h>

#define J(x) LIE_CALL(x)

/* A sweep entry's seeds' values with their mean and std. */
static int sweep_values(lie_json j, int size, int nseeds, const double *v) {
  double mean, std;
  lie_mean_std(v, nseeds, &mean, &std);
  J(lie_json_int(j, "ntrain", size));
  J(lie_json_int(j, "seeds", nseeds));
  J(lie_json_real(j, "mean", mean));
  J(lie_json_real(j, "std", std));
  J(lie_json_reals(j, "values", nseeds, v));
  return LIE_OK;
}

/* ---------------------------------------------------------------- ridge probe */
static int probe_single(lie_json j, const lie_probe_opts *o, const lie_probe_result *r) {
  J(lie_json_real(j, "value", r->value));
  J(lie_json_real(j, "bootstrap_mean", r->boot_mean));
  J(lie_json_real(j, "bootstrap_std", r->boot_std));
  J(lie_json_int(j, "bootstrap", o->nboot));
  J(lie_json_real(j, "train_value", r->train_value));
  J(lie_json_real(j, "lambda", r->lambda));
  J(lie_json_int(j, "folds", o->cv.folds));
  J(lie_json_int(j, "ntrain", r->ntrain));
  J(lie_json_int(j, "ntest", r->ntest));
  J(lie_json_int(j, "dim", r->d));
  J(lie_json_int(j, "outputs", r->m));
  J(lie_json_bool(j, "log_target", o->log_target));
  return LIE_OK;
}

static int probe_sweep_entry(lie_json j, int size, int nseeds, const lie_probe_result *r) {
  double v[LIE_REP_MAXSWEEP], lam[LIE_REP_MAXSWEEP];
  for (int s = 0; s < nseeds; s++)
    v[s] = r[s].value, lam[s] = r[s].lambda;
  J(lie_json_object_begin(j, NULL));
  J(sweep_values(j, size, nseeds, v));
  J(lie_json_reals(j, "lambdas", nseeds, lam));
  J(lie_json_end(j));
  return LIE_OK;
}

static int probe_doc(lie_json j, const lie_result_info *in, const lie_probe_opts *o, const lie_probe_result *r) {
  J(lie_json_str(j, "method", "ssl+ridge"));
  J(lie_json_str(j, "emb", in->emb));
  J(lie_json_str(j, "test_emb", in->test_emb && in->test_emb[0] ? in->test_emb : in->emb));
  J(lie_json_str(j, "target", in->target));
  J(lie_json_str(j, "metric", lie_metric_name(r->metric)));
  if (!in->nsizes) {
    J(probe_single(j, o, r));
    return LIE_OK;
  }
  J(lie_json_int(j, "ntest", r->ntest));
  J(lie_json_array_begin(j, "sweep"));
  for (int i = 0; i < in->nsizes; i++)
    J(probe_sweep_entry(j, in->sizes[i], in->nseeds, r + i * in->nseeds));
  J(lie_json_end(j));
  return LIE_OK;
}

/* ---------------------------------------------------------------- supervised / trained head */
static int lr_grid(lie_json j, const lie_sup_result *r) {
  J(lie_json_array_begin(j, "lr_grid"));
  for (int i = 0; i < r->nlr; i++) {
    J(lie_json_object_begin(j, NULL));
    J(lie_json_real(j, "lr", r->lr[i]));
    J(lie_json_real(j, "valid", r->lr_valid[i]));
    J(lie_json_int(j, "epoch", r->lr_epoch[i]));
    J(lie_json_int(j, "epochs_run", r->lr_ran[i]));
    J(lie_json_end(j));
  }
  J(lie_json_end(j));
  return LIE_OK;
}

/* One run; the trained head adds its bootstrap count, train_value and dim (nboot < 0: none). */
static int sup_single(lie_json j, const lie_sup_result *r, int nboot, double train_value, int dim) {
  J(lie_json_real(j, "value", r->value));
  J(lie_json_real(j, "bootstrap_mean", r->boot_mean));
  J(lie_json_real(j, "bootstrap_std", r->boot_std));
  if (nboot >= 0) {
    J(lie_json_int(j, "bootstrap", nboot));
    J(lie_json_real(j, "train_value", train_value));
  }
  J(lie_json_real(j, "valid_value", r->valid_value));
  J(lie_json_real(j, "best_lr", r->best_lr));
  J(lie_json_int(j, "best_epoch", r->best_epoch));
  J(lie_json_int(j, "ntrain", r->ntrain));
  J(lie_json_int(j, "nvalid", r->nvalid));
  J(lie_json_int(j, "ntest", r->ntest));
  if (nboot >= 0) J(lie_json_int(j, "dim", dim));
  J(lie_json_int(j, "outputs", r->m));
  J(lie_json_real(j, "first_loss", r->first_loss));
  J(lie_json_real(j, "last_loss", r->last_loss));
  J(lie_json_real(j, "seconds", r->seconds));
  J(lr_grid(j, r));
  return LIE_OK;
}

static int sup_sweep(lie_json j, const lie_result_info *in, const lie_sup_result *r) {
  J(lie_json_int(j, "ntest", r->ntest));
  J(lie_json_array_begin(j, "sweep"));
  for (int i = 0; i < in->nsizes; i++) {
    const lie_sup_result *q = r + i * in->nseeds;
    double v[LIE_REP_MAXSWEEP], lr[LIE_REP_MAXSWEEP];
    int ep[LIE_REP_MAXSWEEP];
    for (int s = 0; s < in->nseeds; s++)
      v[s] = q[s].value, lr[s] = q[s].best_lr, ep[s] = q[s].best_epoch;
    J(lie_json_object_begin(j, NULL));
    J(sweep_values(j, in->sizes[i], in->nseeds, v));
    J(lie_json_reals(j, "best_lr", in->nseeds, lr));
    J(lie_json_ints(j, "best_epoch", in->nseeds, ep));
    J(lie_json_end(j));
  }
  J(lie_json_end(j));
  return LIE_OK;
}

static int sup_doc(lie_json j, const lie_result_info *in, const lie_sup_opts *c, const lie_sup_result *r) {
  J(lie_json_str(j, "method", "supervised"));
  J(lie_json_str(j, "data", c->train));
  J(lie_json_str(j, "test_data", c->test));
  J(lie_json_str(j, "target", c->target));
  J(lie_json_str(j, "metric", lie_metric_name(r->metric)));
  J(lie_json_bool(j, "log_target", c->log_target));
  J(lie_json_str(j, "augment", c->lie_aug ? "lie" : "crop"));
  J(lie_json_str(j, "train_crop", c->train_crop_first ? "first" : "random"));
  J(lie_json_int(j, "epochs_max", c->epochs));
  J(lie_json_int(j, "patience", c->patience));
  if (in->nsizes)
    J(sup_sweep(j, in, r));
  else
    J(sup_single(j, r, -1, 0, 0));
  return LIE_OK;
}

static int trained_doc(lie_json j, const lie_result_info *in, const lie_probe_trained_opts *c,
                       const lie_sup_result *r) {
  J(lie_json_str(j, "mode", "trained"));
  J(lie_json_str(j, "method", "ssl+trained"));
  J(lie_json_str(j, "ckpt", c->ckpt));
  J(lie_json_str(j, "data", c->data));
  J(lie_json_str(j, "test_data", c->test_data[0] ? c->test_data : c->data));
  J(lie_json_str(j, "target", c->target));
  J(lie_json_str(j, "metric", lie_metric_name(r->metric)));
  J(lie_json_bool(j, "log_target", c->probe.log_target));
  J(lie_json_str(j, "augment", c->lie_aug ? "lie" : "crop"));
  J(lie_json_str(j, "train_crop", c->train_crop_first ? "first" : "random"));
  J(lie_json_str(j, "schedule", c->cosine ? "cosine" : "constant"));
  J(lie_json_int(j, "epochs_max", c->epochs));
  J(lie_json_int(j, "patience", c->patience));
  J(lie_json_int(j, "batch", c->batch));
  J(lie_json_real(j, "valid_frac", c->valid_frac));
  if (in->nsizes)
    J(sup_sweep(j, in, r));
  else
    J(sup_single(j, r, c->probe.nboot, in->train_value, in->dim));
  return LIE_OK;
}

/* ---------------------------------------------------------------- entry points */
static int check_info(const lie_result_info *in) {
  LIE_CHECK(in->nsizes >= 0 && in->nsizes <= LIE_REP_MAXSWEEP && (!in->nsizes || in->sizes), LIE_ERR_ARG,
            "result file: %d sweep sizes (0..%d)", in->nsizes, LIE_REP_MAXSWEEP);
  LIE_CHECK(!in->nsizes || (in->nseeds >= 1 && in->nseeds <= LIE_REP_MAXSWEEP), LIE_ERR_ARG,
            "result file: %d seeds (1..%d)", in->nseeds, LIE_REP_MAXSWEEP);
  return LIE_OK;
}

/* Writes the document that fill (err) built, then frees it. */
static int write_doc(const char *path, lie_json j, int err) {
  if (err) goto done; /* fill's error, already recorded */
  LIE_CALL_GOTO(lie_json_write(j, path));
done:
  lie_json_destroy(&j);
  return err;
}

int lie_probe_result_write(const char *path, const lie_result_info *in, const lie_probe_opts *o,
                           const lie_probe_result *r) {
  lie_json j;
  LIE_CALL(check_info(in));
  LIE_CALL(lie_json_create(&j));
  LIE_CALL(write_doc(path, j, probe_doc(j, in, o, r)));
  return LIE_OK;
}

int lie_sup_result_write(const char *path, const lie_result_info *in, const lie_sup_opts *c, const lie_sup_result *r) {
  lie_json j;
  LIE_CALL(check_info(in));
  LIE_CALL(lie_json_create(&j));
  LIE_CALL(write_doc(path, j, sup_doc(j, in, c, r)));
  return LIE_OK;
}

int lie_probe_trained_result_write(const char *path, const lie_result_info *in, const lie_probe_trained_opts *c,
                                   const lie_sup_result *r) {
  lie_json j;
  LIE_CALL(check_info(in));
  LIE_CALL(lie_json_create(&j));
  LIE_CALL(write_doc(path, j, trained_doc(j, in, c, r)));
  return LIE_OK;
}

int lie_predictions_write(const char *path, int ntest, int m, const double *truth, const double *pred) {
  lie_output o;
  FILE *f;
  LIE_CALL(lie_rep_file_open(path, &o, &f));
  fprintf(f, "row,output,true,pred\n");
  for (int i = 0; i < ntest; i++)
    for (int t = 0; t < m; t++)
      fprintf(f, "%d,%d,%.17g,%.17g\n", i, t, truth[(size_t)i * m + t], pred[(size_t)i * m + t]);
  LIE_CALL(lie_output_end_file(&o, f, LIE_OK));
  return LIE_OK;
}
