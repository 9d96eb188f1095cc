/* Central-difference gradient checking for the nn tests.
 * The scalar checked is L = sum_i r_i out_i with fixed random r (accumulated in double), so
 * dL/dout = r feeds the backward pass. For each checked element x_j the numerical gradient
 * (L(x_j + h) - L(x_j - h)) / 2h is compared with the analytic one; the error reported is
 * max_j |num_j - ana_j| / max_j |ana_j| over the tensor. */
#ifndef LIE_TEST_GRADCHECK_H
#define LIE_TEST_GRADCHECK_H
#include "lie_test.h"

typedef void (*gc_forward_fn)(void *ctx); /* recomputes the output from the current inputs */

static double gc_loss(gc_forward_fn f, void *ctx, const float *out, const float *r, size_t n) {
  f(ctx);
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += (double)r[i] * out[i];
  return s;
}

/* Checks up to `maxcheck` elements of x (evenly strided), returns the relative error. */
static double gc_check(const char *what, float *x, size_t nx, const float *ana, gc_forward_fn f, void *ctx,
                       const float *out, const float *r, size_t nout, float h, size_t maxcheck) {
  double maxerr = 0.0, maxana = 0.0;
  size_t stride = nx > maxcheck ? nx / maxcheck : 1;
  for (size_t j = 0; j < nx; j += stride) {
    float x0 = x[j];
    x[j] = x0 + h;
    double lp = gc_loss(f, ctx, out, r, nout);
    x[j] = x0 - h;
    double lm = gc_loss(f, ctx, out, r, nout);
    x[j] = x0;
    /* the perturbation actually applied in float */
    double num = (lp - lm) / ((double)(x0 + h) - (double)(x0 - h));
    double e = fabs(num - ana[j]);
    maxerr = lie_test_max(maxerr, e);
  }
  for (size_t j = 0; j < nx; j++)
    maxana = lie_test_max(maxana, fabs(ana[j]));
  f(ctx); /* leave the output consistent with x */
  double rel = maxerr / (maxana > 1e-30 ? maxana : 1e-30);
  printf("     %-34s n=%-6zu max|ana|=%.3e rel.err=%.3e\n", what, nx, maxana, rel);
  return rel;
}

static void gc_fill(lie_rng *rng, float *x, size_t n, double lo, double hi) {
  for (size_t i = 0; i < n; i++)
    x[i] = (float)lie_rng_range(rng, lo, hi);
}

/* Values in +-[0.1, 1): away from the ReLU kink at 0 by far more than h. */
static void gc_fill_nokink(lie_rng *rng, float *x, size_t n) {
  for (size_t i = 0; i < n; i++) {
    double v = lie_rng_range(rng, 0.1, 1.0);
    x[i] = (float)(lie_rng_uniform(rng) < 0.5 ? -v : v);
  }
}
#endif
