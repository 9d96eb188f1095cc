/* 2D U-Net time-stepper (PDEArena-style). */
#include "nn_impl.h"

int lie_nn_stepper_unet(lie_nn_net net, const char *prefix, const lie_nn_stepper_opts *o, int in, int *out) {
  (void)net, (void)prefix, (void)o, (void)in, (void)out;
  LIE_ERROR(LIE_ERR_NOTSUP, "unet stepper: not implemented yet");
}
