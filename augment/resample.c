/* Spectral resampling of periodic rows: exact Fourier phase shifts (FFTW r2c/c2r) and
 * evaluation of the trigonometric interpolant at arbitrary points (scalings, projective
 * maps). Both are exact for band-limited data, so a resolved solution stays a solution to
 * its stored accuracy. The Nyquist mode of an even-length row is treated as the real cosine
 * that the samples determine (its sine part is invisible on the grid).
 *
 * Cost (docs/AUGMENT.md "Cost"): a shift is two FFTs; an affine evaluation is n/2 terms per
 * point, run for all points of the row at once (one independent phasor recurrence per point,
 * so the loop over points vectorises) rather than point after point. Views are built on
 * loader threads: the FFTW planner is not thread-safe (a mutex guards it), and each thread
 * keeps its own plans and buffers for the row length it last used (lie_resample1d_get). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "augment_impl.h"

static pthread_mutex_t planner = PTHREAD_MUTEX_INITIALIZER;

void lie_fftw_planner_lock(void) { pthread_mutex_lock(&planner); }
void lie_fftw_planner_unlock(void) { pthread_mutex_unlock(&planner); }

int lie_resample1d_init(lie_resample1d *r, int n, double L) {
  memset(r, 0, sizeof *r);
  LIE_CHECK(n >= 2 && L > 0.0, LIE_ERR_ARG, "resample: need n >= 2 and L > 0 (n = %d, L = %g)", n, L);
  r->n = n;
  r->L = L;
  r->buf = fftw_alloc_real((size_t)n);
  r->hat = fftw_alloc_complex((size_t)(n / 2 + 1));
  r->work = fftw_alloc_complex((size_t)(n / 2 + 1));
  r->scratch = fftw_alloc_real((size_t)3 * n);
  LIE_CHECK(r->buf && r->hat && r->work && r->scratch, LIE_ERR_MEM, "resample: out of memory (n = %d)", n);
  lie_fftw_planner_lock();
  r->fwd = fftw_plan_dft_r2c_1d(n, r->buf, r->hat, FFTW_ESTIMATE);
  r->bwd = fftw_plan_dft_c2r_1d(n, r->work, r->buf, FFTW_ESTIMATE);
  lie_fftw_planner_unlock();
  LIE_CHECK(r->fwd && r->bwd, LIE_ERR_FFTW, "resample: FFTW plan creation failed (n = %d)", n);
  return 0;
}

void lie_resample1d_free(lie_resample1d *r) {
  lie_fftw_planner_lock();
  if (r->fwd) fftw_destroy_plan(r->fwd);
  if (r->bwd) fftw_destroy_plan(r->bwd);
  lie_fftw_planner_unlock();
  fftw_free(r->buf);
  fftw_free(r->hat);
  fftw_free(r->work);
  fftw_free(r->scratch);
  memset(r, 0, sizeof *r);
}

/* One resampler per thread, kept between views (plans are made once per row length). */
static _Thread_local lie_resample1d cached;

int lie_resample1d_get(int n, double L, lie_resample1d **r) {
  *r = &cached;
  if (cached.n != n) {
    lie_resample1d_free(&cached);
    LIE_CALL(lie_resample1d_init(&cached, n, L));
  }
  LIE_CHECK(L > 0.0, LIE_ERR_ARG, "resample: need L > 0 (L = %g)", L);
  cached.L = L; /* the plans depend on n only */
  return 0;
}

void lie_aug_thread_cleanup(void) {
  lie_resample1d_free(&cached);
  lie_resample2d_thread_cleanup();
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

/* z_j = e^{i th_j}, th_j = th0 + j dth, by recurrence re-synchronised every 32 points. */
static void phasors(int n, double th0, double dth, double *zr, double *zi) {
  double cr = cos(dth), ci = sin(dth);
  for (int j = 0; j < n; j++) {
    if ((j & 31) == 0) {
      zr[j] = cos(th0 + j * dth), zi[j] = sin(th0 + j * dth);
      continue;
    }
    zr[j] = zr[j - 1] * cr - zi[j - 1] * ci;
    zi[j] = zr[j - 1] * ci + zi[j - 1] * cr;
  }
}

#define LIE_TRIG_BLOCK 32 /* points whose recurrences stay in registers across the k loop */

/* acc_j = h_0 + 2 sum_{0<k<=kmax} Re(h_k z_j^k) [+ Re(h_{n/2}) Re(z_j^{n/2}) for even n]: the
 * k loop outside, a block of points inside, so each point's recurrence p_j <- p_j z_j is
 * independent (vector lanes) and the block's state lives in registers, not memory. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void
trig_block(const double *hat, int n, const double *zr, const double *zi, double *out) {
  const int kmax = (n % 2 == 0) ? n / 2 - 1 : (n - 1) / 2;
  double acc[LIE_TRIG_BLOCK], pr[LIE_TRIG_BLOCK], pi[LIE_TRIG_BLOCK], cr[LIE_TRIG_BLOCK], ci[LIE_TRIG_BLOCK];
  for (int j = 0; j < LIE_TRIG_BLOCK; j++)
    acc[j] = hat[0], pr[j] = cr[j] = zr[j], pi[j] = ci[j] = zi[j];
  for (int k = 1; k <= kmax; k++) {
    const double hr = 2.0 * hat[2 * k], hi = 2.0 * hat[2 * k + 1];
    for (int j = 0; j < LIE_TRIG_BLOCK; j++) {
      double a = pr[j], b = pi[j];
      acc[j] += hr * a; /* two fused multiply-adds, not mul + fms + add */
      acc[j] -= hi * b;
      pr[j] = a * cr[j] - b * ci[j];
      pi[j] = a * ci[j] + b * cr[j];
    }
  }
  for (int j = 0; j < LIE_TRIG_BLOCK; j++)
    out[j] = n % 2 == 0 ? acc[j] + hat[n] * pr[j] : acc[j]; /* p_j = z_j^{n/2} now */
}

/* All m points, in blocks (the last one padded). */
static void trig_sum(const double *hat, int n, int m, const double *zr, const double *zi, double *acc) {
  double br[LIE_TRIG_BLOCK], bi[LIE_TRIG_BLOCK], bo[LIE_TRIG_BLOCK];
  for (int j0 = 0; j0 < m; j0 += LIE_TRIG_BLOCK) {
    int len = m - j0 < LIE_TRIG_BLOCK ? m - j0 : LIE_TRIG_BLOCK;
    if (len == LIE_TRIG_BLOCK) {
      trig_block(hat, n, zr + j0, zi + j0, acc + j0);
      continue;
    }
    for (int j = 0; j < LIE_TRIG_BLOCK; j++)
      br[j] = j < len ? zr[j0 + j] : 1.0, bi[j] = j < len ? zi[j0 + j] : 0.0;
    trig_block(hat, n, br, bi, bo);
    for (int j = 0; j < len; j++)
      acc[j0 + j] = bo[j];
  }
}

int lie_resample1d_affine(lie_resample1d *r, const double *in, double alpha, double beta, double *out) {
  int n = r->n;
  memcpy(r->buf, in, (size_t)n * sizeof(double));
  fftw_execute(r->fwd);
  double w = 2.0 * M_PI / r->L, h = r->L / n;
  double *zr = r->scratch, *zi = zr + n, *acc = zi + n;
  phasors(n, w * fmod(beta, r->L), w * alpha * h, zr, zi);
  trig_sum((const double *)r->hat, n, n, zr, zi, acc);
  for (int j = 0; j < n; j++)
    out[j] = acc[j] / n;
  return 0;
}
