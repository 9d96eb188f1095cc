/* Reference smooth activations of the time-stepping models: ELU (LPSDA's CNN) and GELU
 * (FNO, LPSDA's ResNet lift, the U-Net), both as torch.nn.functional's defaults. */
#include "liereg/nn.h"

#include <math.h>

// inp (N) -> out (N) = x > 0 ? x : exp(x) - 1   (alpha = 1)
void lie_nn_elu_forward(float *out, const float *inp, size_t N) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < N; i++)
    out[i] = inp[i] > 0.0f ? inp[i] : (float)expm1((double)inp[i]);
}

// dout (N) -> dinp (N) += dout * (x > 0 ? 1 : exp(x))
void lie_nn_elu_backward(float *dinp, const float *dout, const float *inp, size_t N) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < N; i++)
    dinp[i] += inp[i] > 0.0f ? dout[i] : (float)(dout[i] * exp((double)inp[i]));
}

// inp (N) -> out (N) = x/2 (1 + erf(x/sqrt 2))   (the exact form, F.gelu(approximate='none'))
void lie_nn_gelu_forward(float *out, const float *inp, size_t N) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < N; i++) {
    double x = inp[i];
    out[i] = (float)(0.5 * x * (1.0 + erf(x * M_SQRT1_2)));
  }
}

// dout (N) -> dinp (N) += dout * (Phi(x) + x phi(x)), Phi/phi the normal cdf/density
void lie_nn_gelu_backward(float *dinp, const float *dout, const float *inp, size_t N) {
  const double inv_sqrt_2pi = 0.5 * M_2_SQRTPI * M_SQRT1_2;
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < N; i++) {
    double x = inp[i], d = 0.5 * (1.0 + erf(x * M_SQRT1_2)) + x * inv_sqrt_2pi * exp(-0.5 * x * x);
    dinp[i] += (float)(dout[i] * d);
  }
}
