/* lie_nn_net: object life cycle, buffer allocation, initialisation and the dispatch of
 * forward/backward to the chosen backend. */
#include "liereg/options.h"
#include "nn_impl.h"

#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>

const char *lie_nn_backend_name(lie_nn_backend b) { return b == LIE_NN_BACKEND_DNNL ? "dnnl" : "ref"; }

int lie_nn_backend_from_name(const char *name, lie_nn_backend *b) {
  if (!strcmp(name, "ref") || !strcmp(name, "reference"))
    *b = LIE_NN_BACKEND_REF;
  else if (!strcmp(name, "dnnl") || !strcmp(name, "onednn"))
    *b = LIE_NN_BACKEND_DNNL;
  else
    LIE_ERROR(LIE_ERR_USAGE, "unknown nn backend '%s' (ref|dnnl)", name);
  return LIE_OK;
}

lie_nn_backend lie_nn_backend_default(void) { return LIEREG_HAVE_DNNL ? LIE_NN_BACKEND_DNNL : LIE_NN_BACKEND_REF; }

int lie_nn_net_create(lie_ctx ctx, lie_nn_net *net) {
  lie_nn_net n;
  LIE_ALLOC(n, 1);
  n->ctx = ctx;
  n->backend = lie_nn_backend_default();
  *net = n;
  return LIE_OK;
}

int lie_nn_net_destroy(lie_nn_net *net) {
  if (!net || !*net) return LIE_OK;
  lie_nn_net n = *net;
  if (n->ops && n->ops->destroy) n->ops->destroy(n);
  for (int i = 0; i < n->nn; i++)
    if (n->nodes[i].op == LIE_OP_SPECTRAL) lie_nn_fft_plan_destroy((lie_nn_fft_plan *)&n->nodes[i].op_state);
  free(n->t), free(n->nodes), free(n->info);
  free(n->params), free(n->grads), free(n->buffers);
  free(n->act), free(n->dact), free(n->stats), free(n->output);
  LIE_FREE(*net);
  return LIE_OK;
}

int lie_nn_net_set_backend(lie_nn_net net, lie_nn_backend b) {
  LIE_CHECK(!net->is_setup, LIE_ERR_STATE, "backend must be chosen before setup");
#if !LIEREG_HAVE_DNNL
  LIE_CHECK(b != LIE_NN_BACKEND_DNNL, LIE_ERR_NOTSUP, "this liereg was built without oneDNN: use -nn_backend ref");
#endif
  net->backend = b;
  return LIE_OK;
}

lie_nn_backend lie_nn_net_get_backend(lie_nn_net net) { return net->backend; }

int lie_nn_net_set_from_options(lie_nn_net net, const char *prefix) {
  char name[32] = "";
  PetscBool set = PETSC_FALSE;
  PetscInt threads = 0;
  LIE_PETSC(PetscOptionsGetString(NULL, prefix, "-nn_backend", name, sizeof name, &set));
  if (set) {
    lie_nn_backend b;
    LIE_CALL(lie_nn_backend_from_name(name, &b));
    LIE_CALL(lie_nn_net_set_backend(net, b));
  }
  LIE_PETSC(LIE_OPTIONS_GET_INT(NULL, prefix, "-threads", &threads, &set));
  if (set) LIE_CALL(lie_nn_set_threads((int)threads));
  return LIE_OK;
}

static int alloc_floats(float **p, size_t n) {
  size_t bytes = ((n * sizeof(float) + 63) / 64) * 64;
  *p = aligned_alloc(64, bytes ? bytes : 64);
  LIE_CHECK(*p, LIE_ERR_MEM, "out of memory allocating %zu MB", bytes >> 20);
  memset(*p, 0, bytes ? bytes : 64);
  return LIE_OK;
}

/* Activation arenas: one allocation for all tensors' data, one for their gradients (at the
 * same offsets, or at the backend's grad_off[] when it shares gradient buffers). */
