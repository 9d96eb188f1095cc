/* Line/scatter figures for the report (include/liereg/eval.h): axes with "nice" ticks (1-2-5
 * steps, decades on log axes), grid, error bars, legend, y = x reference, PNG output. */
#include "plot_impl.h"

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
  lie_canvas cv;
  char title[128], xlabel[96], ylabel[96];
  int logx, logy, diagonal, nseries, rendered;
  series s[MAX_SERIES];
  double lo[2], hi[2]; /* axis ranges in the transformed space (log10 on log axes) */
  int px0, px1, py0, py1;
};

static const lie_rgb BLACK = {0, 0, 0}, WHITE = {255, 255, 255}, GRID = {225, 225, 225}, GREY = {120, 120, 120};
static const lie_rgb PALETTE[MAX_SERIES] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                                            {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {23, 190, 207}};

int lie_plot_create(int width, int height, lie_plot *out) {
  struct lie_plot_s *p;
  *out = NULL;
  LIE_CHECK(width >= 200 && height >= 150 && width <= 8192 && height <= 8192, LIE_ERR_ARG,
            "plot size %d x %d out of range (200..8192 x 150..8192)", width, height);
  LIE_ALLOC(p, 1);
  p->cv.w = width, p->cv.h = height;
  p->cv.rgb = malloc(3 * (size_t)width * height);
  if (!p->cv.rgb) {
    free(p);
    LIE_ERROR(LIE_ERR_MEM, "out of memory for a %d x %d plot", width, height);
  }
  *out = p;
  return LIE_OK;
}

