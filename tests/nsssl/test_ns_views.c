/* Navier–Stokes training data (lie_ssl_data on PDEArena-layout files), run on 1 and 2 ranks:
 *  - layout detection (root attribute pde = "ns", and a file without it), sizes, grid;
 *  - per-field statistics against a two-pass reference (smoke; vx, vy means, pooled std);
 *  - model input layout: (3 crop_t, nx, ny) in grid mode, (6 crop_t, nx, ny) in coords mode;
 *  - the plain (embedding) input equals the stored crop normalised, channel f crop_t + n =
 *    field f at frame n; coords channels X/Lx, Y/Ly, T/T_end;
 *  - a view with every generator at strength 0 (grid mode: Fourier resampling by 0) equals
 *    the normalised stored data over some time window, to float rounding;
 *  - per-field normalisation survives a checkpoint round trip (crop_y, norm_fields);
 *  - bad input: missing split, crop larger than the data, 1D model, space crop, NaN
 *    trajectory, -data_field on NS data: each a clear error. */
#include <string.h>

#include "lie_test.h"

enum { N = 6, NT = 8, NX = 8, NY = 12 };
static const double H = 0.5; /* grid spacing: box 4 x 6, cell centres (i + 1/2) h */

static double field(int c, int i, int n, int a, int b) {
  double x = (a + 0.5) * H, y = (b + 0.5) * H, t = 1.5 * (n + 2);
  if (c == 0) return 1.0 + 0.3 * i + sin(2 * M_PI * x / (NX * H) + 0.1 * t) * cos(2 * M_PI * y / (NY * H));
  if (c == 1) return 0.2 * cos(2 * M_PI * (x + y) / 12.0 + 0.05 * t * (i + 1));
  return 0.05 * i - 0.4 * sin(2 * M_PI * y / (NY * H)) * (1 + 0.01 * t);
}

