/* VICReg loss (Bardes, Ponce & LeCun 2022) with its analytic gradient, in the form used by the
 * reference code of Mialon et al. 2023 (see include/liereg/ssl.h and docs/SSL.md).
 *
 * Inputs are fp32 (network outputs); every sum is accumulated in double so the loss and its
 * gradient do not depend on the batch size's rounding behaviour. Each term has a _forward and a
 * _backward that mirror each other; the backward produces the gradient for a contiguous range
 * of rows [r0, r0 + nr) of the batch, which is what the distributed version needs. */
#include "liereg/options.h"
#include "liereg/ssl.h"

#include <cblas.h>
#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>

void lie_vicreg_opts_default(lie_vicreg_opts *o) {
  o->sim_coeff = 25.0;
  o->std_coeff = 25.0;
  o->cov_coeff = 1.0;
  o->eps = 1e-4;
}

static PetscErrorCode read_options(MPI_Comm comm, lie_vicreg_opts *o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "VICReg loss", "ssl");
  PetscCall(LIE_OPTIONS_REAL("-vicreg_sim_coeff", "weight of the invariance (MSE) term", "", o->sim_coeff,
                             &o->sim_coeff, NULL));
  PetscCall(LIE_OPTIONS_REAL("-vicreg_std_coeff", "weight of the variance (hinge on the std) term", "", o->std_coeff,
                             &o->std_coeff, NULL));
  PetscCall(LIE_OPTIONS_REAL("-vicreg_cov_coeff", "weight of the covariance (off-diagonal) term", "", o->cov_coeff,
                             &o->cov_coeff, NULL));
  PetscCall(LIE_OPTIONS_REAL("-vicreg_eps", "added to the variance inside the square root", "", o->eps, &o->eps, NULL));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

int lie_vicreg_opts_set_from_options(lie_ctx ctx, lie_vicreg_opts *o) {
  LIE_PETSC(read_options(lie_ctx_comm(ctx), o));
  LIE_CHECK(o->sim_coeff >= 0 && o->std_coeff >= 0 && o->cov_coeff >= 0, LIE_ERR_USAGE,
            "VICReg coefficients must be >= 0 (-vicreg_sim_coeff %g -vicreg_std_coeff %g -vicreg_cov_coeff %g)",
            o->sim_coeff, o->std_coeff, o->cov_coeff);
  LIE_CHECK(o->eps > 0 && isfinite(o->eps), LIE_ERR_USAGE, "-vicreg_eps must be > 0 (got %g)", o->eps);
  return LIE_OK;
}

/* ---------------------------------------------------------------- invariance term */
/* z, zp (N,D) -> MSE */
static double inv_forward(int n, int d, const float *z, const float *zp) {
  double s = 0;
  for (size_t i = 0; i < (size_t)n * d; i++) {
    double e = (double)z[i] - (double)zp[i];
    s += e * e;
  }
  return s / ((double)n * d);
}

/* rows [r0, r0+nr) of z, zp -> g (nr,D) = coeff · sign · ∂MSE/∂z (sign −1 for z') */
static void inv_backward(int n, int d, int r0, int nr, const float *z, const float *zp, double coeff, double sign,
                         double *g) {
  double a = sign * coeff * 2.0 / ((double)n * d);
  for (size_t i = 0; i < (size_t)nr * d; i++) {
    size_t k = (size_t)r0 * d + i;
    g[i] += a * ((double)z[k] - (double)zp[k]);
  }
}

/* ---------------------------------------------------------------- centring */
/* z (N,D) fp32 -> zc (N,D) = z − column means, in double */
static void center(int n, int d, const float *z, double *zc, double *mean) {
  memset(mean, 0, sizeof(double) * (size_t)d);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < d; j++)
      mean[j] += z[(size_t)i * d + j];
  for (int j = 0; j < d; j++)
    mean[j] /= n;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < d; j++)
      zc[(size_t)i * d + j] = (double)z[(size_t)i * d + j] - mean[j];
}

/* ---------------------------------------------------------------- variance term */
/* zc (N,D) -> sd (D) = sqrt(Var_j + eps); returns 1/D Σ_j relu(1 − sd_j) (one view) */
static double var_forward(int n, int d, const double *zc, double eps, double *sd) {
  double h = 0;
  for (int j = 0; j < d; j++)
    sd[j] = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < d; j++)
      sd[j] += zc[(size_t)i * d + j] * zc[(size_t)i * d + j];
  for (int j = 0; j < d; j++) {
    sd[j] = sqrt(sd[j] / (n - 1) + eps);
    if (sd[j] < 1) h += 1 - sd[j];
  }
  return h / d;
}

/* The view's hinge enters the loss as coeff·½·(1/D)Σ_j relu(1 − sd_j). With ∂sd_j/∂z_ij =
 * zc_ij / ((N−1) sd_j) (the mean's contribution cancels because Σ_i zc_ij = 0):
 * rows [r0,r0+nr) -> g (nr,D) += −coeff · [sd_j<1] · zc_ij / (2 D (N−1) sd_j) */
