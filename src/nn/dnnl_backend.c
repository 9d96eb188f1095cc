/* oneDNN backend: one set of primitives per node, created once at setup for the fixed
 * batch size. Activations stay in oneDNN's blocked layout (nChw16c / nChw8c when the
 * channel count allows) from layer to layer; reorders happen only at the edges: the user's
 * NCHW input and output, and the OIHW parameters/gradients of the flat buffers (reordered to
 * and from the convolution's preferred weight layout once per step). */
#include "nn_impl.h"

#if LIEREG_HAVE_DNNL
#include "dnnl_impl.h"

#include <dnnl_debug.h>
#include <stdlib.h>
#include <string.h>

/* Layout of a tensor: 2D nc for (C,1,1); the input stays plain NCHW (the user's layout);
 * a convolution output is blocked by 16 or 8 channels when C allows (AVX-512 / AVX2 native
 * layouts); layout-preserving layers (BN, ReLU, max-pool, add) keep their input's layout so
 * no reorder is ever needed between layers. */
static int tensor_md(lie_nn_net net, int id, dnnl_memory_desc_t *md) {
  const lie_nn_tens *t = &net->t[id];
  const lie_nn_node *p = t->producer >= 0 ? &net->nodes[t->producer] : NULL;
  const dnnl_memory_desc_t *in = p ? &((dstate *)net->be)->md[p->in[0]] : NULL;
  /* (B,C) after the global pool and in the MLP; a conv output of 1x1 pixels stays 4D */
  int flat = t->H == 1 && t->W == 1 &&
             (!p || p->op == LIE_OP_AVGPOOL || p->op == LIE_OP_LINEAR || (p->op != LIE_OP_CONV && in->ndims == 2));
  if (flat) {
    dnnl_dims_t d = {net->B, t->C};
    LIE_DNNL(dnnl_memory_desc_init_by_tag(md, 2, d, dnnl_f32, dnnl_nc));
    return LIE_OK;
  }
  dnnl_dims_t d = {net->B, t->C, t->H, t->W};
  dnnl_format_tag_t tag = dnnl_nchw;
  if (p && p->op != LIE_OP_CONV) { /* same layout as the producer's input, new dims */
    if (in->format_desc.blocking.inner_nblks == 1)
      tag = in->format_desc.blocking.inner_blks[0] == 16 ? dnnl_nChw16c : dnnl_nChw8c;
    else if (in->format_desc.blocking.strides[1] == 1)
      tag = dnnl_nhwc;
  } else if (p) {
    /* the vector width of the ISA oneDNN runs with: 16 floats on AVX-512, else 8 (oneDNN
     * 2.6 runs AVX2 kernels on AMD Zen 4: 16-blocked tensors would fall back to slow code) */
    int vec = (dnnl_get_effective_cpu_isa() & dnnl_cpu_isa_avx512_core) == dnnl_cpu_isa_avx512_core ? 16 : 8;
    const char *lay = getenv("LIE_NN_DNNL_LAYOUT");
    if (lay && !strcmp(lay, "nhwc"))
      tag = dnnl_nhwc;
    else if (vec == 16 && t->C % 16 == 0)
      tag = dnnl_nChw16c;
    else if (t->C % 8 == 0)
      tag = dnnl_nChw8c;
  }
  LIE_DNNL(dnnl_memory_desc_init_by_tag(md, 4, d, dnnl_f32, tag));
  return LIE_OK;
}

static int md_1d(dnnl_memory_desc_t *md, int n) {
  dnnl_dims_t d = {n};
  LIE_DNNL(dnnl_memory_desc_init_by_tag(md, 1, d, dnnl_f32, dnnl_x));
  return LIE_OK;
}

static int mem(dstate *s, const dnnl_memory_desc_t *md, void *ptr, dnnl_memory_t *m) {
  LIE_DNNL(dnnl_memory_create(m, md, s->eng, ptr ? ptr : DNNL_MEMORY_ALLOCATE));
  return LIE_OK;
}

static int prim(dnnl_primitive_desc_t pd, dnnl_primitive_t *p) {
  LIE_DNNL(dnnl_primitive_create(p, pd));
  return LIE_OK;
}

static int exec(dstate *s, dnnl_primitive_t p, int nargs, const dnnl_exec_arg_t *args) {
  LIE_DNNL(dnnl_primitive_execute(p, s->st, nargs, args));
  return LIE_OK;
}

/* `user` <-> primitive layout `want`: if they differ, allocate *pm and a reorder (direction
 * to_prim: user -> prim), else *pm = user and no reorder. */
static int layout_bridge(dstate *s, dnnl_memory_t user, const dnnl_memory_desc_t *want, int to_prim, dnnl_memory_t *pm,
                         dnnl_primitive_t *r) {
  const dnnl_memory_desc_t *umd;
  LIE_DNNL(dnnl_memory_get_memory_desc(user, &umd));
  *r = NULL;
  if (dnnl_memory_desc_equal(umd, want)) {
    *pm = user;
    return LIE_OK;
  }
  LIE_CALL(mem(s, want, NULL, pm));
  dnnl_primitive_desc_t pd;
  if (to_prim)
    LIE_DNNL(dnnl_reorder_primitive_desc_create(&pd, umd, s->eng, want, s->eng, NULL));
  else
    LIE_DNNL(dnnl_reorder_primitive_desc_create(&pd, want, s->eng, umd, s->eng, NULL));
  int e = prim(pd, r);
  dnnl_primitive_desc_destroy(pd);
  LIE_CALL(e);
  return LIE_OK;
}

static int run_reorder(dstate *s, dnnl_primitive_t r, dnnl_memory_t from, dnnl_memory_t to) {
  if (!r) return LIE_OK;
  dnnl_exec_arg_t a[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
  LIE_CALL(exec(s, r, 2, a));
  return LIE_OK;
}

/* ------------------------------------------------------------------ setup per op */
static int is_ref_impl(const_dnnl_primitive_desc_t pd) {
  const char *impl = NULL;
  if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) != dnnl_success || !impl) return 0;
  return !strncmp(impl, "ref", 3);
}

/* oneDNN wants (in - k + pl + pr) / stride + 1 == out: the smallest such pr >= 0 (PyTorch's
 * symmetric padding with floor division never reads the extra right padding). */
