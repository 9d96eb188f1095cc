/* Reference circular padding (PyTorch's padding_mode='circular'): periodic problems see the
 * domain as a ring, so a convolution reads across the boundary. Written over rows of
 * channel-blocked pixels so the oneDNN backend runs the same loops on its blocked tensors. */
#include "liereg/nn.h"

static inline int wrap(int i, int n) { return ((i % n) + n) % n; }

// inp (N,H,W,blk) -> out (N,H+2ph,W+2pw,blk)
// out[n,i,j,:] = inp[n, (i-ph) mod H, (j-pw) mod W, :]
void lie_nn_circpad_forward(float *out, const float *inp, int N, int H, int W, int blk, int ph, int pw) {
  const int OH = H + 2 * ph, OW = W + 2 * pw;
#pragma omp parallel for schedule(static)
  for (int n = 0; n < N; n++)
    for (int i = 0; i < OH; i++) {
      const float *src = inp + ((size_t)n * H + wrap(i - ph, H)) * W * blk;
      float *dst = out + ((size_t)n * OH + i) * OW * blk;
      for (int j = 0; j < OW; j++) {
        const float *s = src + (size_t)wrap(j - pw, W) * blk;
        for (int c = 0; c < blk; c++)
          dst[(size_t)j * blk + c] = s[c];
      }
    }
}

// dout (N,H+2ph,W+2pw,blk) -> dinp (N,H,W,blk) += sum of dout over the copies of each element
void lie_nn_circpad_backward(float *dinp, const float *dout, int N, int H, int W, int blk, int ph, int pw) {
  const int OH = H + 2 * ph, OW = W + 2 * pw;
#pragma omp parallel for schedule(static)
  for (int n = 0; n < N; n++) /* a row n only touches its own input row: no write conflicts */
    for (int i = 0; i < OH; i++) {
      float *dst = dinp + ((size_t)n * H + wrap(i - ph, H)) * W * blk;
      const float *src = dout + ((size_t)n * OH + i) * OW * blk;
      for (int j = 0; j < OW; j++) {
        float *d = dst + (size_t)wrap(j - pw, W) * blk;
        for (int c = 0; c < blk; c++)
          d[c] += src[(size_t)j * blk + c];
      }
    }
}
