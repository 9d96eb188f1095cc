/* Representation std: mean over features of the per-feature (unbiased) standard deviation over
 * the batch — the quantity VICReg's variance term keeps near 1; it falls to 0 on collapse.
 * Two passes (mean, then centred squares) so that large offsets do not cancel catastrophically;
 * the distributed version reduces the D sums of each pass. */
#include "liereg/ssl.h"

#include <math.h>
#include <stdlib.h>

/* z (N_local,D) -> buf[0..D) += Σ_i z_ij (pass 0) or Σ_i (z_ij − mean_j)² (pass 1) */
static void column_sums(int n, int d, const float *z, const double *mean, double *buf) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < d; j++) {
      double v = z[(size_t)i * d + j];
      if (mean) v = (v - mean[j]) * (v - mean[j]);
      buf[j] += v;
    }
}

/* comm == MPI_COMM_NULL: single process. */
static int repr_std(MPI_Comm comm, int n_local, int d, const float *z, double *std) {
  double *mean, *sq;
  long long n = n_local;
  int err = MPI_SUCCESS;
  LIE_CHECK(n_local >= 0 && d >= 1 && std, LIE_ERR_ARG, "representation std: bad arguments (N=%d, D=%d)", n_local, d);
  if (comm != MPI_COMM_NULL) LIE_MPI(MPI_Allreduce(MPI_IN_PLACE, &n, 1, MPI_LONG_LONG, MPI_SUM, comm));
  LIE_CHECK(n >= 2, LIE_ERR_ARG, "representation std needs at least 2 rows (got %lld)", n);
  LIE_ALLOC(mean, 2 * (size_t)d);
  sq = mean + d;
  column_sums(n_local, d, z, NULL, mean);
  if (comm != MPI_COMM_NULL) err = MPI_Allreduce(MPI_IN_PLACE, mean, d, MPI_DOUBLE, MPI_SUM, comm);
  for (int j = 0; j < d; j++)
    mean[j] /= (double)n;
  column_sums(n_local, d, z, mean, sq);
  if (comm != MPI_COMM_NULL && err == MPI_SUCCESS) err = MPI_Allreduce(MPI_IN_PLACE, sq, d, MPI_DOUBLE, MPI_SUM, comm);
  double s = 0;
  for (int j = 0; j < d; j++)
    s += sqrt(sq[j] / (double)(n - 1));
  free(mean);
  LIE_MPI(err);
  *std = s / d;
  LIE_CHECK(isfinite(*std), LIE_ERR_NUMERIC, "representation std is not finite (NaN/Inf in the embeddings)");
  return LIE_OK;
}

int lie_repr_std(int n, int d, const float *z, double *std) {
  LIE_CALL(repr_std(MPI_COMM_NULL, n, d, z, std));
  return LIE_OK;
}

int lie_repr_std_dist(lie_ctx ctx, int n_local, int d, const float *z, double *std) {
  LIE_CALL(repr_std(lie_ctx_comm(ctx), n_local, d, z, std));
  return LIE_OK;
}