static int64_t right_pad(int in, int out, int k, int stride, int pl) {
  int64_t pr = (int64_t)(out - 1) * stride + k - in - pl;
  return pr > 0 ? pr : 0;
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

static int setup_conv(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  const lie_nn_tens *x = &net->t[n->in[0]], *y = &net->t[n->out];
  dnnl_memory_desc_t wany, wuser, bmd;
  dnnl_dims_t wd = {n->K, x->C, n->R, n->S}, st = {n->sh, n->sw}, pl = {n->ph, n->pw};
  dnnl_dims_t pr = {right_pad(x->H, y->H, n->R, n->sh, n->ph), right_pad(x->W, y->W, n->S, n->sw, n->pw)};
  LIE_DNNL(dnnl_memory_desc_init_by_tag(&wany, 4, wd, dnnl_f32, dnnl_format_tag_any));
  LIE_DNNL(dnnl_memory_desc_init_by_tag(&wuser, 4, wd, dnnl_f32, dnnl_oihw));
  LIE_CALL(md_1d(&bmd, n->K));
  const dnnl_memory_desc_t *xmd = &s->md[n->in[0]], *ymd = &s->md[n->out], *bias = n->b >= 0 ? &bmd : NULL;
  dnnl_primitive_desc_t bd_pd, bw_pd;
  LIE_CALL(make_conv_pd(s, CONV_FWD, xmd, &wany, bias, ymd, st, pl, pr, NULL, &d->fwd_pd));
  LIE_CALL(prim(d->fwd_pd, &d->fwd));
  LIE_CALL(make_conv_pd(s, CONV_BWD_DATA, xmd, &wany, NULL, ymd, st, pl, pr, d->fwd_pd, &bd_pd));
  LIE_CALL(make_conv_pd(s, CONV_BWD_WEIGHTS, xmd, &wany, bias, ymd, st, pl, pr, d->fwd_pd, &bw_pd));
  int e = prim(bd_pd, &d->bwd_d);
  if (!e) e = prim(bw_pd, &d->bwd_w);
#define Q(pd, what) dnnl_primitive_desc_query_md(pd, what, 0)
  if (!e) e = make_adapt(s, xmd, Q(d->fwd_pd, dnnl_query_src_md), 1, &d->fx);
  if (!e) e = make_adapt(s, ymd, Q(d->fwd_pd, dnnl_query_dst_md), 0, &d->fy);
  if (!e) e = make_adapt(s, ymd, Q(bd_pd, dnnl_query_diff_dst_md), 1, &d->bdy);
  if (!e) e = make_adapt(s, xmd, Q(bd_pd, dnnl_query_diff_src_md), 0, &d->bdx);
  if (!e) e = make_adapt(s, xmd, Q(bw_pd, dnnl_query_src_md), 1, &d->wx);
  if (!e) e = make_adapt(s, ymd, Q(bw_pd, dnnl_query_diff_dst_md), 1, &d->wdy);
  if (!e) e = mem(s, &wuser, lie_nn_param(net, n->w), &d->w_user);
  if (!e) e = mem(s, &wuser, lie_nn_grad(net, n->w), &d->dw_user);
  if (!e && bias) e = mem(s, &bmd, lie_nn_param(net, n->b), &d->b_user);
  if (!e && bias) e = mem(s, &bmd, lie_nn_grad(net, n->b), &d->db_user);
  const dnnl_memory_desc_t *wf = Q(d->fwd_pd, dnnl_query_weights_md), *wb = Q(bd_pd, dnnl_query_weights_md);
  const dnnl_memory_desc_t *dw = Q(bw_pd, dnnl_query_diff_weights_md);
#undef Q
  if (!e) e = layout_bridge(s, d->w_user, wf, 1, &d->w_fwd, &d->r_w_fwd);
  if (!e && dnnl_memory_desc_equal(wf, wb))
    d->w_bwd = d->w_fwd; /* reuse this step's reorder */
  else if (!e)
    e = layout_bridge(s, d->w_user, wb, 1, &d->w_bwd, &d->r_w_bwd);
  if (!e) e = layout_bridge(s, d->dw_user, dw, 0, &d->dw_prim, &d->r_dw);
  dnnl_primitive_desc_destroy(bd_pd);
  dnnl_primitive_desc_destroy(bw_pd);
  LIE_CALL(e);
  return LIE_OK;
}

static int setup_bn(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  const dnnl_memory_desc_t *md = &s->md[n->in[0]];
  const unsigned ss = dnnl_use_scale | dnnl_use_shift | (d->fuse_relu ? dnnl_fuse_norm_relu : 0);
  dnnl_batch_normalization_desc_t bd;
  dnnl_primitive_desc_t pd;
  LIE_DNNL(dnnl_batch_normalization_forward_desc_init(&bd, dnnl_forward_training, md, 1e-5f, ss));
  LIE_DNNL(dnnl_primitive_desc_create(&d->fwd_pd, &bd, NULL, s->eng, NULL));
  LIE_CALL(prim(d->fwd_pd, &d->fwd));
  if (d->fuse_relu) LIE_CALL(mem(s, dnnl_primitive_desc_query_md(d->fwd_pd, dnnl_query_workspace_md, 0), NULL, &d->ws));
  /* eval mode: running stats; with the fused ReLU the training propagation kind is kept so
   * the ReLU mask (workspace) exists for a backward pass through an eval-mode forward */
  LIE_DNNL(dnnl_batch_normalization_forward_desc_init(
      &bd, d->fuse_relu ? dnnl_forward_training : dnnl_forward_inference, md, 1e-5f, ss | dnnl_use_global_stats));
  LIE_DNNL(dnnl_primitive_desc_create(&d->inf_pd, &bd, NULL, s->eng, NULL));
  LIE_CALL(prim(d->inf_pd, &d->inf));
  LIE_DNNL(dnnl_batch_normalization_backward_desc_init(&bd, dnnl_backward, md, md, 1e-5f, ss));
  LIE_DNNL(dnnl_primitive_desc_create(&pd, &bd, NULL, s->eng, d->fwd_pd));
  int e = prim(pd, &d->bwd_d);
  dnnl_primitive_desc_destroy(pd);
  LIE_CALL(e);
  LIE_DNNL(dnnl_batch_normalization_backward_desc_init(&bd, dnnl_backward, md, md, 1e-5f, ss | dnnl_use_global_stats));
  LIE_DNNL(dnnl_primitive_desc_create(&pd, &bd, NULL, s->eng, d->inf_pd));
  e = prim(pd, &d->bwd_inf);
  dnnl_primitive_desc_destroy(pd);
  LIE_CALL(e);
  dnnl_memory_desc_t c;
  LIE_CALL(md_1d(&c, net->t[n->in[0]].C));
  LIE_CALL(mem(s, &c, n->mean, &d->mean));
  LIE_CALL(mem(s, &c, n->rstd, &d->var)); /* oneDNN keeps the (biased) variance here */
  LIE_CALL(mem(s, &c, lie_nn_param(net, n->w), &d->scale));
  LIE_CALL(mem(s, &c, lie_nn_param(net, n->b), &d->shift));
  LIE_CALL(mem(s, &c, lie_nn_grad(net, n->w), &d->dscale));
  LIE_CALL(mem(s, &c, lie_nn_grad(net, n->b), &d->dshift));
  LIE_CALL(mem(s, &c, lie_nn_param(net, n->rm), &d->rmean));
  LIE_CALL(mem(s, &c, lie_nn_param(net, n->rv), &d->rvar));
  return LIE_OK;
}

static int setup_relu(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  const dnnl_memory_desc_t *md = &s->md[n->in[0]];
  dnnl_eltwise_desc_t ed;
  dnnl_primitive_desc_t pd;
  if (d->relu_mode == RELU_FUSED) return LIE_OK;
  /* in place: the backward reads the output (x > 0 <=> relu(x) > 0) */
  dnnl_alg_kind_t alg = d->relu_mode == RELU_INPLACE ? dnnl_eltwise_relu_use_dst_for_bwd : dnnl_eltwise_relu;
  LIE_DNNL(dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_training, alg, md, 0.f, 0.f));
  LIE_DNNL(dnnl_primitive_desc_create(&d->fwd_pd, &ed, NULL, s->eng, NULL));
  LIE_CALL(prim(d->fwd_pd, &d->fwd));
  LIE_DNNL(dnnl_eltwise_backward_desc_init(&ed, alg, md, md, 0.f, 0.f));
  LIE_DNNL(dnnl_primitive_desc_create(&pd, &ed, NULL, s->eng, d->fwd_pd));
  int e = prim(pd, &d->bwd_d);
  dnnl_primitive_desc_destroy(pd);
  LIE_CALL(e);
  return LIE_OK;
}

