/* Convolution and fully connected layers on oneDNN (the "weighted" primitives): set-up with
 * per-pass layout fallbacks, weight reorders between the flat OIHW / (out,in) buffers and the
 * primitives' layouts once per step, forward, backward data and backward weights. */
#include "dnnl_impl.h"

#if LIEREG_HAVE_DNNL
#include <stdio.h>
#include <string.h>

static int is_ref_impl(const_dnnl_primitive_desc_t pd) {
  const char *impl = NULL;
  if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) != dnnl_success || !impl) return 0;
  return !strncmp(impl, "ref", 3);
}

enum { CONV_FWD, CONV_BWD_DATA, CONV_BWD_WEIGHTS };

/* Primitive descriptor for one convolution pass. First with the tensors' own layouts; if
 * oneDNN only has its reference loop for that (2.6's AVX2 kernels skip e.g. strided 1xk
 * backward-data, a 96-channel plain-NCHW stem, 3x3 backward-weights on 2x2 images), retry
 * with layouts of oneDNN's choice, then plain NCHW (gemm-based); the caller adds reorders. */
static int make_conv_pd(dstate *s, int kind, const dnnl_memory_desc_t *xmd, const dnnl_memory_desc_t *wmd,
                        const dnnl_memory_desc_t *bias, const dnnl_memory_desc_t *ymd, const int64_t *st,
                        const int64_t *pl, const int64_t *pr, const_dnnl_primitive_desc_t hint,
                        dnnl_primitive_desc_t *pd) {
  *pd = NULL;
  for (int attempt = 0; attempt < 3; attempt++) {
    dnnl_memory_desc_t xa = *xmd, ya = *ymd;
    if (attempt > 0) {
      dnnl_format_tag_t tag = attempt == 1 ? dnnl_format_tag_any : dnnl_nchw;
      LIE_DNNL(dnnl_memory_desc_init_by_tag(&xa, 4, xmd->dims, dnnl_f32, tag));
      LIE_DNNL(dnnl_memory_desc_init_by_tag(&ya, 4, ymd->dims, dnnl_f32, tag));
    }
    dnnl_convolution_desc_t cd;
    dnnl_alg_kind_t alg = dnnl_convolution_direct;
    if (kind == CONV_FWD)
      LIE_DNNL(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_training, alg, &xa, wmd, bias, &ya, st, pl, pr));
    else if (kind == CONV_BWD_DATA)
      LIE_DNNL(dnnl_convolution_backward_data_desc_init(&cd, alg, &xa, wmd, &ya, st, pl, pr));
    else
      LIE_DNNL(dnnl_convolution_backward_weights_desc_init(&cd, alg, &xa, wmd, bias, &ya, st, pl, pr));
    dnnl_primitive_desc_t p;
    if (dnnl_primitive_desc_create(&p, &cd, NULL, s->eng, hint) != dnnl_success) continue;
    if (!is_ref_impl(p) || attempt == 2) {
      *pd = p;
      return LIE_OK;
    }
    dnnl_primitive_desc_destroy(p);
  }
  LIE_ERROR(LIE_ERR_DNNL, "oneDNN has no convolution implementation for this shape");
}

/* Adapter between a tensor's memory (layout tmd) and a primitive's layout pmd. */
static int make_adapt(dstate *s, const dnnl_memory_desc_t *tmd, const dnnl_memory_desc_t *pmd, int input, adapt *a) {
  a->m = NULL, a->r = NULL;
  if (dnnl_memory_desc_equal(tmd, pmd)) return LIE_OK;
  LIE_CALL(mem(s, pmd, NULL, &a->m));
  dnnl_primitive_desc_t pd;
  if (input)
    LIE_DNNL(dnnl_reorder_primitive_desc_create(&pd, tmd, s->eng, pmd, s->eng, NULL));
  else
    LIE_DNNL(dnnl_reorder_primitive_desc_create(&pd, pmd, s->eng, tmd, s->eng, NULL));
  int e = prim(pd, &a->r);
  dnnl_primitive_desc_destroy(pd);
  LIE_CALL(e);
  return LIE_OK;
}

/* Input argument through its adapter: returns the memory the primitive must read. */
static dnnl_memory_t adapt_in(dstate *s, const adapt *a, dnnl_memory_t t, int *err) {
  if (!a->m) return t;
  if (!*err) *err = run_reorder(s, a->r, t, a->m);
  return a->m;
}

