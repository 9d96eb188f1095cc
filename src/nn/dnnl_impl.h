/* Internals of the oneDNN backend shared by dnnl_backend.c and the per-op files
 * dnnl_<op>.c (each new op keeps its oneDNN set-up, forward and backward in one file). */
#ifndef LIEREG_DNNL_IMPL_H
#define LIEREG_DNNL_IMPL_H

#include "conv1d_gemm.h"
#include "nn_impl.h"

#if LIEREG_HAVE_DNNL /* the per-op files compile to nothing without oneDNN */
#include <dnnl.h>
#include <dnnl_debug.h>
#include <stdlib.h>
#include <string.h>

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
  /* conv: backward-weights as GEMMs (conv1d_gemm.c) instead of the primitive bwd_w, into
   * dw_prim in (K, k, C) layout; see use_gemm_bwdw in dnnl_conv.c */
  int bwdw_gemm;
  lie_nn_conv1d_gemm g1d;
  /* op files' own state (dnnl_<op>.c), released by ext_free at teardown */
  void *ext;
  void (*ext_free)(void *ext);
} dnode;

enum { RELU_OWN, RELU_FUSED, RELU_INPLACE };

typedef struct lie_dnnl_prof lie_dnnl_prof; /* dnnl_profile.c */

typedef struct {
  dnnl_engine_t eng;
  dnnl_stream_t st;
  dnnl_memory_desc_t *md; /* per tensor */
  dnnl_memory_t *data, *grad, *scr;
  float *scratch;
  size_t scratch_bytes; /* the largest tensor's size, known before the nodes' set-up */
  dnode *n;
  lie_dnnl_prof *prof; /* per-primitive CPU times (LIE_NN_DNNL_PROFILE=1), else NULL */
} dstate;

static inline dstate *S(lie_nn_net net) { return (dstate *)net->be; }

/* Shared helpers (dnnl_backend.c). */
int lie_dnnl_md_1d(dnnl_memory_desc_t *md, int n); /* (n) f32, tag x */
int lie_dnnl_mem(dstate *s, const dnnl_memory_desc_t *md, void *ptr, dnnl_memory_t *m);
int lie_dnnl_prim(dnnl_primitive_desc_t pd, dnnl_primitive_t *p);
int lie_dnnl_exec(dstate *s, dnnl_primitive_t p, int nargs, const dnnl_exec_arg_t *args);
/* user memory <-> primitive layout `want`: *pm = user and no reorder when equal, else a new
 * memory and the reorder *r (user -> prim when to_prim); run_reorder skips r = NULL */
int lie_dnnl_layout_bridge(dstate *s, dnnl_memory_t user, const dnnl_memory_desc_t *want, int to_prim,
                           dnnl_memory_t *pm, dnnl_primitive_t *r);
int lie_dnnl_run_reorder(dstate *s, dnnl_primitive_t r, dnnl_memory_t from, dnnl_memory_t to);
/* oneDNN's right padding for PyTorch's symmetric padding with floor division */
int64_t lie_dnnl_right_pad(int in, int out, int k, int stride, int pl);
/* The tensor's layout as rows of channel blocks (lie_nn_chan_layout); LIE_ERR_NOTSUP if exotic. */
int lie_dnnl_chan_layout(lie_nn_net net, int id, lie_nn_chan_layout *L);
/* Where input k's gradient goes: its gradient memory, or the scratch when it must be added
 * (d->acc[k]); finish_target then adds the scratch (or src, same layout) into the gradient. */
dnnl_memory_t lie_dnnl_grad_target(dstate *s, const lie_nn_node *n, const dnode *d, int k);
int lie_dnnl_finish_target(lie_nn_net net, const lie_nn_node *n, const dnode *d, int k, const float *src);
/* plain NCHW buffer <-> memory tm of tensor id (reorder when the layouts differ) */
int lie_dnnl_plain_copy(lie_nn_net net, int id, dnnl_memory_t tm, float *plain, int to_plain);

/* Profiling (dnnl_profile.c): start reads LIE_NN_DNNL_PROFILE; exec runs a primitive, timed
 * when profiling; span adds the CPU time of a whole pass; report prints to stderr and frees. */
void lie_dnnl_profile_start(dstate *s);
int lie_dnnl_profile_exec(dstate *s, dnnl_primitive_t p, int nargs, const dnnl_exec_arg_t *args);
double lie_dnnl_profile_clock(void);
void lie_dnnl_profile_span(dstate *s, int backward, double cpu_s);
/* a kernel of ours timed like a primitive: key identifies it, flop per call (0: none) */
void lie_dnnl_profile_add(dstate *s, const void *key, const char *kind, const char *prop, const char *impl,
                          const char *shape, double flop, double cpu_s);