static int setup_pool(lie_nn_net net, lie_nn_node *n, dnode *d, int max) {
  dstate *s = S(net);
  const lie_nn_tens *x = &net->t[n->in[0]], *y = &net->t[n->out];
  dnnl_memory_desc_t ymd = s->md[n->out];
  dnnl_dims_t k = {n->R, n->S}, st = {n->sh, n->sw}, pl = {n->ph, n->pw};
  if (!max) { /* global average: kernel = whole plane; output viewed as (B,C,1,1) NCHW */
    dnnl_dims_t yd = {net->B, y->C, 1, 1};
    LIE_DNNL(dnnl_memory_desc_init_by_tag(&ymd, 4, yd, dnnl_f32, dnnl_nchw));
    k[0] = x->H, k[1] = x->W, st[0] = st[1] = 1, pl[0] = pl[1] = 0;
  }
  dnnl_dims_t pr = {right_pad(x->H, y->H, k[0], st[0], pl[0]), right_pad(x->W, y->W, k[1], st[1], pl[1])};
  dnnl_alg_kind_t alg = max ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding;
  dnnl_pooling_desc_t pdsc;
  dnnl_primitive_desc_t pd;
  LIE_DNNL(dnnl_pooling_forward_desc_init(&pdsc, dnnl_forward_training, alg, &s->md[n->in[0]], &ymd, st, k, pl, pr));
  LIE_DNNL(dnnl_primitive_desc_create(&d->fwd_pd, &pdsc, NULL, s->eng, NULL));
  LIE_CALL(prim(d->fwd_pd, &d->fwd));
  LIE_DNNL(dnnl_pooling_backward_desc_init(&pdsc, alg, &s->md[n->in[0]], &ymd, st, k, pl, pr));
  LIE_DNNL(dnnl_primitive_desc_create(&pd, &pdsc, NULL, s->eng, d->fwd_pd));
  int e = prim(pd, &d->bwd_d);
  dnnl_primitive_desc_destroy(pd);
  LIE_CALL(e);
  if (max) LIE_CALL(mem(s, dnnl_primitive_desc_query_md(d->fwd_pd, dnnl_query_workspace_md, 0), NULL, &d->ws));
  if (!max) { /* same buffers as the (B,C) output tensor, seen through a 4D descriptor */
    LIE_CALL(mem(s, &ymd, y->data, &d->y4));
    LIE_CALL(mem(s, &ymd, y->grad, &d->dy4));
  }
  return LIE_OK;
}

static int setup_linear(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  const lie_nn_tens *x = &net->t[n->in[0]];
  LIE_CHECK(x->H == 1 && x->W == 1, LIE_ERR_NOTSUP, "%s: oneDNN backend needs a (C,1,1) input to linear", n->name);
  dnnl_memory_desc_t wmd, bmd;
  dnnl_dims_t wd = {n->K, x->C};
  LIE_DNNL(dnnl_memory_desc_init_by_tag(&wmd, 2, wd, dnnl_f32, dnnl_oi));
  LIE_CALL(md_1d(&bmd, n->K));
  const dnnl_memory_desc_t *xmd = &s->md[n->in[0]], *ymd = &s->md[n->out], *bias = n->b >= 0 ? &bmd : NULL;
  dnnl_inner_product_desc_t id;
  dnnl_primitive_desc_t pd;
  LIE_DNNL(dnnl_inner_product_forward_desc_init(&id, dnnl_forward_training, xmd, &wmd, bias, ymd));
  LIE_DNNL(dnnl_primitive_desc_create(&d->fwd_pd, &id, NULL, s->eng, NULL));
  LIE_CALL(prim(d->fwd_pd, &d->fwd));
  LIE_DNNL(dnnl_inner_product_backward_data_desc_init(&id, xmd, &wmd, ymd));
  LIE_DNNL(dnnl_primitive_desc_create(&pd, &id, NULL, s->eng, d->fwd_pd));
  int e = prim(pd, &d->bwd_d);
  dnnl_primitive_desc_destroy(pd);
  LIE_CALL(e);
  LIE_DNNL(dnnl_inner_product_backward_weights_desc_init(&id, xmd, &wmd, bias, ymd));
  LIE_DNNL(dnnl_primitive_desc_create(&pd, &id, NULL, s->eng, d->fwd_pd));
  e = prim(pd, &d->bwd_w);
  dnnl_primitive_desc_destroy(pd);
  LIE_CALL(e);
  LIE_CALL(mem(s, &wmd, lie_nn_param(net, n->w), &d->w_user));
  LIE_CALL(mem(s, &wmd, lie_nn_grad(net, n->w), &d->dw_user));
  d->w_fwd = d->w_bwd = d->w_user, d->dw_prim = d->dw_user;
  if (bias) {
    LIE_CALL(mem(s, &bmd, lie_nn_param(net, n->b), &d->b_user));
    LIE_CALL(mem(s, &bmd, lie_nn_grad(net, n->b), &d->db_user));
  }
  return LIE_OK;
}

