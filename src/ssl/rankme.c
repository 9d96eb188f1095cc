/* Collapse diagnostics: RankMe effective rank (Garrido, Balestriero, Najman & LeCun, "RankMe:
 * Assessing the downstream performance of pretrained self-supervised representations by their
 * rank", ICML 2023) and the representation std.
 *
 * RankMe uses the singular values of the uncentred embedding matrix, as in the paper: a
 * collapse to one constant vector then has rank 1 (centring would make it 0/0). The singular
 * values are square roots of the eigenvalues of the D×D Gram matrix Z^T Z, a sum over rows —
 * so the distributed version is one MPI_Allreduce of D² doubles, independent of N. */
#include "liereg/ssl.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>

#define RANKME_EPS 1e-7 /* the paper's epsilon added to each p_k */

/* z (N,D) -> gram (D,D) upper triangle += z^T z, accumulated in double */
static int gram_add(int n, int d, const float *z, double *gram) {
  if (n == 0) return LIE_OK;
  LIE_CHECK(lie_all_finite_f(z, (size_t)n * d), LIE_ERR_NUMERIC, "RankMe: embeddings contain NaN/Inf");
  double *zd;
  LIE_ALLOC(zd, (size_t)n * d);
  for (size_t i = 0; i < (size_t)n * d; i++)
    zd[i] = z[i];
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d, n, 1.0, zd, d, 1.0, gram, d);
  free(zd);
  return LIE_OK;
}

/* gram (D,D) upper triangle (destroyed) -> exp of the entropy of normalised singular values */
static int rank_from_gram(int d, double *gram, double *rank) {
  double *ev, s1 = 0, h = 0;
  LIE_ALLOC(ev, d);
  int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'N', 'U', d, gram, d, ev);
  if (info) {
    free(ev);
    LIE_ERROR(LIE_ERR_LAPACK, "LAPACKE_dsyevd failed (info %d) on the %dx%d Gram matrix", info, d, d);
  }
  /* Rounding leaves eigenvalues of order -1e-16·max for a rank-deficient Z: clip to 0. */
  for (int k = 0; k < d; k++) {
    ev[k] = ev[k] > 0 ? sqrt(ev[k]) : 0.0;
    s1 += ev[k];
  }
  if (!(s1 > 0) || !isfinite(s1)) {
    free(ev);
    LIE_ERROR(LIE_ERR_NUMERIC, "RankMe: embedding matrix is zero or not finite (sum of singular values %g)", s1);
  }
  for (int k = 0; k < d; k++) {
    double p = ev[k] / s1 + RANKME_EPS;
    h -= p * log(p);
  }
  free(ev);
  *rank = exp(h);
  return LIE_OK;
}

int lie_rankme(int n, int d, const float *z, double *rank) {
  double *gram;
  LIE_CHECK(n >= 1 && d >= 1 && z && rank, LIE_ERR_ARG, "RankMe: bad arguments (N=%d, D=%d)", n, d);
  int err = LIE_OK;
  LIE_ALLOC(gram, (size_t)d * d);
  LIE_CALL_GOTO(gram_add(n, d, z, gram));
  LIE_CALL_GOTO(rank_from_gram(d, gram, rank));
done:
  free(gram);
  return err;
}

int lie_rankme_dist(lie_ctx ctx, int n_local, int d, const float *z, double *rank) {
  double *gram;
  LIE_CHECK(n_local >= 0 && d >= 1 && rank, LIE_ERR_ARG, "RankMe: bad arguments (N_local=%d, D=%d)", n_local, d);
  LIE_ALLOC(gram, (size_t)d * d);
  int err = gram_add(n_local, d, z, gram);
  if (err) {
    free(gram);
    LIE_CALL(err);
  }
  err = MPI_Allreduce(MPI_IN_PLACE, gram, d * d, MPI_DOUBLE, MPI_SUM, lie_ctx_comm(ctx));
  if (err != MPI_SUCCESS) {
    free(gram);
    LIE_MPI(err);
  }
  err = rank_from_gram(d, gram, rank);
  free(gram);
  LIE_CALL(err);
  return LIE_OK;
}