/* The weights in each pass's layout: the flat (user) buffer -> forward / backward-data
 * layouts (one reorder shared when they agree), the backward-weights result (layout dw) ->
 * flat buffer. */
static int bridge_weights(dstate *s, dnode *d, const_dnnl_primitive_desc_t fwd, const_dnnl_primitive_desc_t bd,
                          const dnnl_memory_desc_t *dw) {
  const dnnl_memory_desc_t *wf = dnnl_primitive_desc_query_md(fwd, dnnl_query_weights_md, 0);
  const dnnl_memory_desc_t *wb = dnnl_primitive_desc_query_md(bd, dnnl_query_weights_md, 0);
  LIE_CALL(layout_bridge(s, d->w_user, wf, 1, &d->w_fwd, &d->r_w_fwd));
  if (dnnl_memory_desc_equal(wf, wb))
    d->w_bwd = d->w_fwd; /* reuse this step's reorder */
  else
    LIE_CALL(layout_bridge(s, d->w_user, wb, 1, &d->w_bwd, &d->r_w_bwd));
  LIE_CALL(layout_bridge(s, d->dw_user, dw, 0, &d->dw_prim, &d->r_dw));
  return LIE_OK;
}

/* A dense channels-last 1D tensor (nwc: B x 1 x W x C with C fastest). */
static int is_nwc(const dnnl_memory_desc_t *md) {
  const dnnl_blocking_desc_t *b = &md->format_desc.blocking;
  return md->ndims == 4 && md->format_kind == dnnl_blocked && md->offset0 == 0 && b->inner_nblks == 0 &&
         md->dims[2] == 1 && b->strides[1] == 1 && b->strides[3] == md->dims[1] &&
         b->strides[0] == md->dims[1] * md->dims[3];
}

/* Backward-weights by GEMMs (conv1d_gemm.c) for this convolution? Only 1D convolutions on
 * nwc tensors whose shape the flattened formulation covers. Rule measured with
 * bench/nn/bench_bwdw (one thread, per CPU second, docs/BENCHMARKS.md): oneDNN's sgemm beats
 * 2.6's backward-weights primitive by 10-60 % once the output has >= 128 channels (stages
 * 2-4 of a width-64 ResNet, their strided and 1x1 convolutions: primitive 47-89, GEMMs
 * 73-98 GFLOP/cpu-s), ties at 64 -> 64 channels and loses on the 16/96-channel k = 7 stem
 * (primitive 80-90, GEMMs 65-71). "Valid" convolutions (no padding, the input padded
 * beforehand: the time-stepping CNN after its circular padding) follow another rule: GEMMs
 * only where oneDNN itself would fall back to its im2col + gemm implementation (2.6 does
 * for k = 15 at 128 channels: 69 GFLOP/cpu-s in the network, GEMMs 91); its jit kernel
 * (k = 3..9: 94-101) is ahead of the GEMMs there (90-94, the copy of dy costs), so 1 means
 * GEMMs, 0 the primitive, -1 "valid: decide from the primitive's implementation". Fixed
 * rules, not a timing at set-up: the choice (and so the rounding of the weight gradients)
 * must not depend on the machine's load, or a resumed run would not repeat the original bit
 * for bit. LIE_NN_DNNL_BWDW=prim|gemm forces one. */
static int use_gemm_bwdw(dstate *s, const lie_nn_node *n, const lie_nn_conv1d_gemm *g) {
  const dnnl_memory_desc_t *x = &s->md[n->in[0]], *y = &s->md[n->out];
  if (n->R != 1 || n->sh != 1 || n->ph != 0 || !is_nwc(x) || !is_nwc(y) || !lie_nn_conv1d_gemm_ok(g)) return 0;
  if (lie_nn_conv1d_gemm_scratch_floats(g) * sizeof(float) > s->scratch_bytes) return 0;
  const char *v = getenv("LIE_NN_DNNL_BWDW");
  if (v && !strcmp(v, "prim")) return 0;
  if (v && !strcmp(v, "gemm")) return 1;
  if (g->K < 128 || g->C < 64) return 0;
  return g->Win == g->stride * g->OW ? 1 : -1;
}

/* oneDNN's im2col + gemm convolution (or its reference loop) rather than a direct kernel */
static int is_gemm_impl(const_dnnl_primitive_desc_t pd) {
  const char *impl = NULL;
  if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) != dnnl_success || !impl) return 0;
  return !strncmp(impl, "x64:gemm", 8) || !strncmp(impl, "gemm", 4) || !strncmp(impl, "ref", 3);
}

