/* VICReg loss: terms and gradients against a PyTorch fixture of the reference formula
 * (tests/ssl/make_vicreg_fixture.py), central finite differences of each term separately,
 * a hand case, options and bad input.
 * usage: test_vicreg FIXTURE.txt */
#include "lie_test.h"

#include <string.h>

static double maxabs(const float *a, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; i++)
    m = lie_test_max(m, fabs(a[i]));
  return m;
}

static double maxdiff_fd(const float *a, const double *b, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; i++)
    m = lie_test_max(m, fabs(a[i] - b[i]));
  return m;
}

/* Reads n values into a float (inputs) or double (expected gradients) array. */
static int read_vals(FILE *f, size_t n, float *fv, double *dv) {
  for (size_t i = 0; i < n; i++) {
    double v;
    if (fscanf(f, "%lf", &v) != 1) return 1;
    if (fv) fv[i] = (float)v;
    if (dv) dv[i] = v;
  }
  return 0;
}

/* One fixture case: the terms to 1e-10 relative, the gradients to 1e-6 of their max (they are
 * returned in fp32). Returns 0 at end of file. */
static int fixture_case(FILE *f) {
  char name[64];
  int n, d;
  lie_vicreg_opts o;
  double want[4];
  if (fscanf(f, " case %63s %d %d %lf %lf %lf %lf", name, &n, &d, &o.sim_coeff, &o.std_coeff, &o.cov_coeff, &o.eps) !=
      7)
    return 0;
  size_t nd = (size_t)n * d;
  float *z = malloc(4 * nd * sizeof(float)), *zp = z + nd, *dz = z + 2 * nd, *dzp = z + 3 * nd;
  double *gz = malloc(2 * nd * sizeof(double)), *gzp = gz + nd;
  if (read_vals(f, 4, NULL, want) || read_vals(f, nd, z, NULL) || read_vals(f, nd, zp, NULL) ||
      read_vals(f, nd, NULL, gz) || read_vals(f, nd, NULL, gzp)) {
    printf("FAIL fixture case %s is truncated\n", name);
    exit(1);
  }
  lie_vicreg_terms t;
  LIE_TEST_CALL(lie_vicreg_loss(&o, n, d, z, zp, &t, dz, dzp));
  char what[128];
  const char *tn[4] = {"inv", "var", "cov", "loss"};
  double got[4] = {t.inv, t.var, t.cov, t.loss};
  for (int k = 0; k < 4; k++) {
    snprintf(what, sizeof what, "fixture %s: %s vs PyTorch", name, tn[k]);
    LIE_TEST_NEAR(got[k], want[k], 1e-10 * fabs(want[k]) + 1e-14, what);
  }
  double gmax = 0;
  for (size_t i = 0; i < nd; i++)
    gmax = lie_test_max(gmax, lie_test_max(fabs(gz[i]), fabs(gzp[i])));
  snprintf(what, sizeof what, "fixture %s: max |dL/dz - torch| / max|grad|", name);
  LIE_TEST_LE(maxdiff_fd(dz, gz, nd) / gmax, 1e-6, what);
  snprintf(what, sizeof what, "fixture %s: max |dL/dz' - torch| / max|grad|", name);
  LIE_TEST_LE(maxdiff_fd(dzp, gzp, nd) / gmax, 1e-6, what);
  free(z);
  free(gz);
  return 1;
}

/* Embeddings whose feature stds straddle 1 (so the hinge is active on some features and not
 * on others) and whose features are correlated (non-zero covariance term). */
static void make_views(lie_rng *r, int n, int d, float *z, float *zp) {
  for (int i = 0; i < n; i++) {
    double common = lie_rng_normal(r);
    for (int j = 0; j < d; j++) {
      double s = 0.3 + 1.7 * j / (d - 1);
      z[i * d + j] = (float)(s * (lie_rng_normal(r) + 0.5 * common) + 0.2 * j);
      zp[i * d + j] = (float)(z[i * d + j] + 0.3 * lie_rng_normal(r));
    }
  }
}

static double loss_of(const lie_vicreg_opts *o, int n, int d, const float *z, const float *zp) {
  lie_vicreg_terms t;
  LIE_TEST_CALL(lie_vicreg_loss(o, n, d, z, zp, &t, NULL, NULL));
  return t.loss;
}

/* Central differences with the perturbation actually representable in fp32. */
static void fd_check(const char *term, double sim, double std, double cov) {
  enum { N = 12, D = 6 };
  float z[N * D], zp[N * D], dz[N * D], dzp[N * D];
  double fz[N * D], fzp[N * D];
  lie_vicreg_opts o = {sim, std, cov, 1e-4};
  lie_rng r;
  lie_rng_seed(&r, 42);
  make_views(&r, N, D, z, zp);
  lie_vicreg_terms t;
  LIE_TEST_CALL(lie_vicreg_loss(&o, N, D, z, zp, &t, dz, dzp));
  for (int v = 0; v < 2; v++) {
    float *x = v ? zp : z;
    double *fd = v ? fzp : fz;
    for (int k = 0; k < N * D; k++) {
      float x0 = x[k];
      float xp = x0 + 1e-3f, xm = x0 - 1e-3f;
      x[k] = xp;
      double lp = loss_of(&o, N, D, z, zp);
      x[k] = xm;
      double lm = loss_of(&o, N, D, z, zp);
      x[k] = x0;
      fd[k] = (lp - lm) / ((double)xp - (double)xm);
    }
  }
  double g = lie_test_max(maxabs(dz, N * D), maxabs(dzp, N * D));
  char what[128];
  snprintf(what, sizeof what, "finite differences, %s term: max |grad - fd| / max|grad| (max|grad| %.3g)", term, g);
  double e = lie_test_max(maxdiff_fd(dz, fz, N * D), maxdiff_fd(dzp, fzp, N * D)) / g;
  LIE_TEST_LE(e, 1e-5, what);
  LIE_TEST_TRUE(g > 1e-3, "the gradient checked is not trivially zero");
}