static int setup_add(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  LIE_CHECK(dnnl_memory_desc_equal(&s->md[n->in[0]], &s->md[n->in[1]]), LIE_ERR_NOTSUP,
            "oneDNN backend: add of tensors in different layouts (e.g. the raw input and a conv output) is not "
            "supported; use -nn_backend ref");
  dnnl_binary_desc_t bd;
  LIE_DNNL(dnnl_binary_desc_init(&bd, dnnl_binary_add, &s->md[n->in[0]], &s->md[n->in[1]], &s->md[n->out]));
  LIE_DNNL(dnnl_primitive_desc_create(&d->fwd_pd, &bd, NULL, s->eng, NULL));
  LIE_CALL(prim(d->fwd_pd, &d->fwd));
  return LIE_OK;
}

/* In backward order, the first node to write a tensor's gradient stores it; later ones add. */
static void plan_accumulation(lie_nn_net net) {
  dstate *s = S(net);
  char *written = calloc((size_t)net->nt, 1);
  for (int i = net->nn - 1; i >= 0; i--)
    for (int k = 0; k < 2; k++) {
      int t = net->nodes[i].in[k];
      if (t < 0) continue;
      s->n[i].acc[k] = written[t];
      written[t] = 1;
    }
  free(written);
}

static void dn_destroy(lie_nn_net net);

/* ReLUs whose input has no other reader need no buffers of their own: after a BN the ReLU
 * is fused into it (dnnl_fuse_norm_relu keeps a bit mask), after the residual add it runs
 * in place. alias[t] = the tensor whose buffers t shares, or -1. Saves memory traffic (one
 * pass less per BN+ReLU) and one activation + one gradient tensor per ReLU. */
static void plan_relus(lie_nn_net net, int *alias) {
  dstate *s = S(net);
  for (int i = 0; i < net->nt; i++)
    alias[i] = -1;
  if (getenv("LIE_NN_DNNL_NOFUSE")) return; /* for benchmarking the effect */
  for (int i = 0; i < net->nn; i++) {
    const lie_nn_node *n = &net->nodes[i];
    int src = n->in[0], p = net->t[src].producer;
    if (n->op != LIE_OP_RELU || p < 0 || net->t[src].nconsumers != 1 || alias[src] >= 0) continue;
    if (net->nodes[p].op == LIE_OP_BN)
      s->n[p].fuse_relu = 1, s->n[i].relu_mode = RELU_FUSED;
    else if (net->nodes[p].op == LIE_OP_ADD)
      s->n[i].relu_mode = RELU_INPLACE;
    else
      continue;
    alias[n->out] = src;
  }
}

/* Gradient buffers are needed only during backward, from the first node (in backward
 * order) that writes one to its producer's backward, which reads it last. Tensors whose
 * lifetimes do not overlap share memory (greedy best fit, in backward order), so the
 * gradient arena is a few of the largest tensors instead of all of them. */
static int plan_gradients(lie_nn_net net, const int *alias, size_t **off, size_t *total) {
  const int nt = net->nt, nn = net->nn;
  int *birth, *death, *order, nb = 0;
  size_t *boff, *bsize;
  int *bdeath;
  LIE_ALLOC(*off, nt);
  LIE_ALLOC(birth, nt);
  LIE_ALLOC(death, nt);
  LIE_ALLOC(order, nt);
  LIE_ALLOC(boff, nt);
  LIE_ALLOC(bsize, nt);
  LIE_ALLOC(bdeath, nt);
  for (int t = 0; t < nt; t++)
    birth[t] = t == nt - 1 ? nn : -2, death[t] = nn + 1;
  for (int i = 0; i < nn; i++)
    for (int k = 0; k < 2; k++) {
      int t = net->nodes[i].in[k];
      if (t < 0) continue;
      int r = alias[t] >= 0 ? alias[t] : t;
      if (i > birth[r]) birth[r] = i;
    }
  for (int t = 0; t < nt; t++) { /* the group (root + aliases) dies at the root producer's backward */
    int r = alias[t] >= 0 ? alias[t] : t;
    if (t == nt - 1 && alias[t] >= 0 && birth[r] < nn) birth[r] = nn;
    death[r] = r == 0 ? -1 : net->t[r].producer;
  }
  for (int t = 0; t < nt; t++)
    order[t] = t;
  for (int a = 1; a < nt; a++) /* by birth, latest node first (= backward order) */
    for (int b = a; b > 0 && birth[order[b]] > birth[order[b - 1]]; b--) {
      int x = order[b];
      order[b] = order[b - 1], order[b - 1] = x;
    }
  *total = 0;
  for (int k = 0; k < nt; k++) {
    int t = order[k];
    if (alias[t] >= 0) continue;
    size_t sz = (net->t[t].bytes + 63) / 64 * 16;
    int best = -1;
    for (int b = 0; b < nb; b++) /* free before t is first written, and large enough */
      if (bdeath[b] > birth[t] && bsize[b] >= sz && (best < 0 || bsize[b] < bsize[best])) best = b;
    if (best < 0) {
      best = nb++;
      boff[best] = *total, bsize[best] = sz;
      *total += sz;
    }
    bdeath[best] = death[t];
    (*off)[t] = boff[best];
  }
  free(birth), free(death), free(order), free(boff), free(bsize), free(bdeath);
  return LIE_OK;
}

