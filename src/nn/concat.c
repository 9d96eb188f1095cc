/* Reference channel concatenation (torch.cat(dim=1)): the U-Net's skip connections. */
#include "liereg/nn.h"

#include <string.h>

// a (B,Ca,HW), b (B,Cb,HW) -> out (B,Ca+Cb,HW) = [a, b] along channels
void lie_nn_concat_forward(float *out, const float *a, const float *b, int B, int Ca, int Cb, int HW) {
  const size_t na = (size_t)Ca * HW, nb = (size_t)Cb * HW;
  for (int i = 0; i < B; i++) {
    memcpy(out + i * (na + nb), a + i * na, na * sizeof(float));
    memcpy(out + i * (na + nb) + na, b + i * nb, nb * sizeof(float));
  }
}

// dout (B,Ca+Cb,HW) -> da (B,Ca,HW) += dout[:, :Ca], db (B,Cb,HW) += dout[:, Ca:]; either may be NULL
void lie_nn_concat_backward(float *da, float *db, const float *dout, int B, int Ca, int Cb, int HW) {
  const size_t na = (size_t)Ca * HW, nb = (size_t)Cb * HW;
#pragma omp parallel for schedule(static)
  for (int i = 0; i < B; i++) {
    const float *d = dout + i * (na + nb);
    if (da)
      for (size_t j = 0; j < na; j++)
        da[i * na + j] += d[j];
    if (db)
      for (size_t j = 0; j < nb; j++)
        db[i * nb + j] += d[na + j];
  }
}
