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
     * 2.6 runs AVX2 kernels on AMD Zen 4: 16-blocked tensors would fall back to slow code).
     * 1D networks use nwc (channels last): on AVX-512 oneDNN 2.6 then runs brgemm forward
     * kernels (94-100 % of the FMA peak per CPU second against 78-88 % blocked) and its
     * backward-weights kernel gains most where the rows are short (W = 8 at 512 channels:
     * 61-72 % against 46-48 %); measured with LIE_NN_DNNL_PROFILE, docs/BENCHMARKS.md.
     * LIE_NN_DNNL_LAYOUT=blocked|nhwc forces one layout (for measuring). */
    int vec = (dnnl_get_effective_cpu_isa() & dnnl_cpu_isa_avx512_core) == dnnl_cpu_isa_avx512_core ? 16 : 8;
    const char *lay = getenv("LIE_NN_DNNL_LAYOUT");
    int one_d = t->H == 1 && net->t[0].H == 1; /* a 1D network (NC1W) */
    if (lay && !strcmp(lay, "nhwc"))
      tag = dnnl_nhwc;
    else if (one_d && !(lay && !strcmp(lay, "blocked")) && t->C % 8 == 0)
      tag = dnnl_nhwc; /* nwc: see below */
    else if (vec == 16 && t->C % 16 == 0)
      tag = dnnl_nChw16c;
    else if (t->C % 8 == 0)
      tag = dnnl_nChw8c;
  }
  LIE_DNNL(dnnl_memory_desc_init_by_tag(md, 4, d, dnnl_f32, tag));
  return LIE_OK;
}

int lie_dnnl_md_1d(dnnl_memory_desc_t *md, int n) {
  dnnl_dims_t d = {n};
  LIE_DNNL(dnnl_memory_desc_init_by_tag(md, 1, d, dnnl_f32, dnnl_x));
  return LIE_OK;
}

int lie_dnnl_mem(dstate *s, const dnnl_memory_desc_t *md, void *ptr, dnnl_memory_t *m) {
  LIE_DNNL(dnnl_memory_create(m, md, s->eng, ptr ? ptr : DNNL_MEMORY_ALLOCATE));
  return LIE_OK;
}

int lie_dnnl_prim(dnnl_primitive_desc_t pd, dnnl_primitive_t *p) {
  LIE_DNNL(dnnl_primitive_create(p, pd));
  return LIE_OK;
}

int lie_dnnl_exec(dstate *s, dnnl_primitive_t p, int nargs, const dnnl_exec_arg_t *args) {
  return lie_dnnl_profile_exec(s, p, nargs, args);
}

/* `user` <-> primitive layout `want`: if they differ, allocate *pm and a reorder (direction
 * to_prim: user -> prim), else *pm = user and no reorder. */
int lie_dnnl_layout_bridge(dstate *s, dnnl_memory_t user, const dnnl_memory_desc_t *want, int to_prim,
                           dnnl_memory_t *pm, dnnl_primitive_t *r) {
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

int lie_dnnl_run_reorder(dstate *s, dnnl_primitive_t r, dnnl_memory_t from, dnnl_memory_t to) {
  if (!r) return LIE_OK;
  dnnl_exec_arg_t a[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
  LIE_CALL(exec(s, r, 2, a));
  return LIE_OK;
}

/* ------------------------------------------------------------------ setup per op */

/* oneDNN wants (in - k + pl + pr) / stride + 1 == out: the smallest such pr >= 0 (PyTorch's
 * symmetric padding with floor division never reads the extra right padding). */
int64_t lie_dnnl_right_pad(int in, int out, int k, int stride, int pl) {
  int64_t pr = (int64_t)(out - 1) * stride + k - in - pl;
  return pr > 0 ? pr : 0;
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
  lie_dnnl_profile_start(s);
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
  s->scratch_bytes = (maxb + 63) / 64 * 64;
  s->scratch = aligned_alloc(64, s->scratch_bytes);
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
      LIE_CALL(lie_dnnl_conv_setup(net, n, d));
      break;
    case LIE_OP_BN:
      LIE_CALL(lie_dnnl_bn_setup(net, n, d));
      break;
    case LIE_OP_RELU:
      LIE_CALL(lie_dnnl_relu_setup(net, n, d));
      break;
    case LIE_OP_MAXPOOL:
      LIE_CALL(lie_dnnl_pool_setup(net, n, d, 1));
      break;
    case LIE_OP_AVGPOOL:
      LIE_CALL(lie_dnnl_pool_setup(net, n, d, 0));
      break;
    case LIE_OP_LINEAR:
      LIE_CALL(lie_dnnl_linear_setup(net, n, d));
      break;
    case LIE_OP_ADD:
      LIE_CALL(lie_dnnl_add_setup(net, n, d));
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
    case LIE_OP_UPCONV:
      LIE_CALL(lie_dnnl_upconv_setup(net, n, d));
      break;
    case LIE_OP_GROUPNORM:
      LIE_CALL(lie_dnnl_groupnorm_setup(net, n, d));
      break;
    case LIE_OP_CONCAT:
      LIE_CALL(lie_dnnl_plain_setup(net, n, d));
      break;
    default:
      LIE_ERROR(LIE_ERR_INTERNAL, "unknown op %d", (int)n->op);
    }
  }
  plan_accumulation(net);
  return LIE_OK;
}