static void var_backward(int n, int d, int r0, int nr, const double *zc, const double *sd, double coeff, double *g) {
  for (int j = 0; j < d; j++) {
    if (!(sd[j] < 1)) continue;
    double a = -coeff / (2.0 * d * (n - 1) * sd[j]);
    for (int i = 0; i < nr; i++)
      g[(size_t)i * d + j] += a * zc[(size_t)(r0 + i) * d + j];
  }
}

/* ---------------------------------------------------------------- covariance term */
/* zc (N,D) -> C (D,D) = zc^T zc / (N−1) with its diagonal zeroed (what the backward needs);
 * returns 1/D Σ_{a≠b} C_ab² (one view) */
static double cov_forward(int n, int d, const double *zc, double *C) {
  double s = 0;
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d, n, 1.0 / (n - 1), zc, d, 0.0, C, d);
  for (int a = 0; a < d; a++) {
    C[(size_t)a * d + a] = 0;
    for (int b = a + 1; b < d; b++) {
      double c = C[(size_t)a * d + b];
      C[(size_t)b * d + a] = c;
      s += 2 * c * c;
    }
  }
  return s / d;
}

/* ∂/∂C_ab of Σ_{a≠b} C_ab²/D is 2 C_ab/D off the diagonal; through C = zc^T zc/(N−1) that gives
 * ∂/∂zc = 4 zc C_off / (D (N−1)), whose columns sum to zero, so centring passes it unchanged:
 * rows [r0,r0+nr) -> g (nr,D) += coeff · 4/(D(N−1)) · zc[rows] C_off */
static void cov_backward(int n, int d, int r0, int nr, const double *zc, const double *C, double coeff, double *g) {
  if (nr == 0) return;
  double a = coeff * 4.0 / ((double)d * (n - 1));
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nr, d, d, a, zc + (size_t)r0 * d, d, C, d, 1.0, g, d);
}

/* ---------------------------------------------------------------- the loss */
typedef struct {
  double *zc, *mean, *sd, *C, *g;
} work;

static void work_free(work *w) {
  free(w->zc);
  free(w->mean);
  free(w->sd);
  free(w->C);
  free(w->g);
}

/* Var and cov terms of one view, and (g != NULL) the gradient rows of that view, including the
 * invariance part passed in through `other` (the other view, sign −1 for z'). */
static int view_terms(const lie_vicreg_opts *o, int n, int d, int r0, int nr, const float *v, const float *other,
                      double sign, work *w, double *var, double *cov, float *dv) {
  center(n, d, v, w->zc, w->mean);
  *var = var_forward(n, d, w->zc, o->eps, w->sd);
  *cov = cov_forward(n, d, w->zc, w->C);
  if (!dv) return LIE_OK;
  memset(w->g, 0, sizeof(double) * (size_t)nr * d);
  /* inv_backward is written for (z − z'); for the z' view swap the arguments and flip the sign */
  if (sign > 0)
    inv_backward(n, d, r0, nr, v, other, o->sim_coeff, 1.0, w->g);
  else
    inv_backward(n, d, r0, nr, other, v, o->sim_coeff, -1.0, w->g);
  var_backward(n, d, r0, nr, w->zc, w->sd, o->std_coeff, w->g);
  cov_backward(n, d, r0, nr, w->zc, w->C, o->cov_coeff, w->g);
  for (size_t i = 0; i < (size_t)nr * d; i++)
    dv[i] = (float)w->g[i];
  LIE_CHECK(lie_all_finite_f(dv, (size_t)nr * d), LIE_ERR_NUMERIC, "VICReg gradient is not finite");
  return LIE_OK;
}

/* Loss over the full batch z, zp (N,D); gradient for rows [r0, r0+nr) into dz, dzp (nr,D). */
static int vicreg_rows(const lie_vicreg_opts *o, int n, int d, int r0, int nr, const float *z, const float *zp,
                       lie_vicreg_terms *t, float *dz, float *dzp) {
  work w = {0};
  double var1, var2, cov1, cov2;
  int err = LIE_OK;
  w.zc = malloc(sizeof(double) * (size_t)n * d);
  w.mean = malloc(sizeof(double) * (size_t)d);
  w.sd = malloc(sizeof(double) * (size_t)d);
  w.C = malloc(sizeof(double) * (size_t)d * d);
  w.g = malloc(sizeof(double) * ((size_t)nr * d + 1));
  LIE_CHECK_GOTO(w.zc && w.mean && w.sd && w.C && w.g, LIE_ERR_MEM, "out of memory for the VICReg loss (N=%d, D=%d)", n,
                 d);
  t->inv = inv_forward(n, d, z, zp);
  LIE_CALL_GOTO(view_terms(o, n, d, r0, nr, z, zp, 1.0, &w, &var1, &cov1, dz));
  LIE_CALL_GOTO(view_terms(o, n, d, r0, nr, zp, z, -1.0, &w, &var2, &cov2, dzp));
  t->var = 0.5 * (var1 + var2);
  t->cov = cov1 + cov2;
  t->loss = o->sim_coeff * t->inv + o->std_coeff * t->var + o->cov_coeff * t->cov;
  LIE_CHECK_GOTO(isfinite(t->loss), LIE_ERR_NUMERIC, "VICReg loss is not finite (inv %g var %g cov %g)", t->inv, t->var,
                 t->cov);
done:
  work_free(&w);
  return err;
}

