/* oneDNN backend vs the reference backend: same parameters, input and output gradient;
 * forward output, input gradient, parameter gradients and BN running statistics must agree
 * to 1e-4 relative (max|dnnl - ref| / max|ref|) for every layer type, and for whole tiny
 * ResNet-18 + expander steps in 2D and 1D. Both backends compute in float; the reference
 * accumulates in double, oneDNN in float, so the whole-network gradient tolerance is 5e-4
 * (see docs/NN.md: BN weight gradients are sums with heavy cancellation; PyTorch's own
 * float32 result is 1e-4 away from the float64 one on the fixture). */
#include "nn_models.h"

#include <string.h>

static lie_rng rng;
static int randomize_params = 1; /* 0: keep the models' own init (deep stacks would overflow) */

typedef int (*build_fn)(lie_nn_net net, int x, int *y);

static int b_conv3(lie_nn_net n, int x, int *y) { return lie_nn_conv2d(n, "c", x, 16, 3, 3, 1, 1, 1, 1, 1, y); }
static int b_conv1s2(lie_nn_net n, int x, int *y) { return lie_nn_conv2d(n, "c", x, 32, 1, 1, 2, 2, 0, 0, 0, y); }
static int b_stem(lie_nn_net n, int x, int *y) { return lie_nn_conv2d(n, "c", x, 16, 7, 7, 2, 2, 3, 3, 0, y); }
static int b_conv1d(lie_nn_net n, int x, int *y) { return lie_nn_conv1d(n, "c", x, 32, 3, 2, 1, 1, y); }
static int b_bn(lie_nn_net n, int x, int *y) { return lie_nn_batchnorm(n, "bn", x, y); }
static int b_relu(lie_nn_net n, int x, int *y) { return lie_nn_relu(n, x, y); }
static int b_maxpool(lie_nn_net n, int x, int *y) { return lie_nn_maxpool(n, x, 3, 3, 2, 2, 1, 1, y); }
static int b_avgpool(lie_nn_net n, int x, int *y) { return lie_nn_avgpool_global(n, x, y); }
static int b_linear(lie_nn_net n, int x, int *y) { return lie_nn_linear(n, "fc", x, 24, 1, y); }
static int b_linear_nb(lie_nn_net n, int x, int *y) { return lie_nn_linear(n, "fc", x, 24, 0, y); }
static int b_add(lie_nn_net n, int x, int *y) { /* x feeds both: its gradient must be the sum */
  int r;
  LIE_CALL(lie_nn_relu(n, x, &r));
  return lie_nn_add(n, r, x, y);
}

/* patterns the oneDNN backend rewrites: BN+ReLU fused, ReLU in place after the add */
static int b_bn_relu(lie_nn_net n, int x, int *y) {
  int b;
  LIE_CALL(lie_nn_batchnorm(n, "bn", x, &b));
  return lie_nn_relu(n, b, y);
}
static int b_block_tail(lie_nn_net n, int x, int *y) {
  int c1, r, c2, a;
  LIE_CALL(lie_nn_conv2d(n, "c1", x, 16, 3, 3, 1, 1, 1, 1, 0, &c1));
  LIE_CALL(lie_nn_relu(n, c1, &r));
  LIE_CALL(lie_nn_conv2d(n, "c2", r, 16, 3, 3, 1, 1, 1, 1, 0, &c2));
  LIE_CALL(lie_nn_add(n, c2, r, &a));
  return lie_nn_relu(n, a, y);
}

/* time-stepping layers: circular padding on a blocked conv output and on the plain input,
 * ELU/GELU, the spectral conv (plain-layout bridge) in an FNO layer whose input has two
 * readers, the per-point linear */
