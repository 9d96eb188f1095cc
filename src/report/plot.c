/* Line/scatter figures (include/liereg/report.h) drawn with PLplot: axes with PLplot's ticks
 * (or, on a log x axis with few distinct values, ticks at those values), grid, error bars,
 * legend, y = x reference; PNG through the cairo driver (anti-aliased, TrueType fonts). */
#include "report_impl.h"

#include <plplot.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 8
#define MAX_TICKS 12

typedef struct {
  int n;
  double *x, *y, *e;
  lie_plot_style style;
  char label[64];
} series;

struct lie_plot_s {
  int w, h;
  unsigned char *rgba; /* (h, w, 4) after lie_plot_render */
  char title[128], xlabel[96], ylabel[96];
  int logx, logy, diagonal, nseries, rendered;
  series s[MAX_SERIES];
  double lo[2], hi[2]; /* axis ranges in the transformed space (log10 on log axes) */
  double vp[4];        /* viewport x0, x1, y0, y1 as fractions of the page (y up) */
};

int lie_plot_create(int width, int height, lie_plot *out) {
  struct lie_plot_s *p;
  *out = NULL;
  LIE_CHECK(width >= 200 && height >= 150 && width <= 8192 && height <= 8192, LIE_ERR_ARG,
            "plot size %d x %d out of range (200..8192 x 150..8192)", width, height);
  LIE_ALLOC(p, 1);
  p->w = width, p->h = height;
  *out = p;
  return LIE_OK;
}

int lie_plot_destroy(lie_plot *p) {
  if (!p || !*p) return LIE_OK;
  for (int k = 0; k < (*p)->nseries; k++)
    free((*p)->s[k].x);
  free((*p)->rgba);
  free(*p);
  *p = NULL;
  return LIE_OK;
}

int lie_plot_set_labels(lie_plot p, const char *title, const char *xlabel, const char *ylabel) {
  snprintf(p->title, sizeof p->title, "%s", title ? title : "");
  snprintf(p->xlabel, sizeof p->xlabel, "%s", xlabel ? xlabel : "");
  snprintf(p->ylabel, sizeof p->ylabel, "%s", ylabel ? ylabel : "");
  p->rendered = 0;
  return LIE_OK;
}

int lie_plot_set_log(lie_plot p, int logx, int logy) {
  p->logx = !!logx, p->logy = !!logy, p->rendered = 0;
  return LIE_OK;
}

int lie_plot_add(lie_plot p, int n, const double *x, const double *y, const double *yerr, lie_plot_style style,
                 const char *label) {
  LIE_CHECK(p->nseries < MAX_SERIES, LIE_ERR_ARG, "a plot holds at most %d series", MAX_SERIES);
  LIE_CHECK(n >= 1 && x && y, LIE_ERR_ARG, "plot series needs n >= 1 points (got %d)", n);
  series *s = &p->s[p->nseries];
  LIE_ALLOC(s->x, 3 * (size_t)n);
  s->y = s->x + n, s->e = s->y + n;
  memcpy(s->x, x, sizeof(double) * n);
  memcpy(s->y, y, sizeof(double) * n);
  for (int i = 0; i < n; i++)
    s->e[i] = yerr && isfinite(yerr[i]) ? fabs(yerr[i]) : 0;
  s->n = n, s->style = style;
  snprintf(s->label, sizeof s->label, "%s", label ? label : "");
  p->nseries++, p->rendered = 0;
  return LIE_OK;
}

int lie_plot_add_diagonal(lie_plot p) {
  p->diagonal = 1, p->rendered = 0;
  return LIE_OK;
}

