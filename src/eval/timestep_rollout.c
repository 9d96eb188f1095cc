/* Autoregressive rollout and its metrics (LPSDA's experiments/train_helper.py,
 * test_unrolled_losses): from the ground-truth window [t0, t0 + H) the stepper predicts F
 * frames, the last H frames of (window, prediction) become the next input, until the next
 * target would pass the end of the trajectory. For each predicted frame k of trajectory i:
 *   nmse_ik = mean_x (pred - u)^2 / mean_x u^2,   mse_ik = mean_x (pred - u)^2
 * summed over k per trajectory; rollout_nmse is the mean of those sums over the test
 * trajectories (LPSDA's normalised unrolled loss), with LPSDA's bootstrap std over the
 * trajectories; nmse_per_step the mean over trajectories of nmse_ik for each k.
 * Trajectories are split in contiguous blocks over ranks (inference mode: every prediction
 * depends only on its own trajectory), then the per-frame errors are all-gathered. */
#include "liereg/eval.h"
#include "timestep_impl.h"

#include <math.h>
#include <petscsys.h>
#include <string.h>

void lie_step_frame_errors(const float *pred, const float *truth, int nx, double *nmse, double *mse) {
  double e2 = 0, u2 = 0;
  for (int i = 0; i < nx; i++) {
    double e = (double)pred[i] - truth[i];
    e2 += e * e, u2 += (double)truth[i] * truth[i];
  }
  *mse = e2 / nx;
  *nmse = e2 / u2;
}

int lie_step_bootstrap(const double *v, int n, int nboot, uint64_t seed, double *mean, double *std) {
  LIE_CHECK(n >= 1 && nboot >= 2, LIE_ERR_ARG, "bootstrap of %d values with %d resamples", n, nboot);
  double *m;
  LIE_ALLOC(m, nboot);
  lie_rng r;
  lie_rng_seed(&r, seed);
  for (int b = 0; b < nboot; b++) {
    double s = 0;
    for (int k = 0; k < n; k++)
      s += v[lie_rng_int(&r, 0, n)];
    m[b] = s / n;
  }
  lie_mean_std(m, nboot, mean, std);
  free(m);
  return LIE_OK;
}

/* The windows of rows [b0, b0 + nb) of this rank's block, rolled out; errors per frame into
 * nmse/mse rows (nsteps each). */
static int rollout_chunk(lie_step_job *j, const lie_step_split *s, int first, int nb, int t0, int nw, float *wbuf,
                         double *nmse, double *mse) {
  const int H = j->H, F = j->F, nsteps = nw * F;
  const size_t fs = j->fs, hx = (size_t)H * fs;
  const float *win[1024], *out;
  float dx[1024], dt[1024];
  for (int q = 0; q < j->nlocal; q++) {
    int i = q < nb ? first + q : -1;
    lie_step_fill_cond(j, q, s, i);
    win[q] = wbuf + q * hx;
    if (i < 0) continue;
    memcpy(wbuf + q * hx, s->u + ((size_t)i * s->nt + t0) * fs, hx * sizeof(float));
    dx[q] = s->dx[i], dt[q] = s->dt[i];
  }
  for (int w = 0; w < nw; w++) {
    LIE_CALL(lie_step_forward(j, nb, win, dx, dt, 0, &out));
    LIE_CALL(lie_fault(j->ctx, "timestep_rollout")); /* test hook (src/core/fault.c) */
    for (int q = 0; q < nb; q++) {
      const float *p = out + (size_t)q * F * fs, *u = s->u + ((size_t)(first + q) * s->nt + t0 + H + w * F) * fs;
      for (int f = 0; f < F; f++)
        lie_step_frame_errors(p + (size_t)f * fs, u + (size_t)f * fs, (int)fs, &nmse[(size_t)q * nsteps + w * F + f],
                              &mse[(size_t)q * nsteps + w * F + f]);
      float *wq = wbuf + q * hx;
      if (F >= H)
        memcpy(wq, p + (size_t)(F - H) * fs, hx * sizeof(float));
      else {
        memmove(wq, wq + (size_t)F * fs, (size_t)(H - F) * fs * sizeof(float));
        memcpy(wq + (size_t)(H - F) * fs, p, (size_t)F * fs * sizeof(float));
      }
    }
  }
  return LIE_OK;
}

static int rollout_block(lie_step_job *j, const lie_step_split *s, int first, int cnt, int t0, int nw, double *nmse,
                         double *mse) {
  const int nsteps = nw * j->F;
  float *wbuf;
  int err = LIE_OK;
  LIE_ALLOC(wbuf, (size_t)j->nlocal * j->H * j->fs);
  for (int b0 = 0; b0 < cnt; b0 += j->nlocal) {
    int nb = cnt - b0 < j->nlocal ? cnt - b0 : j->nlocal;
    LIE_CALL_GOTO(
        rollout_chunk(j, s, first + b0, nb, t0, nw, wbuf, nmse + (size_t)b0 * nsteps, mse + (size_t)b0 * nsteps));
  }
done:
  free(wbuf);
  return err;
}

