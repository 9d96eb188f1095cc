/* Fidelity of the time-stepping models to PyTorch: the committed fixtures made by
 * stepper_fixtures.py (LPSDA's CNN, FNO1d, ResNet re-typed; PDEArena-style U-Net) are
 * loaded by state_dict name into our models, and the forward output, the input gradient,
 * every parameter gradient and the BN running statistics are compared tensor by tensor
 * (max|ours - torch| / max|torch|, each printed).
 * Usage: test_nn_stepper SRCDIR [ref|dnnl] [tolerance] */
#include "lie_test.h"

#include <hdf5.h>
#include <string.h>

static double tol = 1e-4;

static int read_floats(hid_t f, const char *name, float *dst, size_t n) {
  hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
  LIE_CHECK(ds >= 0, LIE_ERR_FORMAT, "fixture has no %s", name);
  hid_t sp = H5Dget_space(ds);
  hssize_t np = H5Sget_simple_extent_npoints(sp);
  H5Sclose(sp);
  herr_t e = (size_t)np == n ? H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst) : -1;
  H5Dclose(ds);
  LIE_CHECK(e >= 0, LIE_ERR_FORMAT, "fixture %s: %lld values, expected %zu", name, (long long)np, n);
  return LIE_OK;
}

/* max|a - b| / max|b|; NaN anywhere gives NaN (so the <= test fails) */
static double rel_diff(const float *a, const float *b, size_t n) {
  double d = 0, m = 0;
  for (size_t i = 0; i < n; i++) {
    double e = fabs((double)a[i] - b[i]);
    if (!(e <= d)) d = e;
    if (fabs((double)b[i]) > m) m = fabs((double)b[i]);
  }
  return d / (m > 0 ? m : 1.0);
}

/* every trainable (or buffer) entry of the net against the fixture group root/<name> */
static void compare_state(lie_nn_net net, hid_t f, const char *root, int trainable, const float *got,
                          const char *label) {
  char path[256], what[256];
  for (int i = 0; i < lie_nn_net_ntensors_info(net); i++) {
    const lie_nn_tensor_info *in = lie_nn_net_tensor_info(net, i);
    if (in->trainable != trainable || in->is_counter) continue;
    snprintf(path, sizeof path, "%s/%s", root, in->name);
    float *want = malloc(in->size * sizeof(float));
    double d = INFINITY;
    if (!read_floats(f, path, want, in->size))
      d = rel_diff(got + in->offset, want, in->size);
    else
      lie_error_print(stderr, 0, 0, 0);
    snprintf(what, sizeof what, "%s %s %s", label, trainable ? "grad" : "buffer", in->name);
    LIE_TEST_LE(d, tol, what);
    free(want);
  }
}

static int run(lie_ctx ctx, const char *srcdir, lie_nn_backend be, const char *model, int cin, int cout, int width,
               int modes, int layers, int B, int H, int W) {
  char path[1024], what[160];
  lie_nn_stepper_opts o;
  lie_nn_net net;
  int x, y;
  snprintf(path, sizeof path, "%s/tests/nn/fixture_stepper_%s.h5", srcdir, model);
  LIE_CALL(lie_nn_stepper_kind_from_name(model, &o.kind));
  lie_nn_stepper_opts_default(o.kind, &o);
  o.cin = cin, o.cout = cout, o.width = width, o.modes = modes, o.layers = layers;
  LIE_CALL(lie_nn_net_create(ctx, &net));
  LIE_CALL(lie_nn_net_set_backend(net, be));
  LIE_CALL(lie_nn_input(net, cin, H, W, &x));
  LIE_CALL(lie_nn_stepper(net, "model/", &o, x, &y));
  LIE_CALL(lie_nn_net_setup(net, B));
  LIE_CALL(lie_nn_checkpoint_load(net, NULL, path)); /* PyTorch's state dict, by name */
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  LIE_CHECK(f >= 0, LIE_ERR_IO, "cannot open fixture %s", path);
  size_t nx = (size_t)B * cin * H * W, ny = (size_t)B * cout * H * W;
  float *in = malloc(nx * 4), *dy = malloc(ny * 4), *yw = malloc(ny * 4), *dxw = malloc(nx * 4), *dx = malloc(nx * 4);
  LIE_CALL(read_floats(f, "fixture/input", in, nx));
  LIE_CALL(read_floats(f, "fixture/dy", dy, ny));
  LIE_CALL(read_floats(f, "fixture/output", yw, ny));
  LIE_CALL(read_floats(f, "fixture/dinput", dxw, nx));
  LIE_CALL(lie_nn_net_forward(net, in, 1));
  snprintf(what, sizeof what, "%s [%s] output", model, lie_nn_backend_name(be));
  LIE_TEST_LE(rel_diff(lie_nn_net_output(net), yw, ny), tol, what);
  LIE_CALL(lie_nn_net_backward(net, dy, dx));
  snprintf(what, sizeof what, "%s [%s] input gradient", model, lie_nn_backend_name(be));
  LIE_TEST_LE(rel_diff(dx, dxw, nx), tol, what);
  snprintf(what, sizeof what, "%s [%s]", model, lie_nn_backend_name(be));
  compare_state(net, f, "grad", 1, lie_nn_net_grads(net, NULL), what);
  compare_state(net, f, "after", 0, lie_nn_net_buffers(net, NULL), what);
  H5Fclose(f);
  free(in), free(dy), free(yw), free(dxw), free(dx);
  LIE_CALL(lie_nn_net_destroy(&net));
  return LIE_OK;
}