static int dn_setup(lie_nn_net net) {
  dstate *s;
  LIE_ALLOC(s, 1);
  net->be = s;
  LIE_ALLOC(s->md, net->nt);
  LIE_ALLOC(s->data, net->nt);
  LIE_ALLOC(s->grad, net->nt);
  LIE_ALLOC(s->scr, net->nt);
  LIE_ALLOC(s->n, net->nn);
  LIE_DNNL(dnnl_engine_create(&s->eng, dnnl_cpu, 0));
  LIE_DNNL(dnnl_stream_create(&s->st, s->eng, dnnl_stream_default_flags));
  int *alias;
  LIE_ALLOC(alias, net->nt);
  plan_relus(net, alias);
  size_t maxb = 0;
  for (int i = 0; i < net->nt; i++) {
    LIE_CALL(tensor_md(net, i, &s->md[i]));
    size_t b = dnnl_memory_desc_get_size(&s->md[i]);
    if (b > net->t[i].bytes) net->t[i].bytes = b;
    if (net->t[i].bytes > maxb) maxb = net->t[i].bytes;
  }
  for (int i = 0; i < net->nt; i++)
    if (alias[i] >= 0) net->t[i].bytes = 0; /* shares its input's buffers */
  size_t *goff = NULL, gtotal = 0;
  int e = plan_gradients(net, alias, &goff, &gtotal);
  if (!e) e = lie_nn_net_alloc_activations(net, goff, gtotal);
  free(goff);
  for (int i = 0; i < net->nt; i++)
    if (alias[i] >= 0) net->t[i].data = net->t[alias[i]].data, net->t[i].grad = net->t[alias[i]].grad;
  free(alias);
  LIE_CALL(e);
  s->scratch = aligned_alloc(64, (maxb + 63) / 64 * 64);
  LIE_CHECK(s->scratch, LIE_ERR_MEM, "out of memory (oneDNN scratch)");
  for (int i = 0; i < net->nt; i++) {
    LIE_CALL(mem(s, &s->md[i], net->t[i].data, &s->data[i]));
    LIE_CALL(mem(s, &s->md[i], net->t[i].grad, &s->grad[i]));
    LIE_CALL(mem(s, &s->md[i], s->scratch, &s->scr[i]));
  }
  for (int i = 0; i < net->nn; i++) {
    lie_nn_node *n = &net->nodes[i];
    dnode *d = &s->n[i];
    switch (n->op) {
    case LIE_OP_CONV:
      LIE_CALL(setup_conv(net, n, d));
      break;
    case LIE_OP_BN:
      LIE_CALL(setup_bn(net, n, d));
      break;
    case LIE_OP_RELU:
      LIE_CALL(setup_relu(net, n, d));
      break;
    case LIE_OP_MAXPOOL:
      LIE_CALL(setup_pool(net, n, d, 1));
      break;
    case LIE_OP_AVGPOOL:
      LIE_CALL(setup_pool(net, n, d, 0));
      break;
    case LIE_OP_LINEAR:
      LIE_CALL(setup_linear(net, n, d));
      break;
    case LIE_OP_ADD:
      LIE_CALL(setup_add(net, n, d));
      break;
    case LIE_OP_CIRCPAD:
      LIE_CALL(lie_dnnl_circpad_setup(net, n, d));
      break;
    case LIE_OP_ELU:
    case LIE_OP_GELU:
      LIE_CALL(lie_dnnl_eltwise_setup(net, n, d));
      break;
    case LIE_OP_SPECTRAL:
      LIE_CALL(lie_dnnl_spectral_setup(net, n, d));
      break;
    default:
      LIE_ERROR(LIE_ERR_INTERNAL, "unknown op %d", (int)n->op);
    }
  }
  plan_accumulation(net);
  return LIE_OK;
}

/* ------------------------------------------------------------------ synchronised batch norm
 * With a reduce hook (lie_nn_net_set_bn_reduce) training-mode BN uses the statistics of the
 * global batch, as the reference sync layer (batchnorm_sync.c) does: we sum per-channel
 * moments over the ranks ourselves and run oneDNN's BN with dnnl_use_global_stats (the
 * primitives of eval mode, fed with the global batch statistics instead of the running
 * ones). Backward: oneDNN's global-stats backward gives γ·rstd·dy' (dy' = the ReLU-masked
 * gradient when fused) and the LOCAL Σdy'·x̂ (diff_scale), Σdy' (diff_shift); those sums
 * are reduced and the missing terms of the batch-statistics gradient are subtracted. */

/* The tensor's layout as a lie_nn_chan_layout (bn_layout.c); every layout tensor_md makes. */
static int chan_layout(lie_nn_net net, int id, lie_nn_chan_layout *L) {
  const dnnl_memory_desc_t *md = &S(net)->md[id];
  const dnnl_blocking_desc_t *bl = &md->format_desc.blocking;
  const lie_nn_tens *t = &net->t[id];
  const int64_t *st = bl->strides;
  int64_t HW = (int64_t)t->H * t->W, W = t->W, C = t->C;
  int ok = md->format_kind == dnnl_blocked && md->offset0 == 0;
  L->B = net->B, L->C = t->C, L->HW = (int)HW;
  if (ok && md->ndims == 2) { /* nc */
    L->HW = 1, L->blk = t->C, L->Cb = 1;
    ok = bl->inner_nblks == 0 && st[1] == 1 && st[0] == C;
  } else if (ok && bl->inner_nblks == 1 && bl->inner_idxs[0] == 1) { /* nChw8c / nChw16c */
    int64_t blk = bl->inner_blks[0];
    L->blk = (int)blk, L->Cb = (int)((C + blk - 1) / blk);
    ok = st[3] == blk && st[2] == W * blk && st[1] == HW * blk && st[0] == L->Cb * HW * blk;
  } else if (ok && bl->inner_nblks == 0 && st[1] == 1) { /* nhwc */
    L->blk = t->C, L->Cb = 1;
    ok = st[3] == C && st[2] == W * C && st[0] == HW * C;
  } else if (ok && bl->inner_nblks == 0) { /* nchw */
    L->blk = 1, L->Cb = t->C;
    ok = st[3] == 1 && st[2] == W && st[1] == HW && st[0] == C * HW;
  }
  LIE_CHECK(ok, LIE_ERR_NOTSUP, "synchronised batch norm: unsupported oneDNN layout of tensor %d", id);
  return LIE_OK;
}

/* Training forward with global statistics: buf = [count, Σx] reduced, mean = Σx/count; then
 * [Σ(x − mean)²] reduced (two-pass, as the reference sync layer). Running stats: momentum 0.1,
 * unbiased variance with the global count. n->rstd holds the biased variance here (oneDNN). */
static int bn_forward_sync(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  lie_nn_chan_layout L;
  LIE_CALL(chan_layout(net, n->in[0], &L));
  LIE_DNNL(dnnl_stream_wait(s->st));
  const int C = L.C;
  const float mom = 0.1f;
  double *buf;
  LIE_ALLOC(buf, 2 * (size_t)C + 1);
  double *m = buf + 1, *ss = buf + 1 + C;
  const float *x = net->t[n->in[0]].data;
  buf[0] = (double)L.B * L.HW;
  lie_nn_chan_sums(&L, x, NULL, m);
  int err = net->bn_reduce(buf, C + 1, net->bn_reduce_user);
  const double N = buf[0];
  if (!err) {
    for (int c = 0; c < C; c++)
      m[c] /= N;
    lie_nn_chan_sums(&L, x, m, ss);
    err = net->bn_reduce(ss, C, net->bn_reduce_user);
  }
  if (!err) {
    float *rm = lie_nn_param(net, n->rm), *rv = lie_nn_param(net, n->rv);
    for (int c = 0; c < C; c++) {
      double v = ss[c] / N;
      rm[c] = (float)((1.0 - mom) * rm[c] + mom * m[c]);
      rv[c] = (float)((1.0 - mom) * rv[c] + mom * (N > 1 ? ss[c] / (N - 1) : v));
      n->mean[c] = (float)m[c], n->rstd[c] = (float)v;
    }
    lie_nn_param(net, n->nbt)[0] += 1.0f;
  }
  free(buf);
  LIE_CALL(err);
  dnnl_exec_arg_t a[7] = {{DNNL_ARG_SRC, s->data[n->in[0]]}, {DNNL_ARG_DST, s->data[n->out]},
                          {DNNL_ARG_SCALE, d->scale},        {DNNL_ARG_SHIFT, d->shift},
                          {DNNL_ARG_MEAN, d->mean},          {DNNL_ARG_VARIANCE, d->var},
                          {DNNL_ARG_WORKSPACE, d->ws}};
  LIE_CALL(exec(s, d->inf, d->ws ? 7 : 6, a));
  return LIE_OK;
}

