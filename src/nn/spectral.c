/* Reference spectral convolution 1D (Li et al.'s Fourier layer, LPSDA's SpectralConv1d):
 *   X = rfft(x) (unnormalised), Y[o,k] = sum_i X[i,k] W[i,o,k] for k < modes (0 above),
 *   y = irfft(Y, n=L) = (1/L) [Y_0 + 2 sum_{0<k<L/2} Re(Y_k e^{2 pi i k n/L}) + Y_{L/2} (-1)^n].
 * FFTs on FFTW in double precision (one r2c and one c2r plan per length L, made once when the
 * layer is added; executed with the new-array interface, which is thread-safe). Complex
 * numbers are (re, im) double pairs; weights are float (re, im) pairs as torch.view_as_real.
 * Backward, with dZ = dL/dRe Z + i dL/dIm Z (PyTorch's convention for complex gradients):
 *   dY_k = (c_k/L) rfft(dy)_k, c_k = 1 at k = 0 and k = L/2, else 2 (the hermitian weights),
 *   dW[i,o,k] += sum_b conj(X[b,i,k]) dY[b,o,k],   dX[b,i,k] = sum_o dY[b,o,k] conj(W[i,o,k]),
 *   dx[n] += sum_{k<modes} Re(dX_k e^{2 pi i k n/L}) = c2r(Z) with Z_k = dX_k / (2 - [k=0 or L/2]). */
#include "liereg/nn.h"

