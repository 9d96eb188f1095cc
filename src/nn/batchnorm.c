/* Reference batch normalisation (PyTorch BatchNorm1d/2d semantics). */
#include "batchnorm_impl.h"
#include "liereg/nn.h"

#include <math.h>

// inp (B,C,HW) -> out (B,C,HW); mean, rstd (C) saved for backward
// train: mean/var over (B,HW), var biased; running_var gets the unbiased var (N/(N-1)),
//        as torch does, with r = (1-momentum) r + momentum * stat.
// eval:  mean/rstd come from the running statistics.
void lie_nn_batchnorm_forward(float *out, float *mean, float *rstd, const float *inp, const float *gamma,
                              const float *beta, float *run_mean, float *run_var, int B, int C, int HW, float momentum,
                              float eps, int train) {
  const double N = (double)B * HW;
#pragma omp parallel for schedule(static)
  for (int c = 0; c < C; c++) {
    double m, v;
    if (train) {
      m = lie_bn_chan_sum(inp, B, C, HW, c) / N;
      double ss = lie_bn_chan_sqdev(inp, B, C, HW, c, m);
      v = ss / N;
      if (run_mean) run_mean[c] = (float)((1.0 - momentum) * run_mean[c] + momentum * m);
      if (run_var) run_var[c] = (float)((1.0 - momentum) * run_var[c] + momentum * (N > 1 ? ss / (N - 1) : v));
    } else {
      m = run_mean[c];
      v = run_var[c];
    }
    double rs = 1.0 / sqrt(v + eps);
    mean[c] = (float)m;
    rstd[c] = (float)rs;
    lie_bn_chan_normalize(out, inp, B, C, HW, c, m, rs, gamma ? gamma[c] : 1.0, beta ? beta[c] : 0.0);
  }
}

// dout (B,C,HW) -> dinp (B,C,HW) +=, dgamma (C) +=, dbeta (C) +=
// With xhat = (x - mean) rstd and g = dout * gamma, training mode (mean/var depend on x):
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat))
// inference mode (constants): dx = rstd * g.
void lie_nn_batchnorm_backward(float *dinp, float *dgamma, float *dbeta, const float *dout, const float *inp,
                               const float *mean, const float *rstd, const float *gamma, int B, int C, int HW,
                               int train) {
  const double N = (double)B * HW;
#pragma omp parallel for schedule(static)
  for (int c = 0; c < C; c++) {
    const double m = mean[c], rs = rstd[c], gm = gamma ? gamma[c] : 1.0;
    double sdy, sdyx; /* sum dout, sum dout * xhat */
    lie_bn_chan_grad_sums(dout, inp, B, C, HW, c, m, rs, &sdy, &sdyx);
    if (dgamma) dgamma[c] += (float)sdyx;
    if (dbeta) dbeta[c] += (float)sdy;
    if (!dinp) continue;
    const double mg = train ? gm * sdy / N : 0.0, mgx = train ? gm * sdyx / N : 0.0;
    lie_bn_chan_dx(dinp, dout, inp, B, C, HW, c, m, rs, gm, mg, mgx);
  }
}
