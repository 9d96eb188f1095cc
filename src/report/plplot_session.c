/* The PLplot stream behind every figure: device (pngcairo for files, memcairo for tests),
 * page size in pixels, colours, and PLplot's errors turned into liereg errors.
 * PLplot 5.15 calls exit() on a fatal error whatever its exit handler returns, and when it
 * cannot open its output file or find its driver it first prompts on stdin. So the failures
 * a user can cause are checked before PLplot sees them: the driver is looked up in PLplot's
 * device list, and the output file is opened here and handed over (plsfile). The handler
 * then only covers PLplot's internal errors: it makes such an exit non-zero. */
#include "report_impl.h"

#include <errno.h>
#include <plplot.h>
#include <string.h>
#include <sys/stat.h>

const unsigned char lie_rep_palette[8][3] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                                             {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {23, 190, 207}};

static char pl_message[256];
static char png_path[LIE_REP_PATH + 8]; /* the PNG being written, "" otherwise */
static int pl_failed;

static void pl_record(const char *msg) {
  if (!pl_failed) snprintf(pl_message, sizeof pl_message, "%s", msg ? msg : "unknown error");
  pl_failed = 1;
}

static int pl_on_exit(const char *msg) {
  pl_record(msg);
  return 1; /* the exit status, should PLplot exit */
}

static void pl_on_abort(const char *msg) { pl_record(msg); }

static void colours(void) {
  plscmap0n(16);
  plscol0(LIE_PL_BG, 255, 255, 255);
  plscol0(LIE_PL_FG, 0, 0, 0);
  plscol0(LIE_PL_GRID, 225, 225, 225);
  plscol0(LIE_PL_REF, 120, 120, 120);
  for (int k = 0; k < 8; k++)
    plscol0(LIE_PL_SERIES + k, lie_rep_palette[k][0], lie_rep_palette[k][1], lie_rep_palette[k][2]);
}

static int have_driver(const char *dev) {
  const char *menu_store[64], *name_store[64], **menu = menu_store, **names = name_store;
  int n = 64;
  plgDevs(&menu, &names, &n);
  for (int i = 0; i < n; i++)
    if (!strcmp(names[i], dev)) return 1;
  return 0;
}

static int begin(const char *dev, int w, int h) {
  pl_failed = 0, pl_message[0] = 0;
  LIE_CHECK(have_driver(dev), LIE_ERR_NOTSUP,
            "PLplot has no '%s' driver: install the cairo driver (Debian: plplot-driver-cairo)", dev);
  plsexit(pl_on_exit);
  plsabort(pl_on_abort);
  plsdev(dev);
  colours();
  plinit();
  if (pl_failed) {
    plend();
    png_path[0] = 0;
    LIE_ERROR(LIE_ERR_IO, "PLplot (%s, %d x %d): %s", dev, w, h, pl_message);
  }
  pladv(0);
  return LIE_OK;
}

int lie_rep_pl_begin_png(const char *tmp, int w, int h) {
  LIE_CHECK(have_driver("pngcairo"), LIE_ERR_NOTSUP,
            "PLplot has no 'pngcairo' driver: install the cairo driver (Debian: plplot-driver-cairo)");
  FILE *f = fopen(tmp, "wb");
  LIE_CHECK(f, LIE_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
  snprintf(png_path, sizeof png_path, "%s", tmp);
  plsfile(f); /* PLplot writes and closes it */
  plspage(0, 0, w, h, 0, 0);
  LIE_CALL(begin("pngcairo", w, h));
  return LIE_OK;
}

int lie_rep_pl_begin_mem(unsigned char *rgba, int w, int h) {
  memset(rgba, 255, (size_t)4 * w * h);
  plsmema(w, h, rgba);
  LIE_CALL(begin("memcairo", w, h));
  return LIE_OK;
}

int lie_rep_pl_end(void) {
  struct stat st;
  plend();
  LIE_CHECK(!pl_failed, LIE_ERR_IO, "PLplot: %s", pl_message);
  /* PLplot closes the PNG without reporting write errors: a complete PNG is never tiny */
  if (png_path[0]) {
    int ok = stat(png_path, &st) == 0 && st.st_size > 64;
    LIE_CHECK(ok, LIE_ERR_IO, "writing %s failed (disk full?)", png_path);
    png_path[0] = 0;
  }
  return LIE_OK;
}
