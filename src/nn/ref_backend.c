/* The reference backend: walks the node list calling the plain-C layers on NCHW tensors. */
#include "nn_impl.h"

#include <string.h>

static int ref_setup(lie_nn_net net) { return lie_nn_net_alloc_activations(net, NULL, 0); }

int lie_nn_ref_node_forward(lie_nn_net net, lie_nn_node *n, int train) {
  const int B = net->B;
  lie_nn_tens *x = &net->t[n->in[0]], *y = &net->t[n->out];
  switch (n->op) {
  case LIE_OP_CONV: {
    lie_nn_conv_shape s = {B, x->C, x->H, x->W, n->K, n->R, n->S, n->sh, n->sw, n->ph, n->pw};
    lie_nn_conv2d_forward(y->data, x->data, lie_nn_param(net, n->w), lie_nn_param(net, n->b), &s);
    break;
  }
  case LIE_OP_BN: {
    float *nbt = lie_nn_param(net, n->nbt);
    if (train && net->bn_reduce) {
      LIE_CALL(lie_nn_batchnorm_forward_sync(y->data, n->mean, n->rstd, x->data, lie_nn_param(net, n->w),
                                             lie_nn_param(net, n->b), lie_nn_param(net, n->rm),
                                             lie_nn_param(net, n->rv), B, x->C, x->H * x->W, 0.1f, 1e-5f,
                                             lie_nn_bn_reduce, net));
      nbt[0] += 1.0f;
      break;
    }
    lie_nn_batchnorm_forward(y->data, n->mean, n->rstd, x->data, lie_nn_param(net, n->w), lie_nn_param(net, n->b),
                             lie_nn_param(net, n->rm), lie_nn_param(net, n->rv), B, x->C, x->H * x->W, 0.1f, 1e-5f,
                             train);
    if (train) nbt[0] += 1.0f;
    break;
  }
  case LIE_OP_RELU:
    lie_nn_relu_forward(y->data, x->data, lie_nn_numel(x, B));
    break;
  case LIE_OP_MAXPOOL:
    lie_nn_maxpool_forward(y->data, x->data, B, x->C, x->H, x->W, n->R, n->S, n->sh, n->sw, n->ph, n->pw);
    break;
  case LIE_OP_AVGPOOL:
    lie_nn_avgpool_forward(y->data, x->data, B, x->C, x->H * x->W);
    break;
  case LIE_OP_LINEAR:
    lie_nn_linear_forward(y->data, x->data, lie_nn_param(net, n->w), lie_nn_param(net, n->b), B, x->C * x->H * x->W,
                          n->K);
    break;
  case LIE_OP_ADD:
    lie_nn_add_forward(y->data, x->data, net->t[n->in[1]].data, lie_nn_numel(x, B));
    break;
  case LIE_OP_CIRCPAD:
    lie_nn_circpad_forward(y->data, x->data, B * x->C, x->H, x->W, 1, n->ph, n->pw);
    break;
  case LIE_OP_ELU:
    lie_nn_elu_forward(y->data, x->data, lie_nn_numel(x, B));
    break;
  case LIE_OP_GELU:
    lie_nn_gelu_forward(y->data, x->data, lie_nn_numel(x, B));
    break;
  case LIE_OP_CONCAT:
    lie_nn_concat_forward(y->data, x->data, net->t[n->in[1]].data, B, x->C, net->t[n->in[1]].C, x->H * x->W);
    break;
  case LIE_OP_UPCONV:
    lie_nn_upconv2x2_forward(y->data, x->data, lie_nn_param(net, n->w), lie_nn_param(net, n->b), B, x->C, x->H, x->W,
                             n->K);
    break;
  case LIE_OP_GROUPNORM:
    lie_nn_groupnorm_forward(y->data, n->mean, n->rstd, x->data, lie_nn_param(net, n->w), lie_nn_param(net, n->b), B,
                             x->C, x->H * x->W, n->R, 1e-5f);
    break;
  case LIE_OP_SPECTRAL:
    LIE_CALL(lie_nn_spectral_conv1d_forward(y->data, x->data, lie_nn_param(net, n->w), B, x->C, n->K, x->W, n->R,
                                            n->op_state));
    break;
  default:
    LIE_ERROR(LIE_ERR_INTERNAL, "unknown node op %d", (int)n->op);
  }
  return LIE_OK;
}

static int ref_forward(lie_nn_net net, const float *x, int train) {
  memcpy(net->t[0].data, x, lie_nn_numel(&net->t[0], net->B) * sizeof(float));
  for (int i = 0; i < net->nn; i++)
    LIE_CALL(lie_nn_ref_node_forward(net, &net->nodes[i], train));
  return LIE_OK;
}

