/* Initial-condition targets: the analytic mode amplitudes equal a DFT of the sampled initial
 * condition, are unchanged by a space shift and a Galilean boost, and the scaled variant by the
 * KdV scaling; target name lookup. */
#include "lie_test.h"

#include <complex.h>
#include <string.h>

enum { K = 10, NX = 64, KMAX = 3 };

/* u0 on NX points of [0, L) (+ a constant c, the t = 0 effect of a Galilean boost), then the
 * amplitude 2|û_q|/NX of modes q = 1..KMAX by a direct DFT. */
static void dft_modes(const double *amp, const double *ph, const int *l, double L, double c, double *out) {
  double u[NX];
  for (int j = 0; j < NX; j++) {
    double x = j * L / NX;
    u[j] = c;
    for (int k = 0; k < K; k++)
      u[j] += amp[k] * sin(2 * M_PI * l[k] * x / L + ph[k]);
  }
  for (int q = 1; q <= KMAX; q++) {
    double complex s = 0;
    for (int j = 0; j < NX; j++)
      s += u[j] * cexp(-2 * M_PI * I * q * j / NX);
    out[q - 1] = 2 * cabs(s) / NX;
  }
}

static double maxdiff(const double *a, const double *b, int n) {
  double d = 0;
  for (int i = 0; i < n; i++)
    d = lie_test_max(d, fabs(a[i] - b[i]));
  return d;
}

int main(int argc, char **argv) {
  double amp[K], ph[K], ph2[K], amp2[K], a[KMAX], b[KMAX];
  int l[K];
  lie_rng r;
  PetscInitialize(&argc, &argv, NULL, NULL);
  lie_rng_seed(&r, 12);
  double L = 64 * lie_rng_range(&r, 0.9, 1.1);
  for (int k = 0; k < K; k++) {
    amp[k] = lie_rng_range(&r, -0.5, 0.5);
    ph[k] = lie_rng_range(&r, 0, 2 * M_PI);
    l[k] = 1 + (k % 2); /* l in {1, 2} as for KS/KdV; mode 3 must come out 0 */
  }
  lie_target_ic_modes(K, amp, ph, l, KMAX, a);
  dft_modes(amp, ph, l, L, 0.0, b);
  printf("  |c_l| = %.6f %.6f %.6f\n", a[0], a[1], a[2]);
  LIE_TEST_LE(maxdiff(a, b, KMAX), 1e-13, "analytic |c_l| = DFT amplitude of the sampled u0");
  LIE_TEST_NEAR(a[2], 0.0, 0.0, "a wave number absent from the IC has amplitude 0");
  LIE_TEST_TRUE(a[0] > 0.05 && a[1] > 0.05, "the non-trivial modes are not 0");

  /* space shift x -> x + s: phase_k -> phase_k + 2 pi l_k s / L */
  double s = 7.3;
  for (int k = 0; k < K; k++)
    ph2[k] = ph[k] + 2 * M_PI * l[k] * s / L;
  lie_target_ic_modes(K, amp, ph2, l, KMAX, b);
  LIE_TEST_LE(maxdiff(a, b, KMAX), 1e-15, "space shift leaves |c_l| unchanged");
  /* Galilean boost at t = 0: u0 + eps, x unchanged */
  dft_modes(amp, ph, l, L, 0.37, b);
  LIE_TEST_LE(maxdiff(a, b, KMAX), 1e-13, "Galilean boost (u0 + eps at t = 0) leaves the modes unchanged");
  /* KdV scaling: u -> u / lambda^2, L -> lambda L; |c_l| L^2 is invariant */
  double lam = 1.08;
  for (int k = 0; k < K; k++)
    amp2[k] = amp[k] / (lam * lam);
  lie_target_ic_modes(K, amp2, ph, l, KMAX, b);
  for (int q = 0; q < KMAX; q++) {
    b[q] *= (lam * L) * (lam * L);
    a[q] *= L * L;
  }
  LIE_TEST_LE(maxdiff(a, b, KMAX) / a[0], 1e-14, "KdV scaling leaves |c_l| L^2 unchanged");

  const lie_target_info *info;
  LIE_TEST_CALL(lie_target_lookup("nu", &info));
  LIE_TEST_TRUE(info->metric == LIE_METRIC_RELERR, "nu is scored by relative error");
  LIE_TEST_CALL(lie_target_lookup("ic_mode", &info));
  LIE_TEST_TRUE(info->metric == LIE_METRIC_NMSE, "ic_mode is scored by NMSE");
  LIE_TEST_CALL(lie_target_lookup("buo_y", &info));
  LIE_TEST_TRUE(info->metric == LIE_METRIC_MSE, "buo_y is scored by MSE");
  int e = lie_target_lookup("viscosity", &info);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_USAGE && strstr(lie_error_message(), "ic_mode"),
                "unknown target: usage error listing the names");
  lie_error_clear();
  return lie_test_finish();
}
