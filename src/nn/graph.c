/* Network graph building: tensors, nodes and the state-dict entries they own. Shapes are
 * per sample; the batch size is fixed later by lie_nn_net_setup. */
#include "nn_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROW(arr, n, cap)                                                                                              \
  do {                                                                                                                 \
    if ((n) == (cap)) {                                                                                                \
      int nc_ = (cap) ? 2 * (cap) : 16;                                                                                \
      void *p_ = realloc((arr), sizeof(*(arr)) * (size_t)nc_);                                                         \
      LIE_CHECK(p_, LIE_ERR_MEM, "out of memory growing the network graph");                                           \
      memset((char *)p_ + sizeof(*(arr)) * (size_t)(cap), 0, sizeof(*(arr)) * (size_t)(nc_ - (cap)));                  \
      (arr) = p_;                                                                                                      \
      (cap) = nc_;                                                                                                     \
    }                                                                                                                  \
  } while (0)

static int check_building(lie_nn_net net) {
  LIE_CHECK(!net->is_setup, LIE_ERR_STATE, "network already set up: cannot add layers");
  return LIE_OK;
}

static int check_tensor(lie_nn_net net, int id) {
  LIE_CHECK(id >= 0 && id < net->nt, LIE_ERR_ARG, "no tensor %d in the network (has %d)", id, net->nt);
  return LIE_OK;
}

static int new_tensor(lie_nn_net net, int C, int H, int W, int producer, int *id) {
  LIE_CHECK(C > 0 && H > 0 && W > 0, LIE_ERR_ARG, "invalid tensor shape %dx%dx%d", C, H, W);
  GROW(net->t, net->nt, net->ct);
  lie_nn_tens *t = &net->t[net->nt];
  t->C = C, t->H = H, t->W = W, t->producer = producer, t->nconsumers = 0;
  *id = net->nt++;
  return LIE_OK;
}

/* Registers state-dict entry "<name>.<suffix>"; returns its index in *idx. */
static int new_state(lie_nn_net net, const char *name, const char *suffix, int ndims, const int *dims, int trainable,
                     int decay, int counter, int *idx) {
  GROW(net->info, net->ni, net->ci);
  lie_nn_tensor_info *in = &net->info[net->ni];
  int n = snprintf(in->name, sizeof in->name, "%s.%s", name, suffix);
  LIE_CHECK(n > 0 && (size_t)n < sizeof in->name, LIE_ERR_ARG, "state name too long: %s.%s", name, suffix);
  for (int i = 0; i < net->ni; i++)
    LIE_CHECK(strcmp(net->info[i].name, in->name), LIE_ERR_ARG, "duplicate state name %s", in->name);
  in->ndims = ndims;
  in->size = 1;
  for (int i = 0; i < ndims; i++)
    in->dims[i] = dims[i], in->size *= (size_t)dims[i];
  in->trainable = trainable, in->decay = decay, in->is_counter = counter;
  size_t *top = trainable ? &net->nparams : &net->nbuffers;
  in->offset = *top;
  *top += in->size;
  *idx = net->ni++;
  return LIE_OK;
}

static int new_node(lie_nn_net net, lie_nn_op op, const char *name, int in0, int in1, lie_nn_node **node) {
  LIE_CALL(check_building(net));
  LIE_CALL(check_tensor(net, in0));
  if (in1 >= 0) LIE_CALL(check_tensor(net, in1));
  GROW(net->nodes, net->nn, net->cn);
  lie_nn_node *n = &net->nodes[net->nn++];
  memset(n, 0, sizeof *n);
  n->op = op;
  snprintf(n->name, sizeof n->name, "%s", name ? name : "");
  n->in[0] = in0, n->in[1] = in1, n->out = -1;
  n->w = n->b = n->rm = n->rv = n->nbt = -1;
  net->t[in0].nconsumers++;
  if (in1 >= 0) net->t[in1].nconsumers++;
  *node = n;
  return LIE_OK;
}

int lie_nn_input(lie_nn_net net, int C, int H, int W, int *out) {
  LIE_CALL(check_building(net));
  LIE_CHECK(net->nt == 0, LIE_ERR_STATE, "the input must be the first tensor");
  LIE_CALL(new_tensor(net, C, H, W, -1, out));
  return LIE_OK;
}

