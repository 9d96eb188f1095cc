/* The inference API on bad input (issue 14): every case is one clear error naming what is
 * wrong, nothing crashes, and the objects stay usable after a refused call. Uses the insitu
 * fixture (fixture.sh): argv[1] holds ckpt.h5 (Burgers, nx 64, crop 8), tr.h5 (a data file),
 * nu_ridge.h5 and nu_trained.h5 (saved probes). */
#include "lie_test.h"

#include <hdf5.h>
#include <string.h>

static char dir[900];
static const char *in_dir(const char *name) {
  static char buf[4][1024];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

/* The call fails with `code` and its message contains `want`. */
static void expect_error(int err, int code, const char *want, const char *what) {
  const char *msg = lie_error_message();
  int ok = err == code && strstr(msg, want) != NULL;
  printf("%s %s: code %d (want %d), message: %s\n", ok ? "ok  " : "FAIL", what, err, code, msg);
  if (!ok) lie_test_failures++;
  lie_error_clear();
}

/* A copy of the checkpoint that claims to be a KS one trained on L = 64 (another PDE). */
static int ks_checkpoint(const char *src, const char *dst) {
  char cmd[2200];
  snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src, dst);
  if (system(cmd)) return 1;
  hid_t f = H5Fopen(dst, H5F_ACC_RDWR, H5P_DEFAULT), g = f >= 0 ? H5Gopen2(f, "train/grid", H5P_DEFAULT) : -1;
  if (g < 0) return 1;
  H5Adelete(f, "pde");
  int err = lie_h5_attr_set_string(f, "pde", "ks");
  H5Adelete(g, "L_min"), H5Adelete(g, "L_max");
  err |= lie_h5_attr_set_double(g, "L_min", 58.0) | lie_h5_attr_set_double(g, "L_max", 70.0);
  H5Gclose(g), H5Fclose(f);
  return err;
}

