/* Circular padding on the oneDNN backend. oneDNN 2.6 has no circular padding primitive;
 * the padding is a copy of whole pixels, so the reference loops (pad.c) run directly on the
 * tensors' own layout, seen as rows of channel blocks (b, c/blk | h, w | c%blk): no reorder,
 * and the output keeps the input's layout (tensor_md) as every layout-preserving layer. */
#include "dnnl_impl.h"

#if LIEREG_HAVE_DNNL
#include <string.h>

int lie_dnnl_circpad_setup(lie_nn_net net, lie_nn_node *n, dnode *d) {
  lie_nn_chan_layout Lx, Ly;
  (void)d;
  LIE_CALL(lie_dnnl_chan_layout(net, n->in[0], &Lx));
  LIE_CALL(lie_dnnl_chan_layout(net, n->out, &Ly));
  LIE_CHECK(S(net)->md[n->in[0]].ndims == 4 && Lx.blk == Ly.blk && Lx.Cb == Ly.Cb, LIE_ERR_NOTSUP,
            "oneDNN backend: circular padding needs the same 4D layout for input and output");
  return LIE_OK;
}

// x (B, Cb, H, W, blk) -> y (B, Cb, H+2ph, W+2pw, blk)
int lie_dnnl_circpad_forward(lie_nn_net net, lie_nn_node *n, dnode *d) {
  lie_nn_chan_layout L;
  const lie_nn_tens *x = &net->t[n->in[0]], *y = &net->t[n->out];
  (void)d;
  LIE_CALL(lie_dnnl_chan_layout(net, n->in[0], &L));
  LIE_CHECK(dnnl_stream_wait(S(net)->st) == dnnl_success, LIE_ERR_DNNL, "oneDNN stream wait failed");
  lie_nn_circpad_forward(y->data, x->data, L.B * L.Cb, x->H, x->W, L.blk, n->ph, n->pw);
  return LIE_OK;
}

// dy (B, Cb, H+2ph, W+2pw, blk) -> dx (B, Cb, H, W, blk): stored, or added when dx has
// another consumer (the padding kernel accumulates, so the first writer zeroes first)
int lie_dnnl_circpad_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx) {
  lie_nn_chan_layout L;
  dstate *s = S(net);
  const lie_nn_tens *x = &net->t[n->in[0]], *y = &net->t[n->out];
  if (!want_dx) return LIE_OK;
  LIE_CALL(lie_dnnl_chan_layout(net, n->in[0], &L));
  LIE_CHECK(dnnl_stream_wait(s->st) == dnnl_success, LIE_ERR_DNNL, "oneDNN stream wait failed");
  if (!d->acc[0]) memset(x->grad, 0, dnnl_memory_desc_get_size(&s->md[n->in[0]]));
  lie_nn_circpad_backward(x->grad, y->grad, L.B * L.Cb, x->H, x->W, L.blk, n->ph, n->pw);
  return LIE_OK;
}
#endif
