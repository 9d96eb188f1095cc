/* Allocation of in-memory trajectories (1D and Navier–Stokes) and their grids. */
#include <stdlib.h>
#include <string.h>

#include "augment_impl.h"

int lie_field1d_alloc(int nt, int nx, int coords, lie_field1d *f) {
  memset(f, 0, sizeof *f);
  LIE_CHECK(nt >= 1 && nx >= 1, LIE_ERR_ARG, "field1d: bad shape %d x %d", nt, nx);
  f->nt = nt;
  f->nx = nx;
  size_t n = (size_t)nt * nx;
  LIE_ALLOC(f->u, n);
  LIE_ALLOC(f->x, nx);
  LIE_ALLOC(f->t, nt);
  if (coords) {
    LIE_ALLOC(f->X, n);
    LIE_ALLOC(f->T, n);
  }
  return 0;
}

void lie_field1d_free(lie_field1d *f) {
  free(f->u);
  free(f->x);
  free(f->t);
  free(f->X);
  free(f->T);
  memset(f, 0, sizeof *f);
}

int lie_field1d_copy(const lie_field1d *in, lie_field1d *out) {
  LIE_CALL(lie_field1d_alloc(in->nt, in->nx, in->X != NULL, out));
  size_t n = (size_t)in->nt * in->nx;
  out->L = in->L;
  out->periodic = in->periodic;
  memcpy(out->u, in->u, n * sizeof(double));
  memcpy(out->x, in->x, (size_t)in->nx * sizeof(double));
  memcpy(out->t, in->t, (size_t)in->nt * sizeof(double));
  if (in->X) {
    memcpy(out->X, in->X, n * sizeof(double));
    memcpy(out->T, in->T, n * sizeof(double));
  }
  return 0;
}

int lie_field1d_set_grid(lie_field1d *f, double L, double t0, double dt) {
  LIE_CHECK(L > 0.0, LIE_ERR_ARG, "field1d: period L = %g must be > 0", L);
  f->L = L;
  f->periodic = 1;
  for (int j = 0; j < f->nx; j++)
    f->x[j] = j * L / f->nx;
  for (int n = 0; n < f->nt; n++)
    f->t[n] = t0 + n * dt;
  if (f->X)
    for (int n = 0; n < f->nt; n++)
      for (int j = 0; j < f->nx; j++) {
        f->X[(size_t)n * f->nx + j] = f->x[j];
        f->T[(size_t)n * f->nx + j] = f->t[n];
      }
  return 0;
}

int lie_field_ns_alloc(int nt, int nx, int ny, int with_p, int coords, lie_field_ns *f) {
  memset(f, 0, sizeof *f);
  LIE_CHECK(nt >= 1 && nx >= 1 && ny >= 1, LIE_ERR_ARG, "field_ns: bad shape %d x %d x %d", nt, nx, ny);
  f->nt = nt, f->nx = nx, f->ny = ny;
  size_t n = (size_t)nt * nx * ny;
  LIE_ALLOC(f->u, n);
  LIE_ALLOC(f->vx, n);
  LIE_ALLOC(f->vy, n);
  if (with_p) LIE_ALLOC(f->p, n);
  LIE_ALLOC(f->x, nx);
  LIE_ALLOC(f->y, ny);
  LIE_ALLOC(f->t, nt);
  if (coords) {
    LIE_ALLOC(f->X, n);
    LIE_ALLOC(f->Y, n);
    LIE_ALLOC(f->T, n);
  }
  return 0;
}

void lie_field_ns_free(lie_field_ns *f) {
  free(f->u), free(f->vx), free(f->vy), free(f->p);
  free(f->x), free(f->y), free(f->t);
  free(f->X), free(f->Y), free(f->T);
  memset(f, 0, sizeof *f);
}

int lie_field_ns_set_grid(lie_field_ns *f, double Lx, double Ly, double t0, double dt) {
  LIE_CHECK(Lx > 0.0 && Ly > 0.0, LIE_ERR_ARG, "field_ns: box %g x %g must be positive", Lx, Ly);
  f->Lx = Lx, f->Ly = Ly;
  f->periodic = 1;
  for (int i = 0; i < f->nx; i++)
    f->x[i] = i * Lx / f->nx;
  for (int j = 0; j < f->ny; j++)
    f->y[j] = j * Ly / f->ny;
  for (int n = 0; n < f->nt; n++)
    f->t[n] = t0 + n * dt;
  if (f->X)
    for (int n = 0; n < f->nt; n++)
      for (int i = 0; i < f->nx; i++)
        for (int j = 0; j < f->ny; j++) {
          size_t q = ((size_t)n * f->nx + i) * f->ny + j;
          f->X[q] = f->x[i], f->Y[q] = f->y[j], f->T[q] = f->t[n];
        }
  return 0;
}