static int alloc_activations(lie_nn_net net, const size_t *grad_off, size_t grad_total) {
  size_t total = 0;
  for (int i = 0; i < net->nt; i++)
    total += (net->t[i].bytes + 63) / 64 * 16;
  LIE_CALL(alloc_floats(&net->act, total));
  LIE_CALL(alloc_floats(&net->dact, grad_off ? grad_total : total));
  size_t off = 0;
  for (int i = 0; i < net->nt; i++) {
    net->t[i].data = net->act + off;
    net->t[i].grad = net->dact + (grad_off ? grad_off[i] : off);
    off += (net->t[i].bytes + 63) / 64 * 16;
  }
  /* saved statistics: BN per channel (C), group norm per sample and group (B*G) */
  size_t nstats = 0;
  for (int pass = 0; pass < 2; pass++) {
    if (pass) LIE_CALL(alloc_floats(&net->stats, nstats));
    nstats = 0;
    for (int i = 0; i < net->nn; i++) {
      lie_nn_node *n = &net->nodes[i];
      if (n->op != LIE_OP_BN && n->op != LIE_OP_GROUPNORM) continue;
      size_t per = n->op == LIE_OP_BN ? (size_t)net->t[n->in[0]].C : (size_t)net->B * n->R;
      if (pass) n->mean = net->stats + nstats, n->rstd = n->mean + per;
      nstats += 2 * per;
    }
  }
  return LIE_OK;
}

int lie_nn_net_setup(lie_nn_net net, int B) {
  LIE_CHECK(!net->is_setup, LIE_ERR_STATE, "network already set up");
  LIE_CHECK(net->nn > 0, LIE_ERR_STATE, "network has no layers");
  LIE_CHECK(B > 0, LIE_ERR_ARG, "invalid batch size %d", B);
  net->B = B;
  net->ops = &lie_nn_ref_ops;
#if LIEREG_HAVE_DNNL
  if (net->backend == LIE_NN_BACKEND_DNNL) net->ops = &lie_nn_dnnl_ops;
#endif
  LIE_CALL(alloc_floats(&net->params, net->nparams));
  LIE_CALL(alloc_floats(&net->grads, net->nparams));
  LIE_CALL(alloc_floats(&net->buffers, net->nbuffers));
  for (int i = 0; i < net->nt; i++)
    net->t[i].bytes = lie_nn_numel(&net->t[i], B) * sizeof(float);
  LIE_CALL(net->ops->setup(net)); /* may enlarge t[i].bytes for blocked layouts, then calls back */
  const lie_nn_tens *y = &net->t[net->nt - 1];
  LIE_CALL(alloc_floats(&net->output, lie_nn_numel(y, B)));
  net->is_setup = 1;
  LIE_CALL(lie_nn_net_init(net, 0));
  return LIE_OK;
}

/* Called by a backend's setup once tensor sizes are final. */
int lie_nn_net_alloc_activations(lie_nn_net net, const size_t *grad_off, size_t grad_total) {
  return alloc_activations(net, grad_off, grad_total);
}

/* Fan-in of a conv/linear weight: everything but the output dimension. */
static size_t fan_in(const lie_nn_tensor_info *w) { return w->size / (size_t)w->dims[0]; }

int lie_nn_net_init(lie_nn_net net, uint64_t seed) {
  LIE_CHECK(net->is_setup, LIE_ERR_STATE, "lie_nn_net_init before setup");
  lie_rng rng;
  lie_rng_seed(&rng, seed);
  for (int i = 0; i < net->nn; i++) {
    const lie_nn_node *n = &net->nodes[i];
    if (n->op == LIE_OP_CONV || n->op == LIE_OP_LINEAR || n->op == LIE_OP_UPCONV) {
      /* kaiming_uniform_(a=sqrt(5)): gain sqrt(2/(1+5)), bound gain*sqrt(3/fan_in) = 1/sqrt(fan_in);
       * the bias uses the same bound (torch's reset_parameters). */
      double bound = 1.0 / sqrt((double)fan_in(&net->info[n->w]));
      float *w = lie_nn_param(net, n->w), *b = lie_nn_param(net, n->b);
      for (size_t j = 0; j < net->info[n->w].size; j++)
        w[j] = (float)lie_rng_range(&rng, -bound, bound);
      if (b)
        for (size_t j = 0; j < net->info[n->b].size; j++)
          b[j] = (float)lie_rng_range(&rng, -bound, bound);
    } else if (n->op == LIE_OP_GROUPNORM) {
      float *g = lie_nn_param(net, n->w), *b = lie_nn_param(net, n->b);
      for (int c = 0; c < net->t[n->in[0]].C; c++)
        g[c] = 1.0f, b[c] = 0.0f;
    } else if (n->op == LIE_OP_BN) {
      int C = net->t[n->in[0]].C;
      float *g = lie_nn_param(net, n->w), *b = lie_nn_param(net, n->b);
      float *rm = lie_nn_param(net, n->rm), *rv = lie_nn_param(net, n->rv), *nb = lie_nn_param(net, n->nbt);
      for (int c = 0; c < C; c++)
        g[c] = 1.0f, b[c] = 0.0f, rm[c] = 0.0f, rv[c] = 1.0f;
      nb[0] = 0.0f;
    }
  }
  return LIE_OK;
}