/* Training backward with global statistics into `target` (the input gradient or the
 * scratch to be added to it). dγ, dβ stay LOCAL (summed over ranks with the other gradients,
 * as in the reference sync layer); buf = [count, Σdy', Σdy'·x̂] is reduced for dx only. */
static int bn_backward_sync(lie_nn_net net, lie_nn_node *n, dnode *d, dnnl_memory_t target, int want_dx) {
  dstate *s = S(net);
  dnnl_exec_arg_t a[10] = {{DNNL_ARG_SRC, s->data[n->in[0]]}, {DNNL_ARG_MEAN, d->mean},
                           {DNNL_ARG_VARIANCE, d->var},       {DNNL_ARG_DIFF_DST, s->grad[n->out]},
                           {DNNL_ARG_SCALE, d->scale},        {DNNL_ARG_SHIFT, d->shift},
                           {DNNL_ARG_DIFF_SRC, target},       {DNNL_ARG_DIFF_SCALE, d->dscale},
                           {DNNL_ARG_DIFF_SHIFT, d->dshift},  {DNNL_ARG_WORKSPACE, d->ws}};
  LIE_CALL(exec(s, d->bwd_inf, d->ws ? 10 : 9, a));
  if (!want_dx) return LIE_OK;
  lie_nn_chan_layout L;
  LIE_CALL(chan_layout(net, n->in[0], &L));
  LIE_DNNL(dnnl_stream_wait(s->st));
  const int C = L.C;
  const float *dg = lie_nn_grad(net, n->w), *db = lie_nn_grad(net, n->b);
  double *buf;
  LIE_ALLOC(buf, 2 * (size_t)C + 1);
  double *sdy = buf + 1, *sdyx = buf + 1 + C;
  buf[0] = (double)L.B * L.HW;
  for (int c = 0; c < C; c++)
    sdy[c] = db[c], sdyx[c] = dg[c];
  int err = net->bn_reduce(buf, 2 * C + 1, net->bn_reduce_user);
  void *dx = NULL;
  if (!err && dnnl_memory_get_data_handle(target, &dx) != dnnl_success) err = LIE_ERR_DNNL;
  if (!err)
    err = lie_nn_chan_bn_correct(&L, dx, net->t[n->in[0]].data, n->mean, n->rstd, lie_nn_param(net, n->w), sdy, sdyx,
                                 buf[0], 1e-5f);
  free(buf);
  LIE_CALL(err);
  return LIE_OK;
}

/* ------------------------------------------------------------------ forward */
static int node_forward(lie_nn_net net, lie_nn_node *n, dnode *d, int train) {
  dstate *s = S(net);
  dnnl_memory_t x = s->data[n->in[0]], y = s->data[n->out];
  switch (n->op) {
  case LIE_OP_CONV:
  case LIE_OP_LINEAR: {
    int e = 0;
    LIE_CALL(run_reorder(s, d->r_w_fwd, d->w_user, d->w_fwd));
    dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, adapt_in(s, &d->fx, x, &e)},
                            {DNNL_ARG_WEIGHTS, d->w_fwd},
                            {DNNL_ARG_DST, d->fy.m ? d->fy.m : y},
                            {DNNL_ARG_BIAS, d->b_user}};
    LIE_CALL(e);
    LIE_CALL(exec(s, d->fwd, d->b_user ? 4 : 3, a));
    if (d->fy.m) LIE_CALL(run_reorder(s, d->fy.r, d->fy.m, y));
    break;
  }
  case LIE_OP_BN: {
    if (train && net->bn_reduce) {
      LIE_CALL(bn_forward_sync(net, n, d));
      break;
    }
    dnnl_exec_arg_t a[7] = {{DNNL_ARG_SRC, x},
                            {DNNL_ARG_DST, y},
                            {DNNL_ARG_SCALE, d->scale},
                            {DNNL_ARG_SHIFT, d->shift},
                            {DNNL_ARG_MEAN, train ? d->mean : d->rmean},
                            {DNNL_ARG_VARIANCE, train ? d->var : d->rvar},
                            {DNNL_ARG_WORKSPACE, d->ws}};
    LIE_CALL(exec(s, train ? d->fwd : d->inf, d->ws ? 7 : 6, a));
    if (train) { /* running stats as torch: unbiased variance, momentum 0.1 */
      const lie_nn_tens *t = &net->t[n->in[0]];
      double N = (double)net->B * t->H * t->W, unb = N > 1 ? N / (N - 1) : 1.0;
      float *rm = lie_nn_param(net, n->rm), *rv = lie_nn_param(net, n->rv);
      for (int c = 0; c < t->C; c++) {
        rm[c] = (float)(0.9 * rm[c] + 0.1 * n->mean[c]);
        rv[c] = (float)(0.9 * rv[c] + 0.1 * n->rstd[c] * unb);
      }
      lie_nn_param(net, n->nbt)[0] += 1.0f;
    }
    break;
  }
  case LIE_OP_RELU:
  case LIE_OP_AVGPOOL: {
    if (d->relu_mode == RELU_FUSED) break;
    dnnl_exec_arg_t a[2] = {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, n->op == LIE_OP_AVGPOOL ? d->y4 : y}};
    LIE_CALL(exec(s, d->fwd, 2, a));
    break;
  }
  case LIE_OP_MAXPOOL: {
    dnnl_exec_arg_t a[3] = {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, y}, {DNNL_ARG_WORKSPACE, d->ws}};
    LIE_CALL(exec(s, d->fwd, 3, a));
    break;
  }
  case LIE_OP_ADD: {
    dnnl_exec_arg_t a[3] = {{DNNL_ARG_SRC_0, x}, {DNNL_ARG_SRC_1, s->data[n->in[1]]}, {DNNL_ARG_DST, y}};
    LIE_CALL(exec(s, d->fwd, 3, a));
    break;
  }
  case LIE_OP_CIRCPAD:
    LIE_CALL(lie_dnnl_circpad_forward(net, n, d));
    break;
  case LIE_OP_ELU:
  case LIE_OP_GELU:
    LIE_CALL(lie_dnnl_eltwise_forward(net, n, d));
    break;
  case LIE_OP_SPECTRAL:
    LIE_CALL(lie_dnnl_spectral_forward(net, n, d));
    break;
  default:
    LIE_ERROR(LIE_ERR_INTERNAL, "unknown op");
  }
  return LIE_OK;
}

