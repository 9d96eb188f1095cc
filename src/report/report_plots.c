/* Report figures: label-size curves (log x, mean ± std over seeds, one series per method),
 * predicted vs true scatter (pretraining curves: report_log.c). */
#include "report_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void lie_rep_sanitize(char *s) {
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
      *s = '_';
}

void lie_rep_png_name(char *png, size_t npng, char *path, size_t npath, const char *out_dir, const char *fmt, ...) {
  char stem[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(stem, sizeof stem, fmt, ap);
  va_end(ap);
  lie_rep_sanitize(stem);
  snprintf(png, npng, "%s.png", stem);
  snprintf(path, npath, "%s/%s", out_dir, png);
}

int lie_rep_plot_sweep(const char *out_dir, const lie_rep_result *res, int n, const char *pde, const char *target,
                       char *png, size_t npng) {
  lie_plot pl;
  char path[LIE_REP_PATH + 300], title[128], ylab[64];
  const char *metric = "";
  int added = 0, err = LIE_OK;
  png[0] = 0;
  LIE_CALL(lie_plot_create(640, 420, &pl));
  for (int i = 0; i < n; i++) {
    const lie_rep_result *r = &res[i];
    if (!r->sweep || strcmp(r->pde, pde) || strcmp(r->target, target) || added >= 8) continue;
    double x[LIE_REP_MAXSWEEP];
    for (int k = 0; k < r->ns; k++)
      x[k] = r->sizes[k];
    LIE_CALL_GOTO(lie_plot_add(pl, r->ns, x, r->mean, r->std, LIE_PLOT_LINE_MARKERS, r->method));
    metric = r->metric, added++;
  }
  if (added) {
    snprintf(title, sizeof title, "%s %s: test error vs labelled set size", pde, target);
    snprintf(ylab, sizeof ylab, "test %s (mean ± std over seeds)", metric);
    lie_plot_set_labels(pl, title, "labelled trajectories", ylab);
    lie_plot_set_log(pl, 1, 0);
    lie_rep_png_name(png, npng, path, sizeof path, out_dir, "sweep_%s_%s", pde, target);
    LIE_CALL_GOTO(lie_plot_write_png(pl, path));
  }
done:
  if (err) png[0] = 0;
  lie_plot_destroy(&pl);
  return err;
}

int lie_rep_plot_scatter(const char *out_dir, const lie_rep_result *r, char *png, size_t npng) {
  FILE *f = fopen(r->pred, "r");
  char line[256], path[LIE_REP_PATH + 300], title[160], lab[32];
  int cap = 1024, n = 0, row, out, m = 0;
  double tr, pr, *x, *y;
  int *o, err = LIE_OK;
  lie_plot pl = NULL;
  png[0] = 0;
  LIE_CHECK(f, LIE_ERR_IO, "cannot read %s", r->pred);
  x = malloc(sizeof(double) * cap), y = malloc(sizeof(double) * cap), o = malloc(sizeof(int) * cap);
  if (!x || !y || !o) LIE_SET(LIE_ERR_MEM, "out of memory reading %s", r->pred);
  if (!fgets(line, sizeof line, f) || strncmp(line, "row,output,true,pred", 20))
    LIE_SET(LIE_ERR_FORMAT, "%s: not a predictions CSV", r->pred);
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "%d,%d,%lf,%lf", &row, &out, &tr, &pr) != 4) continue;
    if (n == cap) {
      cap *= 2;
      double *nx = realloc(x, sizeof(double) * cap), *ny = nx ? realloc(y, sizeof(double) * cap) : NULL;
      int *no = ny ? realloc(o, sizeof(int) * cap) : NULL;
      if (nx) x = nx;
      if (ny) y = ny;
      if (no) o = no;
      if (!no) LIE_SET(LIE_ERR_MEM, "out of memory reading %s", r->pred);
    }
    x[n] = tr, y[n] = pr, o[n] = out, n++;
    m = out + 1 > m ? out + 1 : m;
  }
  if (n == 0) goto done; /* no predictions: no figure */
  LIE_CALL_GOTO(lie_plot_create(480, 480, &pl));
  for (int t = 0; t < m && t < 8; t++) {
    double *xs = malloc(sizeof(double) * n), *ys = malloc(sizeof(double) * n);
    int k = 0;
    for (int i = 0; xs && ys && i < n; i++)
      if (o[i] == t) xs[k] = x[i], ys[k] = y[i], k++;
    snprintf(lab, sizeof lab, "output %d", t);
    int added = xs && ys ? lie_plot_add(pl, k, xs, ys, NULL, LIE_PLOT_MARKERS, m > 1 ? lab : NULL) : LIE_ERR_MEM;
    free(xs), free(ys);
    if (added == LIE_ERR_MEM) LIE_SET(LIE_ERR_MEM, "out of memory reading %s", r->pred);
    LIE_CALL_GOTO(added);
  }
  snprintf(title, sizeof title, "%s %s (%s): predicted vs true", r->pde, r->target, r->method);
  lie_plot_set_labels(pl, title, "true", "predicted");
  LIE_CALL_GOTO(lie_plot_add_diagonal(pl));
  lie_rep_png_name(png, npng, path, sizeof path, out_dir, "scatter_%s", r->name);
  LIE_CALL_GOTO(lie_plot_write_png(pl, path));
done:
  if (err) png[0] = 0;
  fclose(f);
  lie_plot_destroy(&pl);
  free(x), free(y), free(o);
  return err;
}
