/* Whole-model checks on a tiny ResNet-18 + expander (reference backend):
 *  - central-difference directional derivatives of L = sum r_i y_i along random directions v
 *    (each element scaled by max(|theta_i|, 0.1), h = 1e-4) in parameter space, per tensor,
 *    and in input space, vs g.v from backward. Error measured against sum_i |g_i v_i| (the
 *    scale of g.v before cancellation), tol 5e-3: the forward is float (rounding of L ~1e-6,
 *    /2h ~ 5e-3 absolute) and a ReLU kink crossed by the +-h step adds O(1e-3). The exact
 *    per-tensor comparison with PyTorch is test_nn_fixture's job; this one catches a
 *    backward that disagrees with our own forward anywhere in the graph;
 *  - checkpoint save -> load into a fresh net -> identical outputs (bit for bit), with the
 *    optimizer state; missing / wrong-shaped tensors give an error naming the tensor;
 *  - AdamW against the formula, weight-decay exclusion, gradient clipping, cosine schedule;
 *  - parameter counts against torchvision's resnet18 (11,176,512 params without fc). */
#include "nn_models.h"

#include <hdf5.h>
#include <string.h>
#include <unistd.h>

static lie_rng rng;

static double loss_of(lie_nn_net net, const float *x, const float *r, size_t ny) {
  if (lie_nn_net_forward(net, x, 1)) return NAN;
  const float *y = lie_nn_net_output(net);
  double s = 0;
  for (size_t i = 0; i < ny; i++)
    s += (double)r[i] * y[i];
  return s;
}

/* The forward in training mode updates BN running stats; they do not affect the training-
 * mode output, so repeated forwards see the same function. */
static void test_gradcheck(lie_ctx ctx, int dims) {
  model_cfg c = {dims, 2, 2, dims == 2 ? 32 : 1, dims == 2 ? 32 : 128, 4, 2, {8, 6}, LIE_NN_BACKEND_REF};
  lie_nn_net net;
  int rep;
  LIE_TEST_CALL(build_model(ctx, &c, &net, &rep));
  LIE_TEST_CALL(lie_nn_net_init(net, 7));
  size_t nx = (size_t)c.B * c.cin * c.H * c.W, ny = (size_t)c.B * 6, np;
  float *x = malloc(nx * 4), *dx = malloc(nx * 4), *r = malloc(ny * 4), *v = malloc(nx * 4);
  for (size_t i = 0; i < nx; i++)
    x[i] = (float)lie_rng_normal(&rng);
  for (size_t i = 0; i < ny; i++)
    r[i] = (float)lie_rng_range(&rng, -1, 1);
  LIE_TEST_CALL(lie_nn_net_forward(net, x, 1));
  LIE_TEST_CALL(lie_nn_net_backward(net, r, dx));
  float *p = lie_nn_net_params(net, &np), *g = malloc(np * 4), *p0 = malloc(np * 4), *dir = malloc(np * 4);
  memcpy(g, lie_nn_net_grads(net, NULL), np * 4);
  memcpy(p0, p, np * 4);
  char what[128];
  const double h = 1e-4;
  for (int k = 0; k < 3; k++) {
    double gv = 0, sc = 0;
    for (size_t i = 0; i < np; i++) {
      dir[i] = (float)(lie_rng_range(&rng, -1, 1) * lie_test_max(fabs(p0[i]), 0.1));
      gv += (double)g[i] * dir[i], sc += fabs((double)g[i] * dir[i]);
    }
    for (size_t i = 0; i < np; i++)
      p[i] = p0[i] + (float)h * dir[i];
    double lp = loss_of(net, x, r, ny);
    for (size_t i = 0; i < np; i++)
      p[i] = p0[i] - (float)h * dir[i];
    double lm = loss_of(net, x, r, ny);
    memcpy(p, p0, np * 4);
    double num = (lp - lm) / (2 * h);
    snprintf(what, sizeof what, "ResNet-18 %dD + expander: d/dtheta along direction %d (g.v = %.4e, sum|g v| = %.3e)",
             dims, k, gv, sc);
    LIE_TEST_LE(fabs(num - gv) / sc, 5e-3, what);
  }
  /* per-tensor directions: catches an error confined to one small tensor */
  const char *names[] = {"encoder/conv1.weight",        "encoder/layer3.0.downsample.0.weight",
                         "encoder/layer2.1.bn2.weight", "encoder/layer4.1.conv2.weight",
                         "expander/0.weight",           "expander/1.bias"};
  for (int t = 0; t < 6; t++) {
    const lie_nn_tensor_info *in;
    float *q = lie_nn_net_find(net, names[t], &in);
    if (!q) {
      LIE_TEST_TRUE(0, names[t]);
      continue;
    }
    size_t off = (size_t)(q - p);
    double gv = 0, sc = 0;
    for (size_t i = 0; i < in->size; i++) {
      dir[i] = (float)(lie_rng_range(&rng, -1, 1) * lie_test_max(fabs(p0[off + i]), 0.1));
      gv += (double)g[off + i] * dir[i], sc += fabs((double)g[off + i] * dir[i]);
    }
    for (size_t i = 0; i < in->size; i++)
      q[i] = p0[off + i] + (float)h * dir[i];
    double lp = loss_of(net, x, r, ny);
    for (size_t i = 0; i < in->size; i++)
      q[i] = p0[off + i] - (float)h * dir[i];
    double lm = loss_of(net, x, r, ny);
    memcpy(p, p0, np * 4);
    snprintf(what, sizeof what, "%dD gradient of %s along a random direction (g.v = %.4e)", dims, names[t], gv);
    LIE_TEST_LE(fabs((lp - lm) / (2 * h) - gv) / sc, 5e-3, what);
  }
  /* input gradient */
  double gv = 0, sc = 0;
  for (size_t i = 0; i < nx; i++)
    v[i] = (float)lie_rng_range(&rng, -1, 1), gv += (double)dx[i] * v[i], sc += fabs(dx[i] * v[i]);
  float *xp = malloc(nx * 4);
  for (size_t i = 0; i < nx; i++)
    xp[i] = x[i] + (float)h * v[i];
  double lp = loss_of(net, xp, r, ny);
  for (size_t i = 0; i < nx; i++)
    xp[i] = x[i] - (float)h * v[i];
  double lm = loss_of(net, xp, r, ny);
  snprintf(what, sizeof what, "%dD gradient w.r.t. the input along a random direction (g.v = %.4e)", dims, gv);
  LIE_TEST_LE(fabs((lp - lm) / (2 * h) - gv) / sc, 5e-3, what);
  free(x), free(dx), free(r), free(v), free(g), free(p0), free(dir), free(xp);
  lie_nn_net_destroy(&net);
}

