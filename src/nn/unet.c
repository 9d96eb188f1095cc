/* 2D U-Net time-stepper: PDEArena's Unetbase (Gupta & Brandstetter 2022, pdearena/modules/
 * twod_unetbase.py; their reading of Ronneberger et al. 2015), with the depth as an option:
 *   image_proj = ConvBlock(cin, w)
 *   down.i     = MaxPool2d(2), ConvBlock(w 2^i, w 2^(i+1))                      i < depth
 *   up.i       = ConvTranspose2d(c, c/2, 2, stride 2), cat([skip, .]), ConvBlock(c, c/2),
 *                c = w 2^(depth-i), skip = the down output of the same resolution
 *   final      = Conv2d(w, cout, 3, padding 1)
 * ConvBlock(a, b) = gelu(norm2(conv2(gelu(norm1(conv1(x)))))), 3x3 convs with bias and
 * GroupNorm(1, b) (PDEArena's choice over the original batch norm: no batch statistics, so
 * training and rollout see the same network). Input (cin, H, W), H and W divisible by 2^depth. */
#include "nn_impl.h"

#include <stdio.h>

static int conv_block(lie_nn_net net, const char *p, int in, int Cout, int *out) {
  char name[128];
  int a, b, c;
  for (int k = 1; k <= 2; k++) {
    snprintf(name, sizeof name, "%sconv%d", p, k);
    LIE_CALL(lie_nn_conv2d(net, name, k == 1 ? in : *out, Cout, 3, 3, 1, 1, 1, 1, 1, &a));
    snprintf(name, sizeof name, "%snorm%d", p, k);
    LIE_CALL(lie_nn_groupnorm(net, name, a, 1, &b));
    LIE_CALL(lie_nn_gelu(net, b, &c));
    *out = c;
  }
  return LIE_OK;
}

int lie_nn_stepper_unet(lie_nn_net net, const char *prefix, const lie_nn_stepper_opts *o, int in, int *out) {
  char name[128];
  int C, H, W, x, y, skip[17];
  const int depth = o->layers, w = o->width;
  LIE_CALL(lie_nn_net_tensor_shape(net, in, &C, &H, &W));
  LIE_CHECK(depth >= 1 && depth <= 16, LIE_ERR_ARG, "unet stepper: depth %d invalid (1..16)", depth);
  LIE_CHECK(H % (1 << depth) == 0 && W % (1 << depth) == 0, LIE_ERR_ARG,
            "unet stepper: a %dx%d grid cannot be halved %d times (size must be divisible by %d)", H, W, depth,
            1 << depth);
  LIE_CHECK(snprintf(name, sizeof name, "%sup.%d.conv.", prefix, depth) < 80, LIE_ERR_ARG,
            "unet stepper: prefix '%s' too long", prefix);
  snprintf(name, sizeof name, "%simage_proj.", prefix);
  LIE_CALL(conv_block(net, name, in, w, &x));
  skip[0] = x;
  for (int i = 0; i < depth; i++) {
    LIE_CALL(lie_nn_maxpool(net, x, 2, 2, 2, 2, 0, 0, &y));
    snprintf(name, sizeof name, "%sdown.%d.conv.", prefix, i);
    LIE_CALL(conv_block(net, name, y, w << (i + 1), &x));
    skip[i + 1] = x;
  }
  for (int i = 0; i < depth; i++) {
    int c = w << (depth - i), u, cat;
    snprintf(name, sizeof name, "%sup.%d.up", prefix, i);
    LIE_CALL(lie_nn_upconv2x2(net, name, x, c / 2, &u));
    LIE_CALL(lie_nn_concat(net, skip[depth - 1 - i], u, &cat)); /* torch.cat([x2, h]): skip first */
    snprintf(name, sizeof name, "%sup.%d.conv.", prefix, i);
    LIE_CALL(conv_block(net, name, cat, c / 2, &x));
  }
  snprintf(name, sizeof name, "%sfinal", prefix);
  LIE_CALL(lie_nn_conv2d(net, name, x, o->cout, 3, 3, 1, 1, 1, 1, 1, out));
  return LIE_OK;
}
