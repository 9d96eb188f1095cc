/* Report figures: label-size curves (log x, mean ± std over seeds, one series per method),
 * predicted vs true scatter (pretraining curves: report_log.c). */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

void lie_rep_sanitize(char *s) {
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
      *s = '_';
}

int lie_rep_plot_sweep(const char *out_dir, const lie_rep_result *res, int n, const char *pde, const char *target,
                       char *png, size_t npng) {
  lie_plot pl;
  char path[LIE_REP_PATH + 300], title[128], ylab[64], name[200];
  const char *metric = "";
  int added = 0, err = LIE_OK;
  png[0] = 0;
  LIE_CALL(lie_plot_create(640, 420, &pl));
  for (int i = 0; !err && i < n; i++) {
    const lie_rep_result *r = &res[i];
    if (!r->sweep || strcmp(r->pde, pde) || strcmp(r->target, target) || added >= 8) continue;
    double x[LIE_REP_MAXSWEEP];
    for (int k = 0; k < r->ns; k++)
      x[k] = r->sizes[k];
    err = lie_plot_add(pl, r->ns, x, r->mean, r->std, LIE_PLOT_LINE_MARKERS, r->method);
    metric = r->metric, added++;
  }
  if (!err && added) {
    snprintf(title, sizeof title, "%s %s: test error vs labelled set size", pde, target);
    snprintf(ylab, sizeof ylab, "test %s (mean ± std over seeds)", metric);
    lie_plot_set_labels(pl, title, "labelled trajectories", ylab);
    lie_plot_set_log(pl, 1, 0);
    snprintf(name, sizeof name, "sweep_%s_%s", pde, target);
    lie_rep_sanitize(name);
    snprintf(png, npng, "%s.png", name);
    snprintf(path, sizeof path, "%s/%s", out_dir, png);
    err = lie_plot_write_png(pl, path);
    if (err) png[0] = 0;
  }
  lie_plot_destroy(&pl);
  LIE_CALL(err);
  return LIE_OK;
}

int lie_rep_plot_scatter(const char *out_dir, const lie_rep_result *r, char *png, size_t npng) {
  FILE *f = fopen(r->pred, "r");
  char line[256], path[LIE_REP_PATH + 300], title[160], name[280], lab[32];
  int cap = 1024, n = 0, row, out, m = 0;
  double tr, pr, *x, *y;
  png[0] = 0;
  LIE_CHECK(f, LIE_ERR_IO, "cannot read %s", r->pred);
  x = malloc(sizeof(double) * cap), y = malloc(sizeof(double) * cap);
  int *o = malloc(sizeof(int) * cap);
  int err = x && y && o ? LIE_OK : LIE_ERR_MEM;
  if (!fgets(line, sizeof line, f) || strncmp(line, "row,output,true,pred", 20))
    err = err ? err : lie_error_set(LIE_ERR_FORMAT, __FILE__, __LINE__, __func__, "%s: not a predictions CSV", r->pred);
  while (!err && fgets(line, sizeof line, f)) {
    if (sscanf(line, "%d,%d,%lf,%lf", &row, &out, &tr, &pr) != 4) continue;
    if (n == cap) {
      cap *= 2;
      double *nx = realloc(x, sizeof(double) * cap), *ny = nx ? realloc(y, sizeof(double) * cap) : NULL;
      int *no = ny ? realloc(o, sizeof(int) * cap) : NULL;
      if (nx) x = nx;
      if (ny) y = ny;
      if (no) o = no;
      if (!no) err = LIE_ERR_MEM;
      if (err) break;
    }
    x[n] = tr, y[n] = pr, o[n] = out, n++;
    m = out + 1 > m ? out + 1 : m;
  }
  fclose(f);
  lie_plot pl = NULL;
  if (!err && n > 0) err = lie_plot_create(480, 480, &pl);
  for (int t = 0; !err && pl && t < m && t < 8; t++) {
    double *xs = malloc(sizeof(double) * n), *ys = malloc(sizeof(double) * n);
    int k = 0;
    for (int i = 0; xs && ys && i < n; i++)
      if (o[i] == t) xs[k] = x[i], ys[k] = y[i], k++;
    snprintf(lab, sizeof lab, "output %d", t);
    err = xs && ys ? lie_plot_add(pl, k, xs, ys, NULL, LIE_PLOT_MARKERS, m > 1 ? lab : NULL) : LIE_ERR_MEM;
    free(xs), free(ys);
  }
  if (!err && pl) {
    snprintf(title, sizeof title, "%s %s (%s): predicted vs true", r->pde, r->target, r->method);
    lie_plot_set_labels(pl, title, "true", "predicted");
    err = lie_plot_add_diagonal(pl);
    snprintf(name, sizeof name, "scatter_%s", r->name);
    lie_rep_sanitize(name);
    snprintf(png, npng, "%s.png", name);
    snprintf(path, sizeof path, "%s/%s", out_dir, png);
    if (!err) err = lie_plot_write_png(pl, path);
    if (err) png[0] = 0;
  }
  lie_plot_destroy(&pl);
  free(x), free(y), free(o);
  if (err == LIE_ERR_MEM) LIE_ERROR(LIE_ERR_MEM, "out of memory reading %s", r->pred);
  LIE_CALL(err);
  return LIE_OK;
}
