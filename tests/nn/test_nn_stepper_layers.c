/* Gradient checks (central differences, gradcheck.h) of the time-stepping models' layers:
 * circular padding (plain and channel-blocked rows), ELU, GELU and the spectral
 * convolution (w.r.t. input and complex weights; modes below and at the Nyquist mode, even
 * and odd lengths), plus forward values a gradient check cannot see: the padding copies,
 * and the spectral layer against a direct DFT sum.
 * Tolerances: padding and the spectral layer are linear in the checked tensor (h = 1e-2,
 * exact up to float rounding): 1e-3. ELU/GELU are smooth but nonlinear (h = 1e-3, O(h^2)
 * truncation): 2e-3; ELU inputs are kept >= 0.1 from its kink at 0. */
#include "gradcheck.h"

#include <stdlib.h>
#include <string.h>

static lie_rng rng;

#define ALLOC(p, n) float *p = calloc((size_t)(n), sizeof(float))

typedef struct {
  int N, H, W, blk, ph, pw, B, Ci, Co, L, modes;
  size_t n;
  float *x, *w, *out;
  lie_nn_fft_plan plan;
} lcase;

static void pad_fwd(void *c) {
  lcase *k = c;
  lie_nn_circpad_forward(k->out, k->x, k->N, k->H, k->W, k->blk, k->ph, k->pw);
}
static void elu_fwd(void *c) {
  lcase *k = c;
  lie_nn_elu_forward(k->out, k->x, k->n);
}
static void gelu_fwd(void *c) {
  lcase *k = c;
  lie_nn_gelu_forward(k->out, k->x, k->n);
}
static void spec_fwd(void *c) {
  lcase *k = c;
  if (lie_nn_spectral_conv1d_forward(k->out, k->x, k->w, k->B, k->Ci, k->Co, k->L, k->modes, k->plan)) exit(1);
}

static void test_pad(int N, int H, int W, int blk, int ph, int pw) {
  lcase k = {N, H, W, blk, ph, pw};
  int OH = H + 2 * ph, OW = W + 2 * pw;
  size_t n = (size_t)N * H * W * blk, no = (size_t)N * OH * OW * blk;
  char what[96];
  k.x = calloc(n, 4), k.out = calloc(no, 4);
  ALLOC(r, no);
  ALLOC(dx, n);
  gc_fill(&rng, k.x, n, -1, 1), gc_fill(&rng, r, no, -1, 1);
  pad_fwd(&k);
  /* values: every output pixel is the input at the wrapped position */
  int bad = 0;
  for (int a = 0; a < N; a++)
    for (int i = 0; i < OH; i++)
      for (int j = 0; j < OW; j++)
        for (int c = 0; c < blk; c++) {
          int si = ((i - ph) % H + H) % H, sj = ((j - pw) % W + W) % W;
          bad += k.out[(((size_t)a * OH + i) * OW + j) * blk + c] != k.x[(((size_t)a * H + si) * W + sj) * blk + c];
        }
  snprintf(what, sizeof what, "circpad N%d %dx%d blk%d pad (%d,%d): values are the wrapped input", N, H, W, blk, ph,
           pw);
  LIE_TEST_TRUE(bad == 0, what);
  for (size_t i = 0; i < n; i++) /* accumulation contract: starts from a non-zero gradient */
    dx[i] = 0.5f;
  lie_nn_circpad_backward(dx, r, N, H, W, blk, ph, pw);
  for (size_t i = 0; i < n; i++)
    dx[i] -= 0.5f;
  printf("circpad\n");
  snprintf(what, sizeof what, "circpad blk%d pad (%d,%d) dinp", blk, ph, pw);
  LIE_TEST_LE(gc_check("dinp", k.x, n, dx, pad_fwd, &k, k.out, r, no, 1e-2f, 400), 1e-3, what);
  free(k.x), free(k.out), free(r), free(dx);
}

static void test_act(int gelu) {
  const size_t n = 200;
  lcase k = {0};
  k.n = n, k.x = calloc(n, 4), k.out = calloc(n, 4);
  ALLOC(r, n);
  ALLOC(dx, n);
  gc_fill_nokink(&rng, k.x, n);
  for (size_t i = 0; i < n; i++) /* reach the tails too: |x| up to 4 */
    k.x[i] *= 4.0f;
  gc_fill(&rng, r, n, -1, 1);
  if (gelu) {
    gelu_fwd(&k);
    lie_nn_gelu_backward(dx, r, k.x, n);
  } else {
    elu_fwd(&k);
    lie_nn_elu_backward(dx, r, k.x, n);
  }
  printf("%s\n", gelu ? "gelu" : "elu");
  LIE_TEST_LE(gc_check("dinp", k.x, n, dx, gelu ? gelu_fwd : elu_fwd, &k, k.out, r, n, 1e-3f, 400), 2e-3,
              gelu ? "gelu dinp" : "elu dinp");
  /* values at fixed points: elu(-1) = e^-1 - 1, gelu(1) = Phi(1) = 0.8413447460685429 */
  float v[2] = {-1.0f, 1.0f}, o[2];
  if (gelu) {
    lie_nn_gelu_forward(o, v, 2);
    LIE_TEST_NEAR(o[1], 0.8413447460685429, 1e-6, "gelu(1)");
    LIE_TEST_NEAR(o[0], -1.0 + 0.8413447460685429, 1e-6, "gelu(-1)");
  } else {
    lie_nn_elu_forward(o, v, 2);
    LIE_TEST_NEAR(o[0], exp(-1.0) - 1.0, 1e-6, "elu(-1)");
    LIE_TEST_NEAR(o[1], 1.0, 0, "elu(1)");
  }
  free(k.x), free(k.out), free(r), free(dx);
}