int main(int argc, char **argv) {
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  if (argc < 2) return 2;
  snprintf(dir, sizeof dir, "%s", argv[1]);
  lie_ctx ctx;
  lie_encoder enc = NULL, bad = NULL;
  lie_probe pr = NULL, pt = NULL;
  lie_encoder_info info;
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_SELF, &ctx));

  expect_error(lie_encoder_load(ctx, in_dir("tr.h5"), 1, &bad), LIE_ERR_FORMAT,
               "tr.h5 is not a liereg training checkpoint", "a data file as checkpoint");
  LIE_TEST_TRUE(bad == NULL, "  ... no encoder returned");
  expect_error(lie_encoder_load(ctx, in_dir("missing.h5"), 1, &bad), LIE_ERR_USAGE, "missing.h5", "missing checkpoint");
  expect_error(lie_encoder_load(ctx, in_dir("nu_ridge.h5"), 1, &bad), LIE_ERR_FORMAT, "nu_ridge.h5",
               "a probe file as checkpoint");

  LIE_TEST_CALL(lie_encoder_load(ctx, in_dir("ckpt.h5"), 2, &enc));
  LIE_TEST_CALL(lie_encoder_get_info(enc, &info));
  printf("encoder: pde %s mode %s fields %d crop %d x %d repr %d, grid nx %d dt [%g, %g] L [%g, %g] t_end [%g, %g]\n",
         info.pde, info.mode, info.nfields, info.crop_t, info.crop_x, info.repr, info.nx, info.dt[0], info.dt[1],
         info.L[0], info.L[1], info.t_end[0], info.t_end[1]);
  LIE_TEST_TRUE(!strcmp(info.pde, "burgers") && info.grid_known && info.nx == 64 && info.nt == 24 && info.crop_t == 8,
                "info: burgers, training grid recorded (nx 64, 24 frames), crop 8");
  LIE_TEST_NEAR(info.dt[0], 6.0 / 39, 1e-12, "info: training dt = 6/39");
  LIE_TEST_NEAR(info.L[1], 2 * M_PI, 1e-12, "info: training L = 2 pi");

  const int nt = 8, nx = 64, D = info.repr;
  double *u = calloc((size_t)2 * (nt + 1) * nx, sizeof(double));
  float *z = calloc((size_t)2 * D, sizeof(float));
  double y[2];
  for (int k = 0; k < 2 * (nt + 1) * nx; k++)
    u[k] = sin(0.1 * k);
  LIE_TEST_CALL(lie_encoder_embed(enc, 2, nt, nx, u, 2.0, 2 * M_PI, z));
  expect_error(lie_encoder_embed(enc, 1, nt - 1, nx, u, 0, 2 * M_PI, z), LIE_ERR_USAGE, "needs at least 8",
               "window of 7 frames");
  expect_error(lie_encoder_embed(enc, 1, nt, 32, u, 0, 2 * M_PI, z), LIE_ERR_USAGE, "32 points per frame",
               "window of 32 points (trained on 64)");
  expect_error(lie_encoder_embed(enc, 1, nt, nx, u, 0, 10.0, z), LIE_ERR_USAGE, "domain length L",
               "window with L = 10 (trained on 2 pi)");
  expect_error(lie_encoder_embed(enc, 3, nt, nx, u, 0, 2 * M_PI, z), LIE_ERR_USAGE, "takes 1..2", "3 windows, max 2");
  expect_error(lie_encoder_embed_ns(enc, 1, nt, nx, nx, u, u, u, u, u, u, z), LIE_ERR_USAGE, "1D (burgers) encoder",
               "NS windows on a 1D encoder");
  LIE_TEST_CALL(lie_encoder_embed(enc, 1, nt + 1, nx, u, 2.0, 2 * M_PI, z + D)); /* longer window: first 8 frames */
  LIE_TEST_TRUE(!memcmp(z, z + D, sizeof(float) * D), "a 9-frame window embeds its first 8 frames (as liereg embed)");

  LIE_TEST_CALL(ks_checkpoint(in_dir("ckpt.h5"), in_dir("ks_ckpt.h5")));
  LIE_TEST_CALL(lie_encoder_load(ctx, in_dir("ks_ckpt.h5"), 1, &bad));
  expect_error(lie_encoder_embed(bad, 1, nt, nx, u, 0, 2 * M_PI, z), LIE_ERR_USAGE,
               "ks_ckpt.h5 was trained on L in [58", "checkpoint of another PDE (KS, L 58..70) on a Burgers window");
  /* a jittered range (KS: L 58..70 in training) accepts other draws of its distribution
   * (L = 71) but not a far-away grid (L = 80) */
  LIE_TEST_TRUE(lie_encoder_embed(bad, 1, nt, nx, u, 0, 71.0, z) == LIE_OK,
                "KS-like range [58, 70]: a window with L = 71 (same +-10% distribution) is accepted");
  lie_error_clear();
  expect_error(lie_encoder_embed(bad, 1, nt, nx, u, 0, 80.0, z), LIE_ERR_USAGE, "trained on L in [58, 70]",
               "KS-like range [58, 70]: L = 80 is refused");
  LIE_TEST_CALL(lie_encoder_destroy(&bad));

  expect_error(lie_probe_load(ctx, in_dir("ckpt.h5"), &pr), LIE_ERR_FORMAT, "ckpt.h5 is not a liereg probe file",
               "a checkpoint as probe");
  expect_error(lie_probe_load(ctx, in_dir("tr.h5"), &pr), LIE_ERR_FORMAT, "tr.h5 is not a liereg probe file",
               "a data file as probe");
  LIE_TEST_CALL(lie_probe_load(ctx, in_dir("nu_ridge.h5"), &pr));
  LIE_TEST_CALL(lie_probe_load(ctx, in_dir("nu_trained.h5"), &pt));
  LIE_TEST_CALL(lie_encoder_embed(enc, 2, nt, nx, u, 2.0, 2 * M_PI, z));
  LIE_TEST_CALL(lie_probe_predict(pr, 2, D, z, y));
  printf("ridge probe: nu = %g, %g\n", y[0], y[1]);
  LIE_TEST_TRUE(y[0] > 0 && isfinite(y[0]) && y[1] > 0 && isfinite(y[1]), "ridge probe predicts nu > 0 (not log nu)");
  LIE_TEST_CALL(lie_probe_predict(pt, 2, D, z, y));
  printf("trained head: nu = %g, %g\n", y[0], y[1]);
  LIE_TEST_TRUE(y[0] > 0 && isfinite(y[0]) && y[1] > 0 && isfinite(y[1]), "trained head predicts nu > 0");
  expect_error(lie_probe_predict(pr, 1, D / 2, z, y), LIE_ERR_USAGE, "representations of size 32, got 16",
               "representation of another size");

  /* a probe saved for another representation size, applied to this encoder's output */
  lie_probe small;
  double *mu, *s, *W, *b, *a, *c;
  LIE_TEST_CALL(lie_probe_model_create("ridge", "nu", 16, 1, 1, "", &small));
  LIE_TEST_CALL(lie_probe_model_arrays(small, &mu, &s, &W, &b, &a, &c));
  LIE_TEST_CALL(lie_probe_model_save(small, in_dir("small_probe.h5")));
  LIE_TEST_CALL(lie_probe_destroy(&small));
  LIE_TEST_CALL(lie_probe_load(ctx, in_dir("small_probe.h5"), &small));
  expect_error(lie_probe_predict(small, 1, D, z, y), LIE_ERR_USAGE, "fitted on representations of size 16, got 32",
               "probe of another representation size");
  LIE_TEST_CALL(lie_probe_destroy(&small));

  LIE_TEST_CALL(lie_encoder_embed(enc, 1, nt, nx, u, 2.0, 2 * M_PI, z)); /* still usable after refusals */
  LIE_TEST_CALL(lie_probe_destroy(&pr));
  LIE_TEST_CALL(lie_probe_destroy(&pt));
  LIE_TEST_CALL(lie_encoder_destroy(&enc));
  LIE_TEST_TRUE(enc == NULL && pr == NULL, "destroy sets the handles to NULL");
  free(u), free(z);
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  return lie_test_finish();
}
