/* Max pool (with its workspace of argmax positions) and global average pool on oneDNN; the
 * average pool's (B,C) output is seen through a (B,C,1,1) descriptor. */
#include "dnnl_impl.h"

#if LIEREG_HAVE_DNNL

/* Tag of the (B,C,1,1) view of the (B,C) pooled output: the input's own layout where that is
 * the same memory as nc (nChw16c/8c with C a multiple of the block, nhwc), so oneDNN runs its
 * jit kernel; a plain nchw destination under a blocked source only has the reference loop
 * (measured: 40-60 ms per call at 1D 16x256 b32, 6-8 % of the step). */
static dnnl_format_tag_t pooled_tag(const dnnl_memory_desc_t *in, int C) {
  const dnnl_blocking_desc_t *bl = &in->format_desc.blocking;
  if (bl->inner_nblks == 1 && bl->inner_idxs[0] == 1 && C % bl->inner_blks[0] == 0)
    return bl->inner_blks[0] == 16 ? dnnl_nChw16c : bl->inner_blks[0] == 8 ? dnnl_nChw8c : dnnl_nchw;
  if (bl->inner_nblks == 0 && bl->strides[1] == 1) return dnnl_nhwc;
  return dnnl_nchw;
}

int lie_dnnl_pool_setup(lie_nn_net net, lie_nn_node *n, dnode *d, int max) {
  dstate *s = S(net);
  const lie_nn_tens *x = &net->t[n->in[0]], *y = &net->t[n->out];
  dnnl_memory_desc_t ymd = s->md[n->out];
  dnnl_dims_t k = {n->R, n->S}, st = {n->sh, n->sw}, pl = {n->ph, n->pw};
  if (!max) { /* global average: kernel = whole plane; output viewed as (B,C,1,1) */
    dnnl_dims_t yd = {net->B, y->C, 1, 1};
    LIE_DNNL(dnnl_memory_desc_init_by_tag(&ymd, 4, yd, dnnl_f32, pooled_tag(&s->md[n->in[0]], y->C)));
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

int lie_dnnl_pool_forward(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  int max = n->op == LIE_OP_MAXPOOL;
  dnnl_exec_arg_t a[3] = {
      {DNNL_ARG_SRC, s->data[n->in[0]]}, {DNNL_ARG_DST, max ? s->data[n->out] : d->y4}, {DNNL_ARG_WORKSPACE, d->ws}};
  LIE_CALL(exec(s, d->fwd, max ? 3 : 2, a));
  return LIE_OK;
}

int lie_dnnl_pool_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx) {
  dstate *s = S(net);
  int max = n->op == LIE_OP_MAXPOOL;
  if (!want_dx) return LIE_OK;
  dnnl_exec_arg_t a[3] = {{DNNL_ARG_DIFF_DST, max ? s->grad[n->out] : d->dy4},
                          {DNNL_ARG_DIFF_SRC, grad_target(s, n, d, 0)},
                          {DNNL_ARG_WORKSPACE, d->ws}};
  LIE_CALL(exec(s, d->bwd_d, max ? 3 : 2, a));
  LIE_CALL(finish_target(net, n, d, 0, NULL));
  return LIE_OK;
}
#endif
