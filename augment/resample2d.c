/* Spectral resampling of periodic 2D frames (nx x ny, y fastest): exact Fourier phase shifts,
 * and evaluation at the affine image of the grid (rotations) by Fourier zero-padding to a x2
 * finer grid followed by tensor-product Lagrange interpolation (LIE_AUG_LAGRANGE points per
 * axis). A direct trigonometric sum would cost O(n^4) per frame; the padded grid keeps the
 * interpolation error at ((k h / 2)^8)-level for resolved data (docs/AUGMENT.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment_impl.h"

int lie_resample2d_init(lie_resample2d *r, int nx, int ny, double Lx, double Ly, int need_affine) {
  memset(r, 0, sizeof *r);
  LIE_CHECK(nx >= 2 && ny >= 2 && Lx > 0 && Ly > 0, LIE_ERR_ARG, "resample2d: bad grid %d x %d on %g x %g", nx, ny, Lx,
            Ly);
  r->nx = nx, r->ny = ny, r->Lx = Lx, r->Ly = Ly;
  size_t nc = (size_t)nx * (ny / 2 + 1);
  r->buf = fftw_alloc_real((size_t)nx * ny);
  r->hat = fftw_alloc_complex(nc);
  r->work = fftw_alloc_complex(nc);
  LIE_CHECK(r->buf && r->hat && r->work, LIE_ERR_MEM, "resample2d: out of memory");
  lie_fftw_planner_lock(); /* the FFTW planner is not thread-safe (views on loader threads) */
  r->fwd = fftw_plan_dft_r2c_2d(nx, ny, r->buf, r->hat, FFTW_ESTIMATE);
  r->bwd = fftw_plan_dft_c2r_2d(nx, ny, r->work, r->buf, FFTW_ESTIMATE);
  lie_fftw_planner_unlock();
  LIE_CHECK(r->fwd && r->bwd, LIE_ERR_FFTW, "resample2d: FFTW plan creation failed");
  if (need_affine) {
    r->ux = 2 * nx, r->uy = 2 * ny;
    r->up = fftw_alloc_real((size_t)r->ux * r->uy);
    r->uphat = fftw_alloc_complex((size_t)r->ux * (r->uy / 2 + 1));
    LIE_CHECK(r->up && r->uphat, LIE_ERR_MEM, "resample2d: out of memory (upsampled grid)");
    lie_fftw_planner_lock();
    r->upbwd = fftw_plan_dft_c2r_2d(r->ux, r->uy, r->uphat, r->up, FFTW_ESTIMATE);
    lie_fftw_planner_unlock();
    LIE_CHECK(r->upbwd, LIE_ERR_FFTW, "resample2d: FFTW plan creation failed (upsampled grid)");
    size_t np = (size_t)nx * ny;
    LIE_ALLOC(r->ix, np);
    LIE_ALLOC(r->iy, np);
    LIE_ALLOC(r->wx, 8 * np);
    LIE_ALLOC(r->wy, 8 * np);
  }
  return 0;
}

void lie_resample2d_free(lie_resample2d *r) {
  lie_fftw_planner_lock();
  if (r->fwd) fftw_destroy_plan(r->fwd);
  if (r->bwd) fftw_destroy_plan(r->bwd);
  if (r->upbwd) fftw_destroy_plan(r->upbwd);
  lie_fftw_planner_unlock();
  fftw_free(r->buf), fftw_free(r->hat), fftw_free(r->work), fftw_free(r->up), fftw_free(r->uphat);
  free(r->ix), free(r->iy), free(r->wx), free(r->wy);
  memset(r, 0, sizeof *r);
}

/* Signed wavenumber index of row i of a length-n complex axis. */
static int kidx(int i, int n) { return i <= n / 2 ? i : i - n; }

int lie_resample2d_shift(lie_resample2d *r, const double *in, double sx, double sy, double *out) {
  int nx = r->nx, ny = r->ny, nyh = ny / 2 + 1;
  memcpy(r->buf, in, sizeof(double) * nx * ny);
  fftw_execute(r->fwd);
  double wx = -2 * M_PI * fmod(sx, r->Lx) / r->Lx, wy = -2 * M_PI * fmod(sy, r->Ly) / r->Ly;
  double complex pyv[nyh]; /* y phase factors, shared by every x row */
  for (int j = 0; j < nyh; j++)
    pyv[j] = (2 * j == ny) ? cos(wy * j) : cexp(I * wy * j);
  double norm = 1.0 / ((double)nx * ny);
  for (int i = 0; i < nx; i++) {
    int kx = kidx(i, nx);
    /* Nyquist modes: only the cosine part is seen by the samples. */
    double complex px = ((2 * i == nx) ? cos(wx * kx) : cexp(I * wx * kx)) * norm;
    for (int j = 0; j < nyh; j++)
      r->work[(size_t)i * nyh + j] = r->hat[(size_t)i * nyh + j] * px * pyv[j];
  }
  fftw_execute(r->bwd);
  memcpy(out, r->buf, sizeof(double) * nx * ny);
  return 0;
}

