/* Per-channel kernels of batch normalisation, shared by the reference layer (batchnorm.c)
 * and its cross-replica form (batchnorm_sync.c): the formulas are the same, only where the
 * statistics come from differs (this replica's batch, or sums reduced over the replicas).
 * Tensors are (B, C, HW); c is the channel. Static inline, so each layer's loops compile as
 * before (same operations in the same order). */
#ifndef LIEREG_BATCHNORM_IMPL_H
#define LIEREG_BATCHNORM_IMPL_H

#include <stddef.h>

/* Σ x over (B, HW). */
static inline double lie_bn_chan_sum(const float *inp, int B, int C, int HW, int c) {
  double s = 0.0;
  for (int b = 0; b < B; b++) {
    const float *x = inp + ((size_t)b * C + c) * HW;
    for (int i = 0; i < HW; i++)
      s += x[i];
  }
  return s;
}

/* Σ (x − m)² over (B, HW). */
static inline double lie_bn_chan_sqdev(const float *inp, int B, int C, int HW, int c, double m) {
  double s = 0.0;
  for (int b = 0; b < B; b++) {
    const float *x = inp + ((size_t)b * C + c) * HW;
    for (int i = 0; i < HW; i++)
      s += (x[i] - m) * (x[i] - m);
  }
  return s;
}

/* y = (x − m) rs g + bt. */
static inline void lie_bn_chan_normalize(float *out, const float *inp, int B, int C, int HW, int c, double m, double rs,
                                         double g, double bt) {
  for (int b = 0; b < B; b++) {
    const float *x = inp + ((size_t)b * C + c) * HW;
    float *y = out + ((size_t)b * C + c) * HW;
    for (int i = 0; i < HW; i++)
      y[i] = (float)((x[i] - m) * rs * g + bt);
  }
}

/* *sdy = Σ dy, *sdyx = Σ dy x̂ with x̂ = (x − m) rs. */
static inline void lie_bn_chan_grad_sums(const float *dout, const float *inp, int B, int C, int HW, int c, double m,
                                         double rs, double *sdy, double *sdyx) {
  double a = 0.0, bx = 0.0;
  for (int b = 0; b < B; b++) {
    const float *x = inp + ((size_t)b * C + c) * HW, *dy = dout + ((size_t)b * C + c) * HW;
    for (int i = 0; i < HW; i++) {
      a += dy[i];
      bx += dy[i] * (x[i] - m) * rs;
    }
  }
  *sdy = a, *sdyx = bx;
}

/* dx += rs (gm dy − mg − x̂ mgx): mg, mgx the means of g = gm dy and g x̂ (0 in inference). */
static inline void lie_bn_chan_dx(float *dinp, const float *dout, const float *inp, int B, int C, int HW, int c,
                                  double m, double rs, double gm, double mg, double mgx) {
  for (int b = 0; b < B; b++) {
    const float *x = inp + ((size_t)b * C + c) * HW, *dy = dout + ((size_t)b * C + c) * HW;
    float *dx = dinp + ((size_t)b * C + c) * HW;
    for (int i = 0; i < HW; i++) {
      double xh = (x[i] - m) * rs;
      dx[i] += (float)(rs * (gm * dy[i] - mg - xh * mgx));
    }
  }
}

#endif
