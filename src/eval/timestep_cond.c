/* The conditioning input of the time-stepper: the per-trajectory vector v (d values, from
 * timestep_data.c) mapped to the Linear's din inputs by statistics of the TRAINING split only,
 *
 *     input = P (v - mean),   P (din x d)
 *
 *   truth  P = diag(1 / std): each physical parameter in its own units, scaled to unit variance.
 *   ssl    P = the -step_cond_pca k leading principal directions of the training vectors, each
 *          scaled by 1 / sqrt(its variance) (whitened): k unit-variance, uncorrelated inputs.
 *          k = 0 keeps all d features, centred and scaled by ONE pooled std (the rule before).
 *
 * Why the reduction: with a 64- or 512-feature vector per trajectory and a few hundred training
 * trajectories, the Linear can give every training trajectory its own correction: the stepper
 * fits trajectory identity (rollout NMSE on the training trajectories below `none`'s, on the test
 * ones twice as high; docs/TIMESTEP.md, "Why SSL conditioning hurt"). The leading components
 * are chosen without looking at the targets, and a k-dimensional input cannot name hundreds of
 * trajectories the way 64 near-independent features can.
 * P and mean are computed on rank 0 and broadcast (every rank uses bit-identical inputs), and
 * are stored in the stepper checkpoint (timestep/cond_mean, timestep/cond_proj). */
#include "timestep_impl.h"

#include <lapacke.h>
#include <math.h>
#include <string.h>

static void column_means(const lie_step_split *s, int d, double *mean) {
  for (int k = 0; k < d; k++) {
    double m = 0;
    for (int i = 0; i < s->n; i++)
      m += s->cond[(size_t)i * d + k];
    mean[k] = m / s->n;
  }
}

/* Per-value std (truth: each parameter its own scale; a constant value is centred only). */
static void diag_scaling(lie_step_job *j) {
  const lie_step_split *s = &j->tr;
  const int d = j->d;
  for (int k = 0; k < d; k++) {
    double v = 0;
    for (int i = 0; i < s->n; i++) {
      double e = s->cond[(size_t)i * d + k] - j->cmean[k];
      v += e * e;
    }
    double sd = sqrt(v / s->n);
    j->cstd[k] = sd > 1e-12 * (fabs(j->cmean[k]) + 1) ? sd : 1.0;
  }
}

/* All d features with one pooled std: per-feature scaling would blow near-constant
 * representation features (noise) up to unit variance. */
static void pooled_scaling(lie_step_job *j) {
  double pooled = 0;
  for (int k = 0; k < j->d; k++)
    pooled += j->cstd[k] * j->cstd[k] / j->d;
  for (int k = 0; k < j->d; k++)
    j->cstd[k] = pooled > 0 ? sqrt(pooled) : 1.0;
}

static void diag_projection(lie_step_job *j) {
  memset(j->cproj, 0, sizeof(double) * (size_t)j->d * j->d);
  for (int k = 0; k < j->d; k++)
    j->cproj[(size_t)k * j->d + k] = 1.0 / j->cstd[k];
  j->din = j->d;
}

/* Whitened leading principal directions of the centred training vectors into j->cproj (rank 0).
 * Directions whose variance is at rounding level of the largest are dropped (a collapsed
 * representation has fewer than k), so din <= k. Each eigenvector's sign is fixed (its largest
 * entry positive) so that P does not depend on the LAPACK build. */
static int pca_projection(lie_step_job *j, int k) {
  const lie_step_split *s = &j->tr;
  const int d = j->d;
  double *C = NULL, *ev = NULL;
  int err = LIE_OK;
  LIE_ALLOC_GOTO(C, (size_t)d * d);
  LIE_ALLOC_GOTO(ev, d);
  for (int i = 0; i < s->n; i++) {
    const double *v = s->cond + (size_t)i * d;
    for (int a = 0; a < d; a++)
      for (int b = a; b < d; b++)
        C[(size_t)a * d + b] += (v[a] - j->cmean[a]) * (v[b] - j->cmean[b]) / s->n;
  }
  int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', d, C, d, ev); /* ascending; columns of C */
  LIE_CHECK_GOTO(info == 0, LIE_ERR_LAPACK, "-step_cond_pca: LAPACKE_dsyevd failed (info %d) on the %dx%d covariance",
                 info, d, d);
  int din = 0;
  for (int m = 0; m < k && m < d; m++) {
    const int col = d - 1 - m;
    const double lam = ev[col];
    if (!(lam > 1e-10 * ev[d - 1])) break;
    int arg = 0;
    for (int a = 1; a < d; a++)
      if (fabs(C[(size_t)a * d + col]) > fabs(C[(size_t)arg * d + col])) arg = a;
    const double sgn = C[(size_t)arg * d + col] < 0 ? -1.0 : 1.0;
    for (int a = 0; a < d; a++)
      j->cproj[(size_t)m * d + a] = sgn * C[(size_t)a * d + col] / sqrt(lam);
    din++;
  }
  LIE_CHECK_GOTO(din >= 1, LIE_ERR_NUMERIC,
                 "-step_cond_pca: the %d training representations do not vary (collapsed encoder?)", s->n);
  j->din = din;
done:
  free(C), free(ev);
  return err;
}

static int bcast_projection(lie_step_job *j) {
  int din = j->din;
  MPI_Comm comm = lie_ctx_comm(j->ctx);
  LIE_MPI(MPI_Bcast(&din, 1, MPI_INT, 0, comm));
  j->din = din;
  LIE_MPI(MPI_Bcast(j->cproj, j->din * j->d, MPI_DOUBLE, 0, comm));
  LIE_MPI(MPI_Bcast(j->cmean, j->d, MPI_DOUBLE, 0, comm));
  LIE_MPI(MPI_Bcast(j->cstd, j->d, MPI_DOUBLE, 0, comm));
  return LIE_OK;
}

int lie_step_cond_standardise(lie_step_job *j) {
  const int d = j->d, k = j->cfg->cond_pca;
  j->din = 1; /* none: one constant zero input, the Linear is its bias */
  if (d == 0) return LIE_OK;
  LIE_ALLOC(j->cproj, (size_t)d * d);
  int err = LIE_OK;
  if (j->rank == 0) {
    column_means(&j->tr, d, j->cmean);
    diag_scaling(j);
    if (j->cfg->cond == LIE_STEP_COND_SSL && k > 0)
      err = pca_projection(j, k);
    else {
      if (j->cfg->cond == LIE_STEP_COND_SSL) pooled_scaling(j);
      diag_projection(j);
    }
  }
  LIE_CALL(lie_ctx_agree(j->ctx, err));
  LIE_CALL(bcast_projection(j));
  return LIE_OK;
}

void lie_step_cond_input(const lie_step_job *j, const double *v, float *out) {
  memset(out, 0, sizeof(float) * j->din);
  for (int m = 0; v && m < j->din && j->d > 0; m++) {
    const double *p = j->cproj + (size_t)m * j->d;
    double s = 0;
    for (int k = 0; k < j->d; k++)
      s += p[k] * (v[k] - j->cmean[k]);
    out[m] = (float)s;
  }
}
