/* Reference fully connected layer (torch.nn.Linear: y = x W^T + b). */
#include "liereg/nn.h"

// inp (B,Fi), weight (Fo,Fi), bias (Fo) -> out (B,Fo)
void lie_nn_linear_forward(float *out, const float *inp, const float *weight, const float *bias, int B, int Fi,
                           int Fo) {
#pragma omp parallel for collapse(2) schedule(static)
  for (int b = 0; b < B; b++)
    for (int o = 0; o < Fo; o++) {
      double acc = bias ? bias[o] : 0.0;
      for (int i = 0; i < Fi; i++)
        acc += (double)inp[(size_t)b * Fi + i] * weight[(size_t)o * Fi + i];
      out[(size_t)b * Fo + o] = (float)acc;
    }
}

// dout (B,Fo) -> dinp (B,Fi) += dout W; dweight (Fo,Fi) += dout^T inp; dbias (Fo) += sum_b dout
void lie_nn_linear_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                            const float *weight, int B, int Fi, int Fo) {
  if (dinp) {
#pragma omp parallel for collapse(2) schedule(static)
    for (int b = 0; b < B; b++)
      for (int i = 0; i < Fi; i++) {
        double acc = 0.0;
        for (int o = 0; o < Fo; o++)
          acc += (double)dout[(size_t)b * Fo + o] * weight[(size_t)o * Fi + i];
        dinp[(size_t)b * Fi + i] += (float)acc;
      }
  }
#pragma omp parallel for schedule(static)
  for (int o = 0; o < Fo; o++) {
    if (dweight)
      for (int i = 0; i < Fi; i++) {
        double acc = 0.0;
        for (int b = 0; b < B; b++)
          acc += (double)dout[(size_t)b * Fo + o] * inp[(size_t)b * Fi + i];
        dweight[(size_t)o * Fi + i] += (float)acc;
      }
    if (dbias) {
      double acc = 0.0;
      for (int b = 0; b < B; b++)
        acc += dout[(size_t)b * Fo + o];
      dbias[o] += (float)acc;
    }
  }
}
