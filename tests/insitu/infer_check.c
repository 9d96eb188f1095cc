/* Checks of the inference API against the command-line path, exact (bit for bit):
 *   infer_check 1d CKPT.h5 DATA.h5 MODE EMB.h5  lie_encoder_embed on every trajectory of
 *                                             DATA:/MODE == EMB:/MODE/emb (strided crops too)
 *   infer_check ns CKPT.h5 DATA.h5 EMB.h5     lie_encoder_embed_ns on every trajectory of
 *                                             DATA:/train (read with the io reader) == EMB:/train/emb
 *   infer_check probe EMB.h5 MODE P.h5 P.csv  lie_probe_predict on EMB:/MODE/emb == the pred
 *                                             column of `liereg probe -probe_predictions` (%.17g)
 * Prints the number of values compared and the max difference; exit 1 on any difference. */
#include "lie_test.h"
#include "liereg/timestep.h"

static int ns(lie_ctx ctx, const char *ckpt, const char *data, const char *emb) {
  lie_encoder enc;
  lie_encoder_info in;
  lie_datasetns ds;
  int n, nt, nx, ny, ne, d;
  float *ref, *z;
  LIE_CALL(lie_encoder_load(ctx, ckpt, 1, &enc));
  LIE_CALL(lie_encoder_get_info(enc, &in));
  LIE_CALL(lie_datasetns_open(ctx, data, "train", &ds));
  LIE_CALL(lie_datasetns_sizes(ds, &n, &nt, &nx, &ny));
  LIE_CALL(lie_emb_read(emb, "train", &ne, &d, &ref));
  LIE_CHECK(ne == n && d == in.repr, LIE_ERR_FORMAT, "%s: %d x %d, want %d x %d", emb, ne, d, n, in.repr);
  size_t len = (size_t)nt * nx * ny;
  double *u = malloc(3 * len * sizeof(double)), *t = malloc(nt * sizeof(double)), *x = malloc(nx * sizeof(double)),
         *y = malloc(ny * sizeof(double));
  LIE_ALLOC(z, in.repr);
  long cmp = 0, diff = 0;
  double maxd = 0;
  for (int i = 0; i < n; i++) {
    LIE_CALL(lie_datasetns_read(ds, i, u, u + len, u + 2 * len, t, x, y));
    LIE_CALL(lie_encoder_embed_ns(enc, 1, nt, nx, ny, u, u + len, u + 2 * len, x, y, t, z));
    for (int k = 0; k < d; k++) {
      double dd = fabs((double)z[k] - ref[(size_t)i * d + k]);
      cmp++, diff += z[k] != ref[(size_t)i * d + k];
      if (!(dd <= maxd)) maxd = dd;
    }
  }
  printf("NS (%s mode, %d x %d, %d frames): lie_encoder_embed_ns vs liereg embed: %ld values compared, %ld differ, "
         "max |diff| = %g\n",
         in.mode, nx, ny, nt, cmp, diff, maxd);
  LIE_TEST_TRUE(cmp > 0 && diff == 0 && maxd == 0, "NS in-memory windows = liereg embed, bit for bit");
  free(u), free(t), free(x), free(y), free(z), free(ref);
  LIE_CALL(lie_datasetns_close(&ds));
  LIE_CALL(lie_encoder_destroy(&enc));
  return LIE_OK;
}

/* 1D: lie_encoder_embed on every trajectory of DATA:/MODE (its stored t0 and L) == EMB:/MODE/emb. */
static int one_d(lie_ctx ctx, const char *ckpt, const char *data, const char *mode, const char *emb) {
  lie_encoder enc;
  lie_encoder_info in;
  lie_dataset1d ds;
  int n, nt, nx, ne, d;
  float *ref, *z;
  LIE_CALL(lie_encoder_load(ctx, ckpt, 1, &enc));
  LIE_CALL(lie_encoder_get_info(enc, &in));
  LIE_CALL(lie_dataset1d_open(ctx, data, mode, NULL, &ds));
  LIE_CALL(lie_dataset1d_sizes(ds, &n, &nt, &nx));
  LIE_CALL(lie_emb_read(emb, mode, &ne, &d, &ref));
  LIE_CHECK(ne == n && d == in.repr, LIE_ERR_FORMAT, "%s: %d x %d, want %d x %d", emb, ne, d, n, in.repr);
  double *u = malloc(sizeof(double) * nt * nx), *t = malloc(sizeof(double) * nt), *x = malloc(sizeof(double) * nx);
  LIE_ALLOC(z, in.repr);
  long cmp = 0, diff = 0;
  double maxd = 0;
  for (int i = 0; i < n; i++) {
    LIE_CALL(lie_dataset1d_read(ds, i, u, t, x));
    LIE_CALL(lie_encoder_embed(enc, 1, nt, nx, u, t[0], nx * (x[1] - x[0]), z));
    for (int k = 0; k < d; k++) {
      double dd = fabs((double)z[k] - ref[(size_t)i * d + k]);
      cmp++, diff += z[k] != ref[(size_t)i * d + k];
      if (!(dd <= maxd)) maxd = dd;
    }
  }
  printf("1D (%s mode, crop_t %d, crop_dt %d, %d frames): lie_encoder_embed vs liereg embed: %ld values compared, "
         "%ld differ, max |diff| = %g\n",
         in.mode, in.crop_t, in.crop_dt, nt, cmp, diff, maxd);
  LIE_TEST_TRUE(cmp > 0 && diff == 0 && maxd == 0, "1D in-memory windows = liereg embed, bit for bit");
  free(u), free(t), free(x), free(z), free(ref);
  LIE_CALL(lie_dataset1d_close(&ds));
  LIE_CALL(lie_encoder_destroy(&enc));
  return LIE_OK;
}

