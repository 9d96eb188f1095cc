/* ReLU on oneDNN: its own eltwise primitive, in place after a residual add
 * (relu_use_dst_for_bwd), or nothing at all when fused into the preceding batch norm
 * (plan_relus in dnnl_backend.c decides). */
#include "dnnl_impl.h"

#if LIEREG_HAVE_DNNL

int lie_dnnl_relu_setup(lie_nn_net net, lie_nn_node *n, dnode *d) {
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

int lie_dnnl_relu_forward(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  if (d->relu_mode == RELU_FUSED) return LIE_OK;
  dnnl_exec_arg_t a[2] = {{DNNL_ARG_SRC, s->data[n->in[0]]}, {DNNL_ARG_DST, s->data[n->out]}};
  LIE_CALL(exec(s, d->fwd, 2, a));
  return LIE_OK;
}

// dy -> dx where the input (or, in place, the output) is positive; stored or added
int lie_dnnl_relu_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx) {
  dstate *s = S(net);
  if (!want_dx || d->relu_mode == RELU_FUSED) return LIE_OK;
  int inplace = d->relu_mode == RELU_INPLACE;
  dnnl_exec_arg_t a[3] = {{DNNL_ARG_DIFF_DST, s->grad[n->out]},
                          {DNNL_ARG_DIFF_SRC, grad_target(s, n, d, 0)},
                          {inplace ? DNNL_ARG_DST : DNNL_ARG_SRC, inplace ? s->data[n->out] : s->data[n->in[0]]}};
  LIE_CALL(exec(s, d->bwd_d, 3, a));
  LIE_CALL(finish_target(net, n, d, 0, NULL));
  return LIE_OK;
}
#endif
