/* Ridge probe on an embedding file. Writes a synthetic EMB.h5 (path argv[1]; the CLI script
 * test test_probe_cli reuses it) whose representations encode the initial-condition modes and
 * log nu exactly (plus noise features) and are independent of buo_y, then checks the probe
 * recovers the encoded targets, does not "recover" the unrelated one, and rejects bad input.
 * Groups: /train (300), /test (100), /nolabels (emb only), /short (50 emb, 49 labels). */
#include "lie_test.h"

#include <string.h>

enum { D = 12, K = 10 };

static int write_ds(hid_t g, const char *name, hid_t type, int rank, hsize_t d0, hsize_t d1, const void *buf) {
  hsize_t dims[2] = {d0, d1};
  hid_t s = H5Screate_simple(rank, dims, NULL), d = H5Dcreate2(g, name, type, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  herr_t e = H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
  H5Dclose(d);
  H5Sclose(s);
  return e < 0;
}

/* n embeddings; labels for nlab rows (nlab < 0: no label datasets) */
static int write_group(hid_t file, const char *name, int n, int nlab, lie_rng *r) {
  float *emb = malloc(sizeof(float) * n * D);
  double *amp = malloc(sizeof(double) * n * K), *ph = malloc(sizeof(double) * n * K), *nu = malloc(sizeof(double) * n),
         *L = malloc(sizeof(double) * n), *buo = malloc(sizeof(double) * n), c[2];
  int *l = malloc(sizeof(int) * n * K), bad = 0;
  for (int i = 0; i < n; i++) {
    L[i] = 64 * lie_rng_range(r, 0.9, 1.1);
    nu[i] = exp(lie_rng_range(r, log(0.01), log(0.1)));
    buo[i] = lie_rng_range(r, 0.2, 0.5);
    for (int k = 0; k < K; k++) {
      amp[i * K + k] = lie_rng_range(r, -0.5, 0.5);
      ph[i * K + k] = lie_rng_range(r, 0, 2 * M_PI);
      l[i * K + k] = lie_rng_int(r, 1, 3);
    }
    lie_target_ic_modes(K, amp + i * K, ph + i * K, l + i * K, 2, c);
    emb[i * D + 0] = (float)(2 * c[0] - c[1] + 0.3);
    emb[i * D + 1] = (float)(c[0] + c[1]);
    emb[i * D + 2] = (float)(0.5 * log(nu[i]) + 1);
    for (int j = 3; j < D; j++)
      emb[i * D + j] = (float)lie_rng_normal(r);
  }
  hid_t g = H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  bad |= write_ds(g, "emb", H5T_NATIVE_FLOAT, 2, n, D, emb);
  if (nlab >= 0) {
    bad |= write_ds(g, "nu", H5T_NATIVE_DOUBLE, 1, nlab, 0, nu);
    bad |= write_ds(g, "L", H5T_NATIVE_DOUBLE, 1, nlab, 0, L);
    bad |= write_ds(g, "buo_y", H5T_NATIVE_DOUBLE, 1, nlab, 0, buo);
    bad |= write_ds(g, "ic_amp", H5T_NATIVE_DOUBLE, 2, nlab, K, amp);
    bad |= write_ds(g, "ic_phase", H5T_NATIVE_DOUBLE, 2, nlab, K, ph);
    bad |= write_ds(g, "ic_l", H5T_NATIVE_INT, 2, nlab, K, l);
  }
  H5Gclose(g);
  free(emb), free(amp), free(ph), free(nu), free(L), free(buo), free(l);
  return bad;
}

static void write_file(lie_ctx ctx, const char *path) {
  hid_t f;
  lie_rng r;
  lie_rng_seed(&r, 99);
  LIE_TEST_CALL(lie_h5_create(ctx, path, &f));
  int bad = write_group(f, "train", 300, 300, &r) | write_group(f, "test", 100, 100, &r) |
            write_group(f, "nolabels", 20, -1, &r) | write_group(f, "short", 50, 49, &r);
  LIE_TEST_CALL(lie_h5_close(&f));
  LIE_TEST_TRUE(!bad, "synthetic embedding file written");
}

static void expect_error(lie_ctx ctx, lie_probe_opts *o, const char *path, const char *target, int code,
                         const char *needle, const char *what) {
  lie_probe_result res;
  int e = lie_probe_run(ctx, o, path, target, &res);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == code && strstr(lie_error_message(), needle), what);
  lie_error_clear();
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  lie_probe_opts o;
  lie_probe_result res;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  if (argc < 2) {
    printf("FAIL usage: test_probe EMB.h5\n");
    return 1;
  }
  const char *path = argv[1];
  write_file(ctx, path);
  lie_probe_opts_default(&o);

  LIE_TEST_CALL(lie_probe_run(ctx, &o, path, "ic_mode", &res));
  printf("  ic_mode: nmse %.3e +- %.1e, lambda %.2g, ntrain %d ntest %d outputs %d\n", res.value, res.boot_std,
         res.lambda, res.ntrain, res.ntest, res.m);
  LIE_TEST_TRUE(res.metric == LIE_METRIC_NMSE && res.m == 2 && res.ntrain == 300 && res.ntest == 100 && res.d == D,
                "ic_mode: NMSE over 2 outputs, 300 train / 100 test rows, D = 12");
  LIE_TEST_LE(res.value, 1e-6, "ic_mode encoded linearly in the representation: test NMSE ~ 0");

  o.log_target = 1;
  LIE_TEST_CALL(lie_probe_run(ctx, &o, path, "nu", &res));
  printf("  nu (log fit): relerr %.3e %% +- %.1e\n", res.value, res.boot_std);
  LIE_TEST_LE(res.value, 1e-3, "log nu encoded linearly, -probe_log: relative error <= 1e-3 %");
  o.log_target = 0;
  LIE_TEST_CALL(lie_probe_run(ctx, &o, path, "nu", &res));
  printf("  nu (linear fit of a log-encoded target): relerr %.3f %% +- %.3f\n", res.value, res.boot_std);
  LIE_TEST_TRUE(res.metric == LIE_METRIC_RELERR && res.value > 1e-3 && res.value < 20,
                "nu fitted linearly: a small but non-zero relative error");

  o.metric = LIE_METRIC_NMSE;
  LIE_TEST_CALL(lie_probe_run(ctx, &o, path, "buo_y", &res));
  printf("  buo_y (unrelated to the representation): nmse %.3f +- %.3f, lambda %.2g\n", res.value, res.boot_std,
         res.lambda);
  LIE_TEST_TRUE(res.value > 0.9, "a target independent of the representation is not predicted (NMSE > 0.9)");
  o.metric = -1;

  o.ntrain = 64;
  LIE_TEST_CALL(lie_probe_run(ctx, &o, path, "ic_mode", &res));
  LIE_TEST_TRUE(res.ntrain == 64, "-probe_ntrain 64 uses 64 labelled rows");
  /* random labelled subsets for label-size sweeps: reproducible per seed, different across seeds */
  lie_probe_result r1, r1b, r2;
  o.subset_seed = 1;
  LIE_TEST_CALL(lie_probe_run(ctx, &o, path, "nu", &r1));
  LIE_TEST_CALL(lie_probe_run(ctx, &o, path, "nu", &r1b));
  o.subset_seed = 2;
  LIE_TEST_CALL(lie_probe_run(ctx, &o, path, "nu", &r2));
  printf("  nu, 64 labels: subset seed 1 relerr %.4f %%, seed 2 %.4f %%\n", r1.value, r2.value);
  LIE_TEST_TRUE(r1.value == r1b.value && r1.value != r2.value && r1.ntrain == 64,
                "-probe_subset_seed: same seed same result, another seed another subset");
  o.subset_seed = 0;
  /* the sweep is the same runs: size 64 with seed 2 is r2 */
  int sizes[2] = {32, 64};
  lie_probe_result sw[4];
  LIE_TEST_CALL(lie_probe_sweep(ctx, &o, path, "nu", 2, sizes, 2, sw));
  LIE_TEST_TRUE(sw[3].value == r2.value && sw[3].ntrain == 64 && sw[0].ntrain == 32,
                "lie_probe_sweep: entry (64 labels, seed 2) = the single run with -probe_subset_seed 2");
  double v4[4] = {1, 2, 3, 4}, mean, sd;
  lie_mean_std(v4, 4, &mean, &sd);
  LIE_TEST_TRUE(mean == 2.5 && fabs(sd - sqrt(5.0 / 3.0)) < 1e-15, "lie_mean_std of 1,2,3,4 = 2.5, sqrt(5/3)");
  o.ntrain = 6;
  expect_error(ctx, &o, path, "ic_mode", LIE_ERR_USAGE, "too few samples", "6 labelled rows for 5 folds: usage error");
  o.ntrain = 301;
  expect_error(ctx, &o, path, "ic_mode", LIE_ERR_USAGE, "only 300 rows", "-probe_ntrain larger than the split");
  o.ntrain = 0;
  snprintf(o.test_mode, sizeof o.test_mode, "nolabels");
  expect_error(ctx, &o, path, "ic_mode", LIE_ERR_USAGE, "ic_amp",
               "target missing from the file: usage error naming the dataset");
  snprintf(o.test_mode, sizeof o.test_mode, "short");
  expect_error(ctx, &o, path, "nu", LIE_ERR_FORMAT, "count mismatch", "50 embeddings vs 49 labels: format error");
  snprintf(o.test_mode, sizeof o.test_mode, "valid");
  expect_error(ctx, &o, path, "nu", LIE_ERR_FORMAT, "no group /valid", "missing split group");
  snprintf(o.test_mode, sizeof o.test_mode, "test");
  /* train and test splits in separate files, as liereg embed writes them (one split per file) */
  char tpath[600];
  hid_t tf;
  lie_rng r;
  lie_rng_seed(&r, 123);
  snprintf(tpath, sizeof tpath, "%s.test.h5", path);
  LIE_TEST_CALL(lie_h5_create(ctx, tpath, &tf));
  LIE_TEST_TRUE(!write_group(tf, "test", 80, 80, &r), "test-only embedding file written");
  LIE_TEST_CALL(lie_h5_close(&tf));
  snprintf(o.test_emb, sizeof o.test_emb, "%s", tpath);
  LIE_TEST_CALL(lie_probe_run(ctx, &o, path, "ic_mode", &res));
  LIE_TEST_TRUE(res.ntest == 80 && res.value < 1e-6,
                "-probe_test_emb: test split read from its own file (80 rows, NMSE ~ 0)");
  snprintf(o.test_emb, sizeof o.test_emb, "%s.missing", path);
  expect_error(ctx, &o, path, "nu", LIE_ERR_IO, "cannot open", "missing -probe_test_emb file");
  o.test_emb[0] = 0;
  expect_error(ctx, &o, path, "viscosity", LIE_ERR_USAGE, "unknown target", "unknown target name");
  expect_error(ctx, &o, "/nonexistent/emb.h5", "nu", LIE_ERR_IO, "cannot open", "missing file");
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  return lie_test_finish();
}
