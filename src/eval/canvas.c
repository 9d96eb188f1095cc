/* Raster primitives for the report's figures (src/eval/plot_impl.h). Integer coordinates, y
 * pointing down, every write clipped to the canvas's clip rectangle. */
#include "plot_impl.h"

#include <stdlib.h>
#include <string.h>

void lie_canvas_clip(lie_canvas *c, int x0, int y0, int x1, int y1) {
  if (x0 < 0 && y0 < 0 && x1 < 0 && y1 < 0) x0 = 0, y0 = 0, x1 = c->w - 1, y1 = c->h - 1;
  c->cx0 = x0 < 0 ? 0 : x0, c->cy0 = y0 < 0 ? 0 : y0;
  c->cx1 = x1 >= c->w ? c->w - 1 : x1, c->cy1 = y1 >= c->h ? c->h - 1 : y1;
}

void lie_canvas_set(lie_canvas *c, int x, int y, lie_rgb col) {
  if (x < c->cx0 || x > c->cx1 || y < c->cy0 || y > c->cy1) return;
  unsigned char *p = c->rgb + 3 * ((size_t)y * c->w + x);
  p[0] = col.r, p[1] = col.g, p[2] = col.b;
}

void lie_canvas_fill(lie_canvas *c, lie_rgb col) {
  for (int y = 0; y < c->h; y++)
    for (int x = 0; x < c->w; x++) {
      unsigned char *p = c->rgb + 3 * ((size_t)y * c->w + x);
      p[0] = col.r, p[1] = col.g, p[2] = col.b;
    }
}

void lie_canvas_rect(lie_canvas *c, int x0, int y0, int x1, int y1, lie_rgb col, int filled) {
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      if (filled || y == y0 || y == y1 || x == x0 || x == x1) lie_canvas_set(c, x, y, col);
}

/* Bresenham; a width-2 line also paints the pixel right of / below each point. */
void lie_canvas_line(lie_canvas *c, int x0, int y0, int x1, int y1, lie_rgb col, int thick) {
  int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1, dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1, err = dx + dy;
  for (long guard = 0; guard < 1L << 24; guard++) {
    lie_canvas_set(c, x0, y0, col);
    if (thick > 1) {
      lie_canvas_set(c, x0 + 1, y0, col);
      lie_canvas_set(c, x0, y0 + 1, col);
    }
    if (x0 == x1 && y0 == y1) break;
    int e2 = 2 * err;
    if (e2 >= dy) err += dy, x0 += sx;
    if (e2 <= dx) err += dx, y0 += sy;
  }
}

void lie_canvas_disc(lie_canvas *c, int x, int y, int r, lie_rgb col) {
  for (int j = -r; j <= r; j++)
    for (int i = -r; i <= r; i++)
      if (i * i + j * j <= r * r + r) lie_canvas_set(c, x + i, y + j, col);
}

int lie_canvas_text_width(const char *s, int scale) { return (int)strlen(s) * 6 * scale; }

void lie_canvas_text(lie_canvas *c, int x, int y, const char *s, int scale, lie_rgb col, int vertical) {
  for (int k = 0; s[k]; k++) {
    const unsigned char *g = lie_font5x7((unsigned char)s[k]);
    for (int row = 0; row < 7; row++)
      for (int colm = 0; colm < 5; colm++) {
        if (!(g[row] >> (4 - colm) & 1)) continue;
        for (int a = 0; a < scale; a++)
          for (int b = 0; b < scale; b++) {
            int u = (6 * k + colm) * scale + b, v = row * scale + a; /* along / across the text */
            if (vertical)
              lie_canvas_set(c, x + v, y - u, col);
            else
              lie_canvas_set(c, x + u, y + v, col);
          }
      }
  }
}