int lie_plot_destroy(lie_plot *p) {
  if (!p || !*p) return LIE_OK;
  for (int k = 0; k < (*p)->nseries; k++)
    free((*p)->s[k].x);
  free((*p)->cv.rgb);
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

int lie_plot_map(lie_plot p, double x, double y, int *px, int *py) {
  LIE_CHECK(p->rendered, LIE_ERR_STATE, "lie_plot_map before lie_plot_render");
  double u = (tr(p, 0, x) - p->lo[0]) / (p->hi[0] - p->lo[0]), v = (tr(p, 1, y) - p->lo[1]) / (p->hi[1] - p->lo[1]);
  *px = (int)lround(p->px0 + u * (p->px1 - p->px0));
  *py = (int)lround(p->py1 - v * (p->py1 - p->py0));
  return LIE_OK;
}

int lie_plot_pixel(lie_plot p, int px, int py, unsigned char rgb[3]) {
  LIE_CHECK(p->rendered && px >= 0 && py >= 0 && px < p->cv.w && py < p->cv.h, LIE_ERR_ARG, "pixel (%d, %d) outside",
            px, py);
  memcpy(rgb, p->cv.rgb + 3 * ((size_t)py * p->cv.w + px), 3);
  return LIE_OK;
}

/* Short labels: 0.001, 250, 1e6, 2.5e-5. */
static void tick_label(double v, char *buf, size_t n) {
  double a = fabs(v);
  int e = a > 0 ? (int)floor(log10(a) + 1e-9) : 0;
  if (a == 0)
    snprintf(buf, n, "0");
  else if (e < -3 || e > 4) {
    double m = v / pow(10, e);
    if (fabs(m - lround(m)) < 1e-6)
      snprintf(buf, n, "%lde%d", lround(m), e);
    else
      snprintf(buf, n, "%.1fe%d", m, e);
  } else
    snprintf(buf, n, "%.6g", v);
}

/* ---------------------------------------------------------------- drawing */
static void draw_axes(lie_plot p, const double *tx, int nx, const double *ty, int ny) {
  lie_canvas *c = &p->cv;
  char buf[32];
  int px, py;
  for (int k = 0; k < nx; k++) {
    lie_plot_map(p, tx[k], p->logy ? pow(10, p->lo[1]) : p->lo[1], &px, &py);
    lie_canvas_line(c, px, p->py0, px, p->py1, GRID, 1);
    lie_canvas_line(c, px, p->py1, px, p->py1 + 4, BLACK, 1);
    tick_label(tx[k], buf, sizeof buf);
    lie_canvas_text(c, px - lie_canvas_text_width(buf, 1) / 2, p->py1 + 7, buf, 1, BLACK, 0);
  }
  for (int k = 0; k < ny; k++) {
    lie_plot_map(p, p->logx ? pow(10, p->lo[0]) : p->lo[0], ty[k], &px, &py);
    lie_canvas_line(c, p->px0, py, p->px1, py, GRID, 1);
    lie_canvas_line(c, p->px0 - 4, py, p->px0, py, BLACK, 1);
    tick_label(ty[k], buf, sizeof buf);
    lie_canvas_text(c, p->px0 - 7 - lie_canvas_text_width(buf, 1), py - 3, buf, 1, BLACK, 0);
  }
  lie_canvas_rect(c, p->px0, p->py0, p->px1, p->py1, BLACK, 0);
}

static void draw_series(lie_plot p, int k) {
  series *s = &p->s[k];
  lie_rgb col = PALETTE[k];
  int px, py, qx = 0, qy = 0, have = 0;
  lie_canvas_clip(&p->cv, p->px0 + 1, p->py0 + 1, p->px1 - 1, p->py1 - 1);
  for (int i = 0; i < s->n; i++) {
    if (!isfinite(s->x[i]) || !isfinite(s->y[i])) {
      have = 0; /* a gap breaks the line */
      continue;
    }
    lie_plot_map(p, s->x[i], s->y[i], &px, &py);
    if (s->e[i] > 0) {
      int a, b, top, bot;
      double lo = s->y[i] - s->e[i];
      lie_plot_map(p, s->x[i], s->y[i] + s->e[i], &a, &top);
      if (p->logy && lo <= 0)
        bot = p->py1;
      else
        lie_plot_map(p, s->x[i], lo, &b, &bot);
      lie_canvas_line(&p->cv, px, top, px, bot, col, 1);
      lie_canvas_line(&p->cv, px - 3, top, px + 3, top, col, 1);
      lie_canvas_line(&p->cv, px - 3, bot, px + 3, bot, col, 1);
    }
    if (s->style != LIE_PLOT_MARKERS && have) lie_canvas_line(&p->cv, qx, qy, px, py, col, 2);
    if (s->style != LIE_PLOT_LINE) lie_canvas_disc(&p->cv, px, py, 3, col);
    qx = px, qy = py, have = 1;
  }
  lie_canvas_clip(&p->cv, -1, -1, -1, -1);
}

static void draw_diagonal(lie_plot p) {
  int x0, y0, x1, y1;
  double lo = p->logx ? pow(10, p->lo[0]) : p->lo[0], hi = p->logx ? pow(10, p->hi[0]) : p->hi[0];
  lie_plot_map(p, lo, lo, &x0, &y0);
  lie_plot_map(p, hi, hi, &x1, &y1);
  int len = abs(x1 - x0) > abs(y1 - y0) ? abs(x1 - x0) : abs(y1 - y0);
  for (int t = 0; t < len; t += 10) /* 6 px dashes every 10 px */
    lie_canvas_line(&p->cv, x0 + (x1 - x0) * t / len, y0 + (y1 - y0) * t / len,
                    x0 + (x1 - x0) * (t + 6 < len ? t + 6 : len) / len,
                    y0 + (y1 - y0) * (t + 6 < len ? t + 6 : len) / len, GREY, 1);
}

/* Legend in the top corner (left or right) that covers fewer data points. */
static void draw_legend(lie_plot p) {
  int n = 0, w = 0, px, py;
  for (int k = 0; k < p->nseries; k++)
    if (p->s[k].label[0]) n++, w = (int)fmax(w, lie_canvas_text_width(p->s[k].label, 1));
  if (!n) return;
  w += 34;
  int h = 12 * n + 6, best = 0, cover[2] = {0, 0};
  for (int side = 0; side < 2; side++) {
    int x0 = side ? p->px1 - 6 - w : p->px0 + 6, y0 = p->py0 + 6;
    for (int k = 0; k < p->nseries; k++)
      for (int i = 0; i < p->s[k].n; i++)
        for (int top = 0; top < 2; top++) /* the point and the top of its error bar */
          if (isfinite(p->s[k].x[i]) && isfinite(p->s[k].y[i]) &&
              !lie_plot_map(p, p->s[k].x[i], p->s[k].y[i] + top * p->s[k].e[i], &px, &py))
            cover[side] += px >= x0 && px <= x0 + w && py >= y0 && py <= y0 + h;
  }
  best = cover[1] < cover[0];
  int x0 = best ? p->px1 - 6 - w : p->px0 + 6, y0 = p->py0 + 6;
  lie_canvas_rect(&p->cv, x0, y0, x0 + w, y0 + h, WHITE, 1);
  lie_canvas_rect(&p->cv, x0, y0, x0 + w, y0 + h, GREY, 0);
  for (int k = 0, row = 0; k < p->nseries; k++) {
    if (!p->s[k].label[0]) continue;
    int y = y0 + 9 + 12 * row++;
    if (p->s[k].style != LIE_PLOT_MARKERS) lie_canvas_line(&p->cv, x0 + 5, y, x0 + 23, y, PALETTE[k], 2);
    if (p->s[k].style != LIE_PLOT_LINE) lie_canvas_disc(&p->cv, x0 + 14, y, 3, PALETTE[k]);
    lie_canvas_text(&p->cv, x0 + 29, y - 3, p->s[k].label, 1, BLACK, 0);
  }
}

int lie_plot_render(lie_plot p) {
  double tx[MAX_TICKS], ty[MAX_TICKS];
  int nx, ny, lw = 0;
  char buf[32];
  LIE_CHECK(p->nseries > 0, LIE_ERR_USAGE, "plot '%s' has no series", p->title);
  LIE_CALL(set_ranges(p));
  LIE_CALL(lie_plot_ticks(p->logx ? pow(10, p->lo[0]) : p->lo[0], p->logx ? pow(10, p->hi[0]) : p->hi[0], p->logx, 8,
                          tx, &nx));
  LIE_CALL(lie_plot_ticks(p->logy ? pow(10, p->lo[1]) : p->lo[1], p->logy ? pow(10, p->hi[1]) : p->hi[1], p->logy, 8,
                          ty, &ny));
  for (int k = 0; k < ny; k++) {
    tick_label(ty[k], buf, sizeof buf);
    lw = (int)fmax(lw, lie_canvas_text_width(buf, 1));
  }
  /* margins: y label and tick labels on the left, tick labels and x label below, title above */
  p->px0 = 6 + (p->ylabel[0] ? 12 : 0) + lw + 8, p->px1 = p->cv.w - 16;
  p->py0 = p->title[0] ? 30 : 12, p->py1 = p->cv.h - (p->xlabel[0] ? 36 : 22);
  LIE_CHECK(p->px1 - p->px0 >= 50 && p->py1 - p->py0 >= 50, LIE_ERR_ARG, "plot too small for its labels");
  p->rendered = 1;
  lie_canvas_clip(&p->cv, -1, -1, -1, -1);
  lie_canvas_fill(&p->cv, WHITE);
  draw_axes(p, tx, nx, ty, ny);
  if (p->diagonal) draw_diagonal(p);
  for (int k = 0; k < p->nseries; k++)
    draw_series(p, k);
  draw_legend(p);
  int tw = lie_canvas_text_width(p->title, 2), scale = tw <= p->cv.w - 10 ? 2 : 1;
  lie_canvas_text(&p->cv, (p->cv.w - lie_canvas_text_width(p->title, scale)) / 2, 8, p->title, scale, BLACK, 0);
  lie_canvas_text(&p->cv, (p->px0 + p->px1 - lie_canvas_text_width(p->xlabel, 1)) / 2, p->cv.h - 14, p->xlabel, 1,
                  BLACK, 0);
  lie_canvas_text(&p->cv, 5, (p->py0 + p->py1 + lie_canvas_text_width(p->ylabel, 1)) / 2, p->ylabel, 1, BLACK, 1);
  return LIE_OK;
}

int lie_plot_write_png(lie_plot p, const char *path) {
  LIE_CALL(lie_plot_render(p));
  LIE_CALL(lie_canvas_write_png(&p->cv, path));
  return LIE_OK;
}