/* out[b,o,n] by the definition: (1/L) sum_k c_k Re(Y_k e^{2 pi i k n / L}) */
static double spec_direct(const lcase *k, int b, int o, int n) {
  double s = 0;
  for (int m = 0; m < k->modes; m++) {
    double yr = 0, yi = 0;
    for (int i = 0; i < k->Ci; i++) {
      double xr = 0, xi = 0;
      for (int t = 0; t < k->L; t++) {
        double a = 2 * M_PI * m * t / k->L, x = k->x[((size_t)b * k->Ci + i) * k->L + t];
        xr += x * cos(a), xi -= x * sin(a);
      }
      const float *w = k->w + (((size_t)i * k->Co + o) * k->modes + m) * 2;
      yr += xr * w[0] - xi * w[1], yi += xr * w[1] + xi * w[0];
    }
    int edge = m == 0 || 2 * m == k->L;
    if (edge) yi = 0;
    double a = 2 * M_PI * m * n / k->L;
    s += (edge ? 1.0 : 2.0) * (yr * cos(a) - yi * sin(a));
  }
  return s / k->L;
}

static void test_spectral(int B, int Ci, int Co, int L, int modes) {
  lcase k = {0};
  k.B = B, k.Ci = Ci, k.Co = Co, k.L = L, k.modes = modes;
  size_t nx = (size_t)B * Ci * L, ny = (size_t)B * Co * L, nw = (size_t)Ci * Co * modes * 2;
  char what[96];
  LIE_TEST_CALL(lie_nn_fft_plan_create(L, &k.plan));
  k.x = calloc(nx, 4), k.w = calloc(nw, 4), k.out = calloc(ny, 4);
  ALLOC(r, ny);
  ALLOC(dx, nx);
  ALLOC(dw, nw);
  gc_fill(&rng, k.x, nx, -1, 1), gc_fill(&rng, k.w, nw, -1, 1), gc_fill(&rng, r, ny, -1, 1);
  spec_fwd(&k);
  double d = 0, m = 0;
  for (int b = 0; b < B; b++)
    for (int o = 0; o < Co; o++)
      for (int n = 0; n < L; n++) {
        double want = spec_direct(&k, b, o, n), e = fabs(k.out[((size_t)b * Co + o) * L + n] - want);
        if (!(e <= d)) d = e;
        if (fabs(want) > m) m = fabs(want);
      }
  snprintf(what, sizeof what, "spectral L%d modes %d: forward vs direct DFT (rel.)", L, modes);
  LIE_TEST_LE(d / m, 1e-5, what);
  for (size_t i = 0; i < nx; i++)
    dx[i] = 0.25f;
  LIE_TEST_CALL(lie_nn_spectral_conv1d_backward(dx, dw, r, k.x, k.w, B, Ci, Co, L, modes, k.plan));
  for (size_t i = 0; i < nx; i++)
    dx[i] -= 0.25f;
  printf("spectral conv B%d Ci%d Co%d L%d modes %d\n", B, Ci, Co, L, modes);
  snprintf(what, sizeof what, "spectral L%d modes %d dinp", L, modes);
  LIE_TEST_LE(gc_check("dinp", k.x, nx, dx, spec_fwd, &k, k.out, r, ny, 1e-2f, 300), 1e-3, what);
  snprintf(what, sizeof what, "spectral L%d modes %d dweight (re, im)", L, modes);
  LIE_TEST_LE(gc_check("dweight", k.w, nw, dw, spec_fwd, &k, k.out, r, ny, 1e-2f, 300), 1e-3, what);
  lie_nn_fft_plan_destroy(&k.plan);
  free(k.x), free(k.w), free(k.out), free(r), free(dx), free(dw);
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  lie_rng_seed(&rng, 4242);
  test_pad(6, 1, 16, 1, 0, 7); /* the CNN's 15-tap conv: pad 7 of 16 */
  test_pad(2, 5, 6, 8, 2, 3);  /* channel-blocked rows (oneDNN nChw8c), 2D */
  test_pad(3, 1, 4, 1, 0, 4);  /* padding = the whole length */
  test_act(0);
  test_act(1);
  test_spectral(2, 3, 4, 16, 5);
  test_spectral(2, 3, 2, 16, 9); /* all modes, Nyquist included */
  test_spectral(1, 2, 3, 15, 8); /* odd length: no Nyquist mode */
  return lie_test_finish();
}
