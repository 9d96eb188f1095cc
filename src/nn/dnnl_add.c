/* Residual add on oneDNN: a binary primitive over two tensors of the same layout; backward
 * passes dy to both inputs (stored or added). */
#include "dnnl_impl.h"

#if LIEREG_HAVE_DNNL

int lie_dnnl_add_setup(lie_nn_net net, lie_nn_node *n, dnode *d) {
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

int lie_dnnl_add_forward(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  dnnl_exec_arg_t a[3] = {
      {DNNL_ARG_SRC_0, s->data[n->in[0]]}, {DNNL_ARG_SRC_1, s->data[n->in[1]]}, {DNNL_ARG_DST, s->data[n->out]}};
  LIE_CALL(exec(s, d->fwd, 3, a));
  return LIE_OK;
}

int lie_dnnl_add_backward(lie_nn_net net, lie_nn_node *n, dnode *d) {
  LIE_CALL(finish_target(net, n, d, 0, net->t[n->out].grad));
  LIE_CALL(finish_target(net, n, d, 1, net->t[n->out].grad));
  return LIE_OK;
}
#endif