static int probe(lie_ctx ctx, const char *emb, const char *mode, const char *path, const char *csv) {
  lie_probe p;
  lie_probe_info pi;
  int n, d;
  float *z;
  LIE_CALL(lie_probe_load(ctx, path, &p));
  LIE_CALL(lie_probe_get_info(p, &pi));
  LIE_CALL(lie_emb_read(emb, mode, &n, &d, &z));
  double *y = malloc(sizeof(double) * n * pi.outputs);
  LIE_CALL(lie_probe_predict(p, n, d, z, y));
  FILE *f = fopen(csv, "r");
  char line[256];
  LIE_CHECK(f && fgets(line, sizeof line, f), LIE_ERR_IO, "cannot read %s", csv);
  long cmp = 0, diff = 0;
  double maxd = 0, v;
  int row, out;
  while (fscanf(f, "%d,%d,%*[^,],%lf", &row, &out, &v) == 3) {
    LIE_CHECK(row < n && out < pi.outputs, LIE_ERR_FORMAT, "%s: row %d output %d", csv, row, out);
    double yy = y[(size_t)row * pi.outputs + out], dd = fabs(yy - v);
    cmp++, diff += yy != v;
    if (!(dd <= maxd)) maxd = dd;
  }
  fclose(f);
  printf("%s probe (%s): lie_probe_predict vs liereg probe -probe_predictions: %ld values compared, %ld differ, "
         "max |diff| = %g\n",
         pi.kind, pi.target, cmp, diff, maxd);
  LIE_TEST_TRUE(cmp == (long)n * pi.outputs && diff == 0 && maxd == 0, "saved probe = liereg probe, bit for bit");
  free(y), free(z);
  LIE_CALL(lie_probe_destroy(&p));
  return LIE_OK;
}

/* The rollout of `liereg timestep` (timestep_rollout.c) redone with lie_stepper_predict on the
 * test trajectories, in chunks of max_batch (the CLI's per-rank batch) from frame H, with the
 * truth conditioning of Burgers (log nu): its mean summed NMSE vs RESULT.json (%.10g). */
