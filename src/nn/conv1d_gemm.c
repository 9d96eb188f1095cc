/* Backward-weights of a 1D convolution on channels-last (nwc) tensors as plain GEMMs, with
 * no im2col copy (issue 15). oneDNN 2.6's backward-weights kernel is the slowest pass of a
 * 1D training step (77-80 GFLOP per CPU second against 100-107 for forward and
 * backward-data); its own sgemm runs these shapes faster, so the conv bwd-w is recast:
 *
 *   x  (N, Win, C) rows of C channels, dy (N, OW, K) rows of K, Win == stride * OW
 *   dw[k][s][c] = sum_{b,t} dy[b,t,k] * x[b, stride*t + s - pad, c]      (taps outside 0)
 *
 * Flattening (b,t) into one row index r = b*OW + t, the input row of tap s is
 * stride*r + s - pad in the flattened x as well (because Win == stride*OW), so each tap is
 * ONE GEMM over all rows: dw_s (K x C) = dy^T (K x R) . x_s (R x C), ld(x_s) = stride*C.
 * The only wrong terms are the rows of a tap that fall into the neighbouring sample (the
 * zero padding at sample edges): pad-s rows per sample at most, removed by a GEMM over the
 * samples with the row stride of one sample (alpha = -1). At W = 8 this is 2 of 24 row
 * products (8 %) extra work, at W >= 32 under 2 %. */
#include "conv1d_gemm.h"

#if LIEREG_HAVE_DNNL
#include <dnnl.h>

static int sgemm_tn(int64_t M, int64_t Nn, int64_t Kd, float alpha, const float *A, int64_t lda, const float *B,
                    int64_t ldb, float beta, float *Cm, int64_t ldc) {
  return dnnl_sgemm('T', 'N', M, Nn, Kd, alpha, A, lda, B, ldb, beta, Cm, ldc) == dnnl_success ? 0 : -1;
}

int lie_nn_conv1d_gemm_ok(const lie_nn_conv1d_gemm *g) {
  return g->N > 0 && g->C > 0 && g->K > 0 && g->k > 0 && g->stride > 0 && g->pad >= 0 && g->pad < g->k &&
         g->Win == g->stride * g->OW && g->OW > 0;
}

/* Tap s of input row r: stride*r + s - pad (flattened). The rows r whose input row lies in
 * [0, N*Win) form [r0, r1). */
static void tap_rows(const lie_nn_conv1d_gemm *g, int s, int64_t *r0, int64_t *r1) {
  int64_t off = s - g->pad, R = (int64_t)g->N * g->OW, X = (int64_t)g->N * g->Win;
  *r0 = off >= 0 ? 0 : (-off + g->stride - 1) / g->stride;
  int64_t last = (X - 1 - off) / g->stride + 1; /* first r with input row >= X */
  *r1 = last < R ? last : R;
}

// x (N*Win, C), dy (N*OW, K) -> dw (K, k, C) (ohwi); db (K) = column sums of dy, or NULL
int lie_nn_conv1d_gemm_bwd_weights(const lie_nn_conv1d_gemm *g, const float *x, const float *dy, float *dw, float *db) {
  const int64_t K = g->K, C = g->C, S = g->stride, ldw = (int64_t)g->k * C;
  for (int s = 0; s < g->k; s++) {
    int64_t r0, r1, off = s - g->pad;
    tap_rows(g, s, &r0, &r1);
    float *dws = dw + (int64_t)s * C;
    if (r1 <= r0) { /* no valid row at all (tiny inputs) */
      for (int64_t i = 0; i < K; i++)
        for (int64_t c = 0; c < C; c++)
          dws[i * ldw + c] = 0;
      continue;
    }
    if (sgemm_tn(K, C, r1 - r0, 1.0f, dy + r0 * K, K, x + (S * r0 + off) * C, S * C, 0.0f, dws, ldw)) return -1;
    /* remove the rows of this tap that read a neighbouring sample: t with input row
     * S*t + off outside [0, Win), for every sample whose flattened row lies in [r0, r1) */
    for (int64_t t = 0; t < g->OW; t++) {
      int64_t in = S * t + off;
      if (in >= 0 && in < g->Win) continue;
      int64_t b0 = 0, b1 = g->N; /* samples with r = b*OW + t inside [r0, r1) */
      while (b0 < b1 && b0 * g->OW + t < r0)
        b0++;
      while (b1 > b0 && (b1 - 1) * g->OW + t >= r1)
        b1--;
      if (b1 <= b0) continue;
      int64_t r = b0 * g->OW + t;
      if (sgemm_tn(K, C, b1 - b0, -1.0f, dy + r * K, g->OW * K, x + (S * r + off) * C, (int64_t)g->Win * C, 1.0f, dws,
                   ldw))
        return -1;
    }
  }
  if (db) {
    for (int64_t i = 0; i < K; i++)
      db[i] = 0;
    for (int64_t r = 0; r < (int64_t)g->N * g->OW; r++)
      for (int64_t i = 0; i < K; i++)
        db[i] += dy[r * K + i];
  }
  return 0;
}
#endif
