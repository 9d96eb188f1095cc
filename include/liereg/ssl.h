/* Self-supervised learning: the VICReg loss (forward + analytic backward, single process and
 * distributed over the ranks of a lie_ctx) and collapse diagnostics (RankMe effective rank,
 * representation std). Formulas and the distributed scheme: docs/SSL.md. */
#ifndef LIEREG_SSL_H
#define LIEREG_SSL_H
#include "liereg/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- VICReg loss */
/* loss = sim_coeff·inv + std_coeff·var + cov_coeff·cov with (Bardes et al. 2022, and the
 * reference code of Mialon et al. 2023), for two views z, z' of shape (N, D):
 *   inv = MSE(z, z')                                   = 1/(N D) Σ_ij (z_ij − z'_ij)²
 *   var = ½ Σ_views 1/D Σ_j relu(1 − sqrt(Var_j + eps)), Var unbiased (÷ N−1)
 *   cov = Σ_views 1/D Σ_{a≠b} C_ab²,  C = Zc^T Zc / (N − 1),  Zc = z − column means
 * N is the *global* batch (all ranks together). */
typedef struct {
  double sim_coeff; /* -vicreg_sim_coeff, default 25 */
  double std_coeff; /* -vicreg_std_coeff, default 25 */
  double cov_coeff; /* -vicreg_cov_coeff, default 1 */
  double eps;       /* -vicreg_eps, default 1e-4 (inside the square root of the variance) */
} lie_vicreg_opts;

/* The three unweighted terms and the weighted total. */
typedef struct {
  double inv, var, cov, loss;
} lie_vicreg_terms;

void lie_vicreg_opts_default(lie_vicreg_opts *opts);
/* Reads -vicreg_sim_coeff, -vicreg_std_coeff, -vicreg_cov_coeff, -vicreg_eps from the PETSc
 * options database (listed by -help); negative coefficients or eps <= 0 are LIE_ERR_USAGE. */
int lie_vicreg_opts_set_from_options(lie_ctx ctx, lie_vicreg_opts *opts);

/* Single process. z, zp (N, D) row-major fp32; sums are accumulated in double.
 * dz, dzp (N, D): gradient of terms->loss w.r.t. z and z' (both NULL: forward only).
 * N >= 2, D >= 1; non-finite input is LIE_ERR_NUMERIC. */
int lie_vicreg_loss(const lie_vicreg_opts *opts, int n, int d, const float *z, const float *zp, lie_vicreg_terms *terms,
                    float *dz, float *dzp);

/* Distributed: each rank holds n_local consecutive rows of the global batch (rank order; counts
 * may differ between ranks). The embeddings are all-gathered, so every rank gets the loss of
 * the gathered batch — bitwise the single-process value — and dz, dzp (n_local, D) receive the
 * gradient for the rank's own rows. Because the loss is over the global batch, the parameter
 * gradient is the SUM (not the mean) over ranks of the local back-propagations. Collective. */
int lie_vicreg_loss_dist(lie_ctx ctx, const lie_vicreg_opts *opts, int n_local, int d, const float *z, const float *zp,
                         lie_vicreg_terms *terms, float *dz, float *dzp);

/* ---------------------------------------------------------------- collapse diagnostics */
/* RankMe (Garrido et al. 2023): exp(−Σ_k p_k log p_k), p_k = σ_k / ‖σ‖₁ + 1e-7, σ the singular
 * values of the (uncentred) embedding matrix Z (N, D), obtained as square roots of the
 * eigenvalues of the Gram matrix Z^T Z (LAPACKE dsyevd). 1 = full collapse, D = isotropic.
 * An all-zero Z is LIE_ERR_NUMERIC. */
int lie_rankme(int n, int d, const float *z, double *rank);
/* The same over the rows held by all ranks (Gram matrix summed with MPI_Allreduce). Collective. */
int lie_rankme_dist(lie_ctx ctx, int n_local, int d, const float *z, double *rank);

/* Representation std: mean over the D features of the unbiased per-feature standard deviation
 * over the N rows (0 = collapse to a point). N >= 2. */
int lie_repr_std(int n, int d, const float *z, double *std);
int lie_repr_std_dist(lie_ctx ctx, int n_local, int d, const float *z, double *std);

#ifdef __cplusplus
}
#endif
#endif