/* checkpoint round trip of an FNO (complex weights stored as (in,out,modes,2)) with its
 * AdamW moments: a fresh net loads bit-identical parameters and gives the same output */
static void roundtrip(lie_ctx ctx, lie_nn_backend be) {
  lie_nn_stepper_opts o;
  lie_nn_net net[2];
  lie_nn_adamw opt[2];
  lie_nn_adamw_opts ao;
  const char *path = "test_nn_stepper_ckpt.h5";
  float in[2 * 5 * 16], dy[2 * 3 * 16];
  lie_nn_adamw_opts_default(&ao);
  lie_nn_stepper_opts_default(LIE_NN_STEPPER_FNO, &o);
  o.cin = 5, o.cout = 3, o.width = 8, o.modes = 4, o.layers = 2;
  for (int i = 0; i < 2 * 5 * 16; i++)
    in[i] = (float)sin(0.37 * i);
  for (int i = 0; i < 2 * 3 * 16; i++)
    dy[i] = (float)cos(0.21 * i);
  for (int k = 0; k < 2; k++) {
    int x, y;
    LIE_TEST_CALL(lie_nn_net_create(ctx, &net[k]));
    LIE_TEST_CALL(lie_nn_net_set_backend(net[k], be));
    LIE_TEST_CALL(lie_nn_input(net[k], o.cin, 1, 16, &x));
    LIE_TEST_CALL(lie_nn_stepper(net[k], "stepper/", &o, x, &y));
    LIE_TEST_CALL(lie_nn_net_setup(net[k], 2));
    LIE_TEST_CALL(lie_nn_net_init(net[k], 10 + k));
    LIE_TEST_CALL(lie_nn_stepper_init(net[k], "stepper/", &o, 20 + k));
    LIE_TEST_CALL(lie_nn_adamw_create(net[k], &ao, &opt[k]));
  }
  LIE_TEST_CALL(lie_nn_net_forward(net[0], in, 1));
  LIE_TEST_CALL(lie_nn_net_backward(net[0], dy, NULL));
  LIE_TEST_CALL(lie_nn_adamw_step(opt[0], 1e-3));
  LIE_TEST_CALL(lie_nn_checkpoint_save(net[0], opt[0], path));
  LIE_TEST_CALL(lie_nn_checkpoint_load(net[1], opt[1], path));
  size_t np;
  const float *p0 = lie_nn_net_params(net[0], &np), *p1 = lie_nn_net_params(net[1], NULL);
  LIE_TEST_TRUE(!memcmp(p0, p1, np * sizeof(float)), "fno checkpoint round trip: parameters bit-identical");
  const lie_nn_tensor_info *info = NULL;
  LIE_TEST_TRUE(lie_nn_net_find(net[1], "stepper/fourier_layers.1.weights", &info) && info->ndims == 4 &&
                    info->dims[0] == 8 && info->dims[1] == 8 && info->dims[2] == 4 && info->dims[3] == 2,
                "spectral weights stored (in, out, modes, 2)");
  LIE_TEST_CALL(lie_nn_net_forward(net[0], in, 0));
  LIE_TEST_CALL(lie_nn_net_forward(net[1], in, 0));
  LIE_TEST_TRUE(!memcmp(lie_nn_net_output(net[0]), lie_nn_net_output(net[1]), sizeof dy),
                "fno checkpoint round trip: same output");
  LIE_TEST_TRUE(lie_nn_adamw_nsteps(opt[1]) == 1, "optimizer step restored");
  for (int k = 0; k < 2; k++)
    lie_nn_adamw_destroy(&opt[k]), lie_nn_net_destroy(&net[k]);
  remove(path);
}

