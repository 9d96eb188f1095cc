/* Internals of the oneDNN backend shared by dnnl_backend.c and the per-op files
 * dnnl_<op>.c (each new op keeps its oneDNN set-up, forward and backward in one file). */
#ifndef LIEREG_DNNL_IMPL_H
#define LIEREG_DNNL_IMPL_H

#include "nn_impl.h"

#include <dnnl.h>

#define LIE_DNNL(x)                                                                                                    \
  do {                                                                                                                 \
    dnnl_status_t s_ = (x);                                                                                            \
    if (s_ != dnnl_success) LIE_ERROR(LIE_ERR_DNNL, "oneDNN: %s returned %s", #x, dnnl_status2str(s_));                \
  } while (0)

/* A primitive argument in a layout other than its tensor's: own memory m and the reorder
 * between them (tensor -> m for inputs, m -> tensor for outputs). m == NULL: no adapter. */
typedef struct {
  dnnl_memory_t m;
  dnnl_primitive_t r;
} adapt;

typedef struct {
  dnnl_primitive_desc_t fwd_pd, inf_pd;
  dnnl_primitive_t fwd, inf, bwd_d, bwd_w, bwd_inf;
  /* conv / linear weights: user (plain, in the flat buffers) and primitive layouts */
  dnnl_memory_t w_user, dw_user, b_user, db_user, w_fwd, w_bwd, dw_prim;
  dnnl_primitive_t r_w_fwd, r_w_bwd, r_dw;
  /* batch norm */
  dnnl_memory_t mean, var, scale, shift, dscale, dshift, rmean, rvar;
  /* max pool workspace; global average pool output (and its gradient) viewed as (B,C,1,1) */
  dnnl_memory_t ws, y4, dy4;
  int acc[2];    /* backward must ADD into input i's gradient (it has another consumer) */
  int fuse_relu; /* BN: the following ReLU is fused (dnnl_fuse_norm_relu, mask in ws) */
  int relu_mode; /* ReLU: RELU_OWN, RELU_FUSED (done by the BN) or RELU_INPLACE */
  /* conv: layout adapters where a primitive runs in another layout than the tensors (only
   * where oneDNN has no jit kernel for the tensors' layout, see make_conv_pd) */
  adapt fx, fy, bdy, bdx, wx, wdy;
  /* op files' own state (dnnl_<op>.c), released by ext_free at teardown */
  void *ext;
  void (*ext_free)(void *ext);
} dnode;

enum { RELU_OWN, RELU_FUSED, RELU_INPLACE };

typedef struct {
  dnnl_engine_t eng;
  dnnl_stream_t st;
  dnnl_memory_desc_t *md; /* per tensor */
  dnnl_memory_t *data, *grad, *scr;
  float *scratch;
  dnode *n;
} dstate;

static inline dstate *S(lie_nn_net net) { return (dstate *)net->be; }

/* Shared helpers (dnnl_backend.c). */
int lie_dnnl_mem(dstate *s, const dnnl_memory_desc_t *md, void *ptr, dnnl_memory_t *m);
int lie_dnnl_exec(dstate *s, dnnl_primitive_t p, int nargs, const dnnl_exec_arg_t *args);
/* The tensor's layout as rows of channel blocks (lie_nn_chan_layout); LIE_ERR_NOTSUP if exotic. */
int lie_dnnl_chan_layout(lie_nn_net net, int id, lie_nn_chan_layout *L);
/* Where input k's gradient goes: its gradient memory, or the scratch when it must be added
 * (d->acc[k]); finish_target then adds the scratch (or src, same layout) into the gradient. */
dnnl_memory_t lie_dnnl_grad_target(dstate *s, const lie_nn_node *n, const dnode *d, int k);
int lie_dnnl_finish_target(lie_nn_net net, const lie_nn_node *n, const dnode *d, int k, const float *src);
/* plain NCHW buffer <-> memory tm of tensor id (reorder when the layouts differ) */
int lie_dnnl_plain_copy(lie_nn_net net, int id, dnnl_memory_t tm, float *plain, int to_plain);

/* Per-op files: set-up at dn_setup, forward, backward (want_dx: the input gradient is needed). */
int lie_dnnl_circpad_setup(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_circpad_forward(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_circpad_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx);
int lie_dnnl_eltwise_setup(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_eltwise_forward(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_eltwise_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx);
int lie_dnnl_spectral_setup(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_spectral_forward(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_spectral_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx);

#endif