static int add_conv(lie_nn_net net, const char *name, int in, int K, int R, int S, int sh, int sw, int ph, int pw,
                    int bias, int conv1d, int *out) {
  lie_nn_node *n = NULL;
  LIE_CALL(new_node(net, LIE_OP_CONV, name, in, -1, &n));
  const lie_nn_tens *x = &net->t[in];
  LIE_CHECK(K > 0 && R > 0 && S > 0 && sh > 0 && sw > 0 && ph >= 0 && pw >= 0, LIE_ERR_ARG,
            "%s: invalid convolution parameters", name);
  int OH = (x->H + 2 * ph - R) / sh + 1, OW = (x->W + 2 * pw - S) / sw + 1;
  LIE_CHECK(x->H + 2 * ph >= R && x->W + 2 * pw >= S, LIE_ERR_ARG, "%s: kernel larger than padded input %dx%d", name,
            x->H, x->W);
  n->K = K, n->R = R, n->S = S, n->sh = sh, n->sw = sw, n->ph = ph, n->pw = pw, n->conv1d = conv1d;
  /* state-dict shape: OIHW, OIW (conv1d = 1) or Linear's (O,I) (conv1d = 2, 1x1 pointwise) */
  int d4[4] = {K, x->C, R, S}, d3[3] = {K, x->C, S};
  LIE_CALL(new_state(net, name, "weight", conv1d == 2 ? 2 : conv1d ? 3 : 4, conv1d ? d3 : d4, 1, 1, 0, &n->w));
  if (bias) LIE_CALL(new_state(net, name, "bias", 1, &K, 1, 0, 0, &n->b));
  LIE_CALL(new_tensor(net, K, OH, OW, net->nn - 1, &n->out));
  *out = n->out;
  return LIE_OK;
}

int lie_nn_conv2d(lie_nn_net net, const char *name, int in, int K, int R, int S, int sh, int sw, int ph, int pw,
                  int bias, int *out) {
  LIE_CALL(add_conv(net, name, in, K, R, S, sh, sw, ph, pw, bias, 0, out));
  return LIE_OK;
}

int lie_nn_conv1d(lie_nn_net net, const char *name, int in, int K, int S, int stride, int pad, int bias, int *out) {
  LIE_CALL(check_tensor(net, in));
  LIE_CHECK(net->t[in].H == 1, LIE_ERR_ARG, "%s: conv1d needs a (C,1,L) input, got H=%d", name, net->t[in].H);
  LIE_CALL(add_conv(net, name, in, K, 1, S, 1, stride, 0, pad, bias, 1, out));
  return LIE_OK;
}

int lie_nn_batchnorm(lie_nn_net net, const char *name, int in, int *out) {
  lie_nn_node *n = NULL;
  LIE_CALL(new_node(net, LIE_OP_BN, name, in, -1, &n));
  int C = net->t[in].C, one = 1;
  LIE_CALL(new_state(net, name, "weight", 1, &C, 1, 0, 0, &n->w));
  LIE_CALL(new_state(net, name, "bias", 1, &C, 1, 0, 0, &n->b));
  LIE_CALL(new_state(net, name, "running_mean", 1, &C, 0, 0, 0, &n->rm));
  LIE_CALL(new_state(net, name, "running_var", 1, &C, 0, 0, 0, &n->rv));
  LIE_CALL(new_state(net, name, "num_batches_tracked", 0, &one, 0, 0, 1, &n->nbt));
  const lie_nn_tens *x = &net->t[in];
  LIE_CALL(new_tensor(net, x->C, x->H, x->W, net->nn - 1, &n->out));
  *out = n->out;
  return LIE_OK;
}

int lie_nn_relu(lie_nn_net net, int in, int *out) {
  lie_nn_node *n = NULL;
  LIE_CALL(new_node(net, LIE_OP_RELU, "relu", in, -1, &n));
  const lie_nn_tens *x = &net->t[in];
  LIE_CALL(new_tensor(net, x->C, x->H, x->W, net->nn - 1, &n->out));
  *out = n->out;
  return LIE_OK;
}

int lie_nn_maxpool(lie_nn_net net, int in, int kh, int kw, int sh, int sw, int ph, int pw, int *out) {
  lie_nn_node *n = NULL;
  LIE_CALL(new_node(net, LIE_OP_MAXPOOL, "maxpool", in, -1, &n));
  const lie_nn_tens *x = &net->t[in];
  LIE_CHECK(kh > 0 && kw > 0 && sh > 0 && sw > 0 && 2 * ph <= kh && 2 * pw <= kw, LIE_ERR_ARG,
            "maxpool: invalid kernel/stride/padding");
  n->R = kh, n->S = kw, n->sh = sh, n->sw = sw, n->ph = ph, n->pw = pw;
  LIE_CALL(new_tensor(net, x->C, (x->H + 2 * ph - kh) / sh + 1, (x->W + 2 * pw - kw) / sw + 1, net->nn - 1, &n->out));
  *out = n->out;
  return LIE_OK;
}

int lie_nn_avgpool_global(lie_nn_net net, int in, int *out) {
  lie_nn_node *n = NULL;
  LIE_CALL(new_node(net, LIE_OP_AVGPOOL, "avgpool", in, -1, &n));
  LIE_CALL(new_tensor(net, net->t[in].C, 1, 1, net->nn - 1, &n->out));
  *out = n->out;
  return LIE_OK;
}

