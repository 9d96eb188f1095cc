/* Synchronised (cross-replica) batch norm for data-parallel training: the reference layer
 * with its per-channel sums reduced over the replicas through a caller-supplied callback,
 * so nn stays free of MPI. Same formulas as batchnorm.c with N the global count. */
#include "batchnorm_impl.h"
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

/* [count, C sums, C sums]: one buffer, so that one reduction carries the count and the sums. */
static int sums_alloc(int B, int C, int HW, double **buf) {
  LIE_ALLOC(*buf, 2 * (size_t)C + 1);
  (*buf)[0] = (double)B * HW;
  return LIE_OK;
}

/* ------------------------------------------------------------ one rank failing in a pass
 * The reductions of a pass come in a fixed sequence on every rank: two per batch norm in the
 * training forward ([count, sums] then [squared deviations]), one per batch norm that
 * computes dx in the backward ([count, sums, sums]). A rank that fails between two of them
 * (a fault, a primitive error) would leave the others waiting in the next one; instead it
 * makes exactly that next reduction with a NaN count, so every rank's batch norm fails
 * there, and the caller's lie_ctx_agree names the rank that failed. */
void lie_nn_bn_pass_begin(lie_nn_net net, int phase, int need_dx) {
  net->bn_phase = net->bn_reduce ? phase : 0;
  net->bn_need_dx = need_dx;
  net->bn_calls = 0;
}

/* Does reduction number k of the pass carry the count in buf[0]? */
static int carries_count(lie_nn_net net, int k) { return net->bn_phase == 2 || k % 2 == 0; }

int lie_nn_bn_reduce(double *buf, int n, void *user) {
  lie_nn_net net = (lie_nn_net)user;
  const int counted = carries_count(net, net->bn_calls);
  if (counted) LIE_CALL(lie_fault(net->ctx, "bn_sync")); /* test hook (src/core/fault.c) */
  int err = net->bn_reduce(buf, n, net->bn_reduce_user);
  net->bn_calls++;
  LIE_CALL(err);
  if (counted && !(buf[0] > 0))
    return lie_error_mark_peer(
        LIE_RECORD(LIE_ERR_STATE, "synchronised batch norm: another rank failed during this training step"));
  return LIE_OK;
}

/* Channels of the batch norm whose reduction is number k of the pass (-1: none is left). */
static int pending_channels(lie_nn_net net, int k) {
  const int fwd = net->bn_phase == 1;
  for (int q = 0; q < net->nn; q++) {
    const lie_nn_node *n = &net->nodes[fwd ? q : net->nn - 1 - q];
    if (n->op != LIE_OP_BN || (!fwd && n->in[0] == 0 && !net->bn_need_dx)) continue;
    if (k-- == 0) return net->t[n->in[0]].C;
  }
  return -1;
}

void lie_nn_bn_pass_abandon(lie_nn_net net) {
  const int phase = net->bn_phase, k = phase == 1 ? net->bn_calls / 2 : net->bn_calls;
  /* nothing to meet: no synchronised pass, the others already failed with us, or this rank
   * stopped between a forward norm's two reductions (nothing there fails locally) */
  if (!phase || lie_error_is_peer() || !carries_count(net, net->bn_calls)) return;
  const int C = pending_channels(net, k);
  net->bn_phase = 0;
  if (C < 0) return; /* past the last norm: the others meet this rank at the caller's agreement */
  const int n = phase == 1 ? C + 1 : 2 * C + 1;
  double *buf = calloc((size_t)n, sizeof *buf);
  if (!buf) return; /* cannot happen in practice (a few KB); the CLI's time limit remains */
  buf[0] = NAN;
  (void)net->bn_reduce(buf, n, net->bn_reduce_user); /* its outcome is known: everyone fails */
  free(buf);
}

// inp (B,C,HW) -> out (B,C,HW); mean, rstd (C) of the GLOBAL batch (all replicas)
// buf = [count, sum_c x] reduced, mean = sum/count; then [sum_c (x-mean)^2] reduced.
int lie_nn_batchnorm_forward_sync(float *out, float *mean, float *rstd, const float *inp, const float *gamma,
                                  const float *beta, float *run_mean, float *run_var, int B, int C, int HW,
                                  float momentum, float eps, lie_nn_reduce_fn reduce, void *user) {
  double *buf;
  int err = LIE_OK;
  LIE_CALL(sums_alloc(B, C, HW, &buf));
  double *m = buf + 1, *ss = buf + 1 + C;
#pragma omp parallel for schedule(static)
  for (int c = 0; c < C; c++)
    m[c] = lie_bn_chan_sum(inp, B, C, HW, c);
  LIE_CALL_GOTO(reduce(buf, C + 1, user));
  const double N = buf[0];
  for (int c = 0; c < C; c++)
    m[c] /= N;
#pragma omp parallel for schedule(static)
  for (int c = 0; c < C; c++)
    ss[c] = lie_bn_chan_sqdev(inp, B, C, HW, c, m[c]);
  LIE_CALL_GOTO(reduce(ss, C, user));
#pragma omp parallel for schedule(static)
  for (int c = 0; c < C; c++) {
    double v = ss[c] / N, rs = 1.0 / sqrt(v + eps);
    if (run_mean) run_mean[c] = (float)((1.0 - momentum) * run_mean[c] + momentum * m[c]);
    if (run_var) run_var[c] = (float)((1.0 - momentum) * run_var[c] + momentum * (N > 1 ? ss[c] / (N - 1) : v));
    mean[c] = (float)m[c];
    rstd[c] = (float)rs;
    lie_bn_chan_normalize(out, inp, B, C, HW, c, m[c], rs, gamma ? gamma[c] : 1.0, beta ? beta[c] : 0.0);
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
  LIE_CALL(sums_alloc(B, C, HW, &buf));
  double *sdy = buf + 1, *sdyx = buf + 1 + C;
#pragma omp parallel for schedule(static)
  for (int c = 0; c < C; c++) {
    lie_bn_chan_grad_sums(dout, inp, B, C, HW, c, mean[c], rstd[c], &sdy[c], &sdyx[c]);
    if (dgamma) dgamma[c] += (float)sdyx[c];
    if (dbeta) dbeta[c] += (float)sdy[c];
  }
  if (!dinp) goto done; /* parameter gradients only: nothing to reduce */
  LIE_CALL_GOTO(reduce(buf, 2 * C + 1, user));
  const double N = buf[0];
#pragma omp parallel for schedule(static)
  for (int c = 0; c < C; c++) {
    const double gm = gamma ? gamma[c] : 1.0, mg = gm * sdy[c] / N, mgx = gm * sdyx[c] / N;
    lie_bn_chan_dx(dinp, dout, inp, B, C, HW, c, mean[c], rstd[c], gm, mg, mgx);
  }
done:
  free(buf);
  return err;
}
