/* Spectral resampling of periodic rows: exact Fourier phase shifts (FFTW r2c/c2r) and
 * evaluation of the trigonometric interpolant at arbitrary points (scalings, projective
 * maps). Both are exact for band-limited data, so a resolved solution stays a solution to
 * its stored accuracy. The Nyquist mode of an even-length row is treated as the real cosine
 * that the samples determine (its sine part is invisible on the grid).
 *
 * Cost (docs/AUGMENT.md "Cost"): a shift is two FFTs; the affine evaluation is in
 * resample_affine.c. Views are built on
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
  r->scratch = fftw_alloc_real(lie_resample1d_scratch_size(n));
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
