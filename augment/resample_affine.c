/* Evaluation of a periodic row's trigonometric interpolant at the n affine points
 * xi_j = beta + j alpha h (h = L/n): the 1D grid-mode resampling of scalings and projective
 * maps (apply1d.c), exact for band-limited data.
 *
 * With theta_j = 2 pi xi_j / L = th0 + j dth and c_k the row's coefficients (c_0 = h_0,
 * c_k = 2 h_k, c_{n/2} = Re h_{n/2} for even n, all / n), f(xi_j) = Re sum_k c_k e^{i k theta_j}.
 * Writing j = Q p + q (blocks of Q points) splits e^{i k theta_j} = z_p^k v_q^k with
 * z_p = e^{i (th0 + Q p dth)} and v_q = e^{i q dth}:
 *
 *   f(xi_{Qp+q}) = sum_k Re(D_pk) Re(V_kq) - Im(D_pk) Im(V_kq),  D_pk = c_k z_p^k, V_kq = v_q^k,
 *
 * a real matrix product (n/Q x 2K) (2K x Q): 2 fused multiply-adds per point and mode, where
 * one phasor recurrence per point took 6 operations; the tables cost K (n/Q + Q) complex
 * products. Powers come from recurrences started at four cos/sin pairs (relative error
 * ~ (k/4 + p + q) eps, below the per-point recurrences' k eps). Its accumulators and
 * recurrences need AVX-512's 32 vector registers of 8 doubles: without AVX-512 the per-point
 * recurrences (32 points at a time, AVX + FMA or the baseline) are used instead — 2x faster
 * there than the blocked sum compiled for 16 registers, which spills.
 *
 * Modes whose coefficients together carry at most LIE_RESAMPLE1D_TAIL of sum_k |c_k| are left
 * out: they change any value by at most that share of sum_k |c_k| (|z| = 1), i.e. at the
 * rounding level of the sum itself; a resolved Burgers row keeps ~72 of its 128 modes.
 * NaN or Inf coefficients keep every mode (the comparisons fail), so they still propagate. */
#include <math.h>
#include <string.h>

#include "augment_impl.h"

#define BQ 16 /* points per block: two 8-double vectors */
#define BP 4  /* blocks per product pass with 32 vector registers (2 with 16) */
#define BW 8  /* the block count is a multiple of this (whole vectors in the tables) */

typedef double v8d __attribute__((vector_size(8 * sizeof(double)), aligned(sizeof(double)))); /* unaligned */

static int nblocks(int n) {
  int nb = (n + BQ - 1) / BQ;
  return (nb + BW - 1) / BW * BW;
}

size_t lie_resample1d_scratch_size(int n) {
  size_t k1 = (size_t)n / 2 + 1, nb = (size_t)nblocks(n);
  return 3 * k1 + 2 * k1 * BQ + 2 * k1 * nb + nb * BQ; /* c, V, D, blocks of the result, |c| */
}

/* c_k = w_k h_k / n for k <= n/2; returns the last mode kept. The rule is applied with bounds
 * that need no square root: a mode is dropped only if the dropped modes' sum of |Re| + |Im|
 * (>= their sum of |c_k|) is at most LIE_RESAMPLE1D_TAIL times the sum over all modes of
 * max(|Re|, |Im|) (<= sum_k |c_k|). */
static inline __attribute__((always_inline)) int coefficients(const double *hat, int n, double *cr, double *ci,
                                                              double *hi) {
  const int kmax = n / 2;
  const double w1 = 1.0 / n, w2 = 2.0 / n;
  for (int k = 0; k <= kmax; k++) {
    cr[k] = (k == 0 ? w1 : w2) * hat[2 * k], ci[k] = (k == 0 ? w1 : w2) * hat[2 * k + 1];
  }
  ci[0] = 0.0;
  if (n % 2 == 0) cr[kmax] = w1 * hat[n], ci[kmax] = 0.0; /* the Nyquist cosine */
  double part[8] = {0}, total = 0.0;
  int k = 0;
  for (; k + 8 <= kmax + 1; k += 8) /* eight partial sums: the loop vectorises */
    for (int l = 0; l < 8; l++) {
      double a = fabs(cr[k + l]), b = fabs(ci[k + l]);
      hi[k + l] = a + b;
      part[l] += a > b ? a : b;
    }
  for (; k <= kmax; k++) {
    double a = fabs(cr[k]), b = fabs(ci[k]);
    hi[k] = a + b;
    total += a > b ? a : b;
  }
  for (int l = 0; l < 8; l++)
    total += part[l];
  int K = kmax;
  double tail = 0.0;
  while (K > 0) {
    double next = tail + hi[K];
    if (!(next <= LIE_RESAMPLE1D_TAIL * total)) break; /* NaN: keep every mode */
    tail = next, K--;
  }
  return K;
}

