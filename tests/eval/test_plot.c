/* Figures (PLplot): tick choice, data points drawn where the axis transform puts them (log-x
 * curve with error bars, scatter with y = x) in the in-memory rendering, text drawn, the PNG
 * header read back, no .tmp left, bad input. usage: test_plot OUTDIR (writes curve.png and
 * scatter.png there to look at). */
#include "lie_test.h"

#include <string.h>
#include <unistd.h>

static int is_white(const unsigned char *c) { return c[0] == 255 && c[1] == 255 && c[2] == 255; }
static int near(const unsigned char *c, int r, int g, int b) {
  return abs(c[0] - r) <= 40 && abs(c[1] - g) <= 40 && abs(c[2] - b) <= 40;
}

/* Width and height from a PNG's IHDR chunk; 0 if the file is not a PNG. */
static int png_size(const char *path, unsigned *w, unsigned *h) {
  unsigned char b[24];
  FILE *f = fopen(path, "rb");
  int ok = f && fread(b, 1, 24, f) == 24 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8) && !memcmp(b + 12, "IHDR", 4);
  if (f) fclose(f);
  if (ok)
    *w = (unsigned)b[16] << 24 | b[17] << 16 | b[18] << 8 | b[19],
    *h = (unsigned)b[20] << 24 | b[21] << 16 | b[22] << 8 | b[23];
  return ok;
}

static void ticks(void) {
  double t[12];
  int n;
  LIE_TEST_CALL(lie_plot_ticks(0.0, 1.0, 0, 12, t, &n));
  LIE_TEST_TRUE(n == 6 && t[0] == 0 && fabs(t[1] - 0.2) < 1e-12 && fabs(t[5] - 1) < 1e-12,
                "linear [0,1]: 0, 0.2, ..., 1");
  LIE_TEST_CALL(lie_plot_ticks(-3.7, 12.2, 0, 12, t, &n));
  /* range 15.9 / 5 = 3.2 -> step 2: -2, 0, ..., 12 */
  LIE_TEST_TRUE(n == 8 && t[0] == -2 && t[1] == 0 && t[7] == 12, "linear [-3.7,12.2]: -2 to 12 in steps of 2");
  LIE_TEST_CALL(lie_plot_ticks(1e-3, 2e2, 1, 12, t, &n));
  LIE_TEST_TRUE(n == 6 && fabs(t[0] - 1e-3) < 1e-15 && fabs(t[5] - 100) < 1e-9, "log [1e-3, 200]: the 6 decades");
  LIE_TEST_CALL(lie_plot_ticks(30, 700, 1, 12, t, &n));
  printf("  log [30, 700]: %d ticks:", n);
  for (int k = 0; k < n; k++)
    printf(" %g", t[k]);
  printf("\n");
  LIE_TEST_TRUE(n >= 3 && t[0] >= 30 && t[n - 1] <= 700, "short log range: decade plus 2/5 subdivisions inside it");
  int e = lie_plot_ticks(-1, 10, 1, 12, t, &n);
  LIE_TEST_TRUE(e == LIE_ERR_USAGE, "log ticks over a non-positive range: usage error");
  lie_error_clear();
}

/* A label-size curve: log x, error bars, two series with a legend. */
static void curve(const char *dir) {
  double x[5] = {64, 128, 256, 512, 1024}, y1[5] = {8, 5.5, 4, 3.1, 2.6}, e1[5] = {1, 0.8, 0.5, 0.3, 0.2};
  double y2[5] = {12, 8, 5, 3.5, 2.5}, e2[5] = {2, 1, 0.6, 0.4, 0.3};
  lie_plot p;
  char path[600];
  LIE_TEST_CALL(lie_plot_create(640, 420, &p));
  LIE_TEST_CALL(
      lie_plot_set_labels(p, "Burgers nu: relative error vs labels", "labelled trajectories", "relative error (%)"));
  LIE_TEST_CALL(lie_plot_set_log(p, 1, 0));
  LIE_TEST_CALL(lie_plot_add(p, 5, x, y1, e1, LIE_PLOT_LINE_MARKERS, "SSL + ridge"));
  LIE_TEST_CALL(lie_plot_add(p, 5, x, y2, e2, LIE_PLOT_LINE_MARKERS, "supervised"));
  snprintf(path, sizeof path, "%s/curve.png", dir);
  LIE_TEST_CALL(lie_plot_write_png(p, path));
  LIE_TEST_CALL(lie_plot_render(p));
  /* every data point is painted in its series' colour (the disc is centred on it) */
  int ok = 1, px, py;
  unsigned char c[3];
  for (int i = 0; i < 5; i++) {
    LIE_TEST_CALL(lie_plot_map(p, x[i], y2[i], &px, &py));
    LIE_TEST_CALL(lie_plot_pixel(p, px, py, c));
    if (!near(c, 255, 127, 14)) printf("  point %d at (%d, %d): %d %d %d\n", i, px, py, c[0], c[1], c[2]);
    ok &= near(c, 255, 127, 14);
  }
  LIE_TEST_TRUE(ok, "the 5 points of series 2 are drawn in its colour at their mapped pixels");
  /* log x: equal ratios are equal distances */
  int a, b, d, q;
  lie_plot_map(p, 64, 1, &a, &q);
  lie_plot_map(p, 128, 1, &b, &q);
  lie_plot_map(p, 256, 1, &d, &q);
  LIE_TEST_TRUE(abs((b - a) - (d - b)) <= 1 && b > a, "log x axis: 64->128 and 128->256 are the same width");
  /* the error bar of point 0 runs up to y + e = 9: its upper part is in the series' colour */
  lie_plot_map(p, 64, 8.7, &px, &py);
  LIE_TEST_CALL(lie_plot_pixel(p, px, py, c));
  printf("  error bar pixel (%d, %d): %d %d %d\n", px, py, c[0], c[1], c[2]);
  LIE_TEST_TRUE(near(c, 31, 119, 180), "error bar of point 0 drawn up to y + e");
  LIE_TEST_CALL(lie_plot_pixel(p, 2, 2, c));
  LIE_TEST_TRUE(is_white(c), "background is white");
  int dark = 0;
  for (int yy = 0; yy < 30; yy++)
    for (int xx = 0; xx < 640; xx++)
      if (!lie_plot_pixel(p, xx, yy, c) && c[0] < 128 && c[1] < 128 && c[2] < 128) dark++;
  LIE_TEST_TRUE(dark > 50, "the title is drawn above the plot (text rendered)");
  LIE_TEST_CALL(lie_plot_destroy(&p));
  LIE_TEST_TRUE(p == NULL, "destroy sets the handle to NULL");

  /* the file is a PNG of the right size, and no temporary file is left */
  unsigned w = 0, h = 0;
  LIE_TEST_TRUE(png_size(path, &w, &h) && w == 640 && h == 420, "curve.png is a 640 x 420 PNG");
  strcat(path, ".tmp");
  LIE_TEST_TRUE(access(path, F_OK) != 0, "no curve.png.tmp left");
}

