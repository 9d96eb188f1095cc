/* The search's validation score (lie_augsearch_score, nested-CV ridge): on embeddings from which
 * log ν is exactly linear it is ~0 % relative error; with the labels shuffled against the
 * embeddings it is large; it is the same on a second call (deterministic), depends on the seed
 * only through the fold assignment, and too few rows for the nested folds are a usage error. */
#include "lie_test.h"

#include <hdf5.h>

#define N 40
#define D 3

/* /valid/emb (N, D) float32 and /valid/nu (N) of an embedding file; shuffle != 0 permutes nu. */
static int write_emb(const char *path, int n, int shuffle) {
  float emb[N * D];
  double nu[N];
  lie_rng r;
  lie_rng_seed(&r, 5);
  for (int i = 0; i < n; i++) {
    double s = 0.3;
    for (int k = 0; k < D; k++) {
      emb[i * D + k] = (float)lie_rng_range(&r, -1, 1);
      s += (0.5 + 0.25 * k) * emb[i * D + k];
    }
    nu[i] = 0.05 * exp(s);
  }
  for (int i = n - 1; shuffle && i > 0; i--) {
    int j = lie_rng_int(&r, 0, i + 1);
    double t = nu[i];
    nu[i] = nu[j], nu[j] = t;
  }
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
        g = H5Gcreate2(f, "valid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hsize_t de[2] = {(hsize_t)n, D}, dn[1] = {(hsize_t)n};
  hid_t se = H5Screate_simple(2, de, NULL), sn = H5Screate_simple(1, dn, NULL);
  hid_t e = H5Dcreate2(g, "emb", H5T_NATIVE_FLOAT, se, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t v = H5Dcreate2(g, "nu", H5T_NATIVE_DOUBLE, sn, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  int bad = H5Dwrite(e, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, emb) < 0 ||
            H5Dwrite(v, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, nu) < 0;
  H5Dclose(e), H5Dclose(v), H5Sclose(se), H5Sclose(sn), H5Gclose(g), H5Fclose(f);
  return bad;
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  const char *dir = argc > 1 ? argv[1] : ".";
  char exact[4096], noise[4096], tiny[4096];
  snprintf(exact, sizeof exact, "%s/score_exact.h5", dir);
  snprintf(noise, sizeof noise, "%s/score_shuffled.h5", dir);
  snprintf(tiny, sizeof tiny, "%s/score_tiny.h5", dir);
  LIE_TEST_TRUE(!write_emb(exact, N, 0) && !write_emb(noise, N, 1) && !write_emb(tiny, 8, 0),
                "embedding files written");
  lie_ridge_cv_opts cv;
  lie_ridge_cv_opts_default(&cv);
  lie_metric metric;
  double s_exact, s_again, s_seed2, s_noise;
  LIE_TEST_CALL(lie_augsearch_score(exact, "valid", "nu", 1, &cv, 1, &metric, &s_exact));
  LIE_TEST_TRUE(metric == LIE_METRIC_RELERR, "metric of nu is relerr");
  LIE_TEST_LE(s_exact, 0.01, "exactly linear log nu: out-of-fold relerr (%)");
  LIE_TEST_CALL(lie_augsearch_score(exact, "valid", "nu", 1, &cv, 1, &metric, &s_again));
  LIE_TEST_TRUE(s_again == s_exact, "the same score on a second call");
  LIE_TEST_CALL(lie_augsearch_score(exact, "valid", "nu", 1, &cv, 2, &metric, &s_seed2));
  LIE_TEST_LE(s_seed2, 0.01, "another fold seed: still exact");
  LIE_TEST_CALL(lie_augsearch_score(noise, "valid", "nu", 1, &cv, 1, &metric, &s_noise));
  LIE_TEST_TRUE(s_noise >= 10.0, "labels shuffled against the embeddings: relerr >= 10 %");
  printf("     shuffled: %.3f %%\n", s_noise);
  int err = lie_augsearch_score(tiny, "valid", "nu", 1, &cv, 1, &metric, &s_noise);
  LIE_TEST_TRUE(err == LIE_ERR_USAGE, "8 rows for nested 5-fold CV: usage error");
  printf("     %s\n", lie_error_message());
  lie_error_clear();
  cv.folds = 3; /* 8 - 3 = 5 < 6 rows for the inner CV */
  err = lie_augsearch_score(tiny, "valid", "nu", 1, &cv, 1, &metric, &s_noise);
  LIE_TEST_TRUE(err == LIE_ERR_USAGE, "8 rows for nested 3-fold CV: usage error");
  lie_error_clear();
  return lie_test_finish();
}
