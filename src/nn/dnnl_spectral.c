/* Spectral convolution on the oneDNN backend. oneDNN has no FFT, so the reference kernel
 * (spectral.c, FFTW) runs on plain NCHW copies: the input is reordered to plain once in
 * forward (and kept for the weight gradient), the output reordered back to the tensor's
 * layout; backward likewise for dy and dx. The reorders are O(B C L) against the layer's
 * O(B Ci Co modes) products. */
#include "dnnl_impl.h"

#if LIEREG_HAVE_DNNL
#include <stdlib.h>
#include <string.h>

typedef struct {
  float *x, *y, *dx; /* plain (B,Ci,L), (B,Co,L), (B,Ci,L) */
} plain_bufs;

static void bufs_free(void *p) {
  plain_bufs *b = p;
  free(b->x), free(b->y), free(b->dx), free(b);
}

int lie_dnnl_spectral_setup(lie_nn_net net, lie_nn_node *n, dnode *d) {
  const size_t nx = lie_nn_numel(&net->t[n->in[0]], net->B), ny = lie_nn_numel(&net->t[n->out], net->B);
  plain_bufs *b = calloc(1, sizeof *b);
  LIE_CHECK(b, LIE_ERR_MEM, "out of memory (spectral conv buffers)");
  d->ext = b, d->ext_free = bufs_free;
  b->x = malloc(nx * sizeof(float)), b->dx = malloc(nx * sizeof(float)), b->y = malloc(ny * sizeof(float));
  LIE_CHECK(b->x && b->dx && b->y, LIE_ERR_MEM, "out of memory (spectral conv buffers)");
  return LIE_OK;
}

// x (B,Ci,1,L) any layout -> plain -> spectral conv -> y (B,Co,1,L) in its layout
int lie_dnnl_spectral_forward(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  plain_bufs *b = d->ext;
  const lie_nn_tens *x = &net->t[n->in[0]];
  LIE_CALL(lie_dnnl_plain_copy(net, n->in[0], s->data[n->in[0]], b->x, 1));
  LIE_CALL(
      lie_nn_spectral_conv1d_forward(b->y, b->x, lie_nn_param(net, n->w), net->B, x->C, n->K, x->W, n->R, n->op_state));
  LIE_CALL(lie_dnnl_plain_copy(net, n->out, s->data[n->out], b->y, 0));
  return LIE_OK;
}

// dy -> plain -> dweight (+=, the flat buffer), dx plain -> stored or added in x's layout
int lie_dnnl_spectral_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx) {
  dstate *s = S(net);
  plain_bufs *b = d->ext;
  const lie_nn_tens *x = &net->t[n->in[0]];
  LIE_CALL(lie_dnnl_plain_copy(net, n->out, s->grad[n->out], b->y, 1));
  if (want_dx) memset(b->dx, 0, lie_nn_numel(x, net->B) * sizeof(float));
  LIE_CALL(lie_nn_spectral_conv1d_backward(want_dx ? b->dx : NULL, lie_nn_grad(net, n->w), b->y, b->x,
                                           lie_nn_param(net, n->w), net->B, x->C, n->K, x->W, n->R, n->op_state));
  if (!want_dx) return LIE_OK;
  LIE_CALL(lie_dnnl_plain_copy(net, n->in[0], lie_dnnl_grad_target(s, n, d, 0), b->dx, 0));
  LIE_CALL(lie_dnnl_finish_target(net, n, d, 0, NULL));
  return LIE_OK;
}
#endif
