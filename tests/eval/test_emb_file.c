/* Embedding-file writer round trip at 1/2/4 ranks: a synthetic data file's parameter datasets
 * are carried into the embedding file bit for bit, the emb rows written by all ranks
 * (round-robin) are where they belong, and the probe reads the result: the initial-condition
 * modes and log nu, which the synthetic representation encodes linearly, are recovered.
 * usage: test_emb_file PREFIX  (files PREFIX_np<size>_{data,emb}.h5) */
#include "lie_test.h"

#include <string.h>

enum { K = 10, D = 8, NTRAIN = 200, NTEST = 80 };

typedef struct {
  double nu[NTRAIN], L[NTRAIN], amp[NTRAIN * K], ph[NTRAIN * K];
  int l[NTRAIN * K];
  uint64_t seed[NTRAIN];
  uint8_t success[NTRAIN];
} params;

static void make_params(int n, uint64_t split, params *p) {
  for (int i = 0; i < n; i++) {
    lie_rng r;
    p->seed[i] = lie_seed_derive(5, split, (uint64_t)i);
    lie_rng_seed(&r, p->seed[i]);
    p->nu[i] = exp(lie_rng_range(&r, log(0.01), log(0.1)));
    p->L[i] = 64 * lie_rng_range(&r, 0.9, 1.1);
    p->success[i] = 1;
    for (int k = 0; k < K; k++) {
      p->amp[i * K + k] = lie_rng_range(&r, -0.5, 0.5);
      p->ph[i * K + k] = lie_rng_range(&r, 0, 2 * M_PI);
      p->l[i * K + k] = lie_rng_int(&r, 1, 3);
    }
  }
}

/* rank 0 writes all rows, the others an empty selection (collective) */
static int put(lie_ctx ctx, hid_t g, const char *name, hid_t ftype, hid_t mtype, int rank, hsize_t n, hsize_t k,
               const void *buf) {
  hsize_t dims[2] = {n, k};
  hid_t d;
  LIE_CALL(lie_h5_dataset_create(g, name, ftype, rank, dims, &d));
  int e = lie_h5_rows_write(d, mtype, 0, 1, lie_ctx_rank(ctx) == 0 ? n : 0, buf);
  H5Dclose(d);
  return e;
}

