/* The pretraining model: ResNet-18 encoder ("encoder/...") and VICReg expander
 * ("expander/..."), with the view layout of DESIGN §7 (2D: channels x time x space image;
 * 1D: time frames as channels, convolution over space; NS: fields x frames as channels of the
 * x x y image, see lie_ssl_model_opts). */
#include "liereg/ssl.h"

int lie_ssl_model_input_shape(const lie_ssl_model_opts *m, int *C, int *H, int *W) {
  LIE_CHECK(m->dims == 1 || m->dims == 2, LIE_ERR_USAGE, "-model_dims must be 1 or 2 (got %d)", m->dims);
  LIE_CHECK(m->cin >= 1 && m->crop_t >= 1 && m->crop_x >= 1, LIE_ERR_ARG, "invalid model input %d x %d x %d", m->cin,
            m->crop_t, m->crop_x);
  LIE_CHECK(m->crop_y >= 0, LIE_ERR_ARG, "invalid model input crop_y %d", m->crop_y);
  if (m->crop_y > 0) { /* NS: frames of every field as channels of the (x, y) image */
    LIE_CHECK(m->dims == 2, LIE_ERR_USAGE, "Navier-Stokes inputs need -model_dims 2 (got %d)", m->dims);
    *C = m->cin * m->crop_t, *H = m->crop_x, *W = m->crop_y;
  } else if (m->dims == 2)
    *C = m->cin, *H = m->crop_t, *W = m->crop_x;
  else
    *C = m->cin * m->crop_t, *H = 1, *W = m->crop_x;
  return LIE_OK;
}

int lie_ssl_model_build(lie_nn_net net, const lie_ssl_model_opts *m, int *repr_id, int *out_id) {
  int C, H, W, x, r;
  LIE_CALL(lie_ssl_model_input_shape(m, &C, &H, &W));
  LIE_CHECK(m->width >= 1, LIE_ERR_USAGE, "-model_width must be >= 1 (got %d)", m->width);
  LIE_CHECK(m->nexpander >= 0 && m->nexpander <= LIE_PRETRAIN_MAX_EXPANDER, LIE_ERR_USAGE,
            "-model_expander: 0 to %d layers", LIE_PRETRAIN_MAX_EXPANDER);
  LIE_CALL(lie_nn_input(net, C, H, W, &x));
  lie_nn_resnet_opts ro = {m->dims, C, m->width};
  LIE_CALL(lie_nn_resnet18(net, "encoder/", &ro, x, &r));
  *repr_id = r;
  *out_id = r;
  if (m->nexpander > 0) {
    int sizes[LIE_PRETRAIN_MAX_EXPANDER + 1];
    sizes[0] = 8 * m->width;
    for (int i = 0; i < m->nexpander; i++) {
      LIE_CHECK(m->expander[i] >= 1, LIE_ERR_USAGE, "-model_expander sizes must be >= 1");
      sizes[i + 1] = m->expander[i];
    }
    LIE_CALL(lie_nn_mlp(net, "expander/", m->nexpander, sizes, r, out_id));
  }
  return LIE_OK;
}

/* An estimate of the memory of nsamples inputs (C, H, W) through the ResNet: the stages hold
 * about 2 width x H x W floats per sample together (strides 2, 4, 8, ... halve what the
 * channel doublings add), the 7x7/2 stem's unfolded input about 12 C x H x W, all kept twice
 * when training (backward). Refuses a checkpoint or option asking for terabytes before
 * anything is allocated (a tiny-width checkpoint with crop_t 1e6 was killed by the OOM killer
 * at a 10 GB lower bound). */
int lie_ssl_model_check_memory(const lie_ssl_model_opts *m, int nsamples, int training) {
  int C, H, W;
  char what[160];
  LIE_CALL(lie_ssl_model_input_shape(m, &C, &H, &W));
  double bytes = 4.0 * nsamples * (double)H * W * (12.0 * C + 2.0 * m->width) * (training ? 2 : 1);
  snprintf(what, sizeof what, "the model (%d x %d x %d input, width %d) for %d samples", C, H, W, m->width, nsamples);
  LIE_CALL(lie_check_memory(bytes, what));
  return LIE_OK;
}
