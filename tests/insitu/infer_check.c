/* Checks of the inference API against the command-line path, exact (bit for bit):
 *   infer_check ns CKPT.h5 DATA.h5 EMB.h5     lie_encoder_embed_ns on every trajectory of
 *                                             DATA:/train (read with the io reader) == EMB:/train/emb
 *   infer_check probe EMB.h5 MODE P.h5 P.csv  lie_probe_predict on EMB:/MODE/emb == the pred
 *                                             column of `liereg probe -probe_predictions` (%.17g)
 * Prints the number of values compared and the max difference; exit 1 on any difference. */
#include "lie_test.h"

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

int main(int argc, char **argv) {
  lie_ctx ctx;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_SELF, &ctx));
  if (argc == 5 && !strcmp(argv[1], "ns"))
    LIE_TEST_CALL(ns(ctx, argv[2], argv[3], argv[4]));
  else if (argc == 6 && !strcmp(argv[1], "probe"))
    LIE_TEST_CALL(probe(ctx, argv[2], argv[3], argv[4], argv[5]));
  else
    LIE_TEST_TRUE(0, "usage: infer_check ns CKPT DATA EMB | probe EMB MODE P.h5 P.csv");
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  return lie_test_finish();
}
