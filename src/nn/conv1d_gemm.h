/* Backward-weights of a stride-s 1D convolution on channels-last tensors as GEMMs over all
 * samples at once (conv1d_gemm.c). Used by the oneDNN backend where it measured faster than
 * oneDNN's convolution backward-weights primitive (dnnl_conv.c), and by bench/nn/bench_bwdw. */
#ifndef LIEREG_NN_CONV1D_GEMM_H
#define LIEREG_NN_CONV1D_GEMM_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  int N, C, Win; /* input: N samples of Win rows of C channels (nwc) */
  int K, OW;     /* output gradient: N samples of OW rows of K channels */
  int k, stride, pad;
} lie_nn_conv1d_gemm;

/* 1 when the shape fits the flattened formulation: Win == stride * OW, 0 <= pad < k; or a
 * "valid" convolution: stride 1, pad 0, Win == OW + k - 1 */
int lie_nn_conv1d_gemm_ok(const lie_nn_conv1d_gemm *g);
/* floats of scratch lie_nn_conv1d_gemm_bwd_weights needs (the dy rows it zeroes per tap;
 * for a valid convolution a copy of dy with Win rows per sample) */
size_t lie_nn_conv1d_gemm_scratch_floats(const lie_nn_conv1d_gemm *g);
// x (N*Win, C), dy (N*OW, K) -> dw (K, k, C) overwritten; db (K) = sum of dy rows (or NULL).
// dy is modified during the call (rows zeroed per tap) and restored before it returns;
// scratch holds lie_nn_conv1d_gemm_scratch_floats(g) floats. Returns 0, or -1 if oneDNN's
// sgemm failed.
int lie_nn_conv1d_gemm_bwd_weights(const lie_nn_conv1d_gemm *g, const float *x, float *dy, float *dw, float *db,
                                   float *scratch);

/* Forward and backward-data of stride-1 "same" convolutions (Win == OW, 2 pad == k - 1) as
 * one GEMM per tap over all samples; w is (K, k, C) (ohwi). */
int lie_nn_conv1d_gemm_same_ok(const lie_nn_conv1d_gemm *g);
/* floats of scratch the two calls below need (the edge rows they zero per tap) */
size_t lie_nn_conv1d_gemm_same_scratch_floats(const lie_nn_conv1d_gemm *g);
// x (N*Win, C), w (K, k, C) -> y (N*OW, K) overwritten, + bias (K) if not NULL. x is modified
// during the call (edge rows zeroed per tap) and restored. Returns 0, or -1 (sgemm failed).
int lie_nn_conv1d_gemm_forward(const lie_nn_conv1d_gemm *g, float *x, const float *w, const float *bias, float *y,
                               float *scratch);
// dy (N*OW, K), w (K, k, C) -> dx (N*Win, C) overwritten; dy modified during the call, restored
int lie_nn_conv1d_gemm_bwd_data(const lie_nn_conv1d_gemm *g, float *dy, const float *w, float *dx, float *scratch);

#endif
