/* Internal structures of the nn module, shared by the graph, the backends, the optimiser
 * and the checkpoint code. */
#ifndef LIEREG_NN_IMPL_H
#define LIEREG_NN_IMPL_H

#include "liereg/nn.h"

typedef enum {
  LIE_OP_INPUT,
  LIE_OP_CONV,
  LIE_OP_BN,
  LIE_OP_RELU,
  LIE_OP_MAXPOOL,
  LIE_OP_AVGPOOL,
  LIE_OP_LINEAR,
  LIE_OP_ADD,
  LIE_OP_CIRCPAD,  /* circular padding: ph, pw */
  LIE_OP_ELU,      /* ELU, alpha 1 */
  LIE_OP_GELU,     /* GELU, erf form */
  LIE_OP_SPECTRAL, /* spectral conv 1D: K out channels, R = modes, state op_state = FFT plan */
  LIE_OP_CONCAT,   /* channel concatenation of in[0] and in[1] */
  LIE_OP_UPCONV,   /* transposed conv, kernel = stride = 2 */
  LIE_OP_GROUPNORM /* group norm: R = groups */
} lie_nn_op;

/* Activation tensor (per-sample shape C,H,W; batch B from the net). `data`/`grad` point into
 * the activation arenas; their layout is the backend's (plain NCHW for the reference). */
typedef struct {
  int C, H, W;
  size_t bytes; /* arena bytes reserved for data (and for grad) */
  float *data, *grad;
  int producer; /* node index, -1 for the input */
  int nconsumers;
} lie_nn_tens;

typedef struct {
  lie_nn_op op;
  char name[80];
  int in[2], out;
  /* conv: K out channels, kernel R x S, strides, pads; pool: kernel/stride/pad in R,S,sh.. */
  int K, R, S, sh, sw, ph, pw, conv1d;
  int w, b;           /* state-dict entries (info index) of weight/bias or gamma/beta; -1 none */
  int rm, rv, nbt;    /* BN buffers: running_mean, running_var, num_batches_tracked */
  float *mean, *rstd; /* BN batch statistics saved for backward (C each) */
  void *be;           /* backend-private per-node state */
  void *op_state;     /* op-owned, backend-independent state (FFT plans), freed with the net */
} lie_nn_node;

typedef struct {
  int (*setup)(lie_nn_net net);
  int (*forward)(lie_nn_net net, const float *x, int train);
  /* dy: plain gradient of the output; dx: plain gradient of the input or NULL */
  int (*backward)(lie_nn_net net, const float *dy, float *dx);
  int (*get)(lie_nn_net net, int id, float *dst); /* activation as plain NCHW */
  void (*destroy)(lie_nn_net net);
} lie_nn_backend_ops;

struct lie_nn_net_s {
  lie_ctx ctx;
  lie_nn_backend backend;
  const lie_nn_backend_ops *ops;
  int B, is_setup, last_train;
  lie_nn_tens *t;
  int nt, ct;
  lie_nn_node *nodes;
  int nn, cn;
  lie_nn_tensor_info *info;
  int ni, ci;
  size_t nparams, nbuffers;
  float *params, *grads, *buffers;
  float *act, *dact, *stats;  /* arenas */
  float *output;              /* plain copy of the output (B, C*H*W) */
  void *be;                   /* backend-private state */
  lie_nn_reduce_fn bn_reduce; /* cross-replica batch norm (batchnorm_sync.c), NULL = local */
  void *bn_reduce_user;
  /* the current pass's synchronised reductions (lie_nn_bn_reduce): phase 0 none, 1 training
   * forward (two per batch norm), 2 backward (one per batch norm that computes dx) */
  int bn_phase, bn_need_dx, bn_calls;
};

/* Synchronised batch norm across ranks (batchnorm_sync.c). Every reduction of a pass goes
 * through lie_nn_bn_reduce (a lie_nn_reduce_fn, user = the net): counted, and a reduction
 * that carries the element count in buf[0] fails on every rank, as an error mirroring
 * another rank's (lie_error_mark_peer), when a rank contributed NaN there. A rank that failed
 * anywhere in the pass (lie_nn_bn_pass_abandon) meets the others at their next such
 * reduction with that NaN, so no rank waits in a batch norm for a rank that left. */
int lie_nn_bn_reduce(double *buf, int n, void *net);
void lie_nn_bn_pass_begin(lie_nn_net net, int phase, int need_dx);
void lie_nn_bn_pass_abandon(lie_nn_net net);

extern const lie_nn_backend_ops lie_nn_ref_ops;
/* One node of the reference backend on the tensors' data/grad pointers (plain NCHW); the
 * oneDNN backend runs ops it has no primitive for through these on plain copies. */
int lie_nn_ref_node_forward(lie_nn_net net, lie_nn_node *n, int train);
int lie_nn_ref_node_backward(lie_nn_net net, lie_nn_node *n, int need_dx);
/* For backends: allocate the activation arenas once every t[i].bytes is final; gradients at
 * the same offsets as the data (grad_off NULL) or at grad_off[i] (floats) in an arena of
 * grad_total floats. */
int lie_nn_net_alloc_activations(lie_nn_net net, const size_t *grad_off, size_t grad_total);
#if LIEREG_HAVE_DNNL
extern const lie_nn_backend_ops lie_nn_dnnl_ops;
#endif

/* A batch-norm tensor's memory layout for per-channel sums (bn_layout.c): element (b,c,i),
 * i < HW, at ((b*Cb + c/blk)*HW + i)*blk + c%blk. */
typedef struct {
  int B, C, HW, Cb, blk;
} lie_nn_chan_layout;
void lie_nn_chan_sums(const lie_nn_chan_layout *L, const float *x, const double *center, double *out);
int lie_nn_chan_bn_correct(const lie_nn_chan_layout *L, float *dx, const float *x, const float *mean, const float *var,
                           const float *gamma, const double *sdy, const double *sdyx, double N, float eps);

/* torchvision's BasicBlock (resnet.c) under names "<p>conv1", "<p>bn1", ..., "<p>downsample.{0,1}";
 * dims 1: 1D over L of a (C,1,L) tensor. Also LPSDA's BasicBlock1d at stride 1, same width. */
int lie_nn_basic_block(lie_nn_net net, const char *p, int in, int planes, int stride, int dims, int *out);
/* dst = prefix + suffix (resnet.c), refusing names too long for a state-dict entry */
int lie_nn_join_name(char *dst, size_t n, const char *prefix, const char *suffix);

static inline size_t lie_nn_numel(const lie_nn_tens *t, int B) { return (size_t)B * t->C * t->H * t->W; }
static inline float *lie_nn_param(lie_nn_net net, int i) {
  if (i < 0) return NULL;
  return (net->info[i].trainable ? net->params : net->buffers) + net->info[i].offset;
}
static inline float *lie_nn_grad(lie_nn_net net, int i) { return i < 0 ? NULL : net->grads + net->info[i].offset; }

#endif
