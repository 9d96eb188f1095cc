/* Reference pooling: max pool (ResNet stem) and global average pool (ResNet head). */
#include "liereg/nn.h"

#include <math.h>

/* Index (into the (H,W) plane) of the first maximum of the window of output (oh,ow); -1 if
 * the window is all padding. Shared by forward and backward so both agree on ties. */
static int window_argmax(const float *x, int H, int W, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw) {
  int best = -1;
  float bv = -INFINITY;
  for (int r = 0; r < kh; r++) {
    int ih = oh * sh - ph + r;
    if (ih < 0 || ih >= H) continue;
    for (int q = 0; q < kw; q++) {
      int iw = ow * sw - pw + q;
      if (iw < 0 || iw >= W) continue;
      float v = x[ih * W + iw];
      if (best < 0 || v > bv || isnan(v)) {
        best = ih * W + iw;
        bv = v;
      }
    }
  }
  return best;
}

// inp (B,C,H,W) -> out (B,C,OH,OW)
void lie_nn_maxpool_forward(float *out, const float *inp, int B, int C, int H, int W, int kh, int kw, int sh, int sw,
                            int ph, int pw) {
  const int OH = (H + 2 * ph - kh) / sh + 1, OW = (W + 2 * pw - kw) / sw + 1;
#pragma omp parallel for schedule(static)
  for (int bc = 0; bc < B * C; bc++) {
    const float *x = inp + (size_t)bc * H * W;
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        int a = window_argmax(x, H, W, oh, ow, kh, kw, sh, sw, ph, pw);
        out[((size_t)bc * OH + oh) * OW + ow] = a < 0 ? -INFINITY : x[a];
      }
  }
}

// dout (B,C,OH,OW) -> dinp (B,C,H,W) += dout routed to each window's argmax
void lie_nn_maxpool_backward(float *dinp, const float *dout, const float *inp, int B, int C, int H, int W, int kh,
                             int kw, int sh, int sw, int ph, int pw) {
  const int OH = (H + 2 * ph - kh) / sh + 1, OW = (W + 2 * pw - kw) / sw + 1;
#pragma omp parallel for schedule(static)
  for (int bc = 0; bc < B * C; bc++) {
    const float *x = inp + (size_t)bc * H * W;
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        int a = window_argmax(x, H, W, oh, ow, kh, kw, sh, sw, ph, pw);
        if (a >= 0) dinp[(size_t)bc * H * W + a] += dout[((size_t)bc * OH + oh) * OW + ow];
      }
  }
}

// inp (B,C,HW) -> out (B,C) = mean over HW
void lie_nn_avgpool_forward(float *out, const float *inp, int B, int C, int HW) {
#pragma omp parallel for schedule(static)
  for (int bc = 0; bc < B * C; bc++) {
    double s = 0.0;
    for (int i = 0; i < HW; i++)
      s += inp[(size_t)bc * HW + i];
    out[bc] = (float)(s / HW);
  }
}

// dout (B,C) -> dinp (B,C,HW) += dout / HW
void lie_nn_avgpool_backward(float *dinp, const float *dout, int B, int C, int HW) {
#pragma omp parallel for schedule(static)
  for (int bc = 0; bc < B * C; bc++)
    for (int i = 0; i < HW; i++)
      dinp[(size_t)bc * HW + i] += dout[bc] / (float)HW;
}
