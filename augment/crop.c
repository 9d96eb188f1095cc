/* Crops: a time window (1D: consecutive or strided frames) and (1D) an optional space window. A space window of
 * periodic data may wrap around; the cropped data are no longer periodic unless they keep every point. */
#include <string.h>

#include "augment_impl.h"

int lie_field1d_crop(const lie_field1d *in, int t0, int nt, int x0, int nx, lie_field1d *out) {
  LIE_CALL(lie_field1d_crop_strided(in, t0, nt, 1, x0, nx, out));
  return 0;
}

int lie_field1d_crop_strided(const lie_field1d *in, int t0, int nt, int dt, int x0, int nx, lie_field1d *out) {
  memset(out, 0, sizeof *out);
  LIE_CHECK(dt >= 1, LIE_ERR_ARG, "time crop stride %d (must be >= 1)", dt);
  LIE_CHECK(nt >= 1 && t0 >= 0 && t0 <= in->nt && lie_aug_crop_span(nt, dt) <= in->nt - t0, LIE_ERR_ARG,
            "time crop of %d frames (stride %d, spanning %d) from frame %d does not fit in the %d frames of the data",
            nt, dt, lie_aug_crop_span(nt, dt), t0, in->nt);
  LIE_CHECK(nx >= 1 && nx <= in->nx && x0 >= 0 && x0 < in->nx, LIE_ERR_ARG,
            "space crop of %d points at %d does not fit in the %d points of the data", nx, x0, in->nx);
  LIE_CHECK(in->periodic || x0 + nx <= in->nx, LIE_ERR_ARG,
            "space crop [%d, %d) runs past the %d points of non-periodic data", x0, x0 + nx, in->nx);
  LIE_CALL(lie_field1d_alloc(nt, nx, in->X != NULL, out));
  int full = nx == in->nx && x0 == 0;
  double h = in->nx > 1 ? in->L / in->nx : 0.0;
  out->periodic = in->periodic && nx == in->nx;
  out->L = nx == in->nx ? in->L : nx * h;
  for (int n = 0; n < nt; n++)
    out->t[n] = in->t[t0 + n * dt];
  for (int j = 0; j < nx; j++) {
    int s = x0 + j, wrap = s >= in->nx;
    out->x[j] = in->x[wrap ? s - in->nx : s] + (wrap ? in->L : 0.0);
  }
  for (int n = 0; n < nt; n++) {
    size_t src = (size_t)(t0 + n * dt) * in->nx, dst = (size_t)n * nx;
    if (full) {
      memcpy(out->u + dst, in->u + src, (size_t)nx * sizeof(double));
      if (in->X) memcpy(out->X + dst, in->X + src, (size_t)nx * sizeof(double));
      if (in->T) memcpy(out->T + dst, in->T + src, (size_t)nx * sizeof(double));
      continue;
    }
    for (int j = 0; j < nx; j++) {
      int s = (x0 + j) % in->nx;
      out->u[dst + j] = in->u[src + s];
      if (in->X) out->X[dst + j] = in->X[src + s];
      if (in->T) out->T[dst + j] = in->T[src + s];
    }
  }
  return 0;
}

int lie_field_ns_crop(const lie_field_ns *in, int t0, int nt, lie_field_ns *out) {
  memset(out, 0, sizeof *out);
  LIE_CHECK(nt >= 1 && t0 >= 0 && t0 + nt <= in->nt, LIE_ERR_ARG,
            "time crop [%d, %d) does not fit in the %d frames of the data", t0, t0 + nt, in->nt);
  LIE_CALL(lie_field_ns_alloc(nt, in->nx, in->ny, in->p != NULL, in->X != NULL, out));
  size_t fr = (size_t)in->nx * in->ny, off = (size_t)t0 * fr, len = (size_t)nt * fr * sizeof(double);
  out->Lx = in->Lx, out->Ly = in->Ly, out->periodic = in->periodic;
  memcpy(out->u, in->u + off, len);
  memcpy(out->vx, in->vx + off, len);
  memcpy(out->vy, in->vy + off, len);
  if (in->p) memcpy(out->p, in->p + off, len);
  if (in->X) {
    memcpy(out->X, in->X + off, len);
    memcpy(out->Y, in->Y + off, len);
    memcpy(out->T, in->T + off, len);
  }
  memcpy(out->x, in->x, (size_t)in->nx * sizeof(double));
  memcpy(out->y, in->y, (size_t)in->ny * sizeof(double));
  memcpy(out->t, in->t + t0, (size_t)nt * sizeof(double));
  return 0;
}
