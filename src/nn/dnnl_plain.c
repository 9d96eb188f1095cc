/* Ops without a oneDNN primitive in this backend (group norm: oneDNN 2.6 normalises only
 * over the last dimension; concat and the 2x2 transposed conv of the U-Net: kept simple)
 * run the reference layer on plain NCHW copies: the inputs are reordered to plain buffers,
 * the node's tensors are pointed at them for the reference node function (ref_backend.c),
 * and the result is reordered back into the tensor's layout; backward does the same with
 * the gradients, storing or adding (lie_dnnl_finish_target) into each input's gradient.
 * Costs two reorders per tensor and pass, against the reference kernel's own time. */
#include "dnnl_impl.h"

#if LIEREG_HAVE_DNNL
#include <stdlib.h>
#include <string.h>

typedef struct {
  float *x[2], *dx[2], *y, *dy; /* plain copies of the inputs, their gradients, output, dy */
} plain_bufs;

static void bufs_free(void *p) {
  plain_bufs *b = p;
  for (int k = 0; k < 2; k++)
    free(b->x[k]), free(b->dx[k]);
  free(b->y), free(b->dy), free(b);
}

static int nin(const lie_nn_node *n) { return n->in[1] >= 0 ? 2 : 1; }

int lie_dnnl_plain_setup(lie_nn_net net, lie_nn_node *n, dnode *d) {
  plain_bufs *b = calloc(1, sizeof *b);
  LIE_CHECK(b, LIE_ERR_MEM, "out of memory (%s plain buffers)", n->name);
  d->ext = b, d->ext_free = bufs_free;
  int ok = 1;
  for (int k = 0; k < nin(n); k++) {
    size_t m = lie_nn_numel(&net->t[n->in[k]], net->B) * sizeof(float);
    b->x[k] = malloc(m), b->dx[k] = malloc(m);
    ok = ok && b->x[k] && b->dx[k];
  }
  size_t m = lie_nn_numel(&net->t[n->out], net->B) * sizeof(float);
  b->y = malloc(m), b->dy = malloc(m);
  LIE_CHECK(ok && b->y && b->dy, LIE_ERR_MEM, "out of memory (%s plain buffers)", n->name);
  return LIE_OK;
}

/* points the node's tensors at the plain buffers (swap = 1) or back (swap = 0) */
static void point(lie_nn_net net, const lie_nn_node *n, plain_bufs *b, float **save, int swap) {
  int ids[3] = {n->in[0], n->in[1], n->out};
  float *data[3] = {b->x[0], b->x[1], b->y}, *grad[3] = {b->dx[0], b->dx[1], b->dy};
  for (int k = 0; k < 3; k++) {
    if (ids[k] < 0) continue;
    lie_nn_tens *t = &net->t[ids[k]];
    if (swap) {
      save[2 * k] = t->data, save[2 * k + 1] = t->grad;
      t->data = data[k], t->grad = grad[k];
    } else {
      t->data = save[2 * k], t->grad = save[2 * k + 1];
    }
  }
}

// inputs (any layout) -> plain -> reference layer -> output in its layout
int lie_dnnl_plain_forward(lie_nn_net net, lie_nn_node *n, dnode *d, int train) {
  dstate *s = S(net);
  plain_bufs *b = d->ext;
  float *save[6];
  for (int k = 0; k < nin(n); k++)
    LIE_CALL(lie_dnnl_plain_copy(net, n->in[k], s->data[n->in[k]], b->x[k], 1));
  point(net, n, b, save, 1);
  int e = lie_nn_ref_node_forward(net, n, train);
  point(net, n, b, save, 0);
  LIE_CALL(e);
  LIE_CALL(lie_dnnl_plain_copy(net, n->out, s->data[n->out], b->y, 0));
  return LIE_OK;
}

// dy -> plain -> reference backward (parameter gradients += in the flat buffers) ->
// each input's gradient stored or added in its layout
int lie_dnnl_plain_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int need_dx) {
  dstate *s = S(net);
  plain_bufs *b = d->ext;
  float *save[6];
  LIE_CALL(lie_dnnl_plain_copy(net, n->out, s->grad[n->out], b->dy, 1));
  for (int k = 0; k < nin(n); k++)
    memset(b->dx[k], 0, lie_nn_numel(&net->t[n->in[k]], net->B) * sizeof(float));
  point(net, n, b, save, 1);
  int e = lie_nn_ref_node_backward(net, n, need_dx);
  point(net, n, b, save, 0);
  LIE_CALL(e);
  for (int k = 0; k < nin(n); k++) {
    if (n->in[k] == 0 && !need_dx) continue;
    LIE_CALL(lie_dnnl_plain_copy(net, n->in[k], lie_dnnl_grad_target(s, n, d, k), b->dx[k], 0));
    LIE_CALL(lie_dnnl_finish_target(net, n, d, k, NULL));
  }
  return LIE_OK;
}
#endif
