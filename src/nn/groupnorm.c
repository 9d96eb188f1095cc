/* Reference group normalisation (torch.nn.GroupNorm, Wu & He 2018): per sample, the C
 * channels split into G groups of C/G; each group is normalised with its own mean and
 * biased variance over (C/G) x HW values, then scaled and shifted per channel. Unlike batch
 * norm it has no batch statistics and no running buffers: training and inference agree,
 * which suits autoregressive rollouts (PDEArena's U-Net uses GroupNorm(1, C)). */
#include "liereg/nn.h"

#include <math.h>

// inp (B,C,HW), gamma (C), beta (C) -> out (B,C,HW); mean, rstd (B,G) saved for backward
// out[b,c,i] = (inp[b,c,i] - mean[b,g]) * rstd[b,g] * gamma[c] + beta[c],  g = c / (C/G)
void lie_nn_groupnorm_forward(float *out, float *mean, float *rstd, const float *inp, const float *gamma,
                              const float *beta, int B, int C, int HW, int G, float eps) {
  const int Cg = C / G;
  const size_t n = (size_t)Cg * HW;
#pragma omp parallel for collapse(2) schedule(static)
  for (int b = 0; b < B; b++)
    for (int g = 0; g < G; g++) {
      const float *x = inp + ((size_t)b * C + (size_t)g * Cg) * HW;
      float *y = out + ((size_t)b * C + (size_t)g * Cg) * HW;
      double s = 0.0, v = 0.0;
      for (size_t i = 0; i < n; i++)
        s += x[i];
      double m = s / n;
      for (size_t i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m);
      double r = 1.0 / sqrt(v / n + eps);
      mean[b * G + g] = (float)m, rstd[b * G + g] = (float)r;
      for (int c = 0; c < Cg; c++) {
        int cc = g * Cg + c;
        for (int i = 0; i < HW; i++)
          y[(size_t)c * HW + i] = (float)((x[(size_t)c * HW + i] - m) * r * gamma[cc] + beta[cc]);
      }
    }
}

// dout (B,C,HW) -> dinp (B,C,HW) += rstd (h - mean(h) - xhat mean(h xhat)) over the group, h = dout*gamma;
// dgamma (C) += sum_{b,i} dout xhat; dbeta (C) += sum_{b,i} dout
void lie_nn_groupnorm_backward(float *dinp, float *dgamma, float *dbeta, const float *dout, const float *inp,
                               const float *mean, const float *rstd, const float *gamma, int B, int C, int HW, int G) {
  const int Cg = C / G;
  const size_t n = (size_t)Cg * HW;
  if (dinp) {
#pragma omp parallel for collapse(2) schedule(static)
    for (int b = 0; b < B; b++)
      for (int g = 0; g < G; g++) {
        const size_t o = ((size_t)b * C + (size_t)g * Cg) * HW;
        const double m = mean[b * G + g], r = rstd[b * G + g];
        double sh = 0.0, shx = 0.0;
        for (int c = 0; c < Cg; c++)
          for (int i = 0; i < HW; i++) {
            size_t q = o + (size_t)c * HW + i;
            double h = (double)dout[q] * gamma[g * Cg + c], xh = (inp[q] - m) * r;
            sh += h, shx += h * xh;
          }
        sh /= n, shx /= n;
        for (int c = 0; c < Cg; c++)
          for (int i = 0; i < HW; i++) {
            size_t q = o + (size_t)c * HW + i;
            double h = (double)dout[q] * gamma[g * Cg + c], xh = (inp[q] - m) * r;
            dinp[q] += (float)(r * (h - sh - xh * shx));
          }
      }
  }
#pragma omp parallel for schedule(static)
  for (int c = 0; c < C; c++) {
    const int g = c / Cg;
    double dg = 0.0, db = 0.0;
    for (int b = 0; b < B; b++) {
      const double m = mean[b * G + g], r = rstd[b * G + g];
      for (int i = 0; i < HW; i++) {
        size_t q = ((size_t)b * C + c) * HW + i;
        dg += (double)dout[q] * (inp[q] - m) * r, db += dout[q];
      }
    }
    if (dgamma) dgamma[c] += (float)dg;
    if (dbeta) dbeta[c] += (float)db;
  }
}