/* ---------------------------------------------------------------- axes */
static double nice_step(double range, int nticks) {
  double raw = range / nticks, mag = pow(10, floor(log10(raw))), f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static void linear_ticks(double lo, double hi, int max, double *t, int *n) {
  double step = nice_step(hi - lo, 5);
  *n = 0;
  for (double v = ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step && *n < max; v += step)
    t[(*n)++] = fabs(v) < 1e-9 * step ? 0.0 : v;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int lie_plot_ticks(double lo, double hi, int logscale, int max, double *t, int *n) {
  LIE_CHECK(hi > lo && isfinite(lo) && isfinite(hi) && max >= 2, LIE_ERR_ARG, "ticks: bad range [%g, %g]", lo, hi);
  if (!logscale) {
    linear_ticks(lo, hi, max, t, n);
    return LIE_OK;
  }
  LIE_CHECK(lo > 0, LIE_ERR_USAGE, "log axis over a range including %g <= 0", lo);
  int k0 = (int)ceil(log10(lo) - 1e-9), k1 = (int)floor(log10(hi) + 1e-9), every = 1;
  while ((k1 - k0) / every + 1 > max)
    every++;
  *n = 0;
  for (int k = k0; k <= k1; k += every)
    t[(*n)++] = pow(10, k);
  if (*n < 3) /* short range: add 2 and 5 subdivisions */
    for (int k = k0 - 1; k <= k1; k++)
      for (int m = 2; m <= 5 && *n < max; m += 3)
        if (m * pow(10, k) >= lo * (1 - 1e-9) && m * pow(10, k) <= hi * (1 + 1e-9)) t[(*n)++] = m * pow(10, k);
  if (*n < 2) linear_ticks(lo, hi, max, t, n);
  qsort(t, (size_t)*n, sizeof(double), cmp_double);
  return LIE_OK;
}

static double tr(const lie_plot p, int axis, double v) { return (axis ? p->logy : p->logx) ? log10(v) : v; }

/* Range of the finite data along an axis in transformed space (y includes the error bars). */
static int data_range(lie_plot p, int axis, double *lo, double *hi) {
  int lg = axis ? p->logy : p->logx, any = 0;
  *lo = INFINITY, *hi = -INFINITY;
  for (int k = 0; k < p->nseries; k++)
    for (int i = 0; i < p->s[k].n; i++) {
      double x = p->s[k].x[i], y = p->s[k].y[i], v = axis ? y : x;
      if (!isfinite(x) || !isfinite(y)) continue;
      LIE_CHECK(!lg || v > 0, LIE_ERR_USAGE, "log %s axis: series '%s' has the value %g <= 0", axis ? "y" : "x",
                p->s[k].label, v);
      double a = v, b = v;
      if (axis) a = y - p->s[k].e[i], b = y + p->s[k].e[i];
      if (lg && a <= 0) a = v;
      *lo = fmin(*lo, tr(p, axis, a)), *hi = fmax(*hi, tr(p, axis, b));
      any = 1;
    }
  LIE_CHECK(any, LIE_ERR_USAGE, "plot '%s': no finite data to draw", p->title);
  return LIE_OK;
}

static int set_ranges(lie_plot p) {
  for (int a = 0; a < 2; a++)
    LIE_CALL(data_range(p, a, &p->lo[a], &p->hi[a]));
  if (p->diagonal) {
    LIE_CHECK(p->logx == p->logy, LIE_ERR_USAGE, "a y = x reference needs both axes linear or both log");
    p->lo[0] = p->lo[1] = fmin(p->lo[0], p->lo[1]);
    p->hi[0] = p->hi[1] = fmax(p->hi[0], p->hi[1]);
  }
  for (int a = 0; a < 2; a++) {
    double w = p->hi[a] - p->lo[a], mid = 0.5 * (p->lo[a] + p->hi[a]);
    if (!(w > 1e-12 * fabs(mid))) w = mid != 0 ? 0.2 * fabs(mid) : 1.0; /* a single value */
    p->lo[a] = mid - 0.55 * w, p->hi[a] = mid + 0.55 * w;               /* 5 % padding on each side */
  }
  return LIE_OK;
}

/* ---------------------------------------------------------------- pixels */
int lie_plot_map(lie_plot p, double x, double y, int *px, int *py) {
  LIE_CHECK(p->rendered, LIE_ERR_STATE, "lie_plot_map before lie_plot_render");
  double u = (tr(p, 0, x) - p->lo[0]) / (p->hi[0] - p->lo[0]), v = (tr(p, 1, y) - p->lo[1]) / (p->hi[1] - p->lo[1]);
  *px = (int)floor((p->vp[0] + u * (p->vp[1] - p->vp[0])) * p->w);
  *py = (int)floor((1 - (p->vp[2] + v * (p->vp[3] - p->vp[2]))) * p->h);
  return LIE_OK;
}

int lie_plot_pixel(lie_plot p, int px, int py, unsigned char rgb[3]) {
  LIE_CHECK(p->rendered && p->rgba && px >= 0 && py >= 0 && px < p->w && py < p->h, LIE_ERR_ARG,
            "pixel (%d, %d) outside the rendered plot", px, py);
  memcpy(rgb, p->rgba + 4 * ((size_t)py * p->w + px), 3);
  return LIE_OK;
}

/* ---------------------------------------------------------------- axes */
/* The distinct finite x values of all series, sorted (at most max; 0 if there are more). */
static int distinct_x(lie_plot p, double *v, int max) {
  int n = 0;
  for (int k = 0; k < p->nseries; k++)
    for (int i = 0; i < p->s[k].n; i++) {
      double x = p->s[k].x[i];
      int seen = !isfinite(x) || !isfinite(p->s[k].y[i]);
      for (int j = 0; j < n && !seen; j++)
        seen = v[j] == x;
      if (seen) continue;
      if (n == max) return 0;
      v[n++] = x;
    }
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n;
}

/* Short labels: 0.001, 250, 1e6, 2.5e-5. */
static void tick_label(double v, char *buf, size_t n) {
  double a = fabs(v);
  int e = a > 0 ? (int)floor(log10(a) + 1e-9) : 0;
  if (a == 0)
    snprintf(buf, n, "0");
  else if (e < -3 || e > 4)
    snprintf(buf, n, "%.2ge%d", v / pow(10, e), e);
  else
    snprintf(buf, n, "%.6g", v);
}

/* Log x axis ticked and gridded at the data's own x values (e.g. label sizes 32/64/128),
 * where PLplot's decade ticks would show none or 10/100. */
static void x_ticks_at(lie_plot p, const double *t, int n) {
  double tick = 0.015 * (p->hi[1] - p->lo[1]);
  char buf[32];
  for (int k = 0; k < n; k++) {
    double x = log10(t[k]);
    plcol0(LIE_PL_GRID);
    pljoin(x, p->lo[1], x, p->hi[1]);
    plcol0(LIE_PL_FG);
    pljoin(x, p->lo[1], x, p->lo[1] + tick);
    pljoin(x, p->hi[1], x, p->hi[1] - tick);
    tick_label(t[k], buf, sizeof buf);
    plmtex("b", 1.6, (x - p->lo[0]) / (p->hi[0] - p->lo[0]), 0.5, buf);
  }
}

static void axes(lie_plot p) {
  double xt[MAX_TICKS];
  int nx = p->logx ? distinct_x(p, xt, 8) : 0;
  const char *xl = p->logx ? "l" : "", *yl = p->logy ? "l" : "";
  char xo[16], yo[16];
  plcol0(LIE_PL_GRID);
  snprintf(xo, sizeof xo, "g%s", xl), snprintf(yo, sizeof yo, "g%s", yl);
  plbox(nx ? "" : xo, 0, 0, yo, 0, 0);
  if (nx) x_ticks_at(p, xt, nx);
  plcol0(LIE_PL_FG);
  snprintf(xo, sizeof xo, nx ? "bc" : "bcnst%s", xl), snprintf(yo, sizeof yo, "bcnstv%s", yl);
  plbox(xo, 0, 0, yo, 0, 0);
}

/* ---------------------------------------------------------------- data */
/* A filled disc of radius r pixels at world (x, y) (round on screen whatever the axes). */
static void disc(lie_plot p, double x, double y, double r) {
  double sx = r * (p->hi[0] - p->lo[0]) / ((p->vp[1] - p->vp[0]) * p->w);
  double sy = r * (p->hi[1] - p->lo[1]) / ((p->vp[3] - p->vp[2]) * p->h), cx[16], cy[16];
  for (int k = 0; k < 16; k++)
    cx[k] = x + sx * cos(2 * M_PI * k / 16), cy[k] = y + sy * sin(2 * M_PI * k / 16);
  plfill(16, cx, cy);
}

static void error_bar(lie_plot p, const series *s, int i) {
  double x = tr(p, 0, s->x[i]), lo = s->y[i] - s->e[i], hi = s->y[i] + s->e[i];
  double ylo = p->logy && lo <= 0 ? p->lo[1] : tr(p, 1, lo), yhi = tr(p, 1, hi);
  plerry(1, &x, &ylo, &yhi);
}

static void draw_series(lie_plot p, int k) {
  const series *s = &p->s[k];
  double qx = 0, qy = 0;
  int have = 0;
  plcol0(LIE_PL_SERIES + k);
  plwidth(2.0);
  for (int i = 0; i < s->n; i++) {
    if (!isfinite(s->x[i]) || !isfinite(s->y[i])) {
      have = 0; /* a gap breaks the line */
      continue;
    }
    double x = tr(p, 0, s->x[i]), y = tr(p, 1, s->y[i]);
    if (s->e[i] > 0) error_bar(p, s, i);
    if (s->style != LIE_PLOT_MARKERS && have) pljoin(qx, qy, x, y);
    if (s->style != LIE_PLOT_LINE) disc(p, x, y, 3.5);
    qx = x, qy = y, have = 1;
  }
  plwidth(1.0);
}

static void diagonal(lie_plot p) {
  pllsty(2); /* dashed */
  plcol0(LIE_PL_REF);
  pljoin(p->lo[0], p->lo[0], p->hi[0], p->hi[0]);
  pllsty(1);
}

/* Legend in the top corner (left or right) that covers fewer data points. */
static void legend(lie_plot p) {
  PLINT opt[MAX_SERIES], tcol[MAX_SERIES], lcol[MAX_SERIES], lsty[MAX_SERIES], scol[MAX_SERIES], snum[MAX_SERIES];
  PLFLT lw[MAX_SERIES], ssc[MAX_SERIES], w, h;
  const char *text[MAX_SERIES], *sym[MAX_SERIES];
  int n = 0, cover[2] = {0, 0};
  for (int k = 0; k < p->nseries; k++) {
    if (!p->s[k].label[0]) continue;
    opt[n] = (p->s[k].style != LIE_PLOT_MARKERS ? PL_LEGEND_LINE : 0) |
             (p->s[k].style != LIE_PLOT_LINE ? PL_LEGEND_SYMBOL : 0);
    tcol[n] = LIE_PL_FG, lcol[n] = scol[n] = LIE_PL_SERIES + k, lsty[n] = 1, lw[n] = 2.0;
    ssc[n] = 1.0, snum[n] = 1, text[n] = p->s[k].label, sym[n] = "•";
    n++;
  }
  if (!n) return;
  for (int k = 0; k < p->nseries; k++)
    for (int i = 0; i < p->s[k].n; i++) {
      double u = (tr(p, 0, p->s[k].x[i]) - p->lo[0]) / (p->hi[0] - p->lo[0]);
      double v = (tr(p, 1, p->s[k].y[i] + p->s[k].e[i]) - p->lo[1]) / (p->hi[1] - p->lo[1]);
      if (isfinite(u) && isfinite(v) && v > 0.6) cover[u > 0.5]++;
    }
  PLINT side = cover[1] < cover[0] ? PL_POSITION_RIGHT : PL_POSITION_LEFT;
  pllegend(&w, &h, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, PL_POSITION_TOP | side | PL_POSITION_INSIDE, 0.02,
           0.02, 0.06, LIE_PL_BG, LIE_PL_REF, 1, 0, 0, n, opt, 0.8, 0.9, 1.8, 0.0, tcol, text, NULL, NULL, NULL, NULL,
           lcol, lsty, lw, scol, ssc, snum, sym);
}

/* The whole figure on the current PLplot page. */
static void draw(lie_plot p) {
  plschr(0, 1.0);
  plvpor(p->vp[0], p->vp[1], p->vp[2], p->vp[3]);
  plwind(p->lo[0], p->hi[0], p->lo[1], p->hi[1]);
  axes(p);
  if (p->diagonal) diagonal(p);
  for (int k = 0; k < p->nseries; k++)
    draw_series(p, k);
  legend(p);
  plcol0(LIE_PL_FG);
  plmtex("b", 3.2, 0.5, 0.5, p->xlabel);
  plmtex("l", 4.2, 0.5, 0.5, p->ylabel);
  plschr(0, 1.2);
  plmtex("t", 1.2, 0.5, 0.5, p->title);
}

/* Ranges and viewport (margins in fractions of the page: room for tick labels and titles). */
static int layout(lie_plot p) {
  LIE_CHECK(p->nseries > 0, LIE_ERR_USAGE, "plot '%s' has no series", p->title);
  LIE_CALL(set_ranges(p));
  double ml = 90.0 / p->w, mr = 20.0 / p->w, mb = 55.0 / p->h, mt = 35.0 / p->h;
  p->vp[0] = ml, p->vp[1] = 1 - mr, p->vp[2] = mb, p->vp[3] = 1 - mt;
  if (p->diagonal) { /* y = x at 45 degrees: a square plot area */
    double wpx = (p->vp[1] - p->vp[0]) * p->w, hpx = (p->vp[3] - p->vp[2]) * p->h;
    if (wpx > hpx)
      p->vp[1] = p->vp[0] + hpx / p->w;
    else
      p->vp[3] = p->vp[2] + wpx / p->h;
  }
  return LIE_OK;
}

int lie_plot_render(lie_plot p) {
  LIE_CALL(layout(p));
  if (!p->rgba) LIE_ALLOC(p->rgba, (size_t)4 * p->w * p->h);
  LIE_CALL(lie_rep_pl_begin_mem(p->rgba, p->w, p->h));
  draw(p);
  LIE_CALL(lie_rep_pl_end());
  p->rendered = 1;
  return LIE_OK;
}

int lie_plot_write_png(lie_plot p, const char *path) {
  lie_output o;
  LIE_CALL(layout(p));
  LIE_CALL(lie_rep_output(path, &o));
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_rep_pl_begin_png(o.tmp, p->w, p->h));
  draw(p);
  LIE_CALL_GOTO(lie_rep_pl_end());
done:
  LIE_CALL(lie_output_end_file(&o, NULL, err));
  return LIE_OK;
}
