/* Per-channel sums over a batch-norm tensor in a backend's memory layout, for synchronised
 * batch norm on the oneDNN backend (whose tensors are blocked, not NCHW). One description
 * covers every layout the backend uses:
 *   element (b, c, i) at ((b*Cb + c/blk)*HW + i)*blk + c%blk,   i < HW = H*W,
 * nchw: blk = 1, Cb = C;  nChw8c/16c: blk = 8/16, Cb = ceil(C/blk);  nhwc and nc: blk = C,
 * Cb = 1 (nc: HW = 1). Padded channels (c >= C) of a blocked layout are skipped. Sums are
 * accumulated in double, like the reference layers. */
#include "nn_impl.h"

#include <math.h>
#include <stdlib.h>

/* out[c] = Σ_{b,i} x                      (center == NULL)
 *        = Σ_{b,i} (x − center[c])²       (otherwise) */
void lie_nn_chan_sums(const lie_nn_chan_layout *L, const float *x, const double *center, double *out) {
  const int nblk = L->Cb;
#pragma omp parallel for schedule(static)
  for (int cb = 0; cb < nblk; cb++) {
    const int c0 = cb * L->blk, nc = L->C - c0 < L->blk ? L->C - c0 : L->blk;
    double *o = out + c0;
    for (int k = 0; k < nc; k++)
      o[k] = 0.0;
    for (int b = 0; b < L->B; b++) {
      const float *p = x + ((size_t)b * L->Cb + cb) * L->HW * L->blk;
      for (int i = 0; i < L->HW; i++, p += L->blk)
        if (center)
          for (int k = 0; k < nc; k++) {
            double d = p[k] - center[c0 + k];
            o[k] += d * d;
          }
        else
          for (int k = 0; k < nc; k++)
            o[k] += p[k];
    }
  }
}

/* The cross-replica part of the batch-norm input gradient, in place:
 *   dx −= γ·rstd/N · (Σ_g dy' + x̂ · Σ_g dy'·x̂),   x̂ = (x − mean)·rstd, rstd = 1/√(var + eps)
 * where dx already holds γ·rstd·dy' (oneDNN's backward with global statistics) and the sums
 * are over the global batch of N elements per channel (sdy, sdyx). Written as
 * dx −= a_c + (x − mean_c)·k_c with per-channel a, k, walked in memory order. */
int lie_nn_chan_bn_correct(const lie_nn_chan_layout *L, float *dx, const float *x, const float *mean, const float *var,
                           const float *gamma, const double *sdy, const double *sdyx, double N, float eps) {
  const int nblk = L->Cb, blk = L->blk;
  double *a, *k, *m;
  LIE_ALLOC(a, 3 * (size_t)nblk * blk);
  k = a + (size_t)nblk * blk, m = k + (size_t)nblk * blk;
  for (int c = 0; c < nblk * blk; c++) { /* padded channels of a blocked layout: no change */
    double rs = c < L->C ? 1.0 / sqrt((double)var[c] + eps) : 0.0, g = c < L->C && gamma ? gamma[c] : 1.0;
    a[c] = c < L->C ? g * rs * sdy[c] / N : 0.0;
    k[c] = c < L->C ? g * rs * rs * sdyx[c] / N : 0.0;
    m[c] = c < L->C ? mean[c] : 0.0;
  }
#pragma omp parallel for collapse(2) schedule(static)
  for (int b = 0; b < L->B; b++)
    for (int cb = 0; cb < nblk; cb++) {
      const size_t base = ((size_t)b * nblk + cb) * L->HW * blk;
      const double *ac = a + (size_t)cb * blk, *kc = k + (size_t)cb * blk, *mc = m + (size_t)cb * blk;
      for (int i = 0; i < L->HW; i++) {
        float *d = dx + base + (size_t)i * blk;
        const float *xx = x + base + (size_t)i * blk;
        for (int j = 0; j < blk; j++)
          d[j] -= (float)(ac[j] + (xx[j] - mc[j]) * kc[j]);
      }
    }
  free(a);
  return LIE_OK;
}
