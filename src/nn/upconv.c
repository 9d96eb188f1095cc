/* Reference transposed convolution with kernel = stride = 2 (torch.nn.ConvTranspose2d(C, K,
 * kernel_size=2, stride=2)): the U-Net's up-sampling. Each input pixel emits one 2x2 output
 * patch, so the patches do not overlap and every output has exactly one source pixel. */
#include "liereg/nn.h"

// inp (B,C,H,W), weight (C,K,2,2) (PyTorch's transposed layout: in, out, kh, kw), bias (K)
//   -> out (B,K,2H,2W), out[b,k,2i+r,2j+s] = bias[k] + sum_c inp[b,c,i,j] weight[c,k,r,s]
void lie_nn_upconv2x2_forward(float *out, const float *inp, const float *weight, const float *bias, int B, int C, int H,
                              int W, int K) {
  const int OH = 2 * H, OW = 2 * W;
#pragma omp parallel for collapse(2) schedule(static)
  for (int b = 0; b < B; b++)
    for (int k = 0; k < K; k++)
      for (int oh = 0; oh < OH; oh++)
        for (int ow = 0; ow < OW; ow++) {
          int i = oh / 2, j = ow / 2, r = oh % 2, s = ow % 2;
          double acc = bias ? bias[k] : 0.0;
          for (int c = 0; c < C; c++)
            acc += (double)inp[(((size_t)b * C + c) * H + i) * W + j] * weight[(((size_t)c * K + k) * 2 + r) * 2 + s];
          out[(((size_t)b * K + k) * OH + oh) * OW + ow] = (float)acc;
        }
}

// dout (B,K,2H,2W) -> dinp (B,C,H,W) += sum_{k,r,s} dout[b,k,2i+r,2j+s] w[c,k,r,s];
// dweight (C,K,2,2) += sum_{b,i,j} inp[b,c,i,j] dout[b,k,2i+r,2j+s]; dbias (K) += sum dout
void lie_nn_upconv2x2_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                               const float *weight, int B, int C, int H, int W, int K) {
  const int OH = 2 * H, OW = 2 * W;
#define DOUT(b, k, oh, ow) dout[(((size_t)(b)*K + (k)) * OH + (oh)) * OW + (ow)]
  if (dinp) {
#pragma omp parallel for collapse(2) schedule(static)
    for (int b = 0; b < B; b++)
      for (int c = 0; c < C; c++)
        for (int i = 0; i < H; i++)
          for (int j = 0; j < W; j++) {
            double acc = 0.0;
            for (int k = 0; k < K; k++)
              for (int r = 0; r < 2; r++)
                for (int s = 0; s < 2; s++)
                  acc += (double)DOUT(b, k, 2 * i + r, 2 * j + s) * weight[(((size_t)c * K + k) * 2 + r) * 2 + s];
            dinp[(((size_t)b * C + c) * H + i) * W + j] += (float)acc;
          }
  }
  if (dweight) {
#pragma omp parallel for collapse(2) schedule(static)
    for (int c = 0; c < C; c++)
      for (int k = 0; k < K; k++)
        for (int r = 0; r < 2; r++)
          for (int s = 0; s < 2; s++) {
            double acc = 0.0;
            for (int b = 0; b < B; b++)
              for (int i = 0; i < H; i++)
                for (int j = 0; j < W; j++)
                  acc += (double)inp[(((size_t)b * C + c) * H + i) * W + j] * DOUT(b, k, 2 * i + r, 2 * j + s);
            dweight[(((size_t)c * K + k) * 2 + r) * 2 + s] += (float)acc;
          }
  }
  if (dbias)
    for (int k = 0; k < K; k++) {
      double acc = 0.0;
      for (int b = 0; b < B; b++)
        for (size_t q = 0; q < (size_t)OH * OW; q++)
          acc += dout[((size_t)b * K + k) * OH * OW + q];
      dbias[k] += (float)acc;
    }
#undef DOUT
}