static void write_data_group(lie_ctx ctx, hid_t f, const char *mode, int n, const params *p) {
  hid_t g = H5Gcreate2(f, mode, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  LIE_TEST_CALL(put(ctx, g, "nu", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, n, 0, p->nu));
  LIE_TEST_CALL(put(ctx, g, "L", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, n, 0, p->L));
  LIE_TEST_CALL(put(ctx, g, "ic_amp", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, n, K, p->amp));
  LIE_TEST_CALL(put(ctx, g, "ic_phase", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, n, K, p->ph));
  LIE_TEST_CALL(put(ctx, g, "ic_l", H5T_STD_I32LE, H5T_NATIVE_INT, 2, n, K, p->l));
  LIE_TEST_CALL(put(ctx, g, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, 1, n, 0, p->seed));
  LIE_TEST_CALL(put(ctx, g, "success", H5T_STD_U8LE, H5T_NATIVE_UINT8, 1, n, 0, p->success));
  H5Gclose(g);
}

/* Row i of the representation: linear in the IC mode amplitudes and log nu, plus noise that
 * depends only on the trajectory's seed (never on the rank that computes it). */
static void emb_row(const params *p, int i, float *row) {
  double c[2];
  lie_rng r;
  lie_rng_seed(&r, p->seed[i] ^ 0x5555);
  lie_target_ic_modes(K, p->amp + i * K, p->ph + i * K, p->l + i * K, 2, c);
  row[0] = (float)(c[0] - 0.5 * c[1]);
  row[1] = (float)(c[1] + 0.1);
  row[2] = (float)log(p->nu[i]);
  for (int j = 3; j < D; j++)
    row[j] = (float)lie_rng_normal(&r);
}

/* This rank's rows i = rank, rank + size, ... written with one strided collective call. */
static void write_emb_group(lie_ctx ctx, hid_t f, const char *data, const char *mode, int n, const params *p) {
  hid_t emb;
  int size = lie_ctx_size(ctx), rank = lie_ctx_rank(ctx), cnt = rank < n ? (n - rank + size - 1) / size : 0;
  float *rows = malloc(sizeof(float) * (size_t)(cnt ? cnt : 1) * D);
  for (int k = 0; k < cnt; k++)
    emb_row(p, rank + k * size, rows + (size_t)k * D);
  LIE_TEST_CALL(lie_emb_group_create(ctx, f, data, mode, n, D, &emb));
  LIE_TEST_CALL(lie_h5_rows_write(emb, H5T_NATIVE_FLOAT, (hsize_t)rank, (hsize_t)size, (hsize_t)cnt, rows));
  H5Dclose(emb);
  free(rows);
}

static int read_u64(hid_t f, const char *path, int n, uint64_t *v) {
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  if (d < 0) return 1;
  int e = lie_h5_rows_read(d, H5T_NATIVE_UINT64, 0, (hsize_t)n, 1, v);
  H5Dclose(d);
  return e;
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  static params tr, te;
  char data[512], embp[512];
  hid_t f;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  if (argc < 2) {
    printf("FAIL usage: test_emb_file PREFIX\n");
    return 1;
  }
  snprintf(data, sizeof data, "%s_np%d_data.h5", argv[1], lie_ctx_size(ctx));
  snprintf(embp, sizeof embp, "%s_np%d_emb.h5", argv[1], lie_ctx_size(ctx));
  make_params(NTRAIN, 0, &tr);
  make_params(NTEST, 2, &te);
  LIE_TEST_CALL(lie_h5_create(ctx, data, &f));
  write_data_group(ctx, f, "train", NTRAIN, &tr);
  write_data_group(ctx, f, "test", NTEST, &te);
  LIE_TEST_CALL(lie_h5_close(&f));

  LIE_TEST_CALL(lie_h5_create(ctx, embp, &f));
  LIE_TEST_CALL(lie_h5_stamp(f, "ks"));
  write_emb_group(ctx, f, data, "train", NTRAIN, &tr);
  write_emb_group(ctx, f, data, "test", NTEST, &te);
  /* bad input: a split the data file lacks, and a row count that does not match it */
  hid_t emb;
  int e = lie_emb_group_create(ctx, f, data, "valid", 10, D, &emb);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_FORMAT && emb < 0, "data file without /valid: format error");
  LIE_TEST_CALL(lie_h5_close(&f));
  char bad[520];
  snprintf(bad, sizeof bad, "%s_np%d_bad.h5", argv[1], lie_ctx_size(ctx));
  LIE_TEST_CALL(lie_h5_create(ctx, bad, &f));
  e = lie_emb_group_create(ctx, f, data, "train", NTRAIN - 1, D, &emb);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_FORMAT && strstr(lie_error_message(), "count mismatch"),
                "199 embeddings for a 200-trajectory split: count mismatch on every rank");
  lie_error_clear();
  LIE_TEST_CALL(lie_h5_close(&f));

  /* the carried datasets are bit-identical; the emb rows are in trajectory order */
  uint64_t seeds[NTRAIN];
  float row[D], want[D];
  LIE_TEST_CALL(lie_h5_open(ctx, embp, &f));
  LIE_TEST_TRUE(!read_u64(f, "train/seed", NTRAIN, seeds) && !memcmp(seeds, tr.seed, sizeof seeds),
                "seed (uint64) carried over bit for bit");
  hid_t d = H5Dopen2(f, "test/emb", H5P_DEFAULT);
  LIE_TEST_CALL(lie_h5_rows_read(d, H5T_NATIVE_FLOAT, NTEST - 1, 1, D, row));
  H5Dclose(d);
  emb_row(&te, NTEST - 1, want);
  LIE_TEST_TRUE(!memcmp(row, want, sizeof row), "last test row of emb is trajectory NTEST-1's representation");
  LIE_TEST_CALL(lie_h5_close(&f));

  lie_probe_opts o;
  lie_probe_result res;
  lie_probe_opts_default(&o);
  LIE_TEST_CALL(lie_probe_run(ctx, &o, embp, "ic_mode", &res));
  printf("  ic_mode: nmse %.3e (ntrain %d, ntest %d)\n", res.value, res.ntrain, res.ntest);
  LIE_TEST_LE(res.value, 1e-6, "probe on the written file recovers the IC modes (NMSE ~ 0)");
  o.log_target = 1;
  LIE_TEST_CALL(lie_probe_run(ctx, &o, embp, "nu", &res));
  printf("  nu: relerr %.3e %%\n", res.value);
  LIE_TEST_LE(res.value, 1e-3, "probe on the written file recovers nu (-probe_log)");
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  return lie_test_finish();
}