/* Zero-pad the spectrum of `in` onto the x2 grid (Nyquist coefficients split evenly
 * between +k and -k so the padded interpolant is the same real trigonometric polynomial). */
static void upsample(lie_resample2d *r, const double *in) {
  int nx = r->nx, ny = r->ny, nyh = ny / 2 + 1, ux = r->ux, uyh = r->uy / 2 + 1;
  memcpy(r->buf, in, sizeof(double) * nx * ny);
  fftw_execute(r->fwd);
  memset(r->uphat, 0, sizeof(fftw_complex) * ux * uyh);
  double norm = 1.0 / ((double)nx * ny);
  for (int i = 0; i < nx; i++) {
    int kx = kidx(i, nx), nyq_x = 2 * i == nx;
    for (int j = 0; j < nyh; j++) {
      double complex c = r->hat[(size_t)i * nyh + j] * norm;
      if (2 * j == ny) c *= 0.5; /* y Nyquist: c2r on the finer grid would double it */
      if (nyq_x) {
        r->uphat[(size_t)(nx / 2) * uyh + j] += 0.5 * c;
        r->uphat[(size_t)(ux - nx / 2) * uyh + j] += 0.5 * c;
      } else {
        r->uphat[(size_t)(kx >= 0 ? kx : ux + kx) * uyh + j] += c;
      }
    }
  }
  fftw_execute(r->upbwd);
}

/* Lagrange weights for nodes -3..4 (LIE_AUG_LAGRANGE = 8) at fractional offset s in [0,1). */
static void lagrange8(double s, double w[8]) {
  static const double den[8] = {-5040, 720, -240, 144, -144, 240, -720, 5040}; /* prod_{m!=k}(k-m) */
  for (int k = 0; k < 8; k++) {
    double p = 1;
    for (int m = 0; m < 8; m++)
      if (m != k) p *= s - (m - 3);
    w[k] = p / den[k];
  }
}

static double wrap_pos(double a, double L) {
  a = fmod(a, L);
  return a < 0 ? a + L : a;
}

int lie_resample2d_affine_prepare(lie_resample2d *r, const double M[4], const double b[2]) {
  LIE_CHECK(r->up, LIE_ERR_STATE, "resample2d: affine evaluation needs init with need_affine = 1");
  int nx = r->nx, ny = r->ny;
  double hx = r->Lx / nx, hy = r->Ly / ny, gx = r->Lx / r->ux, gy = r->Ly / r->uy;
  for (int i = 0; i < nx; i++)
    for (int j = 0; j < ny; j++) {
      size_t k = (size_t)i * ny + j;
      double X = wrap_pos(M[0] * i * hx + M[1] * j * hy + b[0], r->Lx) / gx;
      double Y = wrap_pos(M[2] * i * hx + M[3] * j * hy + b[1], r->Ly) / gy;
      r->ix[k] = (int)floor(X), r->iy[k] = (int)floor(Y);
      lagrange8(X - r->ix[k], r->wx + 8 * k);
      lagrange8(Y - r->iy[k], r->wy + 8 * k);
    }
  return 0;
}

int lie_resample2d_affine_apply(lie_resample2d *r, const double *in, double *out) {
  upsample(r, in);
  int ux = r->ux, uy = r->uy;
  for (size_t k = 0; k < (size_t)r->nx * r->ny; k++) {
    const double *wx = r->wx + 8 * k, *wy = r->wy + 8 * k;
    double acc = 0;
    for (int a = 0; a < 8; a++) {
      int ia = r->ix[k] + a - 3;
      ia = ia < 0 ? ia + ux : (ia >= ux ? ia - ux : ia);
      const double *row = r->up + (size_t)ia * uy;
      double racc = 0;
      for (int c = 0; c < 8; c++) {
        int jc = r->iy[k] + c - 3;
        jc = jc < 0 ? jc + uy : (jc >= uy ? jc - uy : jc);
        racc += wy[c] * row[jc];
      }
      acc += wx[a] * racc;
    }
    out[k] = acc;
  }
  return 0;
}
