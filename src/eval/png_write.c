/* PNG output of a canvas through libpng. libpng reports errors by longjmp; the handler
 * records the message so it reaches our error state instead of stderr. */
#include "plot_impl.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>

static char png_msg[256];

static void on_error(png_structp png, png_const_charp msg) {
  snprintf(png_msg, sizeof png_msg, "%s", msg);
  png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg) { (void)png, (void)msg; }

int lie_canvas_write_png(const lie_canvas *c, const char *path) {
  FILE *f = fopen(path, "wb");
  LIE_CHECK(f, LIE_ERR_IO, "cannot write %s", path);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    fclose(f);
    LIE_ERROR(LIE_ERR_MEM, "libpng: cannot allocate a writer for %s", path);
  }
  png_msg[0] = 0;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    fclose(f);
    LIE_ERROR(LIE_ERR_IO, "writing %s failed: %s", path, png_msg);
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, (png_uint_32)c->w, (png_uint_32)c->h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < c->h; y++)
    png_write_row(png, c->rgb + 3 * (size_t)y * c->w);
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  LIE_CHECK(fclose(f) == 0, LIE_ERR_IO, "writing %s failed (disk full?)", path);
  return LIE_OK;
}
