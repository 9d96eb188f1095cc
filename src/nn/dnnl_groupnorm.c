/* Group norm on the oneDNN backend. oneDNN 2.6 has no group normalisation (its layer norm
 * normalises the last dimension only), so the layer is computed here directly on the
 * tensors' own layout (nchw, nChw8c/16c, nhwc: rows of channel blocks, lie_dnnl_chan_layout),
 * sparing the four reorders per pass a plain-layout detour costs. Same formulas as the
 * reference layer (groupnorm.c): two-pass mean/variance in double per (sample, group);
 * padded channels of a blocked tensor are skipped on read and written as 0. */
#include "dnnl_impl.h"

#if LIEREG_HAVE_DNNL
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* element (b, c, i) of a channel-blocked tensor */
static inline size_t at(const lie_nn_chan_layout *L, int b, int c, int i) {
  return (((size_t)b * L->Cb + c / L->blk) * L->HW + i) * L->blk + c % L->blk;
}

int lie_dnnl_groupnorm_setup(lie_nn_net net, lie_nn_node *n, dnode *d) {
  lie_nn_chan_layout Lx, Ly;
  (void)d;
  LIE_CALL(lie_dnnl_chan_layout(net, n->in[0], &Lx));
  LIE_CALL(lie_dnnl_chan_layout(net, n->out, &Ly));
  LIE_CHECK(Lx.blk == Ly.blk && Lx.Cb == Ly.Cb && Lx.HW == Ly.HW, LIE_ERR_NOTSUP,
            "oneDNN backend: %s needs the same layout for input and output", n->name);
  return LIE_OK;
}

// x (B,C,HW) in its layout -> y = (x - mean[b,g]) rstd[b,g] gamma[c] + beta[c]; mean, rstd (B,G)
int lie_dnnl_groupnorm_forward(lie_nn_net net, lie_nn_node *n, dnode *d) {
  lie_nn_chan_layout L;
  const int G = n->R;
  const float *x = net->t[n->in[0]].data, *gamma = lie_nn_param(net, n->w), *beta = lie_nn_param(net, n->b);
  float *y = net->t[n->out].data;
  (void)d;
  LIE_CALL(lie_dnnl_chan_layout(net, n->in[0], &L));
  LIE_CHECK(dnnl_stream_wait(S(net)->st) == dnnl_success, LIE_ERR_DNNL, "oneDNN stream wait failed");
  const int Cg = L.C / G;
  const double cnt = (double)Cg * L.HW;
  double *acc = calloc((size_t)L.B * G, sizeof(double));
  LIE_CHECK(acc, LIE_ERR_MEM, "out of memory (%s)", n->name);
#pragma omp parallel for schedule(static)
  for (int b = 0; b < L.B; b++) {
    double *s = acc + (size_t)b * G;
    for (int c = 0; c < L.C; c++)
      for (int i = 0; i < L.HW; i++)
        s[c / Cg] += x[at(&L, b, c, i)];
    for (int g = 0; g < G; g++)
      n->mean[b * G + g] = (float)(s[g] / cnt), s[g] = 0.0;
    for (int c = 0; c < L.C; c++) {
      double m = n->mean[b * G + c / Cg];
      for (int i = 0; i < L.HW; i++) {
        double e = x[at(&L, b, c, i)] - m;
        s[c / Cg] += e * e;
      }
    }
    for (int g = 0; g < G; g++)
      n->rstd[b * G + g] = (float)(1.0 / sqrt(s[g] / cnt + 1e-5));
    for (int cb = 0; cb < L.Cb; cb++)
      for (int i = 0; i < L.HW; i++)
        for (int j = 0; j < L.blk; j++) {
          int c = cb * L.blk + j;
          size_t q = (((size_t)b * L.Cb + cb) * L.HW + i) * L.blk + j;
          if (c >= L.C) {
            y[q] = 0.0f;
            continue;
          }
          int g = c / Cg;
          y[q] = (float)(((double)x[q] - n->mean[b * G + g]) * n->rstd[b * G + g] * gamma[c] + beta[c]);
        }
  }
  free(acc);
  return LIE_OK;
}

// dy -> dx = rstd (h - mean_g(h) - xhat mean_g(h xhat)), h = dy gamma (stored or added);
// dgamma[c] += sum dy xhat, dbeta[c] += sum dy
int lie_dnnl_groupnorm_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx) {
  lie_nn_chan_layout L;
  dstate *s = S(net);
  const int G = n->R;
  const float *x = net->t[n->in[0]].data, *dy = net->t[n->out].grad, *gamma = lie_nn_param(net, n->w);
  float *dx = net->t[n->in[0]].grad, *dgamma = lie_nn_grad(net, n->w), *dbeta = lie_nn_grad(net, n->b);
  LIE_CALL(lie_dnnl_chan_layout(net, n->in[0], &L));
  LIE_CHECK(dnnl_stream_wait(s->st) == dnnl_success, LIE_ERR_DNNL, "oneDNN stream wait failed");
  const int Cg = L.C / G;
  const double cnt = (double)Cg * L.HW;
#define XHAT(b, c, q) (((double)x[q] - n->mean[(b)*G + (c) / Cg]) * n->rstd[(b)*G + (c) / Cg])
#pragma omp parallel for schedule(static)
  for (int c = 0; c < L.C; c++) {
    double dg = 0.0, db = 0.0;
    for (int b = 0; b < L.B; b++)
      for (int i = 0; i < L.HW; i++) {
        size_t q = at(&L, b, c, i);
        dg += dy[q] * XHAT(b, c, q), db += dy[q];
      }
    dgamma[c] += (float)dg, dbeta[c] += (float)db;
  }
  if (!want_dx) return LIE_OK;
  if (!d->acc[0]) memset(dx, 0, dnnl_memory_desc_get_size(&s->md[n->in[0]]));
  double *acc = calloc(2 * (size_t)L.B * G, sizeof(double));
  LIE_CHECK(acc, LIE_ERR_MEM, "out of memory (%s)", n->name);
#pragma omp parallel for schedule(static)
  for (int b = 0; b < L.B; b++) {
    double *sh = acc + 2 * (size_t)b * G, *shx = sh + G;
    for (int c = 0; c < L.C; c++)
      for (int i = 0; i < L.HW; i++) {
        size_t q = at(&L, b, c, i);
        double h = (double)dy[q] * gamma[c];
        sh[c / Cg] += h, shx[c / Cg] += h * XHAT(b, c, q);
      }
    for (int c = 0; c < L.C; c++) {
      int g = c / Cg;
      double r = n->rstd[b * G + g], mh = sh[g] / cnt, mhx = shx[g] / cnt;
      for (int i = 0; i < L.HW; i++) {
        size_t q = at(&L, b, c, i);
        dx[q] += (float)(r * ((double)dy[q] * gamma[c] - mh - XHAT(b, c, q) * mhx));
      }
    }
  }
#undef XHAT
  free(acc);
  return LIE_OK;
}
#endif