/* The GEMMs' (K, k, C) result as weights dims (K, C, 1, k): oneDNN's ohwi; for k = 1 the
 * same memory as oihw, described as such so that no reorder is made. */
static int gemm_dw_md(const lie_nn_node *n, int C, dnnl_memory_desc_t *md) {
  dnnl_dims_t wd = {n->K, C, 1, n->S};
  LIE_DNNL(dnnl_memory_desc_init_by_tag(md, 4, wd, dnnl_f32, n->S == 1 ? dnnl_oihw : dnnl_ohwi));
  return LIE_OK;
}

int lie_dnnl_conv_setup(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  const lie_nn_tens *x = &net->t[n->in[0]], *y = &net->t[n->out];
  dnnl_memory_desc_t wany, wuser, bmd;
  dnnl_dims_t wd = {n->K, x->C, n->R, n->S}, st = {n->sh, n->sw}, pl = {n->ph, n->pw};
  dnnl_dims_t pr = {right_pad(x->H, y->H, n->R, n->sh, n->ph), right_pad(x->W, y->W, n->S, n->sw, n->pw)};
  LIE_DNNL(dnnl_memory_desc_init_by_tag(&wany, 4, wd, dnnl_f32, dnnl_format_tag_any));
  LIE_DNNL(dnnl_memory_desc_init_by_tag(&wuser, 4, wd, dnnl_f32, dnnl_oihw));
  LIE_CALL(md_1d(&bmd, n->K));
  const dnnl_memory_desc_t *xmd = &s->md[n->in[0]], *ymd = &s->md[n->out], *bias = n->b >= 0 ? &bmd : NULL;
  dnnl_primitive_desc_t bd_pd = NULL, bw_pd = NULL;
  lie_nn_conv1d_gemm g = {net->B, x->C, x->W, n->K, y->W, n->S, n->sw, n->pw};
  /* its scratch (dy rows, or dy with the input's row count) is the backend's, free after
   * backward-data */
  int gemm = use_gemm_bwdw(s, n, &g);
  d->g1d = g;
  LIE_CALL(make_conv_pd(s, CONV_FWD, xmd, &wany, bias, ymd, st, pl, pr, NULL, &d->fwd_pd));
  LIE_CALL(prim(d->fwd_pd, &d->fwd));
  LIE_CALL(make_conv_pd(s, CONV_BWD_DATA, xmd, &wany, NULL, ymd, st, pl, pr, d->fwd_pd, &bd_pd));
  int e = prim(bd_pd, &d->bwd_d);
  if (!e && gemm != 1) e = make_conv_pd(s, CONV_BWD_WEIGHTS, xmd, &wany, bias, ymd, st, pl, pr, d->fwd_pd, &bw_pd);
  if (!e && gemm == -1 && (gemm = is_gemm_impl(bw_pd))) {
    dnnl_primitive_desc_destroy(bw_pd);
    bw_pd = NULL;
  }
  d->bwdw_gemm = gemm == 1;
  if (!e && bw_pd) e = prim(bw_pd, &d->bwd_w);
#define Q(pd, what) dnnl_primitive_desc_query_md(pd, what, 0)
  if (!e) e = make_adapt(s, xmd, Q(d->fwd_pd, dnnl_query_src_md), 1, &d->fx);
  if (!e) e = make_adapt(s, ymd, Q(d->fwd_pd, dnnl_query_dst_md), 0, &d->fy);
  if (!e) e = make_adapt(s, ymd, Q(bd_pd, dnnl_query_diff_dst_md), 1, &d->bdy);
  if (!e) e = make_adapt(s, xmd, Q(bd_pd, dnnl_query_diff_src_md), 0, &d->bdx);
  /* backward-weights reads the forward's input: if both want the same layout, the forward's
   * adapter copy (still this step's input at backward time) serves both — the 1D stem's
   * input is then reordered once per step instead of twice */
  if (!e && bw_pd && d->fx.m && dnnl_memory_desc_equal(Q(d->fwd_pd, dnnl_query_src_md), Q(bw_pd, dnnl_query_src_md)))
    d->wx.m = d->fx.m, d->wx.r = NULL;
  else if (!e && bw_pd)
    e = make_adapt(s, xmd, Q(bw_pd, dnnl_query_src_md), 1, &d->wx);
  if (!e && bw_pd) e = make_adapt(s, ymd, Q(bw_pd, dnnl_query_diff_dst_md), 1, &d->wdy);
  if (!e) e = mem(s, &wuser, lie_nn_param(net, n->w), &d->w_user);
  if (!e) e = mem(s, &wuser, lie_nn_grad(net, n->w), &d->dw_user);
  if (!e && bias) e = mem(s, &bmd, lie_nn_param(net, n->b), &d->b_user);
  if (!e && bias) e = mem(s, &bmd, lie_nn_grad(net, n->b), &d->db_user);
  dnnl_memory_desc_t gmd;
  if (!e && d->bwdw_gemm) e = gemm_dw_md(n, x->C, &gmd);
  if (!e) e = bridge_weights(s, d, d->fwd_pd, bd_pd, d->bwdw_gemm ? &gmd : Q(bw_pd, dnnl_query_diff_weights_md));
#undef Q
  dnnl_primitive_desc_destroy(bd_pd);
  if (bw_pd) dnnl_primitive_desc_destroy(bw_pd);
  LIE_CALL(e);
  return LIE_OK;
}

