/* Regression metrics and their bootstrap error bars (include/liereg/eval.h, docs/EVAL.md). */
#include "liereg/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *names[] = {"mse", "nmse", "relerr"};

int lie_metric_from_name(const char *name, lie_metric *metric) {
  for (int k = 0; k < 3; k++)
    if (name && !strcmp(name, names[k])) {
      *metric = (lie_metric)k;
      return LIE_OK;
    }
  LIE_ERROR(LIE_ERR_USAGE, "unknown metric '%s' (mse, nmse, relerr)", name ? name : "(null)");
}

const char *lie_metric_name(lie_metric metric) {
  return metric >= LIE_METRIC_MSE && metric <= LIE_METRIC_RELERR ? names[metric] : "?";
}

static int check_pair(const lie_mat *pred, const lie_mat *truth) {
  LIE_CHECK(pred && truth && pred->data && truth->data, LIE_ERR_ARG, "metric: NULL prediction or truth");
  LIE_CHECK(pred->rows == truth->rows && pred->cols == truth->cols, LIE_ERR_USAGE,
            "metric: predictions are %d x %d but targets are %d x %d (shape mismatch)", pred->rows, pred->cols,
            truth->rows, truth->cols);
  LIE_CHECK(pred->rows >= 1 && pred->cols >= 1, LIE_ERR_USAGE, "metric: no samples");
  for (size_t i = 0; i < (size_t)pred->rows * pred->cols; i++)
    LIE_CHECK(isfinite(pred->data[i]) && isfinite(truth->data[i]), LIE_ERR_NUMERIC,
              "metric: sample %zu, target %zu is not finite (prediction %g, truth %g)", i / pred->cols, i % pred->cols,
              pred->data[i], truth->data[i]);
  return LIE_OK;
}

/* The metric over rows idx[0..n) (idx NULL: all rows in order). */
static int metric_rows(lie_metric metric, const lie_mat *pred, const lie_mat *truth, const int *idx, int n,
                       double *value) {
  int m = pred->cols;
  double acc = 0;
  for (int t = 0; t < m; t++) {
    double se = 0, ybar = 0, ss = 0, rel = 0;
    for (int k = 0; k < n; k++) {
      size_t i = (size_t)(idx ? idx[k] : k) * m + t;
      double y = truth->data[i], d = pred->data[i] - y;
      se += d * d;
      ybar += y;
      if (metric == LIE_METRIC_RELERR) {
        LIE_CHECK(y != 0, LIE_ERR_NUMERIC, "relative error undefined: target %d of sample %d is 0", t,
                  idx ? idx[k] : k);
        rel += fabs(d) / fabs(y);
      }
    }
    ybar /= n;
    if (metric == LIE_METRIC_NMSE) {
      for (int k = 0; k < n; k++) {
        double y = truth->data[(size_t)(idx ? idx[k] : k) * m + t] - ybar;
        ss += y * y;
      }
      LIE_CHECK(ss > 0, LIE_ERR_NUMERIC, "NMSE undefined: target %d is constant over the %d evaluated samples", t, n);
      acc += se / ss;
    } else if (metric == LIE_METRIC_MSE)
      acc += se / n;
    else
      acc += 100.0 * rel / n;
  }
  *value = acc / m;
  return LIE_OK;
}

int lie_metric_eval(lie_metric metric, const lie_mat *pred, const lie_mat *truth, double *value) {
  LIE_CALL(check_pair(pred, truth));
  LIE_CALL(metric_rows(metric, pred, truth, NULL, pred->rows, value));
  return LIE_OK;
}

int lie_metric_bootstrap(lie_metric metric, const lie_mat *pred, const lie_mat *truth, int nboot, uint64_t seed,
                         double *mean, double *std) {
  LIE_CALL(check_pair(pred, truth));
  LIE_CHECK(nboot >= 2, LIE_ERR_USAGE, "bootstrap needs at least 2 resamples (got %d)", nboot);
  int n = pred->rows, *idx, rc = LIE_OK;
  double *vals;
  lie_rng r;
  LIE_ALLOC(vals, nboot);
  idx = malloc(sizeof(int) * (size_t)n);
  if (!idx) {
    free(vals);
    LIE_ERROR(LIE_ERR_MEM, "bootstrap: out of memory");
  }
  lie_rng_seed(&r, seed);
  for (int b = 0; b < nboot && !rc; b++) {
    for (int k = 0; k < n; k++)
      idx[k] = lie_rng_int(&r, 0, n);
    rc = metric_rows(metric, pred, truth, idx, n, &vals[b]);
  }
  free(idx);
  double s = 0, s2 = 0;
  for (int b = 0; b < nboot && !rc; b++)
    s += vals[b];
  s /= nboot;
  for (int b = 0; b < nboot && !rc; b++)
    s2 += (vals[b] - s) * (vals[b] - s);
  free(vals);
  LIE_CALL(rc);
  *mean = s;
  *std = sqrt(s2 / (nboot - 1));
  return LIE_OK;
}
