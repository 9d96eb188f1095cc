/* Reference element-wise layers: ReLU and the residual add. */
#include "liereg/nn.h"

// inp (N) -> out (N) = max(inp, 0)
void lie_nn_relu_forward(float *out, const float *inp, size_t N) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < N; i++)
    out[i] = inp[i] > 0.0f ? inp[i] : 0.0f;
}

// dout (N) -> dinp (N) += dout where inp > 0 (the subgradient at 0 is 0, as torch)
void lie_nn_relu_backward(float *dinp, const float *dout, const float *inp, size_t N) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < N; i++)
    if (inp[i] > 0.0f) dinp[i] += dout[i];
}

// a (N), b (N) -> out (N) = a + b
void lie_nn_add_forward(float *out, const float *a, const float *b, size_t N) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < N; i++)
    out[i] = a[i] + b[i];
}

// dout (N) -> da (N) += dout, db (N) += dout
void lie_nn_add_backward(float *da, float *db, const float *dout, size_t N) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < N; i++) {
    if (da) da[i] += dout[i];
    if (db) db[i] += dout[i];
  }
}
