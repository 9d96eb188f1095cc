/* ResNet-18 with torchvision's semantics (He et al. 2016; torchvision.models.resnet18 with
 * fc = Identity), in 2D (conv over H x W) and 1D (conv over L of a (C,1,L) tensor). */
#include "nn_impl.h"

#include <stdio.h>
#include <string.h>

/* dst = prefix + suffix, refusing names longer than a state-dict entry can hold */
int lie_nn_join_name(char *dst, size_t n, const char *prefix, const char *suffix) {
  size_t a = strlen(prefix), b = strlen(suffix);
  LIE_CHECK(a + b < n && a + b < 80, LIE_ERR_ARG, "layer name too long: %s%s", prefix, suffix);
  memcpy(dst, prefix, a);
  memcpy(dst + a, suffix, b + 1);
  return LIE_OK;
}

/* conv (no bias) of a 2D or 1D network: k x k kernel, square stride/padding in 2D. */
static int conv(lie_nn_net net, const char *name, int in, int K, int k, int stride, int pad, int dims, int *out) {
  if (dims == 1)
    LIE_CALL(lie_nn_conv1d(net, name, in, K, k, stride, pad, 0, out));
  else
    LIE_CALL(lie_nn_conv2d(net, name, in, K, k, k, stride, stride, pad, pad, 0, out));
  return LIE_OK;
}

/* BasicBlock: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), shortcut = downsample
 * (1x1 conv stride s + BN) when the shape changes. Names as torchvision's "layerL.i.". */
int lie_nn_basic_block(lie_nn_net net, const char *p, int in, int planes, int stride, int dims, int *out) {
  char name[160];
  int a, b, c, d, e, skip = in, Cin;
  LIE_CALL(lie_nn_net_tensor_shape(net, in, &Cin, NULL, NULL));
  LIE_CALL(lie_nn_join_name(name, sizeof name, p, "conv1"));
  LIE_CALL(conv(net, name, in, planes, 3, stride, 1, dims, &a));
  LIE_CALL(lie_nn_join_name(name, sizeof name, p, "bn1"));
  LIE_CALL(lie_nn_batchnorm(net, name, a, &b));
  LIE_CALL(lie_nn_relu(net, b, &c));
  LIE_CALL(lie_nn_join_name(name, sizeof name, p, "conv2"));
  LIE_CALL(conv(net, name, c, planes, 3, 1, 1, dims, &d));
  LIE_CALL(lie_nn_join_name(name, sizeof name, p, "bn2"));
  LIE_CALL(lie_nn_batchnorm(net, name, d, &e));
  if (stride != 1 || Cin != planes) {
    int s;
    LIE_CALL(lie_nn_join_name(name, sizeof name, p, "downsample.0"));
    LIE_CALL(conv(net, name, in, planes, 1, stride, 0, dims, &s));
    LIE_CALL(lie_nn_join_name(name, sizeof name, p, "downsample.1"));
    LIE_CALL(lie_nn_batchnorm(net, name, s, &skip));
  }
  LIE_CALL(lie_nn_add(net, e, skip, &a));
  LIE_CALL(lie_nn_relu(net, a, out));
  return LIE_OK;
}

int lie_nn_resnet18(lie_nn_net net, const char *prefix, const lie_nn_resnet_opts *o, int in, int *out) {
  char name[160];
  int x, y, C, H, W;
  LIE_CHECK(o->dims == 1 || o->dims == 2, LIE_ERR_ARG, "resnet18: dims must be 1 or 2, got %d", o->dims);
  LIE_CHECK(o->width > 0, LIE_ERR_ARG, "resnet18: invalid base width %d", o->width);
  LIE_CALL(lie_nn_net_tensor_shape(net, in, &C, &H, &W));
  LIE_CHECK(C == o->cin, LIE_ERR_ARG, "resnet18: input has %d channels, expected %d", C, o->cin);
  LIE_CHECK(o->dims == 2 || H == 1, LIE_ERR_ARG, "resnet18 1D: input must be (C,1,L)");
  LIE_CALL(lie_nn_join_name(name, sizeof name, prefix, "conv1"));
  LIE_CALL(conv(net, name, in, o->width, 7, 2, 3, o->dims, &x));
  LIE_CALL(lie_nn_join_name(name, sizeof name, prefix, "bn1"));
  LIE_CALL(lie_nn_batchnorm(net, name, x, &y));
  LIE_CALL(lie_nn_relu(net, y, &x));
  if (o->dims == 2)
    LIE_CALL(lie_nn_maxpool(net, x, 3, 3, 2, 2, 1, 1, &y));
  else
    LIE_CALL(lie_nn_maxpool(net, x, 1, 3, 1, 2, 0, 1, &y));
  x = y;
  for (int stage = 0; stage < 4; stage++) {
    int planes = o->width << stage;
    for (int blk = 0; blk < 2; blk++) {
      snprintf(name, sizeof name, "%slayer%d.%d.", prefix, stage + 1, blk);
      LIE_CALL(lie_nn_basic_block(net, name, x, planes, (stage > 0 && blk == 0) ? 2 : 1, o->dims, &y));
      x = y;
    }
  }
  LIE_CALL(lie_nn_avgpool_global(net, x, out));
  return LIE_OK;
}

int lie_nn_mlp(lie_nn_net net, const char *prefix, int nlayers, const int *sizes, int in, int *out) {
  char name[160];
  int x = in, y, idx = 0;
  LIE_CHECK(nlayers >= 1, LIE_ERR_ARG, "mlp: needs at least one layer");
  for (int l = 0; l < nlayers; l++) {
    int last = l == nlayers - 1;
    snprintf(name, sizeof name, "%s%d", prefix, idx++);
    LIE_CALL(lie_nn_linear(net, name, x, sizes[l + 1], !last, &y));
    x = y;
    if (last) break;
    snprintf(name, sizeof name, "%s%d", prefix, idx++);
    LIE_CALL(lie_nn_batchnorm(net, name, x, &y));
    LIE_CALL(lie_nn_relu(net, y, &x));
    idx++; /* the ReLU's index in nn.Sequential */
  }
  *out = x;
  return LIE_OK;
}

int lie_nn_mlp_head(lie_nn_net net, const char *prefix, int nlayers, const int *sizes, int in, int *out) {
  char name[96];
  int x = in, y;
  LIE_CHECK(nlayers >= 1, LIE_ERR_ARG, "mlp head: needs at least one layer");
  for (int l = 0; l < nlayers; l++) {
    snprintf(name, sizeof name, "%s%d", prefix, 2 * l); /* Linear, ReLU, Linear, ... */
    LIE_CALL(lie_nn_linear(net, name, x, sizes[l + 1], 1, &y));
    x = y;
    if (l < nlayers - 1) LIE_CALL(lie_nn_relu(net, y, &x));
  }
  *out = x;
  return LIE_OK;
}