void lie_dnnl_profile_report(dstate *s);

/* Short names inside the backend's files. */
static inline int md_1d(dnnl_memory_desc_t *md, int n) { return lie_dnnl_md_1d(md, n); }
static inline int mem(dstate *s, const dnnl_memory_desc_t *md, void *ptr, dnnl_memory_t *m) {
  return lie_dnnl_mem(s, md, ptr, m);
}
static inline int prim(dnnl_primitive_desc_t pd, dnnl_primitive_t *p) { return lie_dnnl_prim(pd, p); }
static inline int exec(dstate *s, dnnl_primitive_t p, int nargs, const dnnl_exec_arg_t *args) {
  return lie_dnnl_exec(s, p, nargs, args);
}
static inline int layout_bridge(dstate *s, dnnl_memory_t user, const dnnl_memory_desc_t *want, int to_prim,
                                dnnl_memory_t *pm, dnnl_primitive_t *r) {
  return lie_dnnl_layout_bridge(s, user, want, to_prim, pm, r);
}
static inline int run_reorder(dstate *s, dnnl_primitive_t r, dnnl_memory_t from, dnnl_memory_t to) {
  return lie_dnnl_run_reorder(s, r, from, to);
}
static inline int64_t right_pad(int in, int out, int k, int stride, int pl) {
  return lie_dnnl_right_pad(in, out, k, stride, pl);
}
static inline int chan_layout(lie_nn_net net, int id, lie_nn_chan_layout *L) {
  return lie_dnnl_chan_layout(net, id, L);
}
static inline dnnl_memory_t grad_target(dstate *s, const lie_nn_node *n, const dnode *d, int k) {
  return lie_dnnl_grad_target(s, n, d, k);
}
static inline int finish_target(lie_nn_net net, const lie_nn_node *n, const dnode *d, int k, const float *src) {
  return lie_dnnl_finish_target(net, n, d, k, src);
}
static inline int plain_copy(lie_nn_net net, int id, dnnl_memory_t tm, float *plain, int to_plain) {
  return lie_dnnl_plain_copy(net, id, tm, plain, to_plain);
}

/* Per-op files: set-up at dn_setup, forward, backward (want_dx: the input gradient is needed). */
int lie_dnnl_conv_setup(lie_nn_net net, lie_nn_node *n, dnode *d);   /* dnnl_conv.c */
int lie_dnnl_linear_setup(lie_nn_net net, lie_nn_node *n, dnode *d); /* dnnl_conv.c */
int lie_dnnl_weighted_forward(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_weighted_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx);
int lie_dnnl_bn_setup(lie_nn_net net, lie_nn_node *n, dnode *d); /* dnnl_bn.c */
int lie_dnnl_bn_forward(lie_nn_net net, lie_nn_node *n, dnode *d, int train);
int lie_dnnl_bn_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx);
int lie_dnnl_relu_setup(lie_nn_net net, lie_nn_node *n, dnode *d); /* dnnl_relu.c */
int lie_dnnl_relu_forward(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_relu_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx);
int lie_dnnl_pool_setup(lie_nn_net net, lie_nn_node *n, dnode *d, int max); /* dnnl_pool.c */
int lie_dnnl_pool_forward(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_pool_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx);
int lie_dnnl_add_setup(lie_nn_net net, lie_nn_node *n, dnode *d); /* dnnl_add.c */
int lie_dnnl_add_forward(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_add_backward(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_circpad_setup(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_circpad_forward(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_circpad_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx);
int lie_dnnl_eltwise_setup(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_eltwise_forward(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_eltwise_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx);
int lie_dnnl_spectral_setup(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_spectral_forward(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_spectral_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx);
int lie_dnnl_upconv_setup(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_upconv_forward(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_upconv_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx);
int lie_dnnl_groupnorm_setup(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_groupnorm_forward(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_groupnorm_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx);
/* ops run by the reference layer on plain copies (dnnl_plain.c): concat */
int lie_dnnl_plain_setup(lie_nn_net net, lie_nn_node *n, dnode *d);
int lie_dnnl_plain_forward(lie_nn_net net, lie_nn_node *n, dnode *d, int train);
int lie_dnnl_plain_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int need_dx);

#endif /* LIEREG_HAVE_DNNL */
#endif
