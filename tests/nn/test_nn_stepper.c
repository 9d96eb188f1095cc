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
  /* sizes as in stepper_fixtures.py */
  LIE_TEST_CALL(run(ctx, argv[1], be, "cnn", 6, 4, 16, 0, 0, 3, 1, 32));
  LIE_TEST_CALL(run(ctx, argv[1], be, "fno", 6, 4, 8, 6, 2, 3, 1, 32));
  LIE_TEST_CALL(run(ctx, argv[1], be, "resnet", 6, 4, 8, 0, 0, 3, 1, 32));
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