/* The tensor's layout as a lie_nn_chan_layout (bn_layout.c); every layout tensor_md makes. */
int lie_dnnl_chan_layout(lie_nn_net net, int id, lie_nn_chan_layout *L) {
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

/* ------------------------------------------------------------------ forward */
static int node_forward(lie_nn_net net, lie_nn_node *n, dnode *d, int train) {
  switch (n->op) {
  case LIE_OP_CONV:
  case LIE_OP_LINEAR:
    return lie_dnnl_weighted_forward(net, n, d);
  case LIE_OP_BN:
    return lie_dnnl_bn_forward(net, n, d, train);
  case LIE_OP_RELU:
    return lie_dnnl_relu_forward(net, n, d);
  case LIE_OP_MAXPOOL:
  case LIE_OP_AVGPOOL:
    return lie_dnnl_pool_forward(net, n, d);
  case LIE_OP_ADD:
    return lie_dnnl_add_forward(net, n, d);
  case LIE_OP_CIRCPAD:
    return lie_dnnl_circpad_forward(net, n, d);
  case LIE_OP_ELU:
  case LIE_OP_GELU:
    return lie_dnnl_eltwise_forward(net, n, d);
  case LIE_OP_SPECTRAL:
    return lie_dnnl_spectral_forward(net, n, d);
  case LIE_OP_UPCONV:
    return lie_dnnl_upconv_forward(net, n, d);
  case LIE_OP_GROUPNORM:
    return lie_dnnl_groupnorm_forward(net, n, d);
  case LIE_OP_CONCAT:
    return lie_dnnl_plain_forward(net, n, d, train);
  default:
    LIE_ERROR(LIE_ERR_INTERNAL, "unknown op %d", (int)n->op);
  }
}

/* plain NCHW (or NC) buffer <-> memory `tm` of tensor id, reordering only if layouts differ */
int lie_dnnl_plain_copy(lie_nn_net net, int id, dnnl_memory_t tm, float *plain, int to_plain) {
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
  double c0 = s->prof ? lie_dnnl_profile_clock() : 0;
  LIE_CALL(plain_copy(net, 0, s->data[0], (float *)x, 0));
  for (int i = 0; i < net->nn; i++)
    LIE_CALL(node_forward(net, &net->nodes[i], &s->n[i], train));
  LIE_DNNL(dnnl_stream_wait(s->st));
  if (s->prof) lie_dnnl_profile_span(s, 0, lie_dnnl_profile_clock() - c0);
  return LIE_OK;
}

static int dn_get(lie_nn_net net, int id, float *dst) {
  LIE_CALL(plain_copy(net, id, S(net)->data[id], dst, 1));
  return LIE_OK;
}

/* ------------------------------------------------------------------ backward */
/* Where input k's gradient goes: the tensor's gradient, or the scratch when it must be added. */
dnnl_memory_t lie_dnnl_grad_target(dstate *s, const lie_nn_node *n, const dnode *d, int k) {
  return d->acc[k] ? s->scr[n->in[k]] : s->grad[n->in[k]];
}

/* grad[t] += scratch (same layout, so element-wise over the padded buffer) */
int lie_dnnl_finish_target(lie_nn_net net, const lie_nn_node *n, const dnode *d, int k, const float *src) {
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
  const int want_dx = n->in[0] != 0 || need_dx;
  switch (n->op) {
  case LIE_OP_CONV:
  case LIE_OP_LINEAR:
    return lie_dnnl_weighted_backward(net, n, d, want_dx);
  case LIE_OP_BN:
    return lie_dnnl_bn_backward(net, n, d, want_dx);
  case LIE_OP_RELU:
    return lie_dnnl_relu_backward(net, n, d, want_dx);
  case LIE_OP_MAXPOOL:
  case LIE_OP_AVGPOOL:
    return lie_dnnl_pool_backward(net, n, d, want_dx);
  case LIE_OP_ADD:
    return lie_dnnl_add_backward(net, n, d);
  case LIE_OP_CIRCPAD:
    return lie_dnnl_circpad_backward(net, n, d, want_dx);
  case LIE_OP_ELU:
  case LIE_OP_GELU:
    return lie_dnnl_eltwise_backward(net, n, d, want_dx);
  case LIE_OP_SPECTRAL:
    return lie_dnnl_spectral_backward(net, n, d, want_dx);
  case LIE_OP_UPCONV:
    return lie_dnnl_upconv_backward(net, n, d, want_dx);
  case LIE_OP_GROUPNORM:
    return lie_dnnl_groupnorm_backward(net, n, d, want_dx);
  case LIE_OP_CONCAT:
    return lie_dnnl_plain_backward(net, n, d, need_dx);
  default:
    LIE_ERROR(LIE_ERR_INTERNAL, "unknown op %d", (int)n->op);
  }
}

static int dn_backward(lie_nn_net net, const float *dy, float *dx) {
  dstate *s = S(net);
  double c0 = s->prof ? lie_dnnl_profile_clock() : 0;
  LIE_CALL(plain_copy(net, net->nt - 1, s->grad[net->nt - 1], (float *)dy, 0));
  for (int i = net->nn - 1; i >= 0; i--)
    LIE_CALL(node_backward(net, &net->nodes[i], &s->n[i], dx != NULL));
  LIE_DNNL(dnnl_stream_wait(s->st));
  if (dx) LIE_CALL(plain_copy(net, 0, s->grad[0], dx, 1));
  if (s->prof) lie_dnnl_profile_span(s, 1, lie_dnnl_profile_clock() - c0);
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
  lie_dnnl_profile_report(s);
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
    if (d->wx.m == d->fx.m) d->wx.m = NULL; /* shared adapter (lie_dnnl_conv_setup) */
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

const lie_nn_backend_ops lie_nn_dnnl_ops = {dn_setup, dn_forward, dn_backward, dn_get, dn_destroy};
#endif