static int gather_rows(lie_step_job *j, int n, int width, double *all) {
  int *counts, *displs;
  LIE_ALLOC(counts, j->P);
  LIE_ALLOC(displs, j->P);
  for (int r = 0; r < j->P; r++) {
    int f = (int)((long)n * r / j->P);
    counts[r] = ((int)((long)n * (r + 1) / j->P) - f) * width, displs[r] = f * width;
  }
  int m = MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, all, counts, displs, MPI_DOUBLE, lie_ctx_comm(j->ctx));
  free(counts), free(displs);
  LIE_CHECK(m == MPI_SUCCESS, LIE_ERR_MPI, "MPI_Allgatherv of the rollout errors failed");
  return LIE_OK;
}

/* Per-trajectory sums, their means and bootstrap stds, and the per-step NMSE curve. */
static int summarise(lie_step_job *j, const lie_step_split *s, int nsteps, const double *nmse, const double *mse,
                     double *mse_sum, lie_step_result *res) {
  double *tn = NULL, *tm = NULL, mean_m = 0;
  int err = LIE_OK;
  LIE_ALLOC_GOTO(tn, s->n);
  LIE_ALLOC_GOTO(tm, s->n);
  for (int i = 0; i < s->n; i++) {
    tn[i] = tm[i] = 0;
    for (int k = 0; k < nsteps; k++)
      tn[i] += nmse[(size_t)i * nsteps + k], tm[i] += mse[(size_t)i * nsteps + k];
    mean_m += tm[i] / s->n;
  }
  if (mse_sum) *mse_sum = mean_m;
  if (res) {
    double bm;
    res->nsteps = nsteps;
    res->rollout_mse = mean_m;
    res->rollout_nmse = 0;
    for (int i = 0; i < s->n; i++)
      res->rollout_nmse += tn[i] / s->n;
    LIE_CALL_GOTO(lie_step_bootstrap(tn, s->n, j->cfg->nboot, j->cfg->seed, &bm, &res->rollout_nmse_std));
    LIE_CALL_GOTO(lie_step_bootstrap(tm, s->n, j->cfg->nboot, j->cfg->seed, &bm, &res->rollout_mse_std));
    free(res->nmse_per_step);
    res->nmse_per_step = calloc((size_t)nsteps, sizeof(double));
    LIE_CHECK_GOTO(res->nmse_per_step, LIE_ERR_MEM, "out of memory (%d steps)", nsteps);
    for (int k = 0; k < nsteps; k++)
      for (int i = 0; i < s->n; i++)
        res->nmse_per_step[k] += nmse[(size_t)i * nsteps + k] / s->n;
  }
done:
  free(tn), free(tm);
  return err;
}

int lie_step_rollout(lie_step_job *j, const lie_step_split *s, int t0, double *mse_sum, lie_step_result *res) {
  const int nw = lie_step_num_windows(s->nt, j->H, j->F, t0), nsteps = nw * j->F;
  LIE_CHECK(nw >= 1, LIE_ERR_USAGE, "%s: %d frames are too few for a rollout from frame %d with history %d, future %d",
            s->path, s->nt, t0, j->H, j->F);
  int first = (int)((long)s->n * j->rank / j->P), cnt = (int)((long)s->n * (j->rank + 1) / j->P) - first;
  double *nmse = calloc((size_t)s->n * nsteps + 1, sizeof(double)),
         *mse = calloc((size_t)s->n * nsteps + 1, sizeof(double));
  int err = LIE_OK,
      mine = nmse && mse ? LIE_OK : LIE_RECORD(LIE_ERR_MEM, "out of memory (%d x %d rollout errors)", s->n, nsteps);
  PetscLogEventBegin(lie_events.eval, 0, 0, 0, 0);
  if (!mine)
    mine = rollout_block(j, s, first, cnt, t0, nw, nmse + (size_t)first * nsteps, mse + (size_t)first * nsteps);
  PetscLogEventEnd(lie_events.eval, 0, 0, 0, 0);
  LIE_CALL_GOTO(lie_ctx_agree(j->ctx, mine)); /* one rank's error reaches every rank before the gathers */
  LIE_CALL_GOTO(gather_rows(j, s->n, nsteps, nmse));
  LIE_CALL_GOTO(gather_rows(j, s->n, nsteps, mse));
  LIE_CHECK_GOTO(lie_all_finite(nmse, (size_t)s->n * nsteps), LIE_ERR_NUMERIC,
                 "the rollout on %s diverged (non-finite predictions, or a frame that is zero everywhere)", s->path);
  LIE_CALL_GOTO(summarise(j, s, nsteps, nmse, mse, mse_sum, res));
done:
  free(nmse), free(mse);
  return err;
}
