/* Forward and backward-data of one stride-1 "same" 1D convolution on channels-last tensors
 * (as the oneDNN backend runs 1D networks, no bias): oneDNN 2.6's convolution primitives
 * against one GEMM per tap (src/nn/conv1d_gemm.c, oneDNN's sgemm), per CPU second, best of
 * REPS, alternating; each side includes its per-step weight reorder from the flat OIW
 * buffer (to the primitive's layout, or to ohwi for the GEMMs), as the backend does.
 *   bench_conv1d N C W K k [reps]      -> one JSON line; exit 1 if the results disagree
 * Run by hand (docs/BENCHMARKS.md); ctest never times it. */
#include "../../src/nn/conv1d_gemm.h"

#include <dnnl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_NAME "bench_conv1d"
#include "bench_util.h"

/* max |a - b| relative to max |b|; NaN counts as a difference */
static double rel_diff(const float *a, const float *b, size_t n) {
  double md = 0, mref = 0;
  for (size_t i = 0; i < n; i++) {
    double d = fabs((double)a[i] - b[i]);
    if (!(d <= md)) md = d;
    if (fabs(b[i]) > mref) mref = fabs(b[i]);
  }
  return md / (mref > 0 ? mref : 1);
}

typedef struct {
  dnnl_primitive_t p, wre; /* the pass, and the weights' reorder oihw -> its layout (or NULL) */
  dnnl_memory_t w;         /* the weights in its layout */
} pass;