/* N=2, D=1: z = (0, 0.5), z' = (0, 1). Hand values:
 * inv = (0 + 0.25)/2 = 0.125; Var(z) = 0.125, Var(z') = 0.5;
 * var = ½[(1 − sqrt(0.1251)) + (1 − sqrt(0.5001))]; cov = 0 (no off-diagonal). */
static void hand_case(void) {
  float z[2] = {0, 0.5f}, zp[2] = {0, 1};
  lie_vicreg_opts o;
  lie_vicreg_opts_default(&o);
  lie_vicreg_terms t;
  LIE_TEST_CALL(lie_vicreg_loss(&o, 2, 1, z, zp, &t, NULL, NULL));
  double var = 0.5 * ((1 - sqrt(0.1251)) + (1 - sqrt(0.5001)));
  LIE_TEST_NEAR(t.inv, 0.125, 1e-15, "hand case: inv");
  LIE_TEST_NEAR(t.var, var, 1e-15, "hand case: var");
  LIE_TEST_NEAR(t.cov, 0.0, 0.0, "hand case: cov");
  LIE_TEST_NEAR(t.loss, 25 * 0.125 + 25 * var, 1e-13, "hand case: total");
}

static void options_and_errors(lie_ctx ctx) {
  lie_vicreg_opts o;
  lie_vicreg_terms t;
  float z[4] = {0, 1, 2, 3}, zp[4] = {1, 1, 2, NAN}, g1[4], g2[4];
  lie_vicreg_opts_default(&o);
  LIE_TEST_TRUE(o.sim_coeff == 25 && o.std_coeff == 25 && o.cov_coeff == 1 && o.eps == 1e-4,
                "defaults are 25/25/1/1e-4");
  PetscOptionsSetValue(NULL, "-vicreg_cov_coeff", "0.04");
  PetscOptionsSetValue(NULL, "-vicreg_eps", "1e-3");
  LIE_TEST_CALL(lie_vicreg_opts_set_from_options(ctx, &o));
  LIE_TEST_TRUE(o.cov_coeff == 0.04 && o.eps == 1e-3 && o.sim_coeff == 25,
                "-vicreg_cov_coeff and -vicreg_eps are read");
  PetscOptionsSetValue(NULL, "-vicreg_eps", "0");
  int e = lie_vicreg_opts_set_from_options(ctx, &o);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_USAGE && strstr(lie_error_message(), "-vicreg_eps"),
                "-vicreg_eps 0 is a usage error naming the option");
  PetscOptionsSetValue(NULL, "-vicreg_eps", "1e-4");
  PetscOptionsSetValue(NULL, "-vicreg_std_coeff", "-1");
  e = lie_vicreg_opts_set_from_options(ctx, &o);
  LIE_TEST_TRUE(e == LIE_ERR_USAGE, "a negative coefficient is a usage error");
  PetscOptionsClearValue(NULL, "-vicreg_std_coeff");
  PetscOptionsClearValue(NULL, "-vicreg_cov_coeff");
  PetscOptionsClearValue(NULL, "-vicreg_eps");
  lie_vicreg_opts_default(&o);
  e = lie_vicreg_loss(&o, 2, 2, z, zp, &t, g1, g2);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_NUMERIC, "NaN in an embedding is LIE_ERR_NUMERIC");
  e = lie_vicreg_loss(&o, 1, 4, z, z, &t, NULL, NULL);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_ARG, "a batch of 1 is rejected (variance divides by N-1)");
  e = lie_vicreg_loss(&o, 2, 2, z, z, &t, g1, NULL);
  LIE_TEST_TRUE(e == LIE_ERR_ARG, "only one gradient buffer is rejected");
  lie_error_clear();
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  if (argc < 2) {
    printf("FAIL usage: test_vicreg FIXTURE.txt\n");
    return 1;
  }
  FILE *f = fopen(argv[1], "r");
  LIE_TEST_TRUE(f != NULL, "fixture file opens");
  if (f) {
    int c, ncase = 0;
    while ((c = fgetc(f)) == '#') /* skip comment lines */
      while ((c = fgetc(f)) != '\n' && c != EOF) {
      }
    ungetc(c, f);
    while (fixture_case(f))
      ncase++;
    fclose(f);
    LIE_TEST_TRUE(ncase == 2, "both fixture cases were read");
  }
  fd_check("invariance", 1, 0, 0);
  fd_check("variance", 0, 1, 0);
  fd_check("covariance", 0, 0, 1);
  fd_check("total (25/25/1)", 25, 25, 1);
  hand_case();
  options_and_errors(ctx);
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  return lie_test_finish();
}
