/* Neural time-steppers: names, LPSDA's default sizes, the builder dispatch and the modules'
 * own initialisations. The architectures are in stepper_1d.c (LPSDA's CNN, FNO1d, ResNet)
 * and unet.c (2D U-Net). */
#include "nn_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = {"cnn", "fno", "resnet", "unet"};

int lie_nn_stepper_kind_from_name(const char *name, lie_nn_stepper_kind *k) {
  for (int i = 0; i < 4; i++)
    if (!strcmp(name, kind_names[i])) {
      *k = (lie_nn_stepper_kind)i;
      return LIE_OK;
    }
  LIE_ERROR(LIE_ERR_USAGE, "unknown time-stepping model '%s' (cnn|fno|resnet|unet)", name);
}

const char *lie_nn_stepper_kind_name(lie_nn_stepper_kind k) { return (unsigned)k < 4 ? kind_names[k] : "unknown"; }

void lie_nn_stepper_opts_default(lie_nn_stepper_kind k, lie_nn_stepper_opts *o) {
  memset(o, 0, sizeof *o);
  o->kind = k;
  o->cin = 20 + 2, o->cout = 20; /* LPSDA: time_history 20 (+ dx, dt), time_future 20 */
  switch (k) {
  case LIE_NN_STEPPER_CNN:
    o->width = 128;
    break;
  case LIE_NN_STEPPER_FNO:
    o->width = 256, o->modes = 32, o->layers = 5;
    break;
  case LIE_NN_STEPPER_RESNET:
    o->width = 256;
    break;
  case LIE_NN_STEPPER_UNET:
    o->width = 64, o->layers = 4; /* PDEArena's Unet: hidden_channels 64, 4 levels */
    break;
  }
}

int lie_nn_stepper_cnn(lie_nn_net net, const char *prefix, const lie_nn_stepper_opts *o, int in, int *out);
int lie_nn_stepper_fno(lie_nn_net net, const char *prefix, const lie_nn_stepper_opts *o, int in, int *out);
int lie_nn_stepper_resnet(lie_nn_net net, const char *prefix, const lie_nn_stepper_opts *o, int in, int *out);
int lie_nn_stepper_unet(lie_nn_net net, const char *prefix, const lie_nn_stepper_opts *o, int in, int *out);

int lie_nn_stepper(lie_nn_net net, const char *prefix, const lie_nn_stepper_opts *o, int in, int *out) {
  int C, H, W;
  LIE_CALL(lie_nn_net_tensor_shape(net, in, &C, &H, &W));
  LIE_CHECK(o->cin > 0 && o->cout > 0 && o->width > 0, LIE_ERR_ARG,
            "%s stepper: invalid sizes cin %d, cout %d, width %d", lie_nn_stepper_kind_name(o->kind), o->cin, o->cout,
            o->width);
  LIE_CHECK(C == o->cin, LIE_ERR_ARG, "%s stepper: input has %d channels, the model expects cin = %d",
            lie_nn_stepper_kind_name(o->kind), C, o->cin);
  LIE_CHECK(o->kind == LIE_NN_STEPPER_UNET || H == 1, LIE_ERR_ARG,
            "%s stepper: 1D models need a (C,1,nx) input, got (%d,%d,%d)", lie_nn_stepper_kind_name(o->kind), C, H, W);
  switch (o->kind) {
  case LIE_NN_STEPPER_CNN:
    return lie_nn_stepper_cnn(net, prefix, o, in, out);
  case LIE_NN_STEPPER_FNO:
    return lie_nn_stepper_fno(net, prefix, o, in, out);
  case LIE_NN_STEPPER_RESNET:
    return lie_nn_stepper_resnet(net, prefix, o, in, out);
  case LIE_NN_STEPPER_UNET:
    return lie_nn_stepper_unet(net, prefix, o, in, out);
  }
  LIE_ERROR(LIE_ERR_ARG, "unknown stepper kind %d", (int)o->kind);
}

/* "<prefix><suffix>" must exist; *w its values */
static int find(lie_nn_net net, const char *prefix, const char *suffix, float **w, const lie_nn_tensor_info **in) {
  char name[128];
  snprintf(name, sizeof name, "%s%s", prefix, suffix);
  *w = lie_nn_net_find(net, name, in);
  LIE_CHECK(*w && (*in)->trainable, LIE_ERR_ARG, "stepper init: the network has no parameter '%s'", name);
  return LIE_OK;
}

int lie_nn_stepper_init(lie_nn_net net, const char *prefix, const lie_nn_stepper_opts *o, uint64_t seed) {
  lie_rng rng;
  char suffix[64];
  lie_rng_seed(&rng, seed);
  if (o->kind == LIE_NN_STEPPER_CNN) {
    /* nn.init.xavier_uniform_: U(+-sqrt(6 / (fan_in + fan_out))), fans = channels x kernel */
    for (int l = 0; l < 8; l++) {
      float *w;
      const lie_nn_tensor_info *in;
      snprintf(suffix, sizeof suffix, "conv_layers.%d.weight", l);
      LIE_CALL(find(net, prefix, suffix, &w, &in));
      double k = in->dims[2], bound = sqrt(6.0 / (k * in->dims[0] + k * in->dims[1]));
      for (size_t j = 0; j < in->size; j++)
        w[j] = (float)lie_rng_range(&rng, -bound, bound);
    }
  } else if (o->kind == LIE_NN_STEPPER_FNO) {
    /* SpectralConv1d: scale * torch.rand(in, out, modes, cfloat), scale = 1/(in*out): real
     * and imaginary parts each U[0, scale) */
    for (int l = 0; l < o->layers; l++) {
      float *w;
      const lie_nn_tensor_info *in;
      snprintf(suffix, sizeof suffix, "fourier_layers.%d.weights", l);
      LIE_CALL(find(net, prefix, suffix, &w, &in));
      double scale = 1.0 / ((double)in->dims[0] * in->dims[1]);
      for (size_t j = 0; j < in->size; j++)
        w[j] = (float)(scale * lie_rng_uniform(&rng));
    }
  }
  return LIE_OK;
}