static int b_circpad_conv(lie_nn_net n, int x, int *y) {
  int a, p;
  LIE_CALL(lie_nn_conv1d(n, "c0", x, 16, 1, 1, 0, 1, &a));
  LIE_CALL(lie_nn_pad_circular(n, a, 0, 3, &p));
  return lie_nn_conv1d(n, "c1", p, 16, 7, 1, 0, 1, y);
}
static int b_circpad_input(lie_nn_net n, int x, int *y) { return lie_nn_pad_circular(n, x, 2, 3, y); }
static int b_elu(lie_nn_net n, int x, int *y) {
  int a;
  LIE_CALL(lie_nn_conv1d(n, "c0", x, 16, 3, 1, 1, 1, &a));
  return lie_nn_elu(n, a, y);
}
static int b_gelu(lie_nn_net n, int x, int *y) {
  int a;
  LIE_CALL(lie_nn_conv1d(n, "c0", x, 16, 3, 1, 1, 1, &a));
  return lie_nn_gelu(n, a, y);
}
static int b_fno_layer(lie_nn_net n, int x, int *y) {
  int a, f, c, s;
  LIE_CALL(lie_nn_linear_pointwise(n, "fc0", x, 16, 1, &a));
  LIE_CALL(lie_nn_spectral_conv1d(n, "sp", a, 16, 5, &f));
  LIE_CALL(lie_nn_conv1d(n, "c1", a, 16, 1, 1, 0, 1, &c));
  LIE_CALL(lie_nn_add(n, f, c, &s));
  return lie_nn_gelu(n, s, y);
}

/* U-Net pieces: blocked conv -> group norm -> gelu, a skip concat of two blocked tensors
 * after an up-sampling (the skip tensor has two readers) */
static int b_gn(lie_nn_net n, int x, int *y) {
  int a, g;
  LIE_CALL(lie_nn_conv2d(n, "c0", x, 16, 3, 3, 1, 1, 1, 1, 1, &a));
  LIE_CALL(lie_nn_groupnorm(n, "gn", a, 4, &g));
  return lie_nn_gelu(n, g, y);
}
static int b_up_cat(lie_nn_net n, int x, int *y) {
  int a, p, u, c, s;
  LIE_CALL(lie_nn_conv2d(n, "c0", x, 8, 3, 3, 1, 1, 1, 1, 1, &a));
  LIE_CALL(lie_nn_maxpool(n, a, 2, 2, 2, 2, 0, 0, &p));
  LIE_CALL(lie_nn_upconv2x2(n, "up", p, 8, &u));
  LIE_CALL(lie_nn_concat(n, a, u, &c));
  LIE_CALL(lie_nn_conv2d(n, "c1", c, 8, 3, 3, 1, 1, 1, 1, 1, &s));
  return lie_nn_add(n, s, a, y);
}

static int make(lie_ctx ctx, lie_nn_backend be, int C, int H, int W, int B, build_fn f, lie_nn_net *net) {
  int x, y;
  LIE_CALL(lie_nn_net_create(ctx, net));
  LIE_CALL(lie_nn_net_set_backend(*net, be));
  LIE_CALL(lie_nn_input(*net, C, H, W, &x));
  LIE_CALL(f(*net, x, &y));
  LIE_CALL(lie_nn_net_setup(*net, B));
  return LIE_OK;
}