static int check_args(const lie_vicreg_opts *o, int n, int d, const float *z, const float *zp, const float *dz,
                      const float *dzp) {
  LIE_CHECK(o && z && zp, LIE_ERR_ARG, "VICReg: NULL options or embeddings");
  LIE_CHECK(n >= 2, LIE_ERR_ARG, "VICReg needs a batch of at least 2 (got %d): the variance divides by N-1", n);
  LIE_CHECK(d >= 1, LIE_ERR_ARG, "VICReg: embedding dimension must be >= 1 (got %d)", d);
  LIE_CHECK(!dz == !dzp, LIE_ERR_ARG, "VICReg: give both gradient buffers or neither");
  return LIE_OK;
}

int lie_vicreg_loss(const lie_vicreg_opts *o, int n, int d, const float *z, const float *zp, lie_vicreg_terms *t,
                    float *dz, float *dzp) {
  LIE_CALL(check_args(o, n, d, z, zp, dz, dzp));
  LIE_CHECK(lie_all_finite_f(z, (size_t)n * d) && lie_all_finite_f(zp, (size_t)n * d), LIE_ERR_NUMERIC,
            "VICReg: embeddings contain NaN/Inf");
  LIE_CALL(vicreg_rows(o, n, d, 0, n, z, zp, t, dz, dzp));
  return LIE_OK;
}

/* Distributed: gather both views (N·D·4 bytes each per rank), then every rank runs the same
 * double-precision computation on the same gathered batch in the same order — the loss is
 * bitwise the single-process one whatever the rank count. The O(N D²) covariance is computed
 * redundantly on each rank; for N, D ≈ 512 that is ~0.5 GFlop per step, small beside the
 * encoder (docs/SSL.md discusses the sufficient-statistics alternative). */
int lie_vicreg_loss_dist(lie_ctx ctx, const lie_vicreg_opts *o, int n_local, int d, const float *z, const float *zp,
                         lie_vicreg_terms *t, float *dz, float *dzp) {
  MPI_Comm comm = lie_ctx_comm(ctx);
  int size = lie_ctx_size(ctx), rank = lie_ctx_rank(ctx), bad = 0, anybad = 0;
  LIE_CHECK(n_local >= 0 && d >= 1, LIE_ERR_ARG, "VICReg: bad shape (%d, %d)", n_local, d);
  bad = !lie_all_finite_f(z, (size_t)n_local * d) || !lie_all_finite_f(zp, (size_t)n_local * d);
  LIE_MPI(MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, comm));
  LIE_CHECK(!anybad, LIE_ERR_NUMERIC, "VICReg: embeddings contain NaN/Inf%s", bad ? " (on this rank)" : "");

  int *counts = NULL, *displs = NULL, r0 = 0, err = LIE_OK;
  float *all = NULL, *allp;
  long long n = 0;
  LIE_ALLOC_GOTO(counts, size);
  LIE_ALLOC_GOTO(displs, size);
  LIE_MPI_GOTO(MPI_Allgather(&n_local, 1, MPI_INT, counts, 1, MPI_INT, comm));
  for (int r = 0; r < size; r++)
    n += counts[r];
  for (int r = 0; r < rank; r++)
    r0 += counts[r];
  LIE_CHECK_GOTO(n * d <= INT32_MAX, LIE_ERR_ARG, "VICReg: global batch %lld x %d too large for one gather", n, d);
  for (int r = 0, off = 0; r < size; r++) {
    counts[r] *= d;
    displs[r] = off;
    off += counts[r];
  }
  all = malloc(sizeof(float) * (2 * (size_t)n * d + 1));
  LIE_CHECK_GOTO(all, LIE_ERR_MEM, "out of memory gathering %lld embeddings", n);
  allp = all + (size_t)n * d;
  LIE_MPI_GOTO(MPI_Allgatherv(z, n_local * d, MPI_FLOAT, all, counts, displs, MPI_FLOAT, comm));
  LIE_MPI_GOTO(MPI_Allgatherv(zp, n_local * d, MPI_FLOAT, allp, counts, displs, MPI_FLOAT, comm));
  LIE_CALL_GOTO(check_args(o, (int)n, d, all, allp, dz, dzp));
  LIE_CALL_GOTO(vicreg_rows(o, (int)n, d, r0, n_local, all, allp, t, dz, dzp));
done:
  free(counts);
  free(displs);
  free(all);
  return err;
}
