/* Reference convolution (cross-correlation, as PyTorch), 2D and 1D. Plain loops with double
 * accumulators: this path is for reading, testing and machines without oneDNN. */
#include "liereg/nn.h"

int lie_nn_conv_out_h(const lie_nn_conv_shape *s) { return (s->H + 2 * s->ph - s->R) / s->sh + 1; }
int lie_nn_conv_out_w(const lie_nn_conv_shape *s) { return (s->W + 2 * s->pw - s->S) / s->sw + 1; }

// inp (B,C,H,W), weight (K,C,R,S), bias (K) -> out (B,K,OH,OW)
// out[b,k,oh,ow] = bias[k] + sum_{c,r,s} inp[b, c, oh*sh - ph + r, ow*sw - pw + s] * weight[k,c,r,s]
void lie_nn_conv2d_forward(float *out, const float *inp, const float *weight, const float *bias,
                           const lie_nn_conv_shape *s) {
  const int OH = lie_nn_conv_out_h(s), OW = lie_nn_conv_out_w(s);
#pragma omp parallel for collapse(2) schedule(static)
  for (int b = 0; b < s->B; b++)
    for (int k = 0; k < s->K; k++)
      for (int oh = 0; oh < OH; oh++)
        for (int ow = 0; ow < OW; ow++) {
          double acc = bias ? bias[k] : 0.0;
          for (int c = 0; c < s->C; c++)
            for (int r = 0; r < s->R; r++) {
              int ih = oh * s->sh - s->ph + r;
              if (ih < 0 || ih >= s->H) continue;
              const float *irow = inp + (((size_t)b * s->C + c) * s->H + ih) * s->W;
              const float *wrow = weight + (((size_t)k * s->C + c) * s->R + r) * s->S;
              for (int q = 0; q < s->S; q++) {
                int iw = ow * s->sw - s->pw + q;
                if (iw >= 0 && iw < s->W) acc += (double)irow[iw] * wrow[q];
              }
            }
          out[(((size_t)b * s->K + k) * OH + oh) * OW + ow] = (float)acc;
        }
}

// dout (B,K,OH,OW) -> dinp (B,C,H,W) += W^T * dout; dweight (K,C,R,S) += dout (x) inp; dbias (K) += sum dout
// The mirror of the forward: every (output, tap) pair that read inp[ih,iw] sends dout*w back.
void lie_nn_conv2d_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                            const float *weight, const lie_nn_conv_shape *s) {
  const int OH = lie_nn_conv_out_h(s), OW = lie_nn_conv_out_w(s);
  if (dinp) {
    /* gather form (loop over input pixels) so threads never write the same element */
#pragma omp parallel for collapse(2) schedule(static)
    for (int b = 0; b < s->B; b++)
      for (int c = 0; c < s->C; c++)
        for (int ih = 0; ih < s->H; ih++)
          for (int iw = 0; iw < s->W; iw++) {
            double acc = 0.0;
            for (int k = 0; k < s->K; k++)
              for (int r = 0; r < s->R; r++) {
                int t = ih + s->ph - r; /* = oh * sh */
                if (t < 0 || t % s->sh) continue;
                int oh = t / s->sh;
                if (oh >= OH) continue;
                for (int q = 0; q < s->S; q++) {
                  int u = iw + s->pw - q;
                  if (u < 0 || u % s->sw) continue;
                  int ow = u / s->sw;
                  if (ow >= OW) continue;
                  acc += (double)dout[(((size_t)b * s->K + k) * OH + oh) * OW + ow] *
                         weight[(((size_t)k * s->C + c) * s->R + r) * s->S + q];
                }
              }
            dinp[(((size_t)b * s->C + c) * s->H + ih) * s->W + iw] += (float)acc;
          }
  }
  if (dweight) {
#pragma omp parallel for collapse(2) schedule(static)
    for (int k = 0; k < s->K; k++)
      for (int c = 0; c < s->C; c++)
        for (int r = 0; r < s->R; r++)
          for (int q = 0; q < s->S; q++) {
            double acc = 0.0;
            for (int b = 0; b < s->B; b++)
              for (int oh = 0; oh < OH; oh++) {
                int ih = oh * s->sh - s->ph + r;
                if (ih < 0 || ih >= s->H) continue;
                for (int ow = 0; ow < OW; ow++) {
                  int iw = ow * s->sw - s->pw + q;
                  if (iw < 0 || iw >= s->W) continue;
                  acc += (double)dout[(((size_t)b * s->K + k) * OH + oh) * OW + ow] *
                         inp[(((size_t)b * s->C + c) * s->H + ih) * s->W + iw];
                }
              }
            dweight[(((size_t)k * s->C + c) * s->R + r) * s->S + q] += (float)acc;
          }
  }
  if (dbias) {
    for (int k = 0; k < s->K; k++) {
      double acc = 0.0;
      for (int b = 0; b < s->B; b++)
        for (size_t i = 0; i < (size_t)OH * OW; i++)
          acc += dout[((size_t)b * s->K + k) * OH * OW + i];
      dbias[k] += (float)acc;
    }
  }
}

/* A 1D convolution is the 2D one on a (C,1,L) image with a (1,S) kernel. */
static lie_nn_conv_shape conv1d_shape(int B, int C, int L, int K, int S, int stride, int pad) {
  lie_nn_conv_shape s = {B, C, 1, L, K, 1, S, 1, stride, 0, pad};
  return s;
}

// inp (B,C,L), weight (K,C,S), bias (K) -> out (B,K,OL)
void lie_nn_conv1d_forward(float *out, const float *inp, const float *weight, const float *bias, int B, int C, int L,
                           int K, int S, int stride, int pad) {
  lie_nn_conv_shape s = conv1d_shape(B, C, L, K, S, stride, pad);
  lie_nn_conv2d_forward(out, inp, weight, bias, &s);
}

// dout (B,K,OL) -> dinp (B,C,L), dweight (K,C,S), dbias (K)
void lie_nn_conv1d_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                            const float *weight, int B, int C, int L, int K, int S, int stride, int pad) {
  lie_nn_conv_shape s = conv1d_shape(B, C, L, K, S, stride, pad);
  lie_nn_conv2d_backward(dinp, dweight, dbias, dout, inp, weight, &s);
}
