/* Figures of one probe result (liereg probe -probe_plot): predicted vs true on the test
 * split, or the label-size curve of a sweep. */
#include "report_impl.h"

#include <string.h>

int lie_plot_predictions_png(const char *path, const char *target, const lie_probe_result *r) {
  lie_plot pl;
  char title[160], lab[32];
  int m = r->m < 8 ? r->m : 8, err = LIE_OK;
  double *x;
  LIE_CHECK(r->pred && r->truth && r->ntest > 0, LIE_ERR_ARG, "no test predictions to plot");
  LIE_ALLOC(x, 2 * (size_t)r->ntest);
  double *y = x + r->ntest;
  snprintf(title, sizeof title, "%s: predicted vs true (%s %.4g)", target, lie_metric_name(r->metric), r->value);
  LIE_CALL_GOTO(lie_plot_create(480, 480, &pl));
  lie_plot_set_labels(pl, title, "true", "predicted");
  for (int t = 0; t < m; t++) {
    for (int i = 0; i < r->ntest; i++)
      x[i] = r->truth[(size_t)i * r->m + t], y[i] = r->pred[(size_t)i * r->m + t];
    snprintf(lab, sizeof lab, "output %d", t);
    LIE_CALL_GOTO(lie_plot_add(pl, r->ntest, x, y, NULL, LIE_PLOT_MARKERS, r->m > 1 ? lab : NULL));
  }
  LIE_CALL_GOTO(lie_plot_add_diagonal(pl));
  LIE_CALL_GOTO(lie_plot_write_png(pl, path));
done:
  lie_plot_destroy(&pl);
  free(x);
  return err;
}

int lie_plot_sweep_png(const char *path, const char *target, const char *method, int nsizes, const int *sizes,
                       int nseeds, const lie_probe_result *r) {
  double x[LIE_REP_MAXSWEEP], y[LIE_REP_MAXSWEEP], e[LIE_REP_MAXSWEEP], v[LIE_REP_MAXSWEEP];
  char title[160], ylab[64];
  lie_plot pl;
  LIE_CHECK(nsizes >= 1 && nsizes <= LIE_REP_MAXSWEEP && nseeds >= 1 && nseeds <= LIE_REP_MAXSWEEP, LIE_ERR_ARG,
            "sweep figure: %d sizes x %d seeds (1..%d each)", nsizes, nseeds, LIE_REP_MAXSWEEP);
  for (int i = 0; i < nsizes; i++) {
    for (int s = 0; s < nseeds; s++)
      v[s] = r[i * nseeds + s].value;
    x[i] = sizes[i];
    lie_mean_std(v, nseeds, &y[i], &e[i]);
  }
  snprintf(title, sizeof title, "%s: %s vs labelled set size", target, method);
  snprintf(ylab, sizeof ylab, "test %s (mean ± std, %d seeds)", lie_metric_name(r->metric), nseeds);
  LIE_CALL(lie_plot_create(640, 420, &pl));
  lie_plot_set_labels(pl, title, "labelled trajectories", ylab);
  lie_plot_set_log(pl, 1, 0);
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_plot_add(pl, nsizes, x, y, e, LIE_PLOT_LINE_MARKERS, method));
  LIE_CALL_GOTO(lie_plot_write_png(pl, path));
done:
  lie_plot_destroy(&pl);
  return err;
}