/* plain NCHW (or NC) buffer <-> memory `tm` of tensor id, reordering only if layouts differ */
static int plain_copy(lie_nn_net net, int id, dnnl_memory_t tm, float *plain, int to_plain) {
  dstate *s = S(net);
  const lie_nn_tens *t = &net->t[id];
  const dnnl_memory_desc_t *tmd;
  LIE_DNNL(dnnl_memory_get_memory_desc(tm, &tmd));
  dnnl_memory_desc_t pmd;
  dnnl_dims_t d4 = {net->B, t->C, t->H, t->W}, d2 = {net->B, t->C};
  if (tmd->ndims == 2)
    LIE_DNNL(dnnl_memory_desc_init_by_tag(&pmd, 2, d2, dnnl_f32, dnnl_nc));
  else
    LIE_DNNL(dnnl_memory_desc_init_by_tag(&pmd, 4, d4, dnnl_f32, dnnl_nchw));
  void *h;
  LIE_DNNL(dnnl_memory_get_data_handle(tm, &h));
  if (dnnl_memory_desc_equal(&pmd, tmd)) {
    size_t bytes = lie_nn_numel(t, net->B) * sizeof(float);
    if (to_plain)
      memcpy(plain, h, bytes);
    else
      memcpy(h, plain, bytes);
    return LIE_OK;
  }
  dnnl_memory_t pm;
  dnnl_primitive_desc_t pd;
  dnnl_primitive_t r = NULL;
  LIE_CALL(mem(s, &pmd, plain, &pm));
  dnnl_status_t st = to_plain ? dnnl_reorder_primitive_desc_create(&pd, tmd, s->eng, &pmd, s->eng, NULL)
                              : dnnl_reorder_primitive_desc_create(&pd, &pmd, s->eng, tmd, s->eng, NULL);
  int e = st == dnnl_success ? prim(pd, &r) : LIE_ERR_DNNL;
  if (st == dnnl_success) dnnl_primitive_desc_destroy(pd);
  if (!e) e = run_reorder(s, r, to_plain ? tm : pm, to_plain ? pm : tm);
  if (!e && dnnl_stream_wait(s->st) != dnnl_success) e = LIE_ERR_DNNL;
  if (r) dnnl_primitive_destroy(r);
  dnnl_memory_destroy(pm);
  LIE_CHECK(!e, LIE_ERR_DNNL, "oneDNN reorder of tensor %d failed", id);
  return LIE_OK;
}

static int dn_forward(lie_nn_net net, const float *x, int train) {
  dstate *s = S(net);
  LIE_CALL(plain_copy(net, 0, s->data[0], (float *)x, 0));
  for (int i = 0; i < net->nn; i++)
    LIE_CALL(node_forward(net, &net->nodes[i], &s->n[i], train));
  LIE_DNNL(dnnl_stream_wait(s->st));
  return LIE_OK;
}

static int dn_get(lie_nn_net net, int id, float *dst) {
  LIE_CALL(plain_copy(net, id, S(net)->data[id], dst, 1));
  return LIE_OK;
}

/* ------------------------------------------------------------------ backward */
/* Where input k's gradient goes: the tensor's gradient, or the scratch when it must be added. */
static dnnl_memory_t grad_target(dstate *s, const lie_nn_node *n, const dnode *d, int k) {
  return d->acc[k] ? s->scr[n->in[k]] : s->grad[n->in[k]];
}

/* grad[t] += scratch (same layout, so element-wise over the padded buffer) */
static int finish_target(lie_nn_net net, const lie_nn_node *n, const dnode *d, int k, const float *src) {
  dstate *s = S(net);
  int t = n->in[k];
  float *g = net->t[t].grad;
  const float *a = src ? src : s->scratch;
  size_t m = dnnl_memory_desc_get_size(&s->md[t]) / sizeof(float);
  if (!d->acc[k] && !src) return LIE_OK;
  LIE_DNNL(dnnl_stream_wait(s->st));
  if (d->acc[k]) {
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < m; i++)
      g[i] += a[i];
  } else {
    memcpy(g, a, m * sizeof(float));
  }
  return LIE_OK;
}

