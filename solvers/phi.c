/* phi-functions phi_0(z) = e^z, phi_{k+1}(z) = (phi_k(z) - 1/k!) / z of exponential
 * integrators, by the contour integral of Kassam & Trefethen (2005): phi_k(z) is the mean of
 * phi_k(r) over M points of the circle |r - z| = 1 (the full circle, z may be complex).
 *
 * Each point is evaluated stably: for |r| < 1.5 the Taylor series of phi_kmax and the downward
 * recurrence phi_k = r phi_{k+1} + 1/k! (no cancellation); otherwise the upward recurrence
 * from e^r. Evaluating K&T's closed forms such as (-4 - r + e^r (4 - 3r + r^2)) / r^3 directly
 * on the circle loses ~3 digits to cancellation (|r| ~ 1, terms ~ 20 summing to ~1/6): a
 * relative coefficient error of ~1e-13 that does not shrink with h. It acts like a
 * perturbation of the equation, and KS's chaos amplifies it to ~1e-7 over T = 100
 * (measured, docs/NUMERICS.md) - hence this evaluation. */
#include <math.h>

#include "solvers/solver1d_impl.h"

static void phi_point(double complex r, int kmax, double complex *phi) {
  double inv_fact[LIE_PHI_MAX + 32];
  inv_fact[0] = 1;
  for (int i = 1; i < LIE_PHI_MAX + 32; i++)
    inv_fact[i] = inv_fact[i - 1] / i;
  if (cabs(r) < 1.5) {
    double complex s = 0;
    for (int i = 30; i >= 0; i--)
      s = s * r + inv_fact[i + kmax]; /* sum_i r^i / (i + kmax)! */
    phi[kmax] = s;
    for (int k = kmax - 1; k >= 0; k--)
      phi[k] = r * phi[k + 1] + inv_fact[k];
    return;
  }
  phi[0] = cexp(r);
  for (int k = 0; k < kmax; k++)
    phi[k + 1] = (phi[k] - inv_fact[k]) / r;
}

void lie_phi_contour(double complex z, int kmax, int M, double complex *phi) {
  double complex pt[LIE_PHI_MAX + 1];
  for (int k = 0; k <= kmax; k++)
    phi[k] = 0;
  for (int m = 0; m < M; m++) {
    /* angles (m + 1/2) 2 pi / M: never on the real axis */
    phi_point(z + cexp(I * (2 * M_PI * (m + 0.5) / M)), kmax, pt);
    for (int k = 0; k <= kmax; k++)
      phi[k] += pt[k];
  }
  for (int k = 0; k <= kmax; k++)
    phi[k] /= M;
  phi[0] = cexp(z);
}

/* Multiplying by a rounded e^{hL} every step biases the linear growth by ~1e-16 / h per unit
 * time: for h = 1e-3 a 1e-13 perturbation of the equation, which KS's chaos amplifies by up
 * to ~1e5 over T = 100 - so the error *grew* as the step shrank (measured, docs/NUMERICS.md).
 * Applying hi + lo removes that bias to long double precision. */
void lie_exp_split(double h, double complex L, double complex *hi, double complex *lo) {
  const long double complex z = (long double)h * (long double complex)L;
  const long double complex e = cexpl(z);
  *hi = (double complex)e;
  *lo = (double complex)(e - (long double complex) * hi);
}
