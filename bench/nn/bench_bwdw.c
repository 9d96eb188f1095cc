/* Backward-weights of one 1D convolution (channels-last, as the oneDNN backend runs 1D
 * networks): oneDNN 2.6's convolution primitive against the GEMM formulation of
 * src/nn/conv1d_gemm.c (oneDNN's sgemm) and the same main GEMMs on OpenBLAS, per CPU
 * second (best of REPS), each including the reorder of the result to the flat OIW layout.
 *   bench_bwdw N C Win K k stride pad [reps]      -> one JSON line
 * Run by hand (docs/BENCHMARKS.md); ctest never times it. */
#include "../../src/nn/conv1d_gemm.h"

#include <cblas.h>
#include <dnnl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_NAME "bench_bwdw"
#include "bench_util.h"

int main(int argc, char **argv) {
  if (argc < 8) {
    fprintf(stderr, "usage: bench_bwdw N C Win K k stride pad [reps]\n");
    return 2;
  }
  lie_nn_conv1d_gemm g = {atoi(argv[1]), atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), 0,
                          atoi(argv[5]), atoi(argv[6]), atoi(argv[7])};
  int reps = argc > 8 ? atoi(argv[8]) : 5;
  g.OW = (g.Win + 2 * g.pad - g.k) / g.stride + 1;
  if (!lie_nn_conv1d_gemm_ok(&g)) {
    fprintf(stderr, "bench_bwdw: shape not supported by the GEMM formulation\n");
    return 2;
  }
  size_t nx = (size_t)g.N * g.Win * g.C, ny = (size_t)g.N * g.OW * g.K, nw = (size_t)g.K * g.C * g.k;
  float *x = malloc(nx * 4), *dy = malloc(ny * 4), *w1 = malloc(nw * 4), *w2 = malloc(nw * 4), *wt = malloc(nw * 4);
  float *db1 = malloc(g.K * 4), *db2 = malloc(g.K * 4), *sc = malloc(lie_nn_conv1d_gemm_scratch_floats(&g) * 4 + 4);
  fill(x, nx, 1), fill(dy, ny, 2);

  dnnl_engine_t eng;
  dnnl_stream_t st;
  CK(dnnl_engine_create(&eng, dnnl_cpu, 0));
  CK(dnnl_stream_create(&st, eng, dnnl_stream_default_flags));
  dnnl_memory_desc_t xmd, ymd, wany, wuser, bmd;
  dnnl_dims_t xd = {g.N, g.C, 1, g.Win}, yd = {g.N, g.K, 1, g.OW}, wd = {g.K, g.C, 1, g.k}, bd = {g.K};
  dnnl_dims_t strides = {1, g.stride}, pl = {0, g.pad};
  int64_t prr = (int64_t)(g.OW - 1) * g.stride + g.k - g.Win - g.pad;
  dnnl_dims_t pr = {0, prr > 0 ? prr : 0};
  CK(dnnl_memory_desc_init_by_tag(&xmd, 4, xd, dnnl_f32, dnnl_nhwc));
  CK(dnnl_memory_desc_init_by_tag(&ymd, 4, yd, dnnl_f32, dnnl_nhwc));
  CK(dnnl_memory_desc_init_by_tag(&wany, 4, wd, dnnl_f32, dnnl_format_tag_any));
  CK(dnnl_memory_desc_init_by_tag(&wuser, 4, wd, dnnl_f32, dnnl_oihw));
  CK(dnnl_memory_desc_init_by_tag(&bmd, 1, bd, dnnl_f32, dnnl_x));
  dnnl_convolution_desc_t cd;
  dnnl_primitive_desc_t fpd, wpd, rpd;
  CK(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_training, dnnl_convolution_direct, &xmd, &wany, &bmd, &ymd,
                                        strides, pl, pr));
  CK(dnnl_primitive_desc_create(&fpd, &cd, NULL, eng, NULL));
  CK(dnnl_convolution_backward_weights_desc_init(&cd, dnnl_convolution_direct, &xmd, &wany, &bmd, &ymd, strides, pl,
                                                 pr));
  CK(dnnl_primitive_desc_create(&wpd, &cd, NULL, eng, fpd));
  const char *impl = "?";
  dnnl_primitive_desc_query(wpd, dnnl_query_impl_info_str, 0, &impl);
  const dnnl_memory_desc_t *dwmd = dnnl_primitive_desc_query_md(wpd, dnnl_query_diff_weights_md, 0);
  dnnl_memory_t mx, my, mdw, mdwu, mdb;
  CK(dnnl_memory_create(&mx, &xmd, eng, x));
  CK(dnnl_memory_create(&my, &ymd, eng, dy));
  CK(dnnl_memory_create(&mdw, dwmd, eng, DNNL_MEMORY_ALLOCATE));
  CK(dnnl_memory_create(&mdwu, &wuser, eng, w1));
  CK(dnnl_memory_create(&mdb, &bmd, eng, db1));
  dnnl_primitive_t pw, pre = NULL;
  CK(dnnl_primitive_create(&pw, wpd));
  int need_re = !dnnl_memory_desc_equal(dwmd, &wuser);
  if (need_re) {
    CK(dnnl_reorder_primitive_desc_create(&rpd, dwmd, eng, &wuser, eng, NULL));
    CK(dnnl_primitive_create(&pre, rpd));
  }
  dnnl_exec_arg_t a[4] = {
      {DNNL_ARG_SRC, mx}, {DNNL_ARG_DIFF_DST, my}, {DNNL_ARG_DIFF_WEIGHTS, mdw}, {DNNL_ARG_DIFF_BIAS, mdb}};
  dnnl_exec_arg_t ra[2] = {{DNNL_ARG_FROM, mdw}, {DNNL_ARG_TO, mdwu}};
  /* the GEMMs' (K, k, C) result -> OIW by oneDNN's reorder, as the backend does */
  dnnl_memory_desc_t gmd;
  dnnl_memory_t mgw, mgu;
  dnnl_primitive_t gre = NULL;
  CK(dnnl_memory_desc_init_by_tag(&gmd, 4, wd, dnnl_f32, g.k == 1 ? dnnl_oihw : dnnl_ohwi));
  CK(dnnl_memory_create(&mgw, &gmd, eng, wt));
  CK(dnnl_memory_create(&mgu, &wuser, eng, w2));
  if (g.k > 1) {
    dnnl_primitive_desc_t gpd;
    CK(dnnl_reorder_primitive_desc_create(&gpd, &gmd, eng, &wuser, eng, NULL));
    CK(dnnl_primitive_create(&gre, gpd));
  }
  dnnl_exec_arg_t ga[2] = {{DNNL_ARG_FROM, mgw}, {DNNL_ARG_TO, mgu}};
  double flop = 2.0 * g.N * g.OW * g.K * (double)g.C * g.k;
  double best_prim = 1e30, best_gemm = 1e30, best_blas = 1e30, best_main = 1e30, best_swap = 1e30;
  for (int r = 0; r < reps + 1; r++) { /* first round warms up; alternating A/B */
    double t0 = cpu_s();
    CK(dnnl_primitive_execute(pw, st, 4, a));
    if (pre) CK(dnnl_primitive_execute(pre, st, 2, ra));
    CK(dnnl_stream_wait(st));
    double t1 = cpu_s();
    if (lie_nn_conv1d_gemm_bwd_weights(&g, x, dy, wt, db2, sc)) return 1;
    if (gre) {
      CK(dnnl_primitive_execute(gre, st, 2, ga));
      CK(dnnl_stream_wait(st));
    } else {
      memcpy(w2, wt, nw * 4);
    }
    double t2 = cpu_s();
    for (int s = 0; s < g.k; s++) /* main GEMMs only (no edge corrections): the engine's rate */
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, g.K, g.C, g.N * g.OW - 1, 1.0f, dy, g.K, x, g.stride * g.C,
                  0.0f, wt + (size_t)s * g.C, g.k * g.C);
    double t3 = cpu_s();
    for (int s = 0; s < g.k; s++) /* the same main GEMMs on oneDNN: dy^T x, and swapped: x^T dy */
      dnnl_sgemm('T', 'N', g.K, g.C, g.N * g.OW - 1, 1.0f, dy, g.K, x, g.stride * g.C, 0.0f, wt + (size_t)s * g.C,
                 g.k * g.C);
    double t4 = cpu_s();
    for (int s = 0; s < g.k; s++)
      dnnl_sgemm('T', 'N', g.C, g.K, g.N * g.OW - 1, 1.0f, x, g.stride * g.C, dy, g.K, 0.0f, wt + (size_t)s * g.K,
                 g.k * g.K);
    double t5 = cpu_s();
    if (r) {
      if (t4 - t3 < best_main) best_main = t4 - t3;
      if (t5 - t4 < best_swap) best_swap = t5 - t4;
      if (t1 - t0 < best_prim) best_prim = t1 - t0;
      if (t2 - t1 < best_gemm) best_gemm = t2 - t1;
      if (t3 - t2 < best_blas) best_blas = t3 - t2;
    }
  }
  if (!need_re) memcpy(w1, w1, 0);
  double md = 0, mref = 0, mdb_ = 0;
  for (size_t i = 0; i < nw; i++) {
    double d = fabs((double)w1[i] - w2[i]);
    if (!(d <= md)) md = d;
    if (fabs(w1[i]) > mref) mref = fabs(w1[i]);
  }
  for (int i = 0; i < g.K; i++) {
    double d = fabs((double)db1[i] - db2[i]);
    if (!(d <= mdb_)) mdb_ = d;
  }
  printf("{\"N\":%d,\"C\":%d,\"Win\":%d,\"K\":%d,\"k\":%d,\"stride\":%d,\"pad\":%d,\"prim_impl\":\"%s\","
         "\"prim_gflop_cpu_s\":%.1f,\"gemm_gflop_cpu_s\":%.1f,\"openblas_main_gflop_cpu_s\":%.1f,"
         "\"dnnl_main_gflop_cpu_s\":%.1f,\"dnnl_swapped_main_gflop_cpu_s\":%.1f,\"max_abs_diff_rel\":%.2e,\"db_max_abs_"
         "diff\":%.2e}\n",
         g.N, g.C, g.Win, g.K, g.k, g.stride, g.pad, impl, flop / best_prim * 1e-9, flop / best_gemm * 1e-9,
         flop / best_blas * 1e-9, flop / best_main * 1e-9, flop / best_swap * 1e-9, md / (mref > 0 ? mref : 1), mdb_);
  return md / (mref > 0 ? mref : 1) < 1e-4 ? 0 : 1;
}