static void test_param_counts(lie_ctx ctx) {
  /* torchvision resnet18 has 11,689,512 parameters; without fc (512*1000 + 1000) 11,176,512 */
  lie_nn_net net;
  int x, h;
  lie_nn_resnet_opts o = {2, 3, 64};
  LIE_TEST_CALL(lie_nn_net_create(ctx, &net));
  LIE_TEST_CALL(lie_nn_input(net, 3, 64, 64, &x));
  LIE_TEST_CALL(lie_nn_resnet18(net, "encoder/", &o, x, &h));
  LIE_TEST_CALL(lie_nn_net_set_backend(net, LIE_NN_BACKEND_REF));
  LIE_TEST_CALL(lie_nn_net_setup(net, 1));
  size_t np;
  lie_nn_net_params(net, &np);
  LIE_TEST_NEAR((double)np, 11176512.0, 0, "ResNet-18 (width 64) parameter count = torchvision's without fc");
  LIE_TEST_NEAR(lie_nn_net_ntensors_info(net), 122 - 2, 0, "state_dict entries = torchvision's without fc");
  /* forward FLOPs at 224x224: torchvision's published 1.81 GMACs -> 3.63 GFLOP (minus fc) */
  lie_nn_net_destroy(&net);
  LIE_TEST_CALL(lie_nn_net_create(ctx, &net));
  LIE_TEST_CALL(lie_nn_input(net, 3, 224, 224, &x));
  LIE_TEST_CALL(lie_nn_resnet18(net, "encoder/", &o, x, &h));
  LIE_TEST_NEAR(lie_nn_net_flops(net) / 1e9, 3.628, 0.01, "ResNet-18 224x224 forward GFLOP (conv) per sample");
  lie_nn_net_destroy(&net);
}

