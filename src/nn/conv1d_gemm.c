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
 * zero padding at sample edges): at most pad rows per sample edge. Their dy rows are set to
 * zero for that tap's GEMM and restored afterwards (saved in the caller's scratch), so every
 * tap stays one GEMM. The zeroed rows still cost their FLOPs: 2 of 3*W row products (8 % at
 * W = 8, under 2 % at W >= 32). An earlier version subtracted the wrong terms with one more
 * GEMM per edge row (reduction depth = the number of samples): those shallow GEMMs rewrote
 * the whole dw per call and cost more than their FLOPs (bench/nn/bench_bwdw).
 *
 * "Valid" convolutions (stride 1, no padding, Win = OW + k - 1: an input padded beforehand,
 * as the time-stepping CNN's circular padding does) do not flatten that way, since a sample
 * has more input rows than output rows. There dy is copied once into the scratch with
 * Win rows per sample, the k - 1 extra rows zero; then row r = b*Win + t of that copy meets
 * input row r + s for tap s, again one GEMM per tap over all samples, and the rows that
 * reach into the next sample meet zeros. */
#include "conv1d_gemm.h"

#if LIEREG_HAVE_DNNL
#include <dnnl.h>
#include <string.h>

static int sgemm_tn(int64_t M, int64_t Nn, int64_t Kd, float alpha, const float *A, int64_t lda, const float *B,
                    int64_t ldb, float beta, float *Cm, int64_t ldc) {
  return dnnl_sgemm('T', 'N', M, Nn, Kd, alpha, A, lda, B, ldb, beta, Cm, ldc) == dnnl_success ? 0 : -1;
}

/* stride 1, no padding, the input longer than the output by k - 1 rows (k > 1) */
static int is_valid_conv(const lie_nn_conv1d_gemm *g) {
  return g->stride == 1 && g->pad == 0 && g->k > 1 && g->Win == g->OW + g->k - 1;
}

int lie_nn_conv1d_gemm_ok(const lie_nn_conv1d_gemm *g) {
  return g->N > 0 && g->C > 0 && g->K > 0 && g->k > 0 && g->stride > 0 && g->pad >= 0 && g->pad < g->k && g->OW > 0 &&
         (g->Win == g->stride * g->OW || is_valid_conv(g));
}

/* Tap s of input row r: stride*r + s - pad (flattened). The rows r whose input row lies in
 * [0, N*Win) form [r0, r1). */
static void tap_rows(const lie_nn_conv1d_gemm *g, int s, int64_t *r0, int64_t *r1) {
  int64_t off = s - g->pad, R = (int64_t)g->N * g->OW, X = (int64_t)g->N * g->Win;
  *r0 = off >= 0 ? 0 : (-off + g->stride - 1) / g->stride;
  int64_t last = (X - 1 - off) / g->stride + 1; /* first r with input row >= X */
  *r1 = last < R ? last : R;
}

/* Rows t of a sample whose tap-s input row S*t + off lies outside the sample [0, Win). */
static int tap_outside(const lie_nn_conv1d_gemm *g, int64_t t, int64_t off) {
  int64_t in = (int64_t)g->stride * t + off;
  return in < 0 || in >= g->Win;
}

size_t lie_nn_conv1d_gemm_scratch_floats(const lie_nn_conv1d_gemm *g) {
  if (is_valid_conv(g)) return (size_t)g->N * (size_t)g->Win * (size_t)g->K; /* dy with Win rows per sample */
  /* a tap reaches outside on one side only: at most pad rows (left) or k-1-pad (right) */
  int rows = g->pad > g->k - 1 - g->pad ? g->pad : g->k - 1 - g->pad;
  if (rows > g->OW) rows = g->OW;
  return (size_t)g->N * (size_t)rows * (size_t)g->K;
}

/* dy rows of tap s outside their sample -> save (in order), then zeroed (restore = 0) or
 * back from save (restore = 1). Returns the number of floats saved. */
static size_t swap_outside_rows(const lie_nn_conv1d_gemm *g, int64_t off, float *dy, float *save, int restore) {
  size_t n = 0, K = (size_t)g->K;
  for (int64_t t = 0; t < g->OW; t++) {
    if (!tap_outside(g, t, off)) continue;
    for (int64_t b = 0; b < g->N; b++, n += K) {
      float *row = dy + ((size_t)b * g->OW + t) * K;
      if (restore) {
        memcpy(row, save + n, K * sizeof *row);
      } else {
        memcpy(save + n, row, K * sizeof *row);
        memset(row, 0, K * sizeof *row);
      }
    }
  }
  return n;
}

// valid convolution: x (N*Win, C), dy (N*OW, K) -> dyp (N*Win, K) in scratch, zero rows
// OW..Win-1 of each sample; dw_s (K x C) = dyp[0:R]^T . x[s:s+R], R = N*Win - k + 1
static int bwd_weights_valid(const lie_nn_conv1d_gemm *g, const float *x, const float *dy, float *dw, float *dyp) {
  const int64_t K = g->K, C = g->C, Win = g->Win, OW = g->OW, ldw = (int64_t)g->k * C;
  for (int64_t b = 0; b < g->N; b++) {
    memcpy(dyp + b * Win * K, dy + b * OW * K, (size_t)(OW * K) * sizeof *dyp);
    memset(dyp + (b * Win + OW) * K, 0, (size_t)((Win - OW) * K) * sizeof *dyp);
  }
  const int64_t R = (int64_t)g->N * Win - g->k + 1;
  for (int s = 0; s < g->k; s++)
    if (sgemm_tn(K, C, R, 1.0f, dyp, K, x + (int64_t)s * C, C, 0.0f, dw + (int64_t)s * C, ldw)) return -1;
  return 0;
}

// x (N*Win, C), dy (N*OW, K) -> dw (K, k, C) (ohwi); db (K) = column sums of dy, or NULL
int lie_nn_conv1d_gemm_bwd_weights(const lie_nn_conv1d_gemm *g, const float *x, float *dy, float *dw, float *db,
                                   float *scratch) {
  const int64_t K = g->K, C = g->C, S = g->stride, ldw = (int64_t)g->k * C;
  if (db) { /* before any row is zeroed */
    for (int64_t i = 0; i < K; i++)
      db[i] = 0;
    for (int64_t r = 0; r < (int64_t)g->N * g->OW; r++)
      for (int64_t i = 0; i < K; i++)
        db[i] += dy[r * K + i];
  }
  if (is_valid_conv(g)) return bwd_weights_valid(g, x, dy, dw, scratch);
  for (int s = 0; s < g->k; s++) {
    int64_t r0, r1, off = s - g->pad;
    tap_rows(g, s, &r0, &r1);
    float *dws = dw + (int64_t)s * C;
    if (r1 <= r0) { /* no valid row at all (tiny inputs) */
      for (int64_t i = 0; i < K; i++)
        memset(dws + i * ldw, 0, (size_t)C * sizeof *dws);
      continue;
    }
    swap_outside_rows(g, off, dy, scratch, 0);
    int e = sgemm_tn(K, C, r1 - r0, 1.0f, dy + r0 * K, K, x + (S * r0 + off) * C, S * C, 0.0f, dws, ldw);
    swap_outside_rows(g, off, dy, scratch, 1);
    if (e) return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------ forward, backward-data
 * Stride-1 "same" convolutions (Win == OW, pad < k: the ResNet's k = 3 convolutions) the same
 * way: tap s (offset off = s - pad) is one GEMM over all rows, y[r] += x[r + off] . W_s^T
 * (forward) and dx[r + off] += dy[r] . W_s (backward-data), W_s the (K x C) slice of the
 * ohwi weights. The rows that reach into the neighbouring sample are again zeroed for that
 * tap's GEMM and restored: for the forward the input rows u with u - off outside the sample
 * (each input row meets one output row per tap, so zeroing it removes exactly the wrong
 * term), for backward-data the dy rows t with t + off outside. The centre tap (off = 0)
 * covers every row and goes first with beta = 0; a fixed tap order, so the rounding is the
 * same in every run. */

/* rows t of each sample (rows per sample W, width floats) with t + off outside [0, W):
 * saved and zeroed (restore = 0), or put back (restore = 1) */
static void swap_edge_rows(int64_t N, int64_t W, int64_t width, int64_t off, float *buf, float *save, int restore) {
  size_t n = 0;
  for (int64_t t = 0; t < W; t++) {
    if (t + off >= 0 && t + off < W) continue;
    for (int64_t b = 0; b < N; b++, n += (size_t)width) {
      float *row = buf + (b * W + t) * width;
      if (restore) {
        memcpy(row, save + n, (size_t)width * sizeof *row);
      } else {
        memcpy(save + n, row, (size_t)width * sizeof *row);
        memset(row, 0, (size_t)width * sizeof *row);
      }
    }
  }
}

int lie_nn_conv1d_gemm_same_ok(const lie_nn_conv1d_gemm *g) {
  return lie_nn_conv1d_gemm_ok(g) && g->stride == 1 && g->Win == g->OW && 2 * g->pad == g->k - 1;
}

size_t lie_nn_conv1d_gemm_same_scratch_floats(const lie_nn_conv1d_gemm *g) {
  int rows = g->pad < g->OW ? g->pad : g->OW; /* |off| <= pad rows per sample edge */
  int wid = g->C > g->K ? g->C : g->K;
  return (size_t)g->N * (size_t)rows * (size_t)wid;
}

/* tap order: the centre first (it writes every row), then the others in order */
static int tap_at(const lie_nn_conv1d_gemm *g, int i) { return i == 0 ? g->pad : i <= g->pad ? i - 1 : i; }

int lie_nn_conv1d_gemm_forward(const lie_nn_conv1d_gemm *g, float *x, const float *w, const float *bias, float *y,
                               float *scratch) {
  const int64_t K = g->K, C = g->C, R = (int64_t)g->N * g->OW, ldw = (int64_t)g->k * C;
  for (int i = 0; i < g->k; i++) {
    int s = tap_at(g, i);
    int64_t off = s - g->pad, r0 = off < 0 ? -off : 0, r1 = off > 0 ? R - off : R;
    if (r1 <= r0) continue; /* fewer rows than taps: nothing of this tap is inside */
    swap_edge_rows(g->N, g->OW, C, -off, x, scratch, 0);
    int e = dnnl_sgemm('N', 'T', r1 - r0, K, C, 1.0f, x + (r0 + off) * C, C, w + (int64_t)s * C, ldw,
                       i == 0 ? 0.0f : 1.0f, y + r0 * K, K) == dnnl_success
                ? 0
                : -1;
    swap_edge_rows(g->N, g->OW, C, -off, x, scratch, 1);
    if (e) return -1;
  }
  if (bias)
    for (int64_t r = 0; r < R; r++)
      for (int64_t o = 0; o < K; o++)
        y[r * K + o] += bias[o];
  return 0;
}

int lie_nn_conv1d_gemm_bwd_data(const lie_nn_conv1d_gemm *g, float *dy, const float *w, float *dx, float *scratch) {
  const int64_t K = g->K, C = g->C, R = (int64_t)g->N * g->OW, ldw = (int64_t)g->k * C;
  for (int i = 0; i < g->k; i++) {
    int s = tap_at(g, i);
    int64_t off = s - g->pad, r0 = off < 0 ? -off : 0, r1 = off > 0 ? R - off : R;
    if (r1 <= r0) continue;
    swap_edge_rows(g->N, g->OW, K, off, dy, scratch, 0);
    int e = dnnl_sgemm('N', 'N', r1 - r0, C, K, 1.0f, dy + r0 * K, K, w + (int64_t)s * C, ldw, i == 0 ? 0.0f : 1.0f,
                       dx + (r0 + off) * C, C) == dnnl_success
                ? 0
                : -1;
    swap_edge_rows(g->N, g->OW, K, off, dy, scratch, 1);
    if (e) return -1;
  }
  return 0;
}
#endif