int lie_dnnl_linear_setup(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  const lie_nn_tens *x = &net->t[n->in[0]];
  LIE_CHECK(x->H == 1 && x->W == 1, LIE_ERR_NOTSUP, "%s: oneDNN backend needs a (C,1,1) input to linear", n->name);
  dnnl_memory_desc_t wmd, wany, bmd;
  dnnl_dims_t wd = {n->K, x->C};
  LIE_DNNL(dnnl_memory_desc_init_by_tag(&wmd, 2, wd, dnnl_f32, dnnl_oi));
  /* weights in oneDNN's choice of layout: a blocked layout selects its brgemm kernels; the
   * plain (out, in) one a gemm-based path (x64:gemm:jit) measured 5-25x slower on the first
   * call of each pass */
  LIE_DNNL(dnnl_memory_desc_init_by_tag(&wany, 2, wd, dnnl_f32, dnnl_format_tag_any));
  LIE_CALL(md_1d(&bmd, n->K));
  const dnnl_memory_desc_t *xmd = &s->md[n->in[0]], *ymd = &s->md[n->out], *bias = n->b >= 0 ? &bmd : NULL;
  dnnl_inner_product_desc_t id;
  dnnl_primitive_desc_t bd_pd, bw_pd;
  LIE_DNNL(dnnl_inner_product_forward_desc_init(&id, dnnl_forward_training, xmd, &wany, bias, ymd));
  LIE_DNNL(dnnl_primitive_desc_create(&d->fwd_pd, &id, NULL, s->eng, NULL));
  LIE_CALL(prim(d->fwd_pd, &d->fwd));
  LIE_DNNL(dnnl_inner_product_backward_data_desc_init(&id, xmd, &wany, ymd));
  LIE_DNNL(dnnl_primitive_desc_create(&bd_pd, &id, NULL, s->eng, d->fwd_pd));
  LIE_DNNL(dnnl_inner_product_backward_weights_desc_init(&id, xmd, &wany, bias, ymd));
  if (dnnl_primitive_desc_create(&bw_pd, &id, NULL, s->eng, d->fwd_pd) != dnnl_success) {
    dnnl_primitive_desc_destroy(bd_pd);
    LIE_ERROR(LIE_ERR_DNNL, "%s: oneDNN has no inner product backward-weights for this shape", n->name);
  }
  int e = prim(bd_pd, &d->bwd_d);
  if (!e) e = prim(bw_pd, &d->bwd_w);
  if (!e) e = mem(s, &wmd, lie_nn_param(net, n->w), &d->w_user);
  if (!e) e = mem(s, &wmd, lie_nn_grad(net, n->w), &d->dw_user);
  if (!e && bias) e = mem(s, &bmd, lie_nn_param(net, n->b), &d->b_user);
  if (!e && bias) e = mem(s, &bmd, lie_nn_grad(net, n->b), &d->db_user);
  if (!e)
    e = bridge_weights(s, d, d->fwd_pd, bd_pd, dnnl_primitive_desc_query_md(bw_pd, dnnl_query_diff_weights_md, 0));
  dnnl_primitive_desc_destroy(bd_pd);
  dnnl_primitive_desc_destroy(bw_pd);
  LIE_CALL(e);
  return LIE_OK;
}

