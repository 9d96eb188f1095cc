/* Test helper: an encoder (ResNet-18, 2D or 1D) + expander MLP network, as in pretraining. */
#ifndef LIE_TEST_NN_MODELS_H
#define LIE_TEST_NN_MODELS_H
#include "lie_test.h"

typedef struct {
  int dims, cin, width, H, W, B; /* input (cin,H,W), 1D: H = 1 */
  int nexp, exp[4];              /* expander output sizes */
  lie_nn_backend backend;
} model_cfg;

/* Builds, sets up and returns the net; *rep is the encoder output tensor id. */
static int build_model(lie_ctx ctx, const model_cfg *c, lie_nn_net *net, int *rep) {
  int x, h, z, sizes[5];
  lie_nn_resnet_opts o = {c->dims, c->cin, c->width};
  LIE_CALL(lie_nn_net_create(ctx, net));
  LIE_CALL(lie_nn_net_set_backend(*net, c->backend));
  LIE_CALL(lie_nn_input(*net, c->cin, c->H, c->W, &x));
  LIE_CALL(lie_nn_resnet18(*net, "encoder/", &o, x, &h));
  sizes[0] = 8 * c->width;
  for (int i = 0; i < c->nexp; i++)
    sizes[i + 1] = c->exp[i];
  LIE_CALL(lie_nn_mlp(*net, "expander/", c->nexp, sizes, h, &z));
  LIE_CALL(lie_nn_net_setup(*net, c->B));
  *rep = h;
  return LIE_OK;
}

/* max |a - b| / max |b| */
static double rel_maxdiff(const float *a, const float *b, size_t n) {
  double d = 0, m = 0;
  for (size_t i = 0; i < n; i++) {
    d = lie_test_max(d, fabs((double)a[i] - b[i]));
    m = lie_test_max(m, fabs((double)b[i]));
  }
  return d / (m > 0 ? m : 1.0);
}
#endif
