/* Spectral resampling of periodic rows: exact Fourier phase shifts (FFTW r2c/c2r) and
 * evaluation of the trigonometric interpolant at arbitrary points (scalings, projective
 * maps). Both are exact for band-limited data, so a resolved solution stays a solution to
 * its stored accuracy. The Nyquist mode of an even-length row is treated as the real cosine
 * that the samples determine (its sine part is invisible on the grid). */
#include <math.h>
#include <string.h>

#include "augment_impl.h"

int lie_resample1d_init(lie_resample1d *r, int n, double L) {
  memset(r, 0, sizeof *r);
  LIE_CHECK(n >= 2 && L > 0.0, LIE_ERR_ARG, "resample: need n >= 2 and L > 0 (n = %d, L = %g)", n, L);
  r->n = n;
  r->L = L;
  r->buf = fftw_alloc_real((size_t)n);
  r->hat = fftw_alloc_complex((size_t)(n / 2 + 1));
  r->work = fftw_alloc_complex((size_t)(n / 2 + 1));
  LIE_CHECK(r->buf && r->hat && r->work, LIE_ERR_MEM, "resample: out of memory (n = %d)", n);
  r->fwd = fftw_plan_dft_r2c_1d(n, r->buf, r->hat, FFTW_ESTIMATE);
  r->bwd = fftw_plan_dft_c2r_1d(n, r->work, r->buf, FFTW_ESTIMATE);
  LIE_CHECK(r->fwd && r->bwd, LIE_ERR_FFTW, "resample: FFTW plan creation failed (n = %d)", n);
  return 0;
}

void lie_resample1d_free(lie_resample1d *r) {
  if (r->fwd) fftw_destroy_plan(r->fwd);
  if (r->bwd) fftw_destroy_plan(r->bwd);
  fftw_free(r->buf);
  fftw_free(r->hat);
  fftw_free(r->work);
  memset(r, 0, sizeof *r);
}

int lie_resample1d_shift(lie_resample1d *r, const double *in, double s, double *out) {
  int n = r->n, nh = n / 2 + 1;
  memcpy(r->buf, in, (size_t)n * sizeof(double));
  fftw_execute(r->fwd);
  double w = -2.0 * M_PI * fmod(s, r->L) / r->L;
  double complex z = cexp(I * w), zk = 1.0;
  for (int k = 0; k < nh; k++) {
    if ((k & 31) == 0) zk = cexp(I * w * k); /* phasor recurrence, re-synchronised */
    if (2 * k == n)
      r->work[k] = r->hat[k] * cos(w * k) / n;
    else
      r->work[k] = r->hat[k] * zk / n;
    zk *= z;
  }
  fftw_execute(r->bwd);
  memcpy(out, r->buf, (size_t)n * sizeof(double));
  return 0;
}

/* f(xi) = (1/n) [h_0 + 2 sum_{0<k<n/2} Re(h_k e^{i k w xi}) + Re(h_{n/2}) cos(n/2 w xi)]. */
static double trig_eval(const fftw_complex *hat, int n, double L, double xi) {
  double w = 2.0 * M_PI / L;
  xi = fmod(xi, L);
  double complex z = cexp(I * w * xi), zk = z;
  double acc = creal(hat[0]);
  int kmax = (n % 2 == 0) ? n / 2 - 1 : (n - 1) / 2;
  for (int k = 1; k <= kmax; k++) {
    acc += 2.0 * creal(hat[k] * zk);
    zk *= z;
    if ((k & 31) == 0) zk = cexp(I * w * xi * (k + 1)); /* bound the recurrence's drift */
  }
  if (n % 2 == 0) acc += creal(hat[n / 2]) * cos(0.5 * n * w * xi);
  return acc / n;
}

int lie_resample1d_affine(lie_resample1d *r, const double *in, double alpha, double beta, double *out) {
  int n = r->n;
  memcpy(r->buf, in, (size_t)n * sizeof(double));
  fftw_execute(r->fwd);
  double h = r->L / n;
  for (int j = 0; j < n; j++)
    out[j] = trig_eval(r->hat, n, r->L, alpha * j * h + beta);
  return 0;
}
