/* Fixed-step exponential integration through a list of output times. Each interval
 * between output times is split into equal steps of at most h, so the solution is exact
 * (to the method's accuracy) at every output time without interpolation; the ETDRK4
 * coefficients are recomputed only when the step length changes. */
#include <math.h>

#include "solvers/solver1d_impl.h"

#define LIE_ETD4_CONTOUR_POINTS 64

static int all_finite_c(const double complex *v, int n) {
  double s = 0;
  for (int j = 0; j < n; j++)
    s += creal(v[j]) + cimag(v[j]);
  return isfinite(s);
}

long lie_integrate1d(lie_pde1d *p, lie_etd4 *e, double complex *v, const double complex *Lk, double h, int ntimes,
                     const double *times, int first_out, lie_spec1d *out_sp, double *out, double *tail) {
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
      for (long m = 0; m < s; m++)
        lie_etd4_step(e, p, v);
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

/* ETD-AB q on the uniform output grid times[i] = i dt (times[0] = 0), s steps of h = dt / s
 * per interval. The first q - 1 steps are taken by ETDRK4 with `sub` substeps each: the
 * starting values must be accurate to well below the multistep's own error, since a chaotic
 * flow (KS) amplifies every early error as much as the later ones. */
long lie_integrate1d_ab(lie_pde1d *p, lie_etdab *ab, lie_etd4 *e4, double complex *v, const double complex *Lk,
                        double dt, int s, int sub, int ntimes, int first_out, lie_spec1d *out_sp, double *out,
                        double *tail) {
  const int nx = out_sp->n, q = ab->q;
  const double h = dt / s;
  const long nsteps = (long)s * (ntimes - 1);
  *tail = 0;
  if (fabs(ab->h - h) > 1e-13 * h) lie_etdab_coeffs(ab, Lk, h, LIE_ETD4_CONTOUR_POINTS);
  if (fabs(e4->h - h / sub) > 1e-13 * h) lie_etd4_coeffs(e4, Lk, h / sub, LIE_ETD4_CONTOUR_POINTS);
  ab->head = 0;
  for (long n = 0;; n++) {
    if (n % s == 0) {
      const int i = (int)(n / s);
      if (!all_finite_c(v, p->sp->nk)) return -1;
      if (out && i >= first_out && lie_spec1d_eval(p->sp, v, out_sp, out + (size_t)(i - first_out) * nx)) return -2;
      const double tl = lie_spec1d_tail(p->sp, v);
      if (tl > *tail) *tail = tl;
    }
    if (n == nsteps) break;
    if (n < q - 1) {
      lie_etdab_push(ab, p, v);
      for (int m = 0; m < sub; m++)
        lie_etd4_step(e4, p, v);
    } else {
      lie_etdab_step(ab, p, v);
    }
  }
  return nsteps;
}
