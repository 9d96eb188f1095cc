/* The frozen encoder of a pretraining checkpoint, built on a new network for forward passes
 * in inference mode. The trained probe (probe_trained.c) and in-situ inference
 * (src/infer/encoder.c) both apply it, built the one way, so that both give `liereg embed`'s
 * representations. */
#include "liereg/probe_trained.h"

int lie_frozen_encoder_build(lie_ctx ctx, const char *ckpt, const lie_ssl_model_opts *model, lie_nn_backend backend,
                             int threads, int batch, lie_nn_net *net, int *repr, int *D, size_t *in_numel) {
  int out, C, H, W;
  LIE_CALL(lie_nn_net_create(ctx, net));
  LIE_CALL(lie_nn_net_set_backend(*net, backend));
  if (threads > 0) LIE_CALL(lie_nn_set_threads(threads));
  LIE_CALL(lie_ssl_model_build(*net, model, repr, &out));
  LIE_CALL(lie_nn_net_setup(*net, batch));
  LIE_CALL(lie_pretrain_ckpt_load(ctx, *net, NULL, ckpt));
  LIE_CALL(lie_nn_net_tensor_shape(*net, *repr, D, NULL, NULL));
  LIE_CALL(lie_ssl_model_input_shape(model, &C, &H, &W));
  *in_numel = (size_t)C * H * W;
  return LIE_OK;
}