static int stepper(lie_ctx ctx, const char *ckpt, int batch, const char *data, const char *json) {
  lie_stepper st;
  lie_stepper_info si;
  lie_dataset1d ds;
  int n, nt, nx, found;
  LIE_CALL(lie_stepper_load(ctx, ckpt, batch, &st));
  LIE_CALL(lie_stepper_get_info(st, &si));
  LIE_CALL(lie_dataset1d_open(ctx, data, "test", NULL, &ds));
  LIE_CALL(lie_dataset1d_sizes(ds, &n, &nt, &nx));
  const int H = si.history, F = si.future, t0 = H, nw = lie_step_num_windows(nt, H, F, t0);
  double *u = malloc(sizeof(double) * n * nt * nx), *nu = malloc(sizeof(double) * n), *t = malloc(sizeof(double) * nt),
         *x = malloc(sizeof(double) * nx), *win = malloc(sizeof(double) * batch * H * nx),
         *out = malloc(sizeof(double) * batch * F * nx), dx[64], dt[64], cond[64], total = 0;
  float *pf = malloc(sizeof(float) * nx), *uf = malloc(sizeof(float) * nx);
  LIE_CALL(lie_dataset1d_read_param(ds, "nu", nu, &found));
  for (int i = 0; i < n; i++)
    LIE_CALL(lie_dataset1d_read(ds, i, u + (size_t)i * nt * nx, t, x));
  printf("stepper %s (%s, cond %s, H %d F %d nx %d): rollout of %d test trajectories, %d windows each\n", si.model,
         si.pde, si.cond, H, F, nx, n, nw);
  for (int b0 = 0; b0 < n; b0 += batch) {
    int nb = n - b0 < batch ? n - b0 : batch;
    double sum[64] = {0};
    for (int q = 0; q < nb; q++) {
      const double *ui = u + (size_t)(b0 + q) * nt * nx;
      for (size_t k = 0; k < (size_t)H * nx; k++) /* stored as float by liereg timestep */
        win[(size_t)q * H * nx + k] = (float)ui[(size_t)t0 * nx + k];
      dx[q] = x[1] - x[0], dt[q] = t[1] - t[0], cond[q] = log(nu[b0 + q]);
    }
    for (int w = 0; w < nw; w++) {
      LIE_CALL(lie_stepper_predict(st, nb, H, nx, win, dx, dt, si.cond_dim ? cond : NULL, out));
      for (int q = 0; q < nb; q++) {
        const double *ui = u + (size_t)(b0 + q) * nt * nx, *p = out + (size_t)q * F * nx;
        for (int f = 0; f < F; f++) {
          double e, m;
          for (int k = 0; k < nx; k++)
            pf[k] = (float)p[(size_t)f * nx + k], uf[k] = (float)ui[(size_t)(t0 + H + w * F + f) * nx + k];
          lie_step_frame_errors(pf, uf, nx, &e, &m);
          sum[q] += e;
        }
        double *wq = win + (size_t)q * H * nx; /* the last H frames of (window, prediction) */
        if (F >= H)
          memcpy(wq, p + (size_t)(F - H) * nx, sizeof(double) * H * nx);
        else {
          memmove(wq, wq + (size_t)F * nx, sizeof(double) * (H - F) * nx);
          memcpy(wq + (size_t)(H - F) * nx, p, sizeof(double) * F * nx);
        }
      }
    }
    for (int q = 0; q < nb; q++)
      total += sum[q] / n;
  }
  char buf[4096];
  FILE *f = fopen(json, "r");
  size_t len = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
  if (f) fclose(f);
  buf[len] = 0;
  const char *at = strstr(buf, "\"rollout_nmse\": ");
  LIE_CHECK(at, LIE_ERR_FORMAT, "%s has no rollout_nmse", json);
  double cli = atof(at + 16), rel = fabs(total - cli) / fabs(cli);
  printf("rollout_nmse: lie_stepper_predict %.10g, liereg timestep %.10g (JSON, 10 digits): relative diff %.2g\n",
         total, cli, rel);
  LIE_TEST_TRUE(rel <= 1e-9, "the stepper API reproduces liereg timestep's rollout NMSE (to the JSON's 10 digits)");
  /* bad input: one clear error each, the stepper still usable */
  int e = lie_stepper_predict(st, 1, H - 1, nx, win, dx, dt, cond, out);
  printf("%s history of %d frames: %s\n",
         e == LIE_ERR_USAGE && strstr(lie_error_message(), "takes 4 x 64") ? "ok  " : "FAIL", H - 1,
         lie_error_message());
  lie_test_failures += !(e == LIE_ERR_USAGE), lie_error_clear();
  e = lie_stepper_predict(st, 1, H, nx, win, dx, dt, NULL, out);
  printf("%s conditioned stepper without cond: %s\n", e == LIE_ERR_USAGE ? "ok  " : "FAIL", lie_error_message());
  lie_test_failures += !(e == LIE_ERR_USAGE), lie_error_clear();
  lie_stepper bad = NULL;
  e = lie_stepper_load(ctx, data, 1, &bad);
  printf("%s a data file as stepper checkpoint: %s\n",
         e == LIE_ERR_FORMAT && strstr(lie_error_message(), "is not a liereg timestep checkpoint") ? "ok  " : "FAIL",
         lie_error_message());
  lie_test_failures += !(e == LIE_ERR_FORMAT && bad == NULL), lie_error_clear();
  LIE_CALL(lie_stepper_predict(st, 1, H, nx, win, dx, dt, cond, out));
  free(u), free(nu), free(t), free(x), free(win), free(out), free(pf), free(uf);
  LIE_CALL(lie_dataset1d_close(&ds));
  LIE_CALL(lie_stepper_destroy(&st));
  return LIE_OK;
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_SELF, &ctx));
  if (argc == 6 && !strcmp(argv[1], "1d"))
    LIE_TEST_CALL(one_d(ctx, argv[2], argv[3], argv[4], argv[5]));
  else if (argc == 5 && !strcmp(argv[1], "ns"))
    LIE_TEST_CALL(ns(ctx, argv[2], argv[3], argv[4]));
  else if (argc == 6 && !strcmp(argv[1], "stepper"))
    LIE_TEST_CALL(stepper(ctx, argv[2], atoi(argv[3]), argv[4], argv[5]));
  else if (argc == 6 && !strcmp(argv[1], "probe"))
    LIE_TEST_CALL(probe(ctx, argv[2], argv[3], argv[4], argv[5]));
  else
    LIE_TEST_TRUE(0, "usage: infer_check 1d CKPT DATA MODE EMB | ns CKPT DATA EMB | probe EMB MODE P.h5 P.csv");
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  return lie_test_finish();
}
