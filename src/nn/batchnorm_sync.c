/* Synchronised (cross-replica) batch norm for data-parallel training: the reference layer
 * with its per-channel sums reduced over the replicas through a caller-supplied callback,
 * so nn stays free of MPI. Same formulas as batchnorm.c with N the global count. */
#include "nn_impl.h"

#include <math.h>
#include <stdlib.h>

int lie_nn_net_set_bn_reduce(lie_nn_net net, lie_nn_reduce_fn fn, void *user) {
  /* Both backends honour the hook: the reference one with lie_nn_batchnorm_*_sync, the
   * oneDNN one with global-statistics primitives fed by the same reductions (dnnl_backend.c). */
  LIE_CHECK(net->is_setup, LIE_ERR_STATE, "lie_nn_net_set_bn_reduce before setup");
  net->bn_reduce = fn;
  net->bn_reduce_user = user;
  return LIE_OK;
}

/* Sum over (B, HW) of channel c. */
static double chan_sum(const float *inp, int B, int C, int HW, int c) {
  double s = 0.0;
  for (int b = 0; b < B; b++) {
    const float *x = inp + ((size_t)b * C + c) * HW;
    for (int i = 0; i < HW; i++)
      s += x[i];
  }
  return s;
}

// inp (B,C,HW) -> out (B,C,HW); mean, rstd (C) of the GLOBAL batch (all replicas)
// buf = [count, sum_c x] reduced, mean = sum/count; then [sum_c (x-mean)^2] reduced.
int lie_nn_batchnorm_forward_sync(float *out, float *mean, float *rstd, const float *inp, const float *gamma,
                                  const float *beta, float *run_mean, float *run_var, int B, int C, int HW,
                                  float momentum, float eps, lie_nn_reduce_fn reduce, void *user) {
  double *buf;
  int err = LIE_OK;
  LIE_ALLOC(buf, 2 * (size_t)C + 1);
  double *m = buf + 1, *ss = buf + 1 + C;
  buf[0] = (double)B * HW;
#pragma omp parallel for schedule(static)
  for (int c = 0; c < C; c++)
    m[c] = chan_sum(inp, B, C, HW, c);
  LIE_CALL_GOTO(reduce(buf, C + 1, user));
  const double N = buf[0];
  for (int c = 0; c < C; c++)
    m[c] /= N;
#pragma omp parallel for schedule(static)
  for (int c = 0; c < C; c++) {
    double s = 0.0, mc = m[c];
    for (int b = 0; b < B; b++) {
      const float *x = inp + ((size_t)b * C + c) * HW;
      for (int i = 0; i < HW; i++)
        s += (x[i] - mc) * (x[i] - mc);
    }
    ss[c] = s;
  }
  LIE_CALL_GOTO(reduce(ss, C, user));
#pragma omp parallel for schedule(static)
  for (int c = 0; c < C; c++) {
    double v = ss[c] / N, rs = 1.0 / sqrt(v + eps);
    if (run_mean) run_mean[c] = (float)((1.0 - momentum) * run_mean[c] + momentum * m[c]);
    if (run_var) run_var[c] = (float)((1.0 - momentum) * run_var[c] + momentum * (N > 1 ? ss[c] / (N - 1) : v));
    mean[c] = (float)m[c];
    rstd[c] = (float)rs;
    double g = gamma ? gamma[c] : 1.0, bt = beta ? beta[c] : 0.0, mc = m[c];
    for (int b = 0; b < B; b++) {
      const float *x = inp + ((size_t)b * C + c) * HW;
      float *y = out + ((size_t)b * C + c) * HW;
      for (int i = 0; i < HW; i++)
        y[i] = (float)((x[i] - mc) * rs * g + bt);
    }
  }
done:
  free(buf);
  return err;
}

// dout (B,C,HW) -> dinp (B,C,HW) +=, dgamma (C) += local, dbeta (C) += local
//   dx = rstd * (g - mean_global(g) - xhat * mean_global(g * xhat)),  g = dout * gamma
int lie_nn_batchnorm_backward_sync(float *dinp, float *dgamma, float *dbeta, const float *dout, const float *inp,
                                   const float *mean, const float *rstd, const float *gamma, int B, int C, int HW,
                                   lie_nn_reduce_fn reduce, void *user) {
  double *buf;
  int err = LIE_OK;
  LIE_ALLOC(buf, 2 * (size_t)C + 1);
  double *sdy = buf + 1, *sdyx = buf + 1 + C;
  buf[0] = (double)B * HW;
#pragma omp parallel for schedule(static)
  for (int c = 0; c < C; c++) {
    const double m = mean[c], rs = rstd[c];
    double a = 0.0, bx = 0.0;
    for (int b = 0; b < B; b++) {
      const float *x = inp + ((size_t)b * C + c) * HW, *dy = dout + ((size_t)b * C + c) * HW;
      for (int i = 0; i < HW; i++) {
        a += dy[i];
        bx += dy[i] * (x[i] - m) * rs;
      }
    }
    sdy[c] = a, sdyx[c] = bx;
    if (dgamma) dgamma[c] += (float)bx;
    if (dbeta) dbeta[c] += (float)a;
  }
  if (!dinp) goto done; /* parameter gradients only: nothing to reduce */
  LIE_CALL_GOTO(reduce(buf, 2 * C + 1, user));
  const double N = buf[0];
#pragma omp parallel for schedule(static)
  for (int c = 0; c < C; c++) {
    const double m = mean[c], rs = rstd[c], gm = gamma ? gamma[c] : 1.0;
    const double mg = gm * sdy[c] / N, mgx = gm * sdyx[c] / N;
    for (int b = 0; b < B; b++) {
      const float *x = inp + ((size_t)b * C + c) * HW, *dy = dout + ((size_t)b * C + c) * HW;
      float *dx = dinp + ((size_t)b * C + c) * HW;
      for (int i = 0; i < HW; i++) {
        double xh = (x[i] - m) * rs;
        dx[i] += (float)(rs * (gm * dy[i] - mg - xh * mgx));
      }
    }
  }
done:
  free(buf);
  return err;
}