static int node_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int need_dx) {
  dstate *s = S(net);
  dnnl_memory_t x = s->data[n->in[0]], dy = s->grad[n->out];
  const int want_dx = n->in[0] != 0 || need_dx;
  switch (n->op) {
  case LIE_OP_CONV:
  case LIE_OP_LINEAR: {
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
    dnnl_exec_arg_t b[4] = {{DNNL_ARG_SRC, adapt_in(s, &d->wx, x, &e)},
                            {DNNL_ARG_DIFF_DST, adapt_in(s, &d->wdy, dy, &e)},
                            {DNNL_ARG_DIFF_WEIGHTS, d->dw_prim},
                            {DNNL_ARG_DIFF_BIAS, d->db_user}};
    LIE_CALL(e);
    LIE_CALL(exec(s, d->bwd_w, d->db_user ? 4 : 3, b));
    LIE_CALL(run_reorder(s, d->r_dw, d->dw_prim, d->dw_user));
    break;
  }
  case LIE_OP_BN: {
    int train = net->last_train;
    if (train && net->bn_reduce) {
      LIE_CALL(bn_backward_sync(net, n, d, grad_target(s, n, d, 0), want_dx));
      LIE_CALL(finish_target(net, n, d, 0, NULL));
      break;
    }
    dnnl_exec_arg_t a[10] = {{DNNL_ARG_SRC, x},
                             {DNNL_ARG_MEAN, train ? d->mean : d->rmean},
                             {DNNL_ARG_VARIANCE, train ? d->var : d->rvar},
                             {DNNL_ARG_DIFF_DST, dy},
                             {DNNL_ARG_SCALE, d->scale},
                             {DNNL_ARG_SHIFT, d->shift},
                             {DNNL_ARG_DIFF_SRC, grad_target(s, n, d, 0)},
                             {DNNL_ARG_DIFF_SCALE, d->dscale},
                             {DNNL_ARG_DIFF_SHIFT, d->dshift},
                             {DNNL_ARG_WORKSPACE, d->ws}};
    LIE_CALL(exec(s, train ? d->bwd_d : d->bwd_inf, d->ws ? 10 : 9, a));
    LIE_CALL(finish_target(net, n, d, 0, NULL));
    break;
  }
  case LIE_OP_RELU:
  case LIE_OP_MAXPOOL:
  case LIE_OP_AVGPOOL: {
    if (!want_dx || d->relu_mode == RELU_FUSED) break;
    int arg = n->op != LIE_OP_RELU ? DNNL_ARG_WORKSPACE : d->relu_mode == RELU_INPLACE ? DNNL_ARG_DST : DNNL_ARG_SRC;
    dnnl_exec_arg_t a[3] = {{DNNL_ARG_DIFF_DST, n->op == LIE_OP_AVGPOOL ? d->dy4 : dy},
                            {DNNL_ARG_DIFF_SRC, grad_target(s, n, d, 0)},
                            {arg, n->op != LIE_OP_RELU           ? d->ws
                                  : d->relu_mode == RELU_INPLACE ? s->data[n->out]
                                                                 : x}};
    LIE_CALL(exec(s, d->bwd_d, n->op == LIE_OP_AVGPOOL ? 2 : 3, a));
    LIE_CALL(finish_target(net, n, d, 0, NULL));
    break;
  }
  case LIE_OP_ADD:
    LIE_CALL(finish_target(net, n, d, 0, net->t[n->out].grad));
    LIE_CALL(finish_target(net, n, d, 1, net->t[n->out].grad));
    break;
  case LIE_OP_CIRCPAD:
    LIE_CALL(lie_dnnl_circpad_backward(net, n, d, want_dx));
    break;
  case LIE_OP_ELU:
  case LIE_OP_GELU:
    LIE_CALL(lie_dnnl_eltwise_backward(net, n, d, want_dx));
    break;
  case LIE_OP_SPECTRAL:
    LIE_CALL(lie_dnnl_spectral_backward(net, n, d, want_dx));
    break;
  default:
    LIE_ERROR(LIE_ERR_INTERNAL, "unknown op");
  }
  return LIE_OK;
}

static int dn_backward(lie_nn_net net, const float *dy, float *dx) {
  dstate *s = S(net);
  LIE_CALL(plain_copy(net, net->nt - 1, s->grad[net->nt - 1], (float *)dy, 0));
  for (int i = net->nn - 1; i >= 0; i--)
    LIE_CALL(node_backward(net, &net->nodes[i], &s->n[i], dx != NULL));
  LIE_DNNL(dnnl_stream_wait(s->st));
  if (dx) LIE_CALL(plain_copy(net, 0, s->grad[0], dx, 1));
  return LIE_OK;
}

/* ------------------------------------------------------------------ teardown */
static void free_mem(dnnl_memory_t *m, dnnl_memory_t keep1, dnnl_memory_t keep2) {
  if (*m && *m != keep1 && *m != keep2) dnnl_memory_destroy(*m);
  *m = NULL;
}

static void dn_destroy(lie_nn_net net) {
  dstate *s = S(net);
  if (!s) return;
  for (int i = 0; s->n && i < net->nn; i++) {
    dnode *d = &s->n[i];
    dnnl_primitive_t *ps[] = {&d->fwd,  &d->inf,  &d->bwd_d, &d->bwd_w, &d->bwd_inf, &d->r_w_fwd, &d->r_w_bwd,
                              &d->r_dw, &d->fx.r, &d->fy.r,  &d->bdy.r, &d->bdx.r,   &d->wx.r,    &d->wdy.r};
    for (size_t k = 0; k < sizeof ps / sizeof *ps; k++)
      if (*ps[k]) dnnl_primitive_destroy(*ps[k]);
    if (d->fwd_pd) dnnl_primitive_desc_destroy(d->fwd_pd);
    if (d->inf_pd) dnnl_primitive_desc_destroy(d->inf_pd);
    free_mem(&d->w_bwd, d->w_fwd, d->w_user);
    free_mem(&d->w_fwd, d->w_user, NULL);
    free_mem(&d->dw_prim, d->dw_user, NULL);
    dnnl_memory_t *ms[] = {&d->w_user, &d->dw_user, &d->b_user, &d->db_user, &d->mean,  &d->var,  &d->scale,
                           &d->shift,  &d->dscale,  &d->dshift, &d->rmean,   &d->rvar,  &d->ws,   &d->y4,
                           &d->dy4,    &d->fx.m,    &d->fy.m,   &d->bdy.m,   &d->bdx.m, &d->wx.m, &d->wdy.m};
    for (size_t k = 0; k < sizeof ms / sizeof *ms; k++)
      free_mem(ms[k], NULL, NULL);
    if (d->ext && d->ext_free) d->ext_free(d->ext);
    d->ext = NULL;
  }
  for (int i = 0; i < net->nt; i++) {
    if (s->data && s->data[i]) dnnl_memory_destroy(s->data[i]);
    if (s->grad && s->grad[i]) dnnl_memory_destroy(s->grad[i]);
    if (s->scr && s->scr[i]) dnnl_memory_destroy(s->scr[i]);
  }
  if (s->st) dnnl_stream_destroy(s->st);
  if (s->eng) dnnl_engine_destroy(s->eng);
  free(s->md), free(s->data), free(s->grad), free(s->scr), free(s->n), free(s->scratch);
  free(s);
  net->be = NULL;
}

/* ------------------------------------------------------------------ for the per-op files */
int lie_dnnl_mem(dstate *s, const dnnl_memory_desc_t *md, void *ptr, dnnl_memory_t *m) { return mem(s, md, ptr, m); }
int lie_dnnl_exec(dstate *s, dnnl_primitive_t p, int nargs, const dnnl_exec_arg_t *args) {
  return exec(s, p, nargs, args);
}
int lie_dnnl_chan_layout(lie_nn_net net, int id, lie_nn_chan_layout *L) { return chan_layout(net, id, L); }
dnnl_memory_t lie_dnnl_grad_target(dstate *s, const lie_nn_node *n, const dnode *d, int k) {
  return grad_target(s, n, d, k);
}
int lie_dnnl_finish_target(lie_nn_net net, const lie_nn_node *n, const dnode *d, int k, const float *src) {
  return finish_target(net, n, d, k, src);
}
int lie_dnnl_plain_copy(lie_nn_net net, int id, dnnl_memory_t tm, float *plain, int to_plain) {
  return plain_copy(net, id, tm, plain, to_plain);
}

const lie_nn_backend_ops lie_nn_dnnl_ops = {dn_setup, dn_forward, dn_backward, dn_get, dn_destroy};
#endif
