/* Backward-weights of a stride-s 1D convolution on channels-last tensors as GEMMs over all
 * samples at once (conv1d_gemm.c). Used by the oneDNN backend where it measured faster than
 * oneDNN's convolution backward-weights primitive (dnnl_conv.c), and by bench/nn/bench_bwdw. */
#ifndef LIEREG_NN_CONV1D_GEMM_H
#define LIEREG_NN_CONV1D_GEMM_H

#include <stdint.h>

typedef struct {
  int N, C, Win; /* input: N samples of Win rows of C channels (nwc) */
  int K, OW;     /* output gradient: N samples of OW rows of K channels */
  int k, stride, pad;
} lie_nn_conv1d_gemm;

/* 1 when the shape fits the flattened formulation: Win == stride * OW, 0 <= pad < k */
int lie_nn_conv1d_gemm_ok(const lie_nn_conv1d_gemm *g);
// x (N*Win, C), dy (N*OW, K) -> dw (K, k, C) overwritten; db (K) = sum of dy rows (or NULL).
// Returns 0, or -1 if oneDNN's sgemm failed.
int lie_nn_conv1d_gemm_bwd_weights(const lie_nn_conv1d_gemm *g, const float *x, const float *dy, float *dw, float *db);

#endif
