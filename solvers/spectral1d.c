/* The 1D periodic Fourier grid: FFTW r2c/c2r plans made once per size, wavenumbers, the
 * 2/3-rule dealiasing mask and exact evaluation of a solution on the stored grid. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solvers/solver1d_impl.h"

int lie_spec1d_create(int n, int dealias, lie_spec1d **out) {
  lie_spec1d *sp;
  *out = NULL;
  LIE_CHECK(n >= 4 && n % 2 == 0, LIE_ERR_ARG, "spectral grid size %d must be even and >= 4", n);
  LIE_ALLOC(sp, 1);
  sp->n = n;
  sp->nk = n / 2 + 1;
  /* Quadratic products of modes <= kcut alias only onto modes > kcut when 3 kcut < n. Without
   * dealiasing the Nyquist mode is still dropped (its odd derivative is undefined). */
  sp->kcut = dealias ? (n - 1) / 3 : n / 2 - 1;
  LIE_ALLOC(sp->k, sp->nk);
  sp->x = fftw_alloc_real((size_t)n);
  sp->y = fftw_alloc_complex((size_t)sp->nk);
  if (!sp->x || !sp->y) {
    lie_spec1d_destroy(&sp);
    LIE_ERROR(LIE_ERR_MEM, "out of memory for FFT work arrays of size %d", n);
  }
  /* FFTW_ESTIMATE: plans (and so results) do not depend on timing, hence not on the rank. */
  sp->r2c = fftw_plan_dft_r2c_1d(n, sp->x, sp->y, FFTW_ESTIMATE);
  sp->c2r = fftw_plan_dft_c2r_1d(n, sp->y, sp->x, FFTW_ESTIMATE);
  if (!sp->r2c || !sp->c2r) {
    lie_spec1d_destroy(&sp);
    LIE_ERROR(LIE_ERR_FFTW, "FFTW could not plan a real transform of size %d", n);
  }
  lie_spec1d_set_length(sp, 2 * M_PI);
  *out = sp;
  return LIE_OK;
}

int lie_spec1d_destroy(lie_spec1d **sp) {
  if (!sp || !*sp) return LIE_OK;
  lie_spec1d *s = *sp;
  if (s->r2c) fftw_destroy_plan(s->r2c);
  if (s->c2r) fftw_destroy_plan(s->c2r);
  if (s->x) fftw_free(s->x);
  if (s->y) fftw_free(s->y);
  free(s->k);
  LIE_FREE(*sp);
  return LIE_OK;
}

void lie_spec1d_set_length(lie_spec1d *sp, double L) {
  sp->L = L;
  for (int j = 0; j < sp->nk; j++)
    sp->k[j] = 2 * M_PI * j / L;
}

void lie_spec1d_forward(lie_spec1d *sp, const double *u, double complex *v) {
  const double s = 1.0 / sp->n;
  memcpy(sp->x, u, sizeof(double) * (size_t)sp->n);
  fftw_execute(sp->r2c);
  for (int j = 0; j < sp->nk; j++)
    v[j] = j <= sp->kcut ? s * sp->y[j] : 0;
}

void lie_spec1d_backward(lie_spec1d *sp, const double complex *v, double *u) {
  memcpy(sp->y, v, sizeof(double complex) * (size_t)sp->nk); /* c2r destroys its input */
  fftw_execute(sp->c2r);
  memcpy(u, sp->x, sizeof(double) * (size_t)sp->n);
}

int lie_spec1d_eval(lie_spec1d *sp, const double complex *v, lie_spec1d *out, double *u) {
  const int nx = out->n;
  if (sp->n >= nx) {
    LIE_CHECK(sp->n % nx == 0, LIE_ERR_INTERNAL, "internal grid %d is not a multiple of the output grid %d", sp->n, nx);
    const int m = sp->n / nx;
    memcpy(sp->y, v, sizeof(double complex) * (size_t)sp->nk);
    fftw_execute(sp->c2r);
    for (int j = 0; j < nx; j++)
      u[j] = sp->x[(size_t)j * m];
    return LIE_OK;
  }
  /* Coarser internal grid: the solution is a trigonometric polynomial of degree < n/2,
   * so zero padding evaluates it exactly at the finer points. */
  for (int j = 0; j < out->nk; j++)
    out->y[j] = j < sp->nk && j < sp->n / 2 ? v[j] : 0;
  fftw_execute(out->c2r);
  memcpy(u, out->x, sizeof(double) * (size_t)nx);
  return LIE_OK;
}

double lie_spec1d_tail(const lie_spec1d *sp, const double complex *v) {
  double all = 0, top = 0;
  const int j0 = (2 * sp->kcut) / 3;
  for (int j = 1; j <= sp->kcut; j++) {
    double a = creal(v[j]) * creal(v[j]) + cimag(v[j]) * cimag(v[j]);
    all += a;
    if (j > j0) top += a;
  }
  return all > 0 ? sqrt(top / all) : 0.0;
}