static void test_checkpoint(lie_ctx ctx) {
  model_cfg c = {2, 3, 4, 16, 16, 2, 2, {8, 8}, LIE_NN_BACKEND_REF};
  lie_nn_net a, b;
  int rep;
  LIE_TEST_CALL(build_model(ctx, &c, &a, &rep));
  LIE_TEST_CALL(lie_nn_net_init(a, 11));
  size_t nx = (size_t)c.B * 3 * 16 * 16, np, nb;
  float *x = malloc(nx * 4), dy[16];
  for (size_t i = 0; i < nx; i++)
    x[i] = (float)lie_rng_normal(&rng);
  for (int i = 0; i < 16; i++)
    dy[i] = 0.1f * (float)(i - 8);
  lie_nn_adamw_opts ao;
  lie_nn_adamw_opts_default(&ao);
  lie_nn_adamw oa, ob;
  LIE_TEST_CALL(lie_nn_adamw_create(a, &ao, &oa));
  for (int s = 0; s < 2; s++) { /* two steps: running stats, counters and moments non-trivial */
    LIE_TEST_CALL(lie_nn_net_forward(a, x, 1));
    LIE_TEST_CALL(lie_nn_net_backward(a, dy, NULL));
    LIE_TEST_CALL(lie_nn_adamw_step(oa, 1e-3));
  }
  const char *path = "test_nn_model_ckpt.h5";
  LIE_TEST_CALL(lie_nn_checkpoint_save(a, oa, path));
  LIE_TEST_CALL(build_model(ctx, &c, &b, &rep));
  LIE_TEST_CALL(lie_nn_adamw_create(b, &ao, &ob));
  LIE_TEST_CALL(lie_nn_checkpoint_load(b, ob, path));
  float *pa = lie_nn_net_params(a, &np), *pb = lie_nn_net_params(b, NULL);
  LIE_TEST_TRUE(!memcmp(pa, pb, np * 4), "checkpoint round trip: parameters identical");
  float *ba = lie_nn_net_buffers(a, &nb), *bb = lie_nn_net_buffers(b, NULL);
  LIE_TEST_TRUE(!memcmp(ba, bb, nb * 4), "checkpoint round trip: running stats and counters identical");
  const float *nbt = lie_nn_net_find(b, "encoder/bn1.num_batches_tracked", NULL);
  LIE_TEST_NEAR(nbt ? nbt[0] : -1, 2, 0, "num_batches_tracked saved and loaded");
  float *va, *vb, *ma = lie_nn_adamw_moments(oa, &va, NULL), *mb = lie_nn_adamw_moments(ob, &vb, NULL);
  LIE_TEST_TRUE(!memcmp(ma, mb, np * 4) && !memcmp(va, vb, np * 4) && lie_nn_adamw_nsteps(ob) == 2,
                "checkpoint round trip: AdamW moments and step identical");
  float *ya = malloc(64), *yb = malloc(64);
  LIE_TEST_CALL(lie_nn_net_forward(a, x, 0));
  memcpy(ya, lie_nn_net_output(a), 16 * 4);
  LIE_TEST_CALL(lie_nn_net_forward(b, x, 0));
  memcpy(yb, lie_nn_net_output(b), 16 * 4);
  LIE_TEST_TRUE(!memcmp(ya, yb, 16 * 4), "checkpoint round trip: identical eval outputs");
  /* layout: conv weight stored OIHW with PyTorch's shape */
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  hid_t ds = H5Dopen2(f, "encoder/layer2.0.conv1.weight", H5P_DEFAULT);
  hsize_t d[4] = {0};
  hid_t sp = H5Dget_space(ds);
  H5Sget_simple_extent_dims(sp, d, NULL);
  LIE_TEST_TRUE(H5Sget_simple_extent_ndims(sp) == 4 && d[0] == 8 && d[1] == 4 && d[2] == 3 && d[3] == 3,
                "encoder/layer2.0.conv1.weight stored as OIHW [8,4,3,3]");
  H5Sclose(sp), H5Dclose(ds);
  /* wrong shape, then missing tensor: the error must name it */
  H5Ldelete(f, "encoder/layer3.1.bn1.running_var", H5P_DEFAULT);
  hsize_t wrong = 5;
  sp = H5Screate_simple(1, &wrong, NULL);
  ds = H5Dcreate2(f, "encoder/layer3.1.bn1.running_var", H5T_IEEE_F32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dclose(ds), H5Sclose(sp);
  H5Ldelete(f, "expander/0.weight", H5P_DEFAULT);
  H5Fclose(f);
  lie_error_clear();
  int e = lie_nn_checkpoint_load(b, NULL, path);
  printf("     error: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_FORMAT && strstr(lie_error_message(), "encoder/layer3.1.bn1.running_var") &&
                    strstr(lie_error_message(), "[5]") && strstr(lie_error_message(), "[16]"),
                "wrong-shaped tensor: error names it and both shapes");
  f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  H5Ldelete(f, "encoder/layer3.1.bn1.running_var", H5P_DEFAULT);
  H5Fclose(f);
  lie_error_clear();
  e = lie_nn_checkpoint_load(b, NULL, path);
  printf("     error: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_FORMAT && strstr(lie_error_message(), "encoder/layer3.1.bn1.running_var"),
                "missing tensor: error names it");
  lie_error_clear();
  unlink(path);
  free(x), free(ya), free(yb);
  lie_nn_adamw_destroy(&oa), lie_nn_adamw_destroy(&ob);
  lie_nn_net_destroy(&a), lie_nn_net_destroy(&b);
}

static void test_optimizer(lie_ctx ctx) {
  lie_nn_net net;
  int x, y;
  LIE_TEST_CALL(lie_nn_net_create(ctx, &net));
  LIE_TEST_CALL(lie_nn_net_set_backend(net, LIE_NN_BACKEND_REF));
  LIE_TEST_CALL(lie_nn_input(net, 3, 1, 1, &x));
  LIE_TEST_CALL(lie_nn_linear(net, "head", x, 2, 1, &y));
  LIE_TEST_CALL(lie_nn_net_setup(net, 1));
  size_t np;
  float *p = lie_nn_net_params(net, &np), *g = lie_nn_net_grads(net, NULL);
  lie_nn_adamw_opts o = {0.1, 0.9, 0.999, 1e-8, 0.5, 0};
  lie_nn_adamw opt;
  LIE_TEST_CALL(lie_nn_adamw_create(net, &o, &opt));
  /* two steps by hand (double) for weight element 0 (decayed) and bias element 6 (not) */
  double w = p[0], b = p[6], mw = 0, vw = 0, mb = 0, vb = 0;
  double gw[2] = {0.3, -0.2}, gb[2] = {-0.05, 0.4};
  for (int t = 1; t <= 2; t++) {
    g[0] = (float)gw[t - 1], g[6] = (float)gb[t - 1];
    LIE_TEST_CALL(lie_nn_adamw_step(opt, 0.1));
    w *= 1 - 0.1 * 0.5;
    mw = 0.9 * mw + 0.1 * gw[t - 1], vw = 0.999 * vw + 0.001 * gw[t - 1] * gw[t - 1];
    w -= 0.1 * (mw / (1 - pow(0.9, t))) / (sqrt(vw / (1 - pow(0.999, t))) + 1e-8);
    mb = 0.9 * mb + 0.1 * gb[t - 1], vb = 0.999 * vb + 0.001 * gb[t - 1] * gb[t - 1];
    b -= 0.1 * (mb / (1 - pow(0.9, t))) / (sqrt(vb / (1 - pow(0.999, t))) + 1e-8);
  }
  LIE_TEST_NEAR(p[0], w, 1e-6, "AdamW two steps, decayed weight");
  LIE_TEST_NEAR(p[6], b, 1e-6, "AdamW two steps, bias excluded from weight decay");
  for (size_t i = 0; i < np; i++)
    g[i] = 1.0f; /* norm sqrt(8) */
  double norm;
  LIE_TEST_CALL(lie_nn_clip_grad_norm(net, 1.0, &norm));
  LIE_TEST_NEAR(norm, sqrt(8.0), 1e-6, "clip_grad_norm returns the norm before clipping");
  LIE_TEST_NEAR(g[3], 1.0 / (sqrt(8.0) + 1e-6), 1e-7, "clip_grad_norm scales by max/(norm+1e-6)");
  LIE_TEST_NEAR(lie_nn_cosine_lr(0, 10, 110, 1.0, 0.0), 0.1, 1e-12, "cosine lr: warmup step 0");
  LIE_TEST_NEAR(lie_nn_cosine_lr(9, 10, 110, 1.0, 0.0), 1.0, 1e-12, "cosine lr: end of warmup");
  LIE_TEST_NEAR(lie_nn_cosine_lr(60, 10, 110, 1.0, 0.0), 0.5, 1e-12, "cosine lr: half way");
  LIE_TEST_NEAR(lie_nn_cosine_lr(110, 10, 110, 1.0, 0.1), 0.1, 1e-12, "cosine lr: end = min_lr");
  lie_nn_adamw_destroy(&opt);
  lie_nn_net_destroy(&net);
}

/* generic MLP head: names follow nn.Sequential(Linear, ReLU, Linear); exact gradient check
 * (inputs away from the ReLU kink are not guaranteed, so the step is tiny and the loss is
 * accumulated in double from a double-accumulated forward) */
static void test_mlp_head(lie_ctx ctx) {
  lie_nn_net net;
  int x, y, sizes[3] = {5, 7, 3};
  LIE_TEST_CALL(lie_nn_net_create(ctx, &net));
  LIE_TEST_CALL(lie_nn_net_set_backend(net, LIE_NN_BACKEND_REF));
  LIE_TEST_CALL(lie_nn_input(net, 5, 1, 1, &x));
  LIE_TEST_CALL(lie_nn_mlp_head(net, "head/", 2, sizes, x, &y));
  LIE_TEST_CALL(lie_nn_net_setup(net, 4));
  LIE_TEST_TRUE(lie_nn_net_find(net, "head/0.weight", NULL) && lie_nn_net_find(net, "head/2.bias", NULL) &&
                    lie_nn_net_ntensors_info(net) == 4,
                "mlp head state names head/{0,2}.{weight,bias}");
  float xin[20], r[12];
  for (int i = 0; i < 20; i++)
    xin[i] = (float)lie_rng_normal(&rng);
  for (int i = 0; i < 12; i++)
    r[i] = (float)lie_rng_range(&rng, -1, 1);
  LIE_TEST_CALL(lie_nn_net_forward(net, xin, 1));
  LIE_TEST_CALL(lie_nn_net_backward(net, r, NULL));
  size_t np;
  float *p = lie_nn_net_params(net, &np), *g = lie_nn_net_grads(net, NULL);
  double worst = 0, gmax = 0;
  int skipped = 0;
  float h0[28], hp[28], hm[28]; /* hidden pre-activations (tensor 1): detect ReLU kinks */
  LIE_TEST_CALL(lie_nn_net_get_activation(net, 1, h0));
  for (size_t i = 0; i < np; i++) {
    float p0 = p[i];
    p[i] = p0 + 1e-3f;
    double lp = loss_of(net, xin, r, 12);
    lie_nn_net_get_activation(net, 1, hp);
    p[i] = p0 - 1e-3f;
    double lm = loss_of(net, xin, r, 12);
    lie_nn_net_get_activation(net, 1, hm);
    p[i] = p0;
    int kink = 0;
    for (int j = 0; j < 28; j++)
      kink |= (hp[j] > 0) != (h0[j] > 0) || (hm[j] > 0) != (h0[j] > 0);
    gmax = lie_test_max(gmax, fabs(g[i]));
    if (kink) { /* the +-h step crosses a ReLU kink: the difference quotient is not a derivative */
      skipped++;
      continue;
    }
    worst = lie_test_max(worst, fabs((lp - lm) / ((double)(p0 + 1e-3f) - (double)(p0 - 1e-3f)) - g[i]));
  }
  printf("     %d of %zu parameters skipped (their +-h step crosses a ReLU kink)\n", skipped, np);
  LIE_TEST_LE(skipped, np / 10, "mlp head: at most 10% of parameters skipped for kinks");
  LIE_TEST_LE(worst / gmax, 1e-3, "mlp head: every parameter's central difference vs backward");
  lie_nn_net_destroy(&net);
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  lie_ctx ctx;
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  lie_rng_seed(&rng, 2024);
  test_gradcheck(ctx, 2);
  test_gradcheck(ctx, 1);
  test_param_counts(ctx);
  test_checkpoint(ctx);
  test_optimizer(ctx);
  test_mlp_head(ctx);
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