/* Runs train-mode forward+backward (and an eval forward) on both backends and compares. */
static void compare(lie_nn_net a, lie_nn_net b, const char *label, double tol, double gtol) {
  int C, H, W, B = lie_nn_net_batch(a), oid = lie_nn_net_output_id(a), Co, Ho, Wo;
  lie_nn_net_tensor_shape(a, 0, &C, &H, &W);
  lie_nn_net_tensor_shape(a, oid, &Co, &Ho, &Wo);
  size_t nx = (size_t)B * C * H * W, ny = (size_t)B * Co * Ho * Wo, np, nb;
  float *x = malloc(nx * 4), *dy = malloc(ny * 4), *dxa = malloc(nx * 4), *dxb = malloc(nx * 4), *ya = malloc(ny * 4);
  for (size_t i = 0; i < nx; i++)
    x[i] = (float)lie_rng_normal(&rng);
  for (size_t i = 0; i < ny; i++)
    dy[i] = (float)lie_rng_range(&rng, -1, 1);
  /* random parameters (BN weights away from 0), same in both */
  float *pa = lie_nn_net_params(a, &np), *pb = lie_nn_net_params(b, NULL);
  for (size_t i = 0; randomize_params && i < np; i++)
    pa[i] = (float)lie_rng_range(&rng, 0.2, 1.0) * (lie_rng_uniform(&rng) < 0.5 ? -1 : 1);
  memcpy(pb, pa, np * 4);
  char what[160];
  LIE_TEST_CALL(lie_nn_net_forward(a, x, 1));
  LIE_TEST_CALL(lie_nn_net_forward(b, x, 1));
  memcpy(ya, lie_nn_net_output(a), ny * 4);
  snprintf(what, sizeof what, "%-28s forward (train)", label);
  LIE_TEST_LE(rel_maxdiff(lie_nn_net_output(b), ya, ny), tol, what);
  LIE_TEST_CALL(lie_nn_net_backward(a, dy, dxa));
  LIE_TEST_CALL(lie_nn_net_backward(b, dy, dxb));
  snprintf(what, sizeof what, "%-28s d input", label);
  LIE_TEST_LE(rel_maxdiff(dxb, dxa, nx), gtol, what);
  float *ga = lie_nn_net_grads(a, NULL), *gb = lie_nn_net_grads(b, NULL);
  double gmax = 0, worst = 0;
  for (size_t i = 0; i < np; i++)
    gmax = lie_test_max(gmax, fabs(ga[i]));
  const char *wname = "";
  for (int i = 0; i < lie_nn_net_ntensors_info(a); i++) {
    const lie_nn_tensor_info *in = lie_nn_net_tensor_info(a, i);
    if (!in->trainable) continue;
    /* floor: analytically-zero gradients (bias before BN) are rounding noise, see fixture test */
    double d = 0, m = 1e-2 * gmax;
    for (size_t j = 0; j < in->size; j++) {
      d = lie_test_max(d, fabs((double)ga[in->offset + j] - gb[in->offset + j]));
      m = lie_test_max(m, fabs((double)ga[in->offset + j]));
    }
    if (d / m > worst || isnan(d / m)) worst = d / m, wname = in->name; /* NaN sticks */
  }
  if (np) {
    snprintf(what, sizeof what, "%-28s d params (worst: %s)", label, wname);
    LIE_TEST_LE(worst, gtol, what);
  }
  float *ba = lie_nn_net_buffers(a, &nb), *bb = lie_nn_net_buffers(b, NULL);
  if (nb) {
    snprintf(what, sizeof what, "%-28s running stats", label);
    LIE_TEST_LE(rel_maxdiff(bb, ba, nb), tol, what);
  }
  LIE_TEST_CALL(lie_nn_net_forward(a, x, 0));
  LIE_TEST_CALL(lie_nn_net_forward(b, x, 0));
  snprintf(what, sizeof what, "%-28s forward (eval)", label);
  LIE_TEST_LE(rel_maxdiff(lie_nn_net_output(b), lie_nn_net_output(a), ny), tol, what);
  free(x), free(dy), free(dxa), free(dxb), free(ya);
}

static void layer(lie_ctx ctx, const char *label, int C, int H, int W, int B, build_fn f) {
  lie_nn_net a, b;
  LIE_TEST_CALL(make(ctx, LIE_NN_BACKEND_REF, C, H, W, B, f, &a));
  LIE_TEST_CALL(make(ctx, LIE_NN_BACKEND_DNNL, C, H, W, B, f, &b));
  compare(a, b, label, 1e-4, 1e-4);
  lie_nn_net_destroy(&a), lie_nn_net_destroy(&b);
}

static void whole(lie_ctx ctx, int dims) {
  model_cfg c = {dims,         dims == 2 ? 3 : 8, 8, dims == 2 ? 32 : 1, dims == 2 ? 40 : 96, 4, 3,
                 {32, 32, 16}, LIE_NN_BACKEND_REF};
  lie_nn_net a, b;
  int rep;
  LIE_TEST_CALL(build_model(ctx, &c, &a, &rep));
  c.backend = LIE_NN_BACKEND_DNNL;
  LIE_TEST_CALL(build_model(ctx, &c, &b, &rep));
  compare(a, b, dims == 2 ? "ResNet-18 2D w8 + expander" : "ResNet-18 1D w8 + expander", 1e-4, 5e-4);
  lie_nn_net_destroy(&a), lie_nn_net_destroy(&b);
}