/* Gradients accumulate (+=), so a tensor read by two nodes gets both contributions. */
int lie_nn_ref_node_backward(lie_nn_net net, lie_nn_node *n, int need_dx) {
  const int B = net->B;
  lie_nn_tens *x = &net->t[n->in[0]], *y = &net->t[n->out];
  float *dx = (n->in[0] == 0 && !need_dx) ? NULL : x->grad;
  switch (n->op) {
  case LIE_OP_CONV: {
    lie_nn_conv_shape s = {B, x->C, x->H, x->W, n->K, n->R, n->S, n->sh, n->sw, n->ph, n->pw};
    lie_nn_conv2d_backward(dx, lie_nn_grad(net, n->w), lie_nn_grad(net, n->b), y->grad, x->data,
                           lie_nn_param(net, n->w), &s);
    break;
  }
  case LIE_OP_BN:
    if (net->last_train && net->bn_reduce) {
      LIE_CALL(lie_nn_batchnorm_backward_sync(dx, lie_nn_grad(net, n->w), lie_nn_grad(net, n->b), y->grad, x->data,
                                              n->mean, n->rstd, lie_nn_param(net, n->w), B, x->C, x->H * x->W,
                                              lie_nn_bn_reduce, net));
      break;
    }
    lie_nn_batchnorm_backward(dx, lie_nn_grad(net, n->w), lie_nn_grad(net, n->b), y->grad, x->data, n->mean, n->rstd,
                              lie_nn_param(net, n->w), B, x->C, x->H * x->W, net->last_train);
    break;
  case LIE_OP_RELU:
    if (dx) lie_nn_relu_backward(dx, y->grad, x->data, lie_nn_numel(x, B));
    break;
  case LIE_OP_MAXPOOL:
    if (dx) lie_nn_maxpool_backward(dx, y->grad, x->data, B, x->C, x->H, x->W, n->R, n->S, n->sh, n->sw, n->ph, n->pw);
    break;
  case LIE_OP_AVGPOOL:
    if (dx) lie_nn_avgpool_backward(dx, y->grad, B, x->C, x->H * x->W);
    break;
  case LIE_OP_LINEAR:
    lie_nn_linear_backward(dx, lie_nn_grad(net, n->w), lie_nn_grad(net, n->b), y->grad, x->data,
                           lie_nn_param(net, n->w), B, x->C * x->H * x->W, n->K);
    break;
  case LIE_OP_ADD:
    lie_nn_add_backward(dx, net->t[n->in[1]].grad, y->grad, lie_nn_numel(x, B));
    break;
  case LIE_OP_CIRCPAD:
    if (dx) lie_nn_circpad_backward(dx, y->grad, B * x->C, x->H, x->W, 1, n->ph, n->pw);
    break;
  case LIE_OP_ELU:
    if (dx) lie_nn_elu_backward(dx, y->grad, x->data, lie_nn_numel(x, B));
    break;
  case LIE_OP_GELU:
    if (dx) lie_nn_gelu_backward(dx, y->grad, x->data, lie_nn_numel(x, B));
    break;
  case LIE_OP_CONCAT:
    lie_nn_concat_backward(dx, net->t[n->in[1]].grad, y->grad, B, x->C, net->t[n->in[1]].C, x->H * x->W);
    break;
  case LIE_OP_UPCONV:
    lie_nn_upconv2x2_backward(dx, lie_nn_grad(net, n->w), lie_nn_grad(net, n->b), y->grad, x->data,
                              lie_nn_param(net, n->w), B, x->C, x->H, x->W, n->K);
    break;
  case LIE_OP_GROUPNORM:
    lie_nn_groupnorm_backward(dx, lie_nn_grad(net, n->w), lie_nn_grad(net, n->b), y->grad, x->data, n->mean, n->rstd,
                              lie_nn_param(net, n->w), B, x->C, x->H * x->W, n->R);
    break;
  case LIE_OP_SPECTRAL:
    LIE_CALL(lie_nn_spectral_conv1d_backward(dx, lie_nn_grad(net, n->w), y->grad, x->data, lie_nn_param(net, n->w), B,
                                             x->C, n->K, x->W, n->R, n->op_state));
    break;
  default:
    LIE_ERROR(LIE_ERR_INTERNAL, "unknown node op %d", (int)n->op);
  }
  return LIE_OK;
}

static int ref_backward(lie_nn_net net, const float *dy, float *dx) {
  lie_nn_tens *y = &net->t[net->nt - 1];
  memset(net->dact, 0, (size_t)((char *)(net->t[net->nt - 1].grad) - (char *)net->dact) + y->bytes);
  memcpy(y->grad, dy, lie_nn_numel(y, net->B) * sizeof(float));
  for (int i = net->nn - 1; i >= 0; i--)
    LIE_CALL(lie_nn_ref_node_backward(net, &net->nodes[i], dx != NULL));
  if (dx) memcpy(dx, net->t[0].grad, lie_nn_numel(&net->t[0], net->B) * sizeof(float));
  return LIE_OK;
}

static int ref_get(lie_nn_net net, int id, float *dst) {
  memcpy(dst, net->t[id].data, lie_nn_numel(&net->t[id], net->B) * sizeof(float));
  return LIE_OK;
}

const lie_nn_backend_ops lie_nn_ref_ops = {ref_setup, ref_forward, ref_backward, ref_get, NULL};