int lie_nn_linear(lie_nn_net net, const char *name, int in, int O, int bias, int *out) {
  lie_nn_node *n = NULL;
  LIE_CALL(new_node(net, LIE_OP_LINEAR, name, in, -1, &n));
  const lie_nn_tens *x = &net->t[in];
  int I = x->C * x->H * x->W, d[2] = {O, I};
  LIE_CHECK(O > 0, LIE_ERR_ARG, "%s: invalid output size %d", name, O);
  n->K = O;
  LIE_CALL(new_state(net, name, "weight", 2, d, 1, 1, 0, &n->w));
  if (bias) LIE_CALL(new_state(net, name, "bias", 1, &O, 1, 0, 0, &n->b));
  LIE_CALL(new_tensor(net, O, 1, 1, net->nn - 1, &n->out));
  *out = n->out;
  return LIE_OK;
}

int lie_nn_add(lie_nn_net net, int a, int b, int *out) {
  lie_nn_node *n = NULL;
  LIE_CALL(new_node(net, LIE_OP_ADD, "add", a, b, &n));
  const lie_nn_tens *x = &net->t[a], *y = &net->t[b];
  LIE_CHECK(x->C == y->C && x->H == y->H && x->W == y->W, LIE_ERR_ARG, "add: shapes differ (%dx%dx%d vs %dx%dx%d)",
            x->C, x->H, x->W, y->C, y->H, y->W);
  LIE_CALL(new_tensor(net, x->C, x->H, x->W, net->nn - 1, &n->out));
  *out = n->out;
  return LIE_OK;
}

int lie_nn_linear_pointwise(lie_nn_net net, const char *name, int in, int Fo, int bias, int *out) {
  LIE_CALL(add_conv(net, name, in, Fo, 1, 1, 1, 1, 0, 0, bias, 2, out));
  return LIE_OK;
}

int lie_nn_pad_circular(lie_nn_net net, int in, int ph, int pw, int *out) {
  lie_nn_node *n = NULL;
  LIE_CALL(new_node(net, LIE_OP_CIRCPAD, "circpad", in, -1, &n));
  const lie_nn_tens *x = &net->t[in];
  LIE_CHECK(ph >= 0 && pw >= 0 && ph <= x->H && pw <= x->W, LIE_ERR_ARG,
            "circular padding (%d,%d) of a %dx%d tensor: padding must be within the size", ph, pw, x->H, x->W);
  n->ph = ph, n->pw = pw;
  LIE_CALL(new_tensor(net, x->C, x->H + 2 * ph, x->W + 2 * pw, net->nn - 1, &n->out));
  *out = n->out;
  return LIE_OK;
}

static int add_unary(lie_nn_net net, lie_nn_op op, const char *name, int in, int *out) {
  lie_nn_node *n = NULL;
  LIE_CALL(new_node(net, op, name, in, -1, &n));
  const lie_nn_tens *x = &net->t[in];
  LIE_CALL(new_tensor(net, x->C, x->H, x->W, net->nn - 1, &n->out));
  *out = n->out;
  return LIE_OK;
}

int lie_nn_elu(lie_nn_net net, int in, int *out) { return add_unary(net, LIE_OP_ELU, "elu", in, out); }
int lie_nn_gelu(lie_nn_net net, int in, int *out) { return add_unary(net, LIE_OP_GELU, "gelu", in, out); }

int lie_nn_spectral_conv1d(lie_nn_net net, const char *name, int in, int Co, int modes, int *out) {
  lie_nn_node *n = NULL;
  LIE_CALL(check_tensor(net, in));
  const lie_nn_tens x = net->t[in];
  LIE_CHECK(x.H == 1, LIE_ERR_ARG, "%s: spectral conv needs a (C,1,L) input, got H=%d", name, x.H);
  LIE_CHECK(Co > 0 && modes > 0 && modes <= x.W / 2 + 1, LIE_ERR_ARG,
            "%s: %d Fourier modes invalid for length %d (at most L/2 + 1)", name, modes, x.W);
  LIE_CALL(new_node(net, LIE_OP_SPECTRAL, name, in, -1, &n));
  n->K = Co, n->R = modes;
  int d[4] = {x.C, Co, modes, 2}; /* torch.view_as_real of the (in, out, modes) cfloat weights */
  LIE_CALL(new_state(net, name, "weights", 4, d, 1, 1, 0, &n->w));
  LIE_CALL(lie_nn_fft_plan_create(x.W, (lie_nn_fft_plan *)&n->op_state));
  LIE_CALL(new_tensor(net, Co, 1, x.W, net->nn - 1, &n->out));
  *out = n->out;
  return LIE_OK;
}