int lie_nn_net_forward(lie_nn_net net, const float *x, int train) {
  LIE_CHECK(net->is_setup, LIE_ERR_STATE, "forward before setup");
  net->last_train = train;
  LIE_PETSC(PetscLogEventBegin(lie_events.forward, 0, 0, 0, 0));
  lie_nn_bn_pass_begin(net, train ? 1 : 0, 0);
  int err = net->ops->forward(net, x, train);
  if (err) lie_nn_bn_pass_abandon(net); /* the other ranks may wait in a synchronised batch norm */
  LIE_CALL(err);
  LIE_CALL(net->ops->get(net, net->nt - 1, net->output));
  LIE_PETSC(PetscLogEventEnd(lie_events.forward, 0, 0, 0, 0));
  return LIE_OK;
}

int lie_nn_net_backward(lie_nn_net net, const float *dy, float *dx) {
  LIE_CHECK(net->is_setup, LIE_ERR_STATE, "backward before setup");
  memset(net->grads, 0, net->nparams * sizeof(float));
  LIE_PETSC(PetscLogEventBegin(lie_events.backward, 0, 0, 0, 0));
  lie_nn_bn_pass_begin(net, net->last_train ? 2 : 0, dx != NULL);
  int err = net->ops->backward(net, dy, dx);
  if (err) lie_nn_bn_pass_abandon(net);
  LIE_CALL(err);
  LIE_PETSC(PetscLogEventEnd(lie_events.backward, 0, 0, 0, 0));
  return LIE_OK;
}

const float *lie_nn_net_output(lie_nn_net net) { return net->output; }
int lie_nn_net_output_id(lie_nn_net net) { return net->nt - 1; }
int lie_nn_net_batch(lie_nn_net net) { return net->B; }

int lie_nn_net_tensor_shape(lie_nn_net net, int id, int *C, int *H, int *W) {
  LIE_CHECK(id >= 0 && id < net->nt, LIE_ERR_ARG, "no tensor %d", id);
  if (C) *C = net->t[id].C;
  if (H) *H = net->t[id].H;
  if (W) *W = net->t[id].W;
  return LIE_OK;
}

int lie_nn_net_get_activation(lie_nn_net net, int id, float *dst) {
  LIE_CHECK(net->is_setup && id >= 0 && id < net->nt, LIE_ERR_ARG, "no tensor %d", id);
  LIE_CALL(net->ops->get(net, id, dst));
  return LIE_OK;
}

float *lie_nn_net_params(lie_nn_net net, size_t *n) {
  if (n) *n = net->nparams;
  return net->params;
}
float *lie_nn_net_grads(lie_nn_net net, size_t *n) {
  if (n) *n = net->nparams;
  return net->grads;
}
float *lie_nn_net_buffers(lie_nn_net net, size_t *n) {
  if (n) *n = net->nbuffers;
  return net->buffers;
}
int lie_nn_net_ntensors_info(lie_nn_net net) { return net->ni; }
const lie_nn_tensor_info *lie_nn_net_tensor_info(lie_nn_net net, int i) {
  return i >= 0 && i < net->ni ? &net->info[i] : NULL;
}

float *lie_nn_net_find(lie_nn_net net, const char *name, const lie_nn_tensor_info **info) {
  for (int i = 0; i < net->ni; i++)
    if (!strcmp(net->info[i].name, name)) {
      if (info) *info = &net->info[i];
      return net->is_setup ? lie_nn_param(net, i) : NULL;
    }
  return NULL;
}

double lie_nn_net_flops(lie_nn_net net) {
  double f = 0.0;
  for (int i = 0; i < net->nn; i++) {
    const lie_nn_node *n = &net->nodes[i];
    const lie_nn_tens *y = &net->t[n->out];
    if (n->op == LIE_OP_CONV)
      f += 2.0 * y->C * y->H * y->W * (double)net->t[n->in[0]].C * n->R * n->S;
    else if (n->op == LIE_OP_LINEAR)
      f += 2.0 * (double)n->K * net->info[n->w].dims[1];
    else if (n->op == LIE_OP_UPCONV)
      f += 2.0 * y->C * y->H * y->W * (double)net->t[n->in[0]].C;
    else if (n->op == LIE_OP_SPECTRAL) /* the complex products over the kept modes (4 mul-adds each) */
      f += 8.0 * (double)n->K * net->t[n->in[0]].C * n->R;
  }
  return f;
}