/* Predicted vs true with the y = x reference: both axes share one range. */
static void scatter(const char *dir) {
  enum { N = 200 };
  double t[N], pr[N];
  lie_rng r;
  lie_rng_seed(&r, 3);
  for (int i = 0; i < N; i++) {
    t[i] = lie_rng_range(&r, 0.01, 0.1);
    pr[i] = t[i] * (1 + 0.1 * lie_rng_normal(&r));
  }
  t[7] = NAN; /* skipped, not an error */
  lie_plot p;
  char path[600];
  LIE_TEST_CALL(lie_plot_create(420, 420, &p));
  LIE_TEST_CALL(lie_plot_set_labels(p, "nu: predicted vs true", "true", "predicted"));
  LIE_TEST_CALL(lie_plot_add(p, N, t, pr, NULL, LIE_PLOT_MARKERS, "test split"));
  LIE_TEST_CALL(lie_plot_add_diagonal(p));
  snprintf(path, sizeof path, "%s/scatter.png", dir);
  LIE_TEST_CALL(lie_plot_write_png(p, path));
  LIE_TEST_CALL(lie_plot_render(p));
  int x0, y0, x1, y1;
  LIE_TEST_CALL(lie_plot_map(p, 0.02, 0.02, &x0, &y0));
  LIE_TEST_CALL(lie_plot_map(p, 0.08, 0.08, &x1, &y1));
  LIE_TEST_TRUE(abs((x1 - x0) - (y0 - y1)) <= 1, "with y = x both axes have the same scale");
  LIE_TEST_CALL(lie_plot_destroy(&p));
}

static void bad_input(void) {
  lie_plot p;
  double x[3] = {1, 2, 3}, y[3] = {1, -1, 2}, nan3[3] = {NAN, NAN, NAN};
  int e = lie_plot_create(10, 10, &p);
  LIE_TEST_TRUE(e == LIE_ERR_ARG && p == NULL, "a 10 x 10 plot is rejected");
  LIE_TEST_CALL(lie_plot_create(300, 200, &p));
  e = lie_plot_write_png(p, "/tmp/never.png");
  LIE_TEST_TRUE(e == LIE_ERR_USAGE, "a plot without series is a usage error");
  LIE_TEST_CALL(lie_plot_add(p, 3, x, y, NULL, LIE_PLOT_LINE, "s"));
  LIE_TEST_CALL(lie_plot_set_log(p, 0, 1));
  e = lie_plot_render(p);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_USAGE, "log y axis with a negative value: usage error");
  LIE_TEST_CALL(lie_plot_set_log(p, 0, 0));
  e = lie_plot_write_png(p, "/nonexistent/dir/x.png");
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_IO, "unwritable path: LIE_ERR_IO");
  lie_error_clear();
  LIE_TEST_CALL(lie_plot_write_png(p, "/tmp/lie_test_plot_again.png")); /* PLplot recovers after a failure */
  unlink("/tmp/lie_test_plot_again.png");
  LIE_TEST_CALL(lie_plot_destroy(&p));
  LIE_TEST_CALL(lie_plot_create(300, 200, &p));
  LIE_TEST_CALL(lie_plot_add(p, 3, x, nan3, NULL, LIE_PLOT_LINE, "s"));
  e = lie_plot_render(p);
  LIE_TEST_TRUE(e == LIE_ERR_USAGE, "only non-finite values: usage error");
  LIE_TEST_CALL(lie_plot_destroy(&p));
  lie_error_clear();
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  const char *dir = argc > 1 ? argv[1] : ".";
  ticks();
  curve(dir);
  scatter(dir);
  bad_input();
  return lie_test_finish();
}