/* Rows k = 0..K of x^k for w phasors x (w a multiple of 8), times c_k when cr is given:
 * (xr, xi)[k w + l] = Re, Im of c_k x_l^k, or (Re, -Im) with cr (the D table's ndi). Eight
 * lanes at a time, in registers: rows up to 4 by one step, then x^k = x^{k-4} x^4 — four
 * independent recurrences (the multiplications pipeline; fewer factors per power). */
static inline __attribute__((always_inline)) void powers(int K, int w, const double *sr, const double *si,
                                                         const double *cr, const double *ci, double *xr, double *xi) {
  for (int l = 0; l < w; l += 8) {
    const v8d ar = *(const v8d *)(sr + l), ai = *(const v8d *)(si + l);
    v8d rr[4], ri[4], fr = ar, fi = ai; /* ring: x^{k-4} .. x^{k-1}; then x^4 */
    v8d pr = ar - ar + 1.0, pi = ai - ai;
    for (int k = 0; k <= K; k++) {
      if (k > 0 && k <= 4) {
        v8d t = pr * ar - pi * ai;
        pi = pr * ai + pi * ar, pr = t;
        if (k == 4) fr = pr, fi = pi;
      } else if (k > 4) {
        v8d qr = rr[k % 4], qi = ri[k % 4];
        pr = qr * fr - qi * fi, pi = qr * fi + qi * fr;
      }
      rr[k % 4] = pr, ri[k % 4] = pi;
      v8d *dr = (v8d *)(xr + (size_t)k * w + l), *di = (v8d *)(xi + (size_t)k * w + l);
      if (cr)
        *dr = cr[k] * pr - ci[k] * pi, *di = -(cr[k] * pi + ci[k] * pr);
      else
        *dr = pr, *di = pi;
    }
  }
}

/* Phasors e^{i (a + l d)}, l < w, by recurrence from two cos/sin pairs. */
static inline __attribute__((always_inline)) void phasors(int w, double a, double d, double *sr, double *si) {
  double c = cos(d), s = sin(d);
  sr[0] = cos(a), si[0] = sin(a);
  for (int l = 1; l < w; l++)
    sr[l] = sr[l - 1] * c - si[l - 1] * s, si[l] = sr[l - 1] * s + si[l - 1] * c;
}

/* V_kq = e^{i k q dth}, k <= K, q < BQ: (vr, vi)[k BQ + q]. */
static inline __attribute__((always_inline)) void power_table(int K, double dth, double *vr, double *vi) {
  double sr[BQ], si[BQ];
  phasors(BQ, 0.0, dth, sr, si);
  powers(K, BQ, sr, si, NULL, NULL, vr, vi);
}

/* D_pk = c_k z_p^k, z_p = e^{i (th0 + BQ p dth)}, p < nb: (dr, ndi)[k nb + p], ndi = -Im. */
static inline __attribute__((always_inline)) void block_table(int K, int nb, double th0, double dth, const double *cr,
                                                              const double *ci, double *dr, double *ndi) {
  double zr[nb], zi[nb];
  phasors(nb, th0, BQ * dth, zr, zi);
  powers(K, nb, zr, zi, cr, ci, dr, ndi);
}

/* out[p BQ + q] = sum_{k < k1} dr[k nb + p] vr[k BQ + q] + ndi[k nb + p] vi[k BQ + q], bp blocks
 * per pass, the two products in separate sums (one FMA per sum and mode): 16 accumulators of
 * 8 doubles, which only AVX-512's 32 vector registers hold. */
static inline __attribute__((always_inline)) void product(int k1, int nb, const double *vr, const double *vi,
                                                          const double *dr, const double *ndi, double *out) {
  const int bp = BP;
  for (int p0 = 0; p0 < nb; p0 += bp) {
    double ar[BP][BQ], ai[BP][BQ];
    for (int m = 0; m < bp; m++)
      for (int q = 0; q < BQ; q++)
        ar[m][q] = ai[m][q] = 0.0;
    for (int k = 0; k < k1; k++) {
      const double *a = vr + (size_t)k * BQ, *b = vi + (size_t)k * BQ;
      const double *x = dr + (size_t)k * nb + p0, *y = ndi + (size_t)k * nb + p0;
      for (int m = 0; m < bp; m++)
        for (int q = 0; q < BQ; q++) {
          ar[m][q] += x[m] * a[q];
          ai[m][q] += y[m] * b[q];
        }
    }
    for (int m = 0; m < bp; m++)
      for (int q = 0; q < BQ; q++)
        out[(size_t)(p0 + m) * BQ + q] = ar[m][q] + ai[m][q];
  }
}