// conv: x (B,C,H,W) -> y (B,K,OH,OW); linear: x (B,Fi) -> y (B,Fo); bias if any
int lie_dnnl_weighted_forward(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  dnnl_memory_t x = s->data[n->in[0]], y = s->data[n->out];
  int e = 0;
  LIE_CALL(run_reorder(s, d->r_w_fwd, d->w_user, d->w_fwd));
  dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, adapt_in(s, &d->fx, x, &e)},
                          {DNNL_ARG_WEIGHTS, d->w_fwd},
                          {DNNL_ARG_DST, d->fy.m ? d->fy.m : y},
                          {DNNL_ARG_BIAS, d->b_user}};
  LIE_CALL(e);
  LIE_CALL(exec(s, d->fwd, d->b_user ? 4 : 3, a));
  if (d->fy.m) LIE_CALL(run_reorder(s, d->fy.r, d->fy.m, y));
  return LIE_OK;
}

// x (B, Win, C) nwc, dy (B, OW, K) nwc -> dw_prim (K, k, C), dbias (K): conv1d_gemm.c, timed
// as a primitive when profiling
static int gemm_bwd_weights(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  void *dw;
  LIE_DNNL(dnnl_stream_wait(s->st)); /* dy is complete */
  LIE_DNNL(dnnl_memory_get_data_handle(d->dw_prim, &dw));
  double c0 = s->prof ? lie_dnnl_profile_clock() : 0;
  int e = lie_nn_conv1d_gemm_bwd_weights(&d->g1d, net->t[n->in[0]].data, net->t[n->out].grad, dw,
                                         n->b >= 0 ? lie_nn_grad(net, n->b) : NULL, s->scratch);
  LIE_CHECK(!e, LIE_ERR_DNNL, "%s: oneDNN sgemm failed in backward-weights", n->name);
  if (s->prof) {
    const lie_nn_conv1d_gemm *g = &d->g1d;
    char shape[96];
    snprintf(shape, sizeof shape, "src %dx%dx1x%d nwc wei %dx%dx1x%d", g->N, g->C, g->Win, g->K, g->C, g->k);
    lie_dnnl_profile_add(s, d, "convolution", "backward_weights", "gemm:dnnl_sgemm", shape,
                         2.0 * g->N * g->OW * g->K * (double)g->C * g->k, lie_dnnl_profile_clock() - c0);
  }
  return LIE_OK;
}

// dy -> dx (stored or added, if wanted); dweight -> the flat buffer's layout; dbias
int lie_dnnl_weighted_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx) {
  dstate *s = S(net);
  dnnl_memory_t x = s->data[n->in[0]], dy = s->grad[n->out];
  int e = 0;
  if (want_dx) {
    LIE_CALL(run_reorder(s, d->r_w_bwd, d->w_user, d->w_bwd));
    dnnl_memory_t target = grad_target(s, n, d, 0);
    dnnl_exec_arg_t a[3] = {{DNNL_ARG_DIFF_DST, adapt_in(s, &d->bdy, dy, &e)},
                            {DNNL_ARG_WEIGHTS, d->w_bwd},
                            {DNNL_ARG_DIFF_SRC, d->bdx.m ? d->bdx.m : target}};
    LIE_CALL(e);
    LIE_CALL(exec(s, d->bwd_d, 3, a));
    if (d->bdx.m) LIE_CALL(run_reorder(s, d->bdx.r, d->bdx.m, target));
    LIE_CALL(finish_target(net, n, d, 0, NULL));
  }
  if (d->bwdw_gemm) {
    LIE_CALL(gemm_bwd_weights(net, n, d));
  } else {
    dnnl_exec_arg_t b[4] = {{DNNL_ARG_SRC, adapt_in(s, &d->wx, x, &e)},
                            {DNNL_ARG_DIFF_DST, adapt_in(s, &d->wdy, dy, &e)},
                            {DNNL_ARG_DIFF_WEIGHTS, d->dw_prim},
                            {DNNL_ARG_DIFF_BIAS, d->db_user}};
    LIE_CALL(e);
    LIE_CALL(exec(s, d->bwd_w, d->db_user ? 4 : 3, b));
  }
  LIE_CALL(run_reorder(s, d->r_dw, d->dw_prim, d->dw_user));
  return LIE_OK;
}
#endif
