/* Fixed-step exponential integration through a list of output times. Each interval
 * between output times is split into equal steps of at most h, so the solution is exact
 * (to the method's accuracy) at every output time without interpolation; the ETDRK4
 * coefficients are recomputed only when the step length changes. */
#include <math.h>

#include "solvers/solver1d_impl.h"

#define LIE_ETD4_CONTOUR_POINTS 64

static int all_finite_c(const double complex *v, int n) {
  double s = 0;
  for (int j = 0; j < n; j++) s += creal(v[j]) + cimag(v[j]);
  return isfinite(s);
}

long lie_integrate1d(lie_pde1d *p, lie_etd4 *e, double complex *v, const double complex *Lk, double h,
                     int ntimes, const double *times, int first_out, lie_spec1d *out_sp, double *out, double *tail) {
  const int nx = out_sp->n;
  double t = 0;
  long steps = 0;
  *tail = 0;
  for (int i = 0; i < ntimes; i++) {
    const double dt = times[i] - t;
    if (dt > 0) {
      /* ceil with a relative slack so that dt = s h (up to rounding) gives s steps */
      long s = (long)ceil(dt / h * (1 - 1e-12));
      if (s < 1) s = 1;
      const double hs = dt / s;
      if (fabs(hs - e->h) > 1e-13 * hs) lie_etd4_coeffs(e, Lk, hs, LIE_ETD4_CONTOUR_POINTS);
      for (long m = 0; m < s; m++) lie_etd4_step(e, p, v);
      steps += s;
      if (!all_finite_c(v, p->sp->nk)) return -1;
    }
    t = times[i];
    if (out && i >= first_out) {
      if (lie_spec1d_eval(p->sp, v, out_sp, out + (size_t)(i - first_out) * nx)) return -2;
    }
    double tl = lie_spec1d_tail(p->sp, v);
    if (tl > *tail) *tail = tl;
  }
  return steps;
}