/* The blocked sum needs AVX-512 (32 registers of 8 doubles; with 16 registers of 4 the
 * accumulators and the power recurrences spill, measured 3x slower than the per-point path). */
__attribute__((target("avx512f"))) static void blocked_sum(const double *hat, int n, double L, double alpha,
                                                           double beta, double *scratch, double *out) {
  const int nb = nblocks(n);
  const size_t k1max = (size_t)n / 2 + 1;
  double *cr = scratch, *ci = cr + k1max, *vr = ci + k1max, *vi = vr + k1max * BQ;
  double *dr = vi + k1max * BQ, *ndi = dr + k1max * nb, *blocks = ndi + k1max * nb, *mod = blocks + (size_t)nb * BQ;
  int K = coefficients(hat, n, cr, ci, mod);
  double w = 2.0 * M_PI / L, dth = w * alpha * (L / n);
  power_table(K, dth, vr, vi);
  block_table(K, nb, w * fmod(beta, L), dth, cr, ci, dr, ndi);
  product(K + 1, nb, vr, vi, dr, ndi, blocks);
  memcpy(out, blocks, (size_t)n * sizeof(double));
}

/* ------------------------------------------------ without AVX-512: one recurrence per point */
#define LIE_TRIG_BLOCK 32 /* points whose recurrences stay in registers across the k loop */

/* acc_j = c_0 + sum_{0<k<=K} Re(c_k z_j^k) with z_j = e^{i theta_j}: the k loop outside, a block
 * of points inside, so each point's recurrence p_j <- p_j z_j is independent (vector lanes). */
__attribute__((target_clones("fma", "default"))) static void
trig_block(const double *cr, const double *ci, int K, const double *zr, const double *zi, double *out) {
  double acc[LIE_TRIG_BLOCK], pr[LIE_TRIG_BLOCK], pi[LIE_TRIG_BLOCK], sr[LIE_TRIG_BLOCK], si[LIE_TRIG_BLOCK];
  for (int j = 0; j < LIE_TRIG_BLOCK; j++) /* local copies: the block's state stays in registers */
    acc[j] = cr[0], pr[j] = sr[j] = zr[j], pi[j] = si[j] = zi[j];
  for (int k = 1; k <= K; k++) {
    const double hr = cr[k], hi = ci[k];
    for (int j = 0; j < LIE_TRIG_BLOCK; j++) {
      double a = pr[j], b = pi[j];
      acc[j] += hr * a;
      acc[j] -= hi * b;
      pr[j] = a * sr[j] - b * si[j];
      pi[j] = a * si[j] + b * sr[j];
    }
  }
  for (int j = 0; j < LIE_TRIG_BLOCK; j++)
    out[j] = acc[j];
}

static void recurrence_sum(const double *hat, int n, double L, double alpha, double beta, double *scratch,
                           double *out) {
  const size_t k1max = (size_t)n / 2 + 1;
  double *cr = scratch, *ci = cr + k1max, *mod = ci + k1max;
  int K = coefficients(hat, n, cr, ci, mod);
  double w = 2.0 * M_PI / L, th0 = w * fmod(beta, L), dth = w * alpha * (L / n);
  double br[LIE_TRIG_BLOCK], bi[LIE_TRIG_BLOCK], bo[LIE_TRIG_BLOCK];
  for (int j0 = 0; j0 < n; j0 += LIE_TRIG_BLOCK) { /* phasors started afresh per block */
    int len = n - j0 < LIE_TRIG_BLOCK ? n - j0 : LIE_TRIG_BLOCK;
    phasors(LIE_TRIG_BLOCK, th0 + j0 * dth, dth, br, bi); /* points past n are computed, unused */
    trig_block(cr, ci, K, br, bi, bo);
    memcpy(out + j0, bo, (size_t)len * sizeof(double));
  }
}

static int blocked = -1; /* the machine has AVX-512 */

void lie_resample1d_use_blocked(int on) { blocked = on; }

int lie_resample1d_affine(lie_resample1d *r, const double *in, double alpha, double beta, double *out) {
  const int n = r->n;
  memcpy(r->buf, in, (size_t)n * sizeof(double));
  fftw_execute(r->fwd);
  if (blocked < 0) blocked = __builtin_cpu_supports("avx512f");
  if (blocked)
    blocked_sum((const double *)r->hat, n, r->L, alpha, beta, r->scratch, out);
  else
    recurrence_sum((const double *)r->hat, n, r->L, alpha, beta, r->scratch, out);
  return 0;
}
