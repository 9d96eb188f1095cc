/* ELU and GELU on the oneDNN backend: its eltwise primitives (elu with alpha 1, gelu_erf)
 * in the input's layout; backward from the saved input (as the reference layers). Zero
 * stays zero under both, so padded channels of blocked layouts stay clean. */
#include "dnnl_impl.h"

#if LIEREG_HAVE_DNNL

int lie_dnnl_eltwise_setup(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  const dnnl_memory_desc_t *md = &s->md[n->in[0]];
  dnnl_alg_kind_t alg = n->op == LIE_OP_ELU ? dnnl_eltwise_elu : dnnl_eltwise_gelu_erf;
  float alpha = n->op == LIE_OP_ELU ? 1.0f : 0.0f;
  dnnl_eltwise_desc_t ed;
  dnnl_primitive_desc_t pd;
  LIE_CHECK(dnnl_memory_desc_equal(md, &s->md[n->out]), LIE_ERR_INTERNAL, "%s: output layout differs from input",
            n->name);
  if (dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_training, alg, md, alpha, 0.f) != dnnl_success ||
      dnnl_primitive_desc_create(&d->fwd_pd, &ed, NULL, s->eng, NULL) != dnnl_success ||
      dnnl_primitive_create(&d->fwd, d->fwd_pd) != dnnl_success)
    LIE_ERROR(LIE_ERR_DNNL, "oneDNN: cannot create the %s forward primitive", n->name);
  if (dnnl_eltwise_backward_desc_init(&ed, alg, md, md, alpha, 0.f) != dnnl_success ||
      dnnl_primitive_desc_create(&pd, &ed, NULL, s->eng, d->fwd_pd) != dnnl_success)
    LIE_ERROR(LIE_ERR_DNNL, "oneDNN: cannot create the %s backward primitive", n->name);
  dnnl_status_t st = dnnl_primitive_create(&d->bwd_d, pd);
  dnnl_primitive_desc_destroy(pd);
  LIE_CHECK(st == dnnl_success, LIE_ERR_DNNL, "oneDNN: cannot create the %s backward primitive", n->name);
  return LIE_OK;
}

// x (B,C,H,W) -> y = f(x), same layout
int lie_dnnl_eltwise_forward(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  dnnl_exec_arg_t a[2] = {{DNNL_ARG_SRC, s->data[n->in[0]]}, {DNNL_ARG_DST, s->data[n->out]}};
  LIE_CALL(lie_dnnl_exec(s, d->fwd, 2, a));
  return LIE_OK;
}

// dy -> dx = dy * f'(x), stored or added (lie_dnnl_finish_target)
int lie_dnnl_eltwise_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx) {
  dstate *s = S(net);
  if (!want_dx) return LIE_OK;
  dnnl_exec_arg_t a[3] = {{DNNL_ARG_SRC, s->data[n->in[0]]},
                          {DNNL_ARG_DIFF_DST, s->grad[n->out]},
                          {DNNL_ARG_DIFF_SRC, lie_dnnl_grad_target(s, n, d, 0)}};
  LIE_CALL(lie_dnnl_exec(s, d->bwd_d, 3, a));
  LIE_CALL(lie_dnnl_finish_target(net, n, d, 0, NULL));
  return LIE_OK;
}
#endif
