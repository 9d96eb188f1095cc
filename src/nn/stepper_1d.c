/* LPSDA's 1D time-steppers (Brandstetter et al. 2022, experiments/models_cnn.py and
 * models_fno.py): the input is (cin,1,nx) with the history frames, dx, dt (and any
 * conditioning channels) as channels; LPSDA's per-point nn.Linear layers (applied to the
 * permuted [b, x, c] tensor) are lie_nn_linear_pointwise, with the same (out,in) weights. */
#include "nn_impl.h"

#include <stdio.h>

#define NAME(...)                                                                                                      \
  do {                                                                                                                 \
    int n_ = snprintf(name, sizeof name, __VA_ARGS__);                                                                 \
    LIE_CHECK(n_ > 0 && (size_t)n_ < 80, LIE_ERR_ARG, "layer name too long: %s", name);                                \
  } while (0)

/* CNN: fc0 (cin -> width) per point; 8 x [x = elu(x + conv_k(x))], circular Conv1d
 * width -> width with kernels 3,5,5,7,7,9,9,15 (padding k/2, bias); fc1 (width -> 128),
 * elu, fc2 (128 -> cout). */
int lie_nn_stepper_cnn(lie_nn_net net, const char *prefix, const lie_nn_stepper_opts *o, int in, int *out) {
  static const int kernels[8] = {3, 5, 5, 7, 7, 9, 9, 15};
  char name[96];
  int x, p, c, a;
  NAME("%sfc0", prefix);
  LIE_CALL(lie_nn_linear_pointwise(net, name, in, o->width, 1, &x));
  for (int l = 0; l < 8; l++) {
    NAME("%sconv_layers.%d", prefix, l);
    LIE_CALL(lie_nn_pad_circular(net, x, 0, kernels[l] / 2, &p));
    LIE_CALL(lie_nn_conv1d(net, name, p, o->width, kernels[l], 1, 0, 1, &c));
    LIE_CALL(lie_nn_add(net, x, c, &a));
    LIE_CALL(lie_nn_elu(net, a, &x));
  }
  NAME("%sfc1", prefix);
  LIE_CALL(lie_nn_linear_pointwise(net, name, x, 128, 1, &a)); /* LPSDA's literal 128 */
  LIE_CALL(lie_nn_elu(net, a, &x));
  NAME("%sfc2", prefix);
  LIE_CALL(lie_nn_linear_pointwise(net, name, x, o->cout, 1, out));
  return LIE_OK;
}

/* FNO1d: fc0 (cin -> width) per point; `layers` x [x = gelu(fourier_l(x) + conv_l(x))]
 * with SpectralConv1d(width, width, modes) and Conv1d(width, width, 1); fc1 (width -> 128),
 * gelu, fc2 (128 -> cout). */
int lie_nn_stepper_fno(lie_nn_net net, const char *prefix, const lie_nn_stepper_opts *o, int in, int *out) {
  char name[96];
  int x, f, c, a, C, H, W;
  LIE_CALL(lie_nn_net_tensor_shape(net, in, &C, &H, &W));
  LIE_CHECK(o->layers > 0 && o->modes > 0 && o->modes <= W / 2 + 1, LIE_ERR_ARG,
            "fno stepper: %d Fourier modes and %d layers invalid for nx = %d (modes at most nx/2 + 1)", o->modes,
            o->layers, W);
  NAME("%sfc0", prefix);
  LIE_CALL(lie_nn_linear_pointwise(net, name, in, o->width, 1, &x));
  for (int l = 0; l < o->layers; l++) {
    NAME("%sfourier_layers.%d", prefix, l);
    LIE_CALL(lie_nn_spectral_conv1d(net, name, x, o->width, o->modes, &f));
    NAME("%sconv_layers.%d", prefix, l);
    LIE_CALL(lie_nn_conv1d(net, name, x, o->width, 1, 1, 0, 1, &c));
    LIE_CALL(lie_nn_add(net, f, c, &a));
    LIE_CALL(lie_nn_gelu(net, a, &x));
  }
  NAME("%sfc1", prefix);
  LIE_CALL(lie_nn_linear_pointwise(net, name, x, 128, 1, &a));
  LIE_CALL(lie_nn_gelu(net, a, &x));
  NAME("%sfc2", prefix);
  LIE_CALL(lie_nn_linear_pointwise(net, name, x, o->cout, 1, out));
  return LIE_OK;
}

/* ResNet: conv1 = Conv1d(cin, width, 1, bias), gelu; layer1..4 of two BasicBlock1d each
 * (3-tap convs with ZERO padding, no bias, BN, ReLU; stride 1 and one width, so no
 * shortcut convolution); fc1 (width -> cout) per point. */
int lie_nn_stepper_resnet(lie_nn_net net, const char *prefix, const lie_nn_stepper_opts *o, int in, int *out) {
  char name[96];
  int x, y;
  NAME("%sconv1", prefix);
  LIE_CALL(lie_nn_conv1d(net, name, in, o->width, 1, 1, 0, 1, &y));
  LIE_CALL(lie_nn_gelu(net, y, &x));
  for (int stage = 1; stage <= 4; stage++)
    for (int blk = 0; blk < 2; blk++) {
      NAME("%slayer%d.%d.", prefix, stage, blk);
      LIE_CALL(lie_nn_basic_block(net, name, x, o->width, 1, 1, &y));
      x = y;
    }
  NAME("%sfc1", prefix);
  LIE_CALL(lie_nn_linear_pointwise(net, name, x, o->cout, 1, out));
  return LIE_OK;
}