/* Rank 0 fills every row; the writes are collective (others select nothing). */
static int write_ns(lie_ctx ctx, const char *path, int stamp, int nan_traj) {
  static const char *names[] = {"u", "vx", "vy", "t", "x", "y", "buo_y"};
  hid_t f, g, d[7];
  size_t fr = (size_t)NT * NX * NY;
  double *F[3], *t, *x, *y, *b;
  int me = lie_ctx_rank(ctx) == 0;
  LIE_CALL(lie_h5_create(ctx, path, &f));
  if (stamp) LIE_CALL(lie_h5_stamp(f, "ns"));
  LIE_H5(g = H5Gcreate2(f, "train", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  hsize_t d4[4] = {N, NT, NX, NY}, dt[2] = {N, NT}, dx[2] = {N, NX}, dy[2] = {N, NY}, d1[1] = {N};
  const hsize_t *dims[7] = {d4, d4, d4, dt, dx, dy, d1};
  const int rank[7] = {4, 4, 4, 2, 2, 2, 1};
  for (int k = 0; k < 7; k++)
    LIE_CALL(lie_h5_dataset_create(g, names[k], H5T_IEEE_F64LE, rank[k], dims[k], &d[k]));
  for (int c = 0; c < 3; c++)
    LIE_ALLOC(F[c], N * fr);
  LIE_ALLOC(t, N * NT);
  LIE_ALLOC(x, N * NX);
  LIE_ALLOC(y, N * NY);
  LIE_ALLOC(b, N);
  for (int i = 0; i < N; i++) {
    for (int c = 0; c < 3; c++)
      for (int n = 0; n < NT; n++)
        for (int a = 0; a < NX; a++)
          for (int q = 0; q < NY; q++)
            F[c][i * fr + ((size_t)n * NX + a) * NY + q] = field(c, i, n, a, q);
    for (int n = 0; n < NT; n++)
      t[i * NT + n] = 1.5 * (n + 2);
    for (int a = 0; a < NX; a++)
      x[i * NX + a] = (a + 0.5) * H;
    for (int q = 0; q < NY; q++)
      y[i * NY + q] = (q + 0.5) * H;
    b[i] = 0.2 + 0.05 * i;
  }
  if (nan_traj >= 0) F[2][nan_traj * fr + 17] = NAN;
  double *src[7] = {F[0], F[1], F[2], t, x, y, b};
  for (int k = 0; k < 7; k++) {
    LIE_CALL(lie_h5_rows_write(d[k], H5T_NATIVE_DOUBLE, 0, 1, me ? N : 0, src[k]));
    H5Dclose(d[k]);
  }
  for (int c = 0; c < 3; c++)
    free(F[c]);
  free(t), free(x), free(y), free(b);
  H5Gclose(g);
  LIE_CALL(lie_h5_close(&f));
  return LIE_OK;
}

/* Two-pass reference statistics over all trajectories. */
static void ref_stats(double *mean, double *std) {
  double var[3];
  long cnt = (long)N * NT * NX * NY;
  for (int c = 0; c < 3; c++) {
    double s = 0, ss = 0;
    for (int i = 0; i < N; i++)
      for (int n = 0; n < NT; n++)
        for (int a = 0; a < NX; a++)
          for (int q = 0; q < NY; q++)
            s += field(c, i, n, a, q);
    mean[c] = s / cnt;
    for (int i = 0; i < N; i++)
      for (int n = 0; n < NT; n++)
        for (int a = 0; a < NX; a++)
          for (int q = 0; q < NY; q++)
            ss += pow(field(c, i, n, a, q) - mean[c], 2);
    var[c] = ss / cnt;
  }
  std[0] = sqrt(var[0]);
  std[1] = std[2] = sqrt(0.5 * (var[1] + var[2]));
}

/* max |x - normalised stored frames [t0, t0 + ct) of trajectory i| over the field channels. */
static double input_error(const float *x, int i, int t0, int ct, const double *mean, const double *std) {
  double e = 0;
  for (int c = 0; c < 3; c++)
    for (int n = 0; n < ct; n++)
      for (int a = 0; a < NX; a++)
        for (int q = 0; q < NY; q++) {
          double want = (field(c, i, t0 + n, a, q) - mean[c]) / std[c];
          e = lie_test_max(e, fabs(x[((size_t)(c * ct + n) * NX + a) * NY + q] - want));
        }
  return e;
}

static void expect_err(int e, int code, const char *what, const char *label) {
  LIE_TEST_TRUE(e == code && strstr(lie_error_message(), what), label);
  printf("     (message: %s)\n", lie_error_message());
  lie_error_clear();
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  lie_ssl_data d, dn = NULL, draw;
  char path[64], nanp[64], raw[64], ck[64];
  double mean[LIE_SSL_MAX_FIELDS], std[LIE_SSL_MAX_FIELDS], rm[3], rs[3];
  int n, nt, nx, ny, C, Hh, W;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  int P = lie_ctx_size(ctx);
  snprintf(path, sizeof path, "nsviews_np%d.h5", P);
  snprintf(nanp, sizeof nanp, "nsviews_np%d_nan.h5", P);
  snprintf(raw, sizeof raw, "nsviews_np%d_raw.h5", P);
  snprintf(ck, sizeof ck, "nsviews_np%d_ckpt.h5", P);
  LIE_TEST_CALL(write_ns(ctx, path, 1, -1));
  LIE_TEST_CALL(write_ns(ctx, nanp, 1, 3));
  LIE_TEST_CALL(write_ns(ctx, raw, 0, -1));

  LIE_TEST_CALL(lie_ssl_data_open(ctx, path, "train", "", &d));
  LIE_TEST_CALL(lie_ssl_data_grid(d, &n, &nt, &nx, &ny));
  LIE_TEST_TRUE(lie_ssl_data_is_ns(d) && lie_ssl_data_nfields(d) == 3, "pde=ns file read as NS data with 3 fields");
  LIE_TEST_TRUE(n == N && nt == NT && nx == NX && ny == NY, "sizes 6 trajectories x 8 frames x 8 x 12");
  LIE_TEST_CALL(lie_ssl_data_open(ctx, raw, NULL, NULL, &draw));
  LIE_TEST_TRUE(lie_ssl_data_is_ns(draw), "file without a pde attribute detected as NS from its datasets");
  lie_ssl_data_close(&draw);

  LIE_TEST_CALL(lie_ssl_data_stats_fields(d, mean, std));
  ref_stats(rm, rs);
  const char *fn[3] = {"smoke", "vx", "vy"};
  for (int c = 0; c < 3; c++) {
    char what[64];
    snprintf(what, sizeof what, "mean of %s vs two-pass reference", fn[c]);
    LIE_TEST_NEAR(mean[c], rm[c], 1e-12 * (1 + fabs(rm[c])), what);
    snprintf(what, sizeof what, "std of %s vs reference (velocity pooled)", fn[c]);
    LIE_TEST_NEAR(std[c], rs[c], 1e-12 * rs[c], what);
  }
  LIE_TEST_TRUE(std[1] == std[2], "vx and vy share one std (rotations stay rotations)");
  lie_ssl_data_set_norm_fields(d, mean, std);

  /* input layout */
  lie_aug_opts aug;
  lie_ssl_model_opts m, mc;
  LIE_TEST_CALL(lie_aug_opts_default(LIE_PDE_NS, &aug));
  aug.crop_t = 4;
  LIE_TEST_CALL(lie_ssl_data_model_opts(d, &aug, 2, 4, &m));
  LIE_TEST_CALL(lie_ssl_model_input_shape(&m, &C, &Hh, &W));
  LIE_TEST_TRUE(m.cin == 3 && m.crop_t == 4 && m.crop_x == NX && m.crop_y == NY && C == 12 && Hh == NX && W == NY,
                "grid mode input (3 fields x 4 frames, nx, ny) = (12, 8, 12)");
  aug.mode = LIE_AUG_COORDS;
  LIE_TEST_CALL(lie_ssl_data_model_opts(d, &aug, 2, 4, &mc));
  LIE_TEST_CALL(lie_ssl_model_input_shape(&mc, &C, &Hh, &W));
  LIE_TEST_TRUE(mc.cin == 6 && C == 24 && Hh == NX && W == NY, "coords mode input (6 x 4, 8, 12) = (24, 8, 12)");
  aug.mode = LIE_AUG_GRID;

  /* plain inputs */
  size_t len = (size_t)4 * NX * NY;
  float *x = malloc(sizeof(float) * 6 * len), *x2 = malloc(sizeof(float) * 6 * len);
  LIE_TEST_CALL(lie_ssl_data_plain(d, &aug, &m, 2, x));
  LIE_TEST_LE(input_error(x, 2, 0, 4, mean, std), 2e-6, "plain input = (stored frames 0..3 - mean_f) / std_f");
  aug.mode = LIE_AUG_COORDS;
  LIE_TEST_CALL(lie_ssl_data_plain(d, &aug, &mc, 2, x));
  double ec = input_error(x, 2, 0, 4, mean, std), eX = 0;
  for (int k = 0; k < 4; k++)
    for (int a = 0; a < NX; a++)
      for (int q = 0; q < NY; q++) {
        size_t o = ((size_t)k * NX + a) * NY + q;
        eX = lie_test_max(eX, fabs(x[3 * len + o] - (a + 0.5) / NX));
        eX = lie_test_max(eX, fabs(x[4 * len + o] - (q + 0.5) / NY));
        eX = lie_test_max(eX, fabs(x[5 * len + o] - (k + 2) / 9.0));
      }
  LIE_TEST_LE(ec, 2e-6, "coords plain input: field channels as grid mode");
  LIE_TEST_LE(eX, 1e-6, "coords channels X/Lx, Y/Ly, T/T_end");
  aug.mode = LIE_AUG_GRID;

  /* zero-strength views: the stored data over some window */
  for (int g = 0; g < aug.ngen; g++)
    aug.strength[g] = 0.0;
  for (int trial = 0; trial < 3; trial++) {
    uint64_t seed = lie_seed_derive(11, 1, (uint64_t)trial);
    LIE_TEST_CALL(lie_ssl_data_view(d, &aug, &m, seed, trial, x));
    LIE_TEST_CALL(lie_ssl_data_view(d, &aug, &m, seed, trial, x2));
    double best = INFINITY;
    for (int t0 = 0; t0 + 4 <= NT; t0++)
      best = fmin(best, input_error(x, trial, t0, 4, mean, std));
    char what[96];
    snprintf(what, sizeof what, "identity view of trajectory %d (all %d generators at 0) = a stored window", trial,
             aug.ngen);
    LIE_TEST_LE(best, 1e-5, what);
    LIE_TEST_TRUE(!memcmp(x, x2, sizeof(float) * len), "  ... and the same seed gives the same view");
  }
  lie_aug_opts none = aug;
  none.ngen = 0, none.order = 1;
  LIE_TEST_CALL(lie_ssl_data_view(d, &none, &m, 5, 4, x));
  double best = INFINITY;
  for (int t0 = 0; t0 + 4 <= NT; t0++)
    best = fmin(best, input_error(x, 4, t0, 4, mean, std));
  LIE_TEST_LE(best, 2e-6, "crop-only view (no generator) = a stored window");

  /* checkpoint: NS model and per-field normalisation round trip */
  lie_nn_net net;
  int repr, out;
  lie_pretrain_state st, back;
  memset(&st, 0, sizeof st);
  st.version = LIE_PRETRAIN_CKPT_VERSION, st.batch = 2, st.seed = 3, st.model = m;
  st.nnorm = 3, st.norm_mean = mean[0], st.norm_std = std[0];
  for (int c = 0; c < 3; c++)
    st.norm_fmean[c] = mean[c], st.norm_fstd[c] = std[c];
  snprintf(st.pde, sizeof st.pde, "ns");
  snprintf(st.aug_mode, sizeof st.aug_mode, "grid");
  LIE_TEST_CALL(lie_nn_net_create(ctx, &net));
  LIE_TEST_CALL(lie_nn_net_set_backend(net, LIE_NN_BACKEND_REF));
  LIE_TEST_CALL(lie_ssl_model_build(net, &m, &repr, &out));
  LIE_TEST_CALL(lie_nn_net_setup(net, 2));
  LIE_TEST_CALL(lie_nn_net_init(net, 1));
  LIE_TEST_CALL(lie_pretrain_ckpt_save(ctx, net, NULL, &st, ck));
  LIE_TEST_CALL(lie_pretrain_ckpt_read_state(ctx, ck, &back));
  LIE_TEST_TRUE(back.model.crop_y == NY && back.model.crop_x == NX && back.model.cin == 3 && back.nnorm == 3,
                "checkpoint keeps the NS input layout (crop_y) and 3 normalised fields");
  LIE_TEST_TRUE(back.norm_fmean[1] == mean[1] && back.norm_fstd[2] == std[2] && back.norm_fmean[0] == mean[0],
                "  ... with the per-field means and stds exactly");
  lie_nn_net_destroy(&net);

  /* bad input */
  expect_err(lie_ssl_data_open(ctx, path, "valid", "", &dn), LIE_ERR_USAGE, "has no group '/valid'",
             "missing split: clear error");
  lie_ssl_data_close(&dn);
  expect_err(lie_ssl_data_open(ctx, path, "train", "pde_8-8", &dn), LIE_ERR_USAGE, "-data_field",
             "-data_field on NS data refused");
  lie_ssl_data_close(&dn);
  lie_aug_opts big = aug;
  big.crop_t = NT + 1;
  expect_err(lie_ssl_data_model_opts(d, &big, 2, 4, &mc), LIE_ERR_USAGE, "larger than the trajectories",
             "crop of 9 frames on 8-frame data refused");
  expect_err(lie_ssl_data_model_opts(d, &aug, 1, 4, &mc), LIE_ERR_USAGE, "-model_dims 2", "1D model refused on NS");
  big = aug, big.crop_x = 4;
  expect_err(lie_ssl_data_model_opts(d, &big, 2, 4, &mc), LIE_ERR_USAGE, "keep the whole", "space crop refused");
  LIE_TEST_CALL(lie_ssl_data_open(ctx, nanp, "train", "", &dn));
  LIE_TEST_CALL(lie_ssl_data_plain(dn, &aug, &m, 2, x));
  expect_err(lie_ssl_data_view(dn, &aug, &m, 1, 3, x), LIE_ERR_FORMAT, "trajectory 3 has NaN/Inf values in 'vy'",
             "NaN trajectory named in the error");
  lie_ssl_data_close(&dn);

  free(x), free(x2);
  lie_ssl_data_close(&d);
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
