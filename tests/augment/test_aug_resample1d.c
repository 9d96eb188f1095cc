/* The 1D affine resampling (augment/resample_affine.c: the trigonometric interpolant at
 * xi_j = beta + j alpha L/n as a blocked matrix product, modes below LIE_RESAMPLE1D_TAIL of
 * the coefficients' sum left out) against the interpolant summed directly in long double, on
 * random rows with every mode up to Nyquist (nothing can be left out) and on smooth rows (the
 * tail is dropped): even and odd lengths, lengths that are not a multiple of the 16-point
 * blocks, stretches, compressions, reflections and shifts far outside the period; both paths
 * (the blocked product on AVX-512, the per-point recurrences elsewhere). Also: a NaN
 * in the row makes every output NaN (nothing silently dropped), a zero row gives zeros. */
#include "lie_test.h"

#include "augment/augment_impl.h"

/* f(x) = a_0 + sum_{k>=1} a_k cos(2 pi k x / L) + b_k sin(2 pi k x / L), k <= n/2 (b_{n/2} = 0
 * for even n: the samples cannot see it). */
typedef struct {
  int kmax;
  double a[600], b[600];
} trig;

static void random_trig(lie_rng *g, int n, double decay, trig *t) {
  t->kmax = n / 2;
  for (int k = 0; k <= t->kmax; k++) {
    double amp = exp(-decay * k);
    t->a[k] = amp * (2 * lie_rng_uniform(g) - 1);
    t->b[k] = (k == 0 || 2 * k == n) ? 0.0 : amp * (2 * lie_rng_uniform(g) - 1);
  }
}

static double eval_trig(const trig *t, double x, double L) {
  long double v = 0;
  for (int k = 0; k <= t->kmax; k++) {
    long double th = 2.0L * 3.14159265358979323846264338327950288L * k * (long double)x / L;
    v += t->a[k] * cosl(th) + t->b[k] * sinl(th);
  }
  return (double)v;
}

static double coef_sum(const trig *t) {
  double s = 0;
  for (int k = 0; k <= t->kmax; k++)
    s += hypot(t->a[k], t->b[k]);
  return s;
}

/* Max over maps of max_j |out_j - f(xi_j)| / sum_k |c_k|. */
static double worst_error(int n, double L, double decay, uint64_t seed) {
  lie_rng g;
  lie_rng_seed(&g, seed);
  trig t;
  random_trig(&g, n, decay, &t);
  double *row = malloc(sizeof(double) * n), *out = malloc(sizeof(double) * n), h = L / n, worst = 0;
  for (int j = 0; j < n; j++)
    row[j] = eval_trig(&t, j * h, L);
  lie_resample1d *rs;
  LIE_TEST_CALL(lie_resample1d_get(n, L, &rs));
  const double alphas[] = {1.1, 0.9, 0.5, 1.7, -1.0, 1.0 + 1e-9};
  for (int m = 0; m < 6; m++) {
    double beta = (20 * lie_rng_uniform(&g) - 10) * L;
    LIE_TEST_CALL(lie_resample1d_affine(rs, row, alphas[m], beta, out));
    for (int j = 0; j < n; j++)
      worst = lie_test_max(worst, fabs(out[j] - eval_trig(&t, beta + alphas[m] * j * h, L)) / coef_sum(&t));
  }
  free(row), free(out);
  return worst;
}

static void special_rows(int n) {
  double *row = calloc(n, sizeof(double)), *out = malloc(sizeof(double) * n);
  lie_resample1d *rs;
  LIE_TEST_CALL(lie_resample1d_get(n, 3.0, &rs));
  LIE_TEST_CALL(lie_resample1d_affine(rs, row, 1.2, 0.3, out));
  int zeros = 1, nans = 1;
  for (int j = 0; j < n; j++)
    zeros &= out[j] == 0.0;
  row[n / 3] = NAN;
  LIE_TEST_CALL(lie_resample1d_affine(rs, row, 1.2, 0.3, out));
  for (int j = 0; j < n; j++)
    nans &= isnan(out[j]);
  char what[96];
  snprintf(what, sizeof what, "n = %d: a zero row gives zeros", n);
  LIE_TEST_TRUE(zeros, what);
  snprintf(what, sizeof what, "n = %d: a NaN in the row makes every value NaN", n);
  LIE_TEST_TRUE(nans, what);
  free(row), free(out);
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  const int ns[] = {256, 255, 100, 33, 16, 7, 2};
  for (int path = 0; path < 2 * 7; path++) {
    int i = path % 7, blocked = path < 7;
    if (blocked && !__builtin_cpu_supports("avx512f")) continue; /* that path needs AVX-512 */
    lie_resample1d_use_blocked(blocked);
    printf("# %s path\n", blocked ? "blocked (AVX-512)" : "per-point recurrence");
    char what[128];
    double flat = worst_error(ns[i], 2 * M_PI * 1.7, 0.0, 100 + i);
    snprintf(what, sizeof what, "n = %d, every mode up to Nyquist: |affine - exact| / sum|c|", ns[i]);
    LIE_TEST_LE(flat, 1e-13, what); /* rounding of the sum and of the phasor recurrences */
    double smooth = worst_error(ns[i], 64.0, 0.25, 200 + i);
    snprintf(what, sizeof what, "n = %d, smooth (tail dropped): |affine - exact| / sum|c|", ns[i]);
    LIE_TEST_LE(smooth, 1e-13 + LIE_RESAMPLE1D_TAIL, what);
    special_rows(ns[i]);
  }
  lie_aug_thread_cleanup();
  return lie_test_finish();
}