#include <fftw3.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static int nthreads(void) {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}
static int thread_id(void) {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

/* Per-thread FFT buffers (a real row and its half spectrum), allocated before the parallel
 * regions so an allocation failure is an error code, not a crash inside a thread. */
typedef struct {
  int n, L;
  double *r;
  fftw_complex *c;
} work;

static int work_alloc(work *w, int L) {
  w->n = nthreads(), w->L = L;
  w->r = fftw_malloc(sizeof(double) * (size_t)L * w->n);
  w->c = fftw_malloc(sizeof(fftw_complex) * (size_t)(L / 2 + 1) * w->n);
  if (!w->r || !w->c) {
    fftw_free(w->r), fftw_free(w->c);
    LIE_ERROR(LIE_ERR_MEM, "spectral convolution: out of memory for FFT buffers");
  }
  return LIE_OK;
}
static void work_free(work *w) { fftw_free(w->r), fftw_free(w->c); }
/* this thread's buffers (rows at any offset: the plans are made with FFTW_UNALIGNED) */
static double *wr(const work *w) { return w->r + (size_t)thread_id() * w->L; }
static fftw_complex *wc(const work *w) { return w->c + (size_t)thread_id() * (w->L / 2 + 1); }

struct lie_nn_fft_plan_s {
  int L;
  fftw_plan r2c, c2r;
};

int lie_nn_fft_plan_create(int L, lie_nn_fft_plan *p) {
  LIE_CHECK(L >= 2, LIE_ERR_ARG, "spectral convolution: length %d too short", L);
  lie_nn_fft_plan q;
  LIE_ALLOC(q, 1);
  double *r = fftw_malloc(sizeof(double) * (size_t)L);
  fftw_complex *c = fftw_malloc(sizeof(fftw_complex) * (size_t)(L / 2 + 1));
  if (r && c) {
    unsigned flags = FFTW_ESTIMATE | FFTW_UNALIGNED; /* rows of the per-thread buffers */
    q->r2c = fftw_plan_dft_r2c_1d(L, r, c, flags);
    q->c2r = fftw_plan_dft_c2r_1d(L, c, r, flags);
  }
  fftw_free(r), fftw_free(c);
  q->L = L;
  if (!q->r2c || !q->c2r) {
    lie_nn_fft_plan_destroy(&q);
    LIE_ERROR(LIE_ERR_MEM, "spectral convolution: cannot plan FFTs of length %d", L);
  }
  *p = q;
  return LIE_OK;
}

void lie_nn_fft_plan_destroy(lie_nn_fft_plan *p) {
  if (!p || !*p) return;
  if ((*p)->r2c) fftw_destroy_plan((*p)->r2c);
  if ((*p)->c2r) fftw_destroy_plan((*p)->c2r);
  free(*p);
  *p = NULL;
}

/* X[r, k] = rfft(rows[r, :])_k for k < modes; rows (R, L) float, X (R, modes, 2) double */
static void rfft_rows(double *X, const float *rows, int R, int L, int modes, double scale, lie_nn_fft_plan p,
                      const work *wk) {
#pragma omp parallel
  {
    double *r = wr(wk);
    fftw_complex *c = wc(wk);
#pragma omp for schedule(static)
    for (int i = 0; i < R; i++) {
      for (int n = 0; n < L; n++)
        r[n] = rows[(size_t)i * L + n];
      fftw_execute_dft_r2c(p->r2c, r, c);
      for (int k = 0; k < modes; k++) {
        double w = scale < 0 ? 1.0 : scale * ((k == 0 || 2 * k == L) ? 1.0 : 2.0);
        X[((size_t)i * modes + k) * 2] = w * c[k][0];
        X[((size_t)i * modes + k) * 2 + 1] = w * c[k][1];
      }
    }
  }
}

// inp (B,Ci,L), weight (Ci,Co,modes,2) -> out (B,Co,L)
int lie_nn_spectral_conv1d_forward(float *out, const float *inp, const float *weight, int B, int Ci, int Co, int L,
                                   int modes, lie_nn_fft_plan p) {
  work wk;
  LIE_CHECK(p && p->L == L && modes <= L / 2 + 1, LIE_ERR_ARG, "spectral convolution: plan/modes do not fit L = %d", L);
  double *X = malloc(sizeof(double) * 2 * (size_t)B * Ci * modes);
  LIE_CHECK(X, LIE_ERR_MEM, "spectral convolution: out of memory");
  if (work_alloc(&wk, L)) {
    free(X);
    return LIE_ERR_MEM;
  }
  rfft_rows(X, inp, B * Ci, L, modes, -1.0, p, &wk);
#pragma omp parallel
  {
    double *r = wr(&wk);
    fftw_complex *c = wc(&wk);
#pragma omp for collapse(2) schedule(static)
    for (int b = 0; b < B; b++)
      for (int o = 0; o < Co; o++) {
        memset(c, 0, sizeof(fftw_complex) * (size_t)(L / 2 + 1));
        for (int i = 0; i < Ci; i++) {
          const double *x = X + ((size_t)b * Ci + i) * modes * 2;
          const float *w = weight + ((size_t)i * Co + o) * modes * 2;
          for (int k = 0; k < modes; k++) {
            c[k][0] += x[2 * k] * w[2 * k] - x[2 * k + 1] * w[2 * k + 1];
            c[k][1] += x[2 * k] * w[2 * k + 1] + x[2 * k + 1] * w[2 * k];
          }
        }
        c[0][1] = 0.0; /* irfft ignores the imaginary parts at 0 and L/2 */
        if (modes > L / 2 && L % 2 == 0) c[L / 2][1] = 0.0;
        fftw_execute_dft_c2r(p->c2r, c, r);
        for (int n = 0; n < L; n++)
          out[((size_t)b * Co + o) * L + n] = (float)(r[n] / L);
      }
  }
  free(X);
  work_free(&wk);
  return LIE_OK;
}

// dout (B,Co,L) -> dinp (B,Ci,L) +=, dweight (Ci,Co,modes,2) +=; either may be NULL
int lie_nn_spectral_conv1d_backward(float *dinp, float *dweight, const float *dout, const float *inp,
                                    const float *weight, int B, int Ci, int Co, int L, int modes, lie_nn_fft_plan p) {
  work wk;
  LIE_CHECK(p && p->L == L && modes <= L / 2 + 1, LIE_ERR_ARG, "spectral convolution: plan/modes do not fit L = %d", L);
  double *X = malloc(sizeof(double) * 2 * (size_t)B * Ci * modes);
  double *G = malloc(sizeof(double) * 2 * (size_t)B * Co * modes);
  if (!X || !G || work_alloc(&wk, L)) {
    free(X), free(G);
    LIE_ERROR(LIE_ERR_MEM, "spectral convolution: out of memory");
  }
  rfft_rows(G, dout, B * Co, L, modes, 1.0 / L, p, &wk); /* dY = (c_k / L) rfft(dy) */
  if (dweight) {
    rfft_rows(X, inp, B * Ci, L, modes, -1.0, p, &wk);
#pragma omp parallel for collapse(2) schedule(static)
    for (int i = 0; i < Ci; i++)
      for (int o = 0; o < Co; o++)
        for (int k = 0; k < modes; k++) {
          double re = 0, im = 0;
          for (int b = 0; b < B; b++) {
            const double *x = X + (((size_t)b * Ci + i) * modes + k) * 2;
            const double *g = G + (((size_t)b * Co + o) * modes + k) * 2;
            re += x[0] * g[0] + x[1] * g[1]; /* conj(x) g */
            im += x[0] * g[1] - x[1] * g[0];
          }
          dweight[(((size_t)i * Co + o) * modes + k) * 2] += (float)re;
          dweight[(((size_t)i * Co + o) * modes + k) * 2 + 1] += (float)im;
        }
  }
  if (dinp) {
#pragma omp parallel
    {
      double *r = wr(&wk);
      fftw_complex *c = wc(&wk);
#pragma omp for collapse(2) schedule(static)
      for (int b = 0; b < B; b++)
        for (int i = 0; i < Ci; i++) {
          memset(c, 0, sizeof(fftw_complex) * (size_t)(L / 2 + 1));
          for (int o = 0; o < Co; o++) {
            const double *g = G + ((size_t)b * Co + o) * modes * 2;
            const float *w = weight + ((size_t)i * Co + o) * modes * 2;
            for (int k = 0; k < modes; k++) { /* g conj(w) */
              c[k][0] += g[2 * k] * w[2 * k] + g[2 * k + 1] * w[2 * k + 1];
              c[k][1] += g[2 * k + 1] * w[2 * k] - g[2 * k] * w[2 * k + 1];
            }
          }
          for (int k = 0; k < modes; k++) {
            int edge = k == 0 || 2 * k == L;
            c[k][0] *= edge ? 1.0 : 0.5;
            c[k][1] = edge ? 0.0 : 0.5 * c[k][1];
          }
          fftw_execute_dft_c2r(p->c2r, c, r);
          for (int n = 0; n < L; n++)
            dinp[((size_t)b * Ci + i) * L + n] += (float)r[n];
        }
    }
  }
  free(X), free(G);
  work_free(&wk);
  return LIE_OK;
}