/* a whole time-stepper on both backends from the same (module-initialised) parameters */
static void whole_stepper(lie_ctx ctx, const char *kind, int cin, int nx, int B, int width) {
  lie_nn_net net[2];
  lie_nn_stepper_opts o;
  char label[64];
  LIE_TEST_CALL(lie_nn_stepper_kind_from_name(kind, &o.kind));
  lie_nn_stepper_opts_default(o.kind, &o);
  o.cin = cin, o.cout = 5, o.width = width, o.modes = 6, o.layers = 2;
  for (int k = 0; k < 2; k++) {
    int x, y;
    LIE_TEST_CALL(lie_nn_net_create(ctx, &net[k]));
    LIE_TEST_CALL(lie_nn_net_set_backend(net[k], k ? LIE_NN_BACKEND_DNNL : LIE_NN_BACKEND_REF));
    LIE_TEST_CALL(lie_nn_input(net[k], cin, o.kind == LIE_NN_STEPPER_UNET ? nx : 1, nx, &x));
    LIE_TEST_CALL(lie_nn_stepper(net[k], "", &o, x, &y));
    LIE_TEST_CALL(lie_nn_net_setup(net[k], B));
    LIE_TEST_CALL(lie_nn_net_init(net[k], 7));
    LIE_TEST_CALL(lie_nn_stepper_init(net[k], "", &o, 8));
  }
  snprintf(label, sizeof label, "stepper %s w%d nx%d", kind, width, nx);
  randomize_params = 0;
  compare(net[0], net[1], label, 1e-4, 1e-4);
  randomize_params = 1;
  lie_nn_net_destroy(&net[0]), lie_nn_net_destroy(&net[1]);
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  lie_ctx ctx;
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
#if !LIEREG_HAVE_DNNL
  printf("FAIL this build has no oneDNN: the backend comparison cannot run\n");
  return 1;
#endif
  lie_rng_seed(&rng, 99);
  layer(ctx, "conv 3x3/1 pad 1 bias", 16, 10, 12, 2, b_conv3);
  layer(ctx, "conv 1x1/2", 16, 10, 12, 2, b_conv1s2);
  layer(ctx, "conv 7x7/2 pad 3 (stem)", 3, 20, 22, 2, b_stem);
  layer(ctx, "conv1d k3/2 pad 1 bias", 16, 1, 30, 3, b_conv1d);
  layer(ctx, "batchnorm 2d", 16, 6, 7, 3, b_bn);
  layer(ctx, "batchnorm 1d (B,C)", 32, 1, 1, 8, b_bn);
  layer(ctx, "relu", 16, 5, 6, 2, b_relu);
  layer(ctx, "maxpool 3/2 pad 1", 16, 9, 10, 2, b_maxpool);
  layer(ctx, "global avgpool", 16, 5, 6, 2, b_avgpool);
  layer(ctx, "linear bias", 32, 1, 1, 5, b_linear);
  layer(ctx, "linear no bias", 32, 1, 1, 5, b_linear_nb);
  layer(ctx, "residual add (shared input)", 16, 4, 5, 2, b_add);
  layer(ctx, "batchnorm + relu (fused)", 16, 6, 7, 3, b_bn_relu);
  layer(ctx, "conv-relu-conv-add-relu", 16, 6, 7, 2, b_block_tail);
  layer(ctx, "circular pad on a blocked conv", 8, 1, 20, 2, b_circpad_conv);
  layer(ctx, "circular pad of the input", 3, 4, 6, 2, b_circpad_input);
  layer(ctx, "conv1d + elu", 8, 1, 20, 2, b_elu);
  layer(ctx, "conv1d + gelu", 8, 1, 20, 2, b_gelu);
  layer(ctx, "fno layer (spectral, shared input)", 6, 1, 24, 3, b_fno_layer);
  whole(ctx, 2);
  whole(ctx, 1);
  whole_stepper(ctx, "cnn", 7, 40, 3, 16);
  /* width 128: the default rule's GEMM backward-weights where oneDNN falls back to im2col
   * (the k = 15 convolution after circular padding, docs/NN.md) */
  whole_stepper(ctx, "cnn", 7, 32, 2, 128);
  whole_stepper(ctx, "fno", 7, 40, 3, 16);
  whole_stepper(ctx, "resnet", 7, 40, 3, 16);
  layer(ctx, "conv + groupnorm(4) + gelu", 5, 6, 8, 2, b_gn);
  layer(ctx, "maxpool, upconv2x2, skip concat", 5, 6, 8, 2, b_up_cat);
  whole_stepper(ctx, "unet", 3, 16, 2, 16);
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
