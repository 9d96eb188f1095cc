/* Figures: tick choice, data points drawn where the axis transform puts them (log-x curve with
 * error bars, scatter with y = x), text from the built-in font, the PNG read back with libpng,
 * bad input. usage: test_plot OUTDIR (writes curve.png and scatter.png there to look at). */
#include "lie_test.h"

#include <png.h>
#include <string.h>

static int is_white(const unsigned char *c) { return c[0] == 255 && c[1] == 255 && c[2] == 255; }

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
  /* every data point is painted in its series' colour (the disc is centred on it) */
  int ok = 1, px, py;
  unsigned char c[3];
  for (int i = 0; i < 5; i++) {
    LIE_TEST_CALL(lie_plot_map(p, x[i], y2[i], &px, &py));
    LIE_TEST_CALL(lie_plot_pixel(p, px, py, c));
    ok &= c[0] == 255 && c[1] == 127 && c[2] == 14;
  }
  LIE_TEST_TRUE(ok, "the 5 points of series 2 are drawn in its colour at their mapped pixels");
  /* log x: equal ratios are equal distances */
  int a, b, d, q;
  lie_plot_map(p, 64, 1, &a, &q);
  lie_plot_map(p, 128, 1, &b, &q);
  lie_plot_map(p, 256, 1, &d, &q);
  LIE_TEST_TRUE(abs((b - a) - (d - b)) <= 1 && b > a, "log x axis: 64->128 and 128->256 are the same width");
  /* the error bar of point 0 reaches y + e = 9 */
  lie_plot_map(p, 64, 9.0, &px, &py);
  LIE_TEST_CALL(lie_plot_pixel(p, px, py, c));
  LIE_TEST_TRUE(c[0] == 31 && c[1] == 119 && c[2] == 180, "error bar cap of point 0 at y + e");
  LIE_TEST_CALL(lie_plot_pixel(p, 2, 2, c));
  LIE_TEST_TRUE(is_white(c), "background is white");
  LIE_TEST_CALL(lie_plot_destroy(&p));
  LIE_TEST_TRUE(p == NULL, "destroy sets the handle to NULL");

  /* the file is a valid PNG of the right size */
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  int rd = png_image_begin_read_from_file(&img, path);
  LIE_TEST_TRUE(rd && img.width == 640 && img.height == 420, "curve.png reads back as a 640 x 420 PNG");
  png_image_free(&img);
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
  int x0, y0, x1, y1;
  LIE_TEST_CALL(lie_plot_map(p, 0.02, 0.02, &x0, &y0));
  LIE_TEST_CALL(lie_plot_map(p, 0.08, 0.08, &x1, &y1));
  LIE_TEST_TRUE(abs((x1 - x0) - (y0 - y1)) <= 1, "with y = x both axes have the same scale");
  LIE_TEST_CALL(lie_plot_destroy(&p));
}

/* The text renderer draws the font's bits: '1' at scale 1 has its stem in column 2. */
static void text(void) {
  lie_plot p;
  double x[2] = {0, 1}, y[2] = {0, 1};
  unsigned char c[3];
  LIE_TEST_CALL(lie_plot_create(200, 150, &p));
  LIE_TEST_CALL(lie_plot_set_labels(p, "1", "", ""));
  LIE_TEST_CALL(lie_plot_add(p, 2, x, y, NULL, LIE_PLOT_LINE, NULL));
  LIE_TEST_CALL(lie_plot_render(p));
  /* title "1" at scale 2, centred: x = (200 - 12)/2 = 94, top y = 8; stem column 2 -> x 98..99 */
  int stem = 1, blank = 1;
  for (int row = 1; row < 6; row++) {
    lie_plot_pixel(p, 98, 8 + 2 * row, c);
    stem &= c[0] == 0 && c[1] == 0 && c[2] == 0;
    lie_plot_pixel(p, 94, 8 + 2 * row, c);
    blank &= is_white(c);
  }
  LIE_TEST_TRUE(stem && blank, "title glyph '1': stem drawn, left column blank");
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
  text();
  bad_input();
  return lie_test_finish();
}
