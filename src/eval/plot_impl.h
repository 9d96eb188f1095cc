/* Private to src/eval/{canvas,font5x7,plot,png_write}.c: an RGB raster with the few drawing
 * primitives the report's figures need. */
#ifndef LIEREG_PLOT_IMPL_H
#define LIEREG_PLOT_IMPL_H
#include "liereg/eval.h"

typedef struct {
  int w, h;
  unsigned char *rgb;     /* (h, w, 3) row-major, y down */
  int cx0, cy0, cx1, cy1; /* clip rectangle (inclusive) */
} lie_canvas;

typedef struct {
  unsigned char r, g, b;
} lie_rgb;

const unsigned char *lie_font5x7(int c); /* 7 rows, bit 4 = leftmost column */

void lie_canvas_clip(lie_canvas *c, int x0, int y0, int x1, int y1); /* -1s: whole canvas */
void lie_canvas_fill(lie_canvas *c, lie_rgb col);
void lie_canvas_set(lie_canvas *c, int x, int y, lie_rgb col);
void lie_canvas_rect(lie_canvas *c, int x0, int y0, int x1, int y1, lie_rgb col, int filled);
/* Line of width `thick` pixels (1 or 2), integer endpoints. */
void lie_canvas_line(lie_canvas *c, int x0, int y0, int x1, int y1, lie_rgb col, int thick);
void lie_canvas_disc(lie_canvas *c, int x, int y, int radius, lie_rgb col);
/* Text with its top-left corner at (x, y), glyphs scaled by `scale`; vertical != 0 draws it
 * rotated 90° counter-clockwise (reading upwards) with (x, y) its bottom-left corner. */
void lie_canvas_text(lie_canvas *c, int x, int y, const char *s, int scale, lie_rgb col, int vertical);
int lie_canvas_text_width(const char *s, int scale); /* 6 px per character at scale 1 */

/* PNG (8-bit RGB) of the canvas; LIE_ERR_IO naming the path on failure. */
int lie_canvas_write_png(const lie_canvas *c, const char *path);
#endif