static void make_pass(dnnl_engine_t eng, const_dnnl_primitive_desc_t pd, dnnl_memory_t wuser, pass *ps) {
  const dnnl_memory_desc_t *wmd = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), *umd;
  CK(dnnl_memory_get_memory_desc(wuser, &umd));
  CK(dnnl_primitive_create(&ps->p, pd));
  CK(dnnl_memory_create(&ps->w, wmd, eng, DNNL_MEMORY_ALLOCATE));
  dnnl_primitive_desc_t rpd;
  CK(dnnl_reorder_primitive_desc_create(&rpd, umd, eng, wmd, eng, NULL));
  CK(dnnl_primitive_create(&ps->wre, rpd));
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: bench_conv1d N C W K k [reps]\n");
    return 2;
  }
  int N = atoi(argv[1]), C = atoi(argv[2]), W = atoi(argv[3]), K = atoi(argv[4]), k = atoi(argv[5]);
  int reps = argc > 6 ? atoi(argv[6]) : 5;
  lie_nn_conv1d_gemm g = {N, C, W, K, W, k, 1, k / 2};
  if (!lie_nn_conv1d_gemm_same_ok(&g)) {
    fprintf(stderr, "bench_conv1d: shape not supported (odd k, W >= 1)\n");
    return 2;
  }
  size_t nx = (size_t)N * W * C, ny = (size_t)N * W * K, nw = (size_t)K * C * k;
  float *x = malloc(nx * 4), *y1 = malloc(ny * 4), *y2 = malloc(ny * 4), *dy = malloc(ny * 4);
  float *dx1 = malloc(nx * 4), *dx2 = malloc(nx * 4), *w = malloc(nw * 4), *wg = malloc(nw * 4);
  float *sc = malloc(lie_nn_conv1d_gemm_same_scratch_floats(&g) * 4 + 4);
  fill(x, nx, 1), fill(dy, ny, 2), fill(w, nw, 3);

  dnnl_engine_t eng;
  dnnl_stream_t st;
  CK(dnnl_engine_create(&eng, dnnl_cpu, 0));
  CK(dnnl_stream_create(&st, eng, dnnl_stream_default_flags));
  dnnl_memory_desc_t xmd, ymd, wany, wuser, wohwi;
  dnnl_dims_t xd = {N, C, 1, W}, yd = {N, K, 1, W}, wd = {K, C, 1, k}, strides = {1, 1}, pl = {0, k / 2};
  CK(dnnl_memory_desc_init_by_tag(&xmd, 4, xd, dnnl_f32, dnnl_nhwc));
  CK(dnnl_memory_desc_init_by_tag(&ymd, 4, yd, dnnl_f32, dnnl_nhwc));
  CK(dnnl_memory_desc_init_by_tag(&wany, 4, wd, dnnl_f32, dnnl_format_tag_any));
  CK(dnnl_memory_desc_init_by_tag(&wuser, 4, wd, dnnl_f32, dnnl_oihw));
  CK(dnnl_memory_desc_init_by_tag(&wohwi, 4, wd, dnnl_f32, dnnl_ohwi));
  dnnl_convolution_desc_t cd;
  dnnl_primitive_desc_t fpd, bpd;
  CK(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_training, dnnl_convolution_direct, &xmd, &wany, NULL, &ymd,
                                        strides, pl, pl));
  CK(dnnl_primitive_desc_create(&fpd, &cd, NULL, eng, NULL));
  CK(dnnl_convolution_backward_data_desc_init(&cd, dnnl_convolution_direct, &xmd, &wany, &ymd, strides, pl, pl));
  CK(dnnl_primitive_desc_create(&bpd, &cd, NULL, eng, fpd));
  const char *fimpl = "?", *bimpl = "?";
  dnnl_primitive_desc_query(fpd, dnnl_query_impl_info_str, 0, &fimpl);
  dnnl_primitive_desc_query(bpd, dnnl_query_impl_info_str, 0, &bimpl);
  dnnl_memory_t mx, my, mdy, mdx, mw, mwg;
  CK(dnnl_memory_create(&mx, &xmd, eng, x));
  CK(dnnl_memory_create(&my, &ymd, eng, y1));
  CK(dnnl_memory_create(&mdy, &ymd, eng, dy));
  CK(dnnl_memory_create(&mdx, &xmd, eng, dx1));
  CK(dnnl_memory_create(&mw, &wuser, eng, w));
  CK(dnnl_memory_create(&mwg, &wohwi, eng, wg));
  pass pf, pb;
  make_pass(eng, fpd, mw, &pf);
  make_pass(eng, bpd, mw, &pb);
  dnnl_primitive_t gre;
  dnnl_primitive_desc_t gpd;
  CK(dnnl_reorder_primitive_desc_create(&gpd, &wuser, eng, &wohwi, eng, NULL));
  CK(dnnl_primitive_create(&gre, gpd));
  dnnl_exec_arg_t fa[3] = {{DNNL_ARG_SRC, mx}, {DNNL_ARG_WEIGHTS, pf.w}, {DNNL_ARG_DST, my}};
  dnnl_exec_arg_t ba[3] = {{DNNL_ARG_DIFF_DST, mdy}, {DNNL_ARG_WEIGHTS, pb.w}, {DNNL_ARG_DIFF_SRC, mdx}};
  dnnl_exec_arg_t rf[2] = {{DNNL_ARG_FROM, mw}, {DNNL_ARG_TO, pf.w}},
                  rb[2] = {{DNNL_ARG_FROM, mw}, {DNNL_ARG_TO, pb.w}};
  dnnl_exec_arg_t rg[2] = {{DNNL_ARG_FROM, mw}, {DNNL_ARG_TO, mwg}};
  double flop = 2.0 * N * W * (double)K * C * k, best[4] = {1e30, 1e30, 1e30, 1e30};
  for (int r = 0; r < reps + 1; r++) { /* first round warms up */
    double t[5];
    t[0] = cpu_s();
    CK(dnnl_primitive_execute(pf.wre, st, 2, rf));
    CK(dnnl_primitive_execute(pf.p, st, 3, fa));
    CK(dnnl_stream_wait(st));
    t[1] = cpu_s();
    CK(dnnl_primitive_execute(gre, st, 2, rg));
    CK(dnnl_stream_wait(st));
    if (lie_nn_conv1d_gemm_forward(&g, x, wg, NULL, y2, sc)) return 1;
    t[2] = cpu_s();
    CK(dnnl_primitive_execute(pb.wre, st, 2, rb));
    CK(dnnl_primitive_execute(pb.p, st, 3, ba));
    CK(dnnl_stream_wait(st));
    t[3] = cpu_s();
    CK(dnnl_primitive_execute(gre, st, 2, rg));
    CK(dnnl_stream_wait(st));
    if (lie_nn_conv1d_gemm_bwd_data(&g, dy, wg, dx2, sc)) return 1;
    t[4] = cpu_s();
    for (int i = 0; r && i < 4; i++)
      if (t[i + 1] - t[i] < best[i]) best[i] = t[i + 1] - t[i];
  }
  double dfy = rel_diff(y2, y1, ny), dfx = rel_diff(dx2, dx1, nx);
  printf("{\"N\":%d,\"C\":%d,\"W\":%d,\"K\":%d,\"k\":%d,\"fwd_impl\":\"%s\",\"bwd_data_impl\":\"%s\","
         "\"fwd_prim_gflop_cpu_s\":%.1f,\"fwd_gemm_gflop_cpu_s\":%.1f,\"bwd_data_prim_gflop_cpu_s\":%.1f,"
         "\"bwd_data_gemm_gflop_cpu_s\":%.1f,\"fwd_rel_diff\":%.2e,\"bwd_data_rel_diff\":%.2e}\n",
         N, C, W, K, k, fimpl, bimpl, flop / best[0] * 1e-9, flop / best[1] * 1e-9, flop / best[2] * 1e-9,
         flop / best[3] * 1e-9, dfy, dfx);
  return dfy < 1e-4 && dfx < 1e-4 ? 0 : 1;
}