/* builds kind on a (C,H,W) input; returns the error code (0 = accepted) */
static int try_build(lie_ctx ctx, const char *kind, int C, int H, int W, int modes, int layers) {
  lie_nn_stepper_opts o;
  lie_nn_net net;
  int x, y, e;
  LIE_CALL(lie_nn_stepper_kind_from_name(kind, &o.kind));
  lie_nn_stepper_opts_default(o.kind, &o);
  o.cin = 4, o.cout = 2, o.width = 8, o.modes = modes, o.layers = layers;
  LIE_CALL(lie_nn_net_create(ctx, &net));
  LIE_CALL(lie_nn_input(net, C, H, W, &x));
  e = lie_nn_stepper(net, "", &o, x, &y);
  lie_nn_net_destroy(&net);
  return e;
}

/* names, defaults and the refusals a caller relies on (a clear error, never a crash) */
static void api_checks(lie_ctx ctx) {
  lie_nn_stepper_kind k;
  lie_nn_stepper_opts o;
  const char *names[4] = {"cnn", "fno", "resnet", "unet"};
  for (int i = 0; i < 4; i++) {
    int ok = lie_nn_stepper_kind_from_name(names[i], &k) == 0 && !strcmp(lie_nn_stepper_kind_name(k), names[i]);
    LIE_TEST_TRUE(ok, names[i]);
  }
  LIE_TEST_TRUE(lie_nn_stepper_kind_from_name("transformer", &k) == LIE_ERR_USAGE, "unknown model name: usage error");
  lie_nn_stepper_opts_default(LIE_NN_STEPPER_FNO, &o);
  LIE_TEST_TRUE(o.width == 256 && o.modes == 32 && o.layers == 5 && o.cin == 22 && o.cout == 20,
                "fno defaults: LPSDA's width 256, 32 modes, 5 layers, 20+2 -> 20");
  lie_nn_stepper_opts_default(LIE_NN_STEPPER_CNN, &o);
  LIE_TEST_TRUE(o.width == 128, "cnn default width 128");
  LIE_TEST_TRUE(try_build(ctx, "cnn", 4, 1, 32, 0, 0) == 0, "cnn (4,1,32) accepted");
  LIE_TEST_TRUE(try_build(ctx, "cnn", 5, 1, 32, 0, 0) == LIE_ERR_ARG, "cnn: input channels != cin refused");
  LIE_TEST_TRUE(try_build(ctx, "cnn", 4, 3, 32, 0, 0) == LIE_ERR_ARG, "cnn: a 2D input refused");
  LIE_TEST_TRUE(try_build(ctx, "cnn", 4, 1, 6, 0, 0) == LIE_ERR_ARG, "cnn: nx smaller than the 15-tap padding refused");
  LIE_TEST_TRUE(try_build(ctx, "fno", 4, 1, 32, 17, 1) == 0, "fno: 17 modes of nx 32 (Nyquist) accepted");
  LIE_TEST_TRUE(try_build(ctx, "fno", 4, 1, 32, 18, 1) == LIE_ERR_ARG, "fno: 18 modes of nx 32 refused");
  LIE_TEST_TRUE(try_build(ctx, "unet", 4, 32, 32, 0, 3) == 0, "unet depth 3 on 32x32 accepted");
  LIE_TEST_TRUE(try_build(ctx, "unet", 4, 24, 32, 0, 4) == LIE_ERR_ARG, "unet depth 4 on 24x32 refused");
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  lie_ctx ctx;
  lie_nn_backend be = LIE_NN_BACKEND_REF;
  if (argc < 2) {
    printf("usage: test_nn_stepper SRCDIR [ref|dnnl] [tolerance]\n");
    return 1;
  }
  if (argc > 2) LIE_TEST_CALL(lie_nn_backend_from_name(argv[2], &be));
  if (argc > 3) tol = atof(argv[3]);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  api_checks(ctx);
  roundtrip(ctx, be);
  /* sizes as in stepper_fixtures.py */
  LIE_TEST_CALL(run(ctx, argv[1], be, "cnn", 6, 4, 16, 0, 0, 3, 1, 32));
  LIE_TEST_CALL(run(ctx, argv[1], be, "fno", 6, 4, 8, 6, 2, 3, 1, 32));
  LIE_TEST_CALL(run(ctx, argv[1], be, "resnet", 6, 4, 8, 0, 0, 3, 1, 32));
  LIE_TEST_CALL(run(ctx, argv[1], be, "unet", 3, 2, 4, 0, 3, 2, 32, 32));
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
