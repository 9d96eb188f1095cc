/* Report: a pretraining CSV log (liereg pretrain -train_log) -> first/last values, the loss
 * curve and, for logs with the per-epoch diagnostics columns (rankme, repr_std: filled on the
 * last step of each epoch, empty otherwise), the RankMe-over-training curve. Columns are found
 * by name in the header, so older logs (no rankme column) still give the loss part. */
#include "report_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 32

/* Splits a CSV line in place; empty fields become "" (strtok would merge them). */
static int split(char *line, char **f) {
  int n = 0;
  line[strcspn(line, "\r\n")] = 0;
  for (char *p = line; n < MAX_COLS;) {
    f[n++] = p;
    char *c = strchr(p, ',');
    if (!c) break;
    *c = 0, p = c + 1;
  }
  return n;
}

static double field(char **f, int n, int col) {
  char *end;
  if (col < 0 || col >= n || !f[col][0]) return NAN;
  double v = strtod(f[col], &end);
  return end == f[col] ? NAN : v;
}

typedef struct {
  double *x, *y;
  long n, cap;
} series;

static int push(series *s, double x, double y) {
  if (s->n == s->cap) {
    long cap = s->cap ? 2 * s->cap : 256;
    double *a = realloc(s->x, sizeof(double) * cap), *b = a ? realloc(s->y, sizeof(double) * cap) : NULL;
    if (a) s->x = a;
    if (!b) return LIE_ERR_MEM;
    s->y = b, s->cap = cap;
  }
  s->x[s->n] = x, s->y[s->n] = y, s->n++;
  return LIE_OK;
}

static int curve_png(const char *out_dir, const char *prefix, const char *name, const char *title, const char *ylab,
                     const series *s, lie_plot_style style, char *png, size_t npng) {
  lie_plot pl;
  char file[LIE_REP_PATH + 320];
  png[0] = 0;
  LIE_CALL(lie_plot_create(640, 420, &pl));
  lie_plot_set_labels(pl, title, "step", ylab);
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_plot_add(pl, (int)s->n, s->x, s->y, NULL, s->n > 1 ? style : LIE_PLOT_MARKERS, ylab));
  lie_rep_png_name(png, npng, file, sizeof file, out_dir, "%s_%s", prefix, name);
  LIE_CALL_GOTO(lie_plot_write_png(pl, file));
done:
  if (err) png[0] = 0;
  lie_plot_destroy(&pl);
  return err;
}

static int read_log(FILE *f, const char *path, lie_rep_log *log, series *loss, series *rank) {
  char line[1024], *h[MAX_COLS];
  if (!fgets(line, sizeof line, f) || strncmp(line, "step,epoch,loss,inv,var,cov", 27))
    LIE_ERROR(LIE_ERR_FORMAT, "%s: not a pretraining log", path);
  int nh = split(line, h), crank = -1, cstd = -1;
  for (int k = 0; k < nh; k++) {
    if (!strcmp(h[k], "rankme")) crank = k;
    if (!strcmp(h[k], "repr_std")) cstd = k;
  }
  while (fgets(line, sizeof line, f)) {
    char *v[MAX_COLS];
    int n = split(line, v);
    double t[4], step = field(v, n, 0), rk = field(v, n, crank), sd = field(v, n, cstd);
    for (int k = 0; k < 4; k++)
      t[k] = field(v, n, 2 + k);
    if (!isfinite(step) || !isfinite(t[0])) continue; /* not a data row */
    if (log->steps == 0) memcpy(log->first, t, sizeof t);
    memcpy(log->last, t, sizeof t);
    log->steps++;
    LIE_CHECK(push(loss, step, t[0]) == LIE_OK, LIE_ERR_MEM, "out of memory reading %s", path);
    if (!isfinite(rk)) continue;
    if (log->nepochs == 0) log->rankme[0] = rk, log->repr_std[0] = sd;
    log->rankme[1] = rk, log->repr_std[1] = sd, log->nepochs++;
    LIE_CHECK(push(rank, step, rk) == LIE_OK, LIE_ERR_MEM, "out of memory reading %s", path);
  }
  return LIE_OK;
}

int lie_rep_pretrain_log(const char *path, const char *out_dir, const char *name, lie_rep_log *log, char *png,
                         size_t npng, char *rank_png, size_t nrank_png) {
  FILE *f = fopen(path, "r");
  series loss = {0}, rank = {0};
  char title[200];
  png[0] = rank_png[0] = 0;
  memset(log, 0, sizeof *log);
  LIE_CHECK(f, LIE_ERR_IO, "cannot read %s", path);
  int err = LIE_OK, read = read_log(f, path, log, &loss, &rank);
  fclose(f);
  LIE_CALL_GOTO(read);
  if (loss.n > 0) {
    snprintf(title, sizeof title, "VICReg pretraining loss (%s)", name);
    LIE_CALL_GOTO(curve_png(out_dir, "pretrain", name, title, "loss", &loss, LIE_PLOT_LINE, png, npng));
  }
  if (rank.n > 0) {
    snprintf(title, sizeof title, "RankMe over pretraining (%s)", name);
    LIE_CALL_GOTO(
        curve_png(out_dir, "rankme", name, title, "RankMe", &rank, LIE_PLOT_LINE_MARKERS, rank_png, nrank_png));
  }
done:
  free(loss.x), free(loss.y), free(rank.x), free(rank.y);
  return err;
}
