/* The training loop: steps, CSV log and progress lines, per-epoch diagnostics (loss terms,
 * representation std, RankMe — printed and in the CSV's last two columns), periodic/final
 * checkpoints and pre-emption signals.
 *
 * SIGUSR1/SIGTERM/SIGINT (SLURM pre-emption, `--signal=B:USR1@120` forwarded by
 * jobs/pretrain.sbatch) only set a flag (src/core/stop.c); the flag is OR-ed over the ranks at
 * every step boundary, so all ranks write the checkpoint and return together. A signal that
 * came during start-up (handlers installed by the CLI before the data is opened) is seen at
 * the first boundary: the checkpoint then holds the starting state. */
#include "pretrain_impl.h"

#include <math.h>
#include <string.h>

void lie_pretrain_request_stop(void) { lie_stop_request(); }

static int stop_requested(struct lie_pretrain_s *p) {
  int mine = lie_stop_pending() != 0, any = mine;
  if (lie_ctx_size(p->ctx) > 1) LIE_MPI(MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, lie_ctx_comm(p->ctx)));
  return any;
}

static void fmt_time(double s, char *buf, size_t n) {
  long t = s > 0 && isfinite(s) ? (long)(s + 0.5) : 0;
  snprintf(buf, n, "%02ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

/* One CSV row per step; the per-epoch diagnostics (RankMe, representation std of the global
 * batch) fill the last two columns on the last step of each epoch and are empty otherwise. */
static void log_step(struct lie_pretrain_s *p, const lie_vicreg_terms *t, double lr, double rate, long done,
                     const double *diag) {
  const int epoch = (int)((p->step - 1) / p->spe);
  if (p->log) {
    fprintf(p->log, "%ld,%d,%.9g,%.9g,%.9g,%.9g,%.6g,%.4g,", p->step, epoch, t->loss, t->inv, t->var, t->cov, lr, rate);
    if (diag)
      fprintf(p->log, "%.6g,%.6g\n", diag[0], diag[1]);
    else
      fprintf(p->log, ",\n");
    fflush(p->log);
  }
  if (p->cfg.progress_every > 0 && (p->step % p->cfg.progress_every == 0 || p->step == p->stop)) {
    double el = lie_wtime() - p->t_run, eta = el / (double)done * (double)(p->stop - p->step);
    char e[32], r[32];
    fmt_time(el, e, sizeof e), fmt_time(eta, r, sizeof r);
    lie_log_info(p->ctx,
                 "step %ld/%ld epoch %d loss %.5g (inv %.4g var %.4g cov %.4g) lr %.3g | %.1f samples/s | %s "
                 "elapsed, ETA %s",
                 p->step, p->stop, epoch, t->loss, t->inv, t->var, t->cov, lr, rate, e, r);
  }
}

static int epoch_end(struct lie_pretrain_s *p, double rstd, double rankme) {
  const int epoch = (int)((p->step - 1) / p->spe);
  double c = p->epoch_count ? (double)p->epoch_count : 1.0;
  lie_log_info(p->ctx, "epoch %d done: mean loss %.5g (inv %.4g var %.4g cov %.4g), repr std %.4g, RankMe %.2f of %d",
               epoch, p->epoch_sum.loss / c, p->epoch_sum.inv / c, p->epoch_sum.var / c, p->epoch_sum.cov / c, rstd,
               rankme, p->Dr);
  memset(&p->epoch_sum, 0, sizeof p->epoch_sum);
  p->epoch_count = 0;
  LIE_CHECK(rankme >= p->cfg.min_rankme, LIE_ERR_NUMERIC,
            "representations collapsed at epoch %d (RankMe %.3f < -train_min_rankme %.3f, repr std %.3g); stopping "
            "without writing a checkpoint, %s keeps the last good state",
            epoch, rankme, p->cfg.min_rankme, rstd, p->cfg.out);
  return LIE_OK;
}

static int loop(struct lie_pretrain_s *p, lie_pretrain_result *res) {
  long start = p->step;
  while (p->step < p->stop) {
    if (stop_requested(p)) {
      LIE_CALL(lie_pretrain_save(p));
      lie_log_info(p->ctx,
                   "stop requested (signal): checkpoint of step %ld written to %s; continue with "
                   "-train_resume %s",
                   p->step, p->cfg.out, p->cfg.out);
      res->status = LIE_PRETRAIN_INTERRUPTED;
      return LIE_OK;
    }
    lie_vicreg_terms t;
    double t0 = lie_wtime(), lr = lie_pretrain_lr(p, p->step), rstd = 0, rankme = 0;
    int last_of_epoch = (p->step + 1) % p->spe == 0;
    LIE_CALL(lie_pretrain_step(p, &t, last_of_epoch, &rstd, &rankme));
    double rate = p->cfg.batch / (lie_wtime() - t0);
    p->loss[p->nloss++] = t.loss;
    p->epoch_sum.loss += t.loss, p->epoch_sum.inv += t.inv, p->epoch_sum.var += t.var, p->epoch_sum.cov += t.cov;
    p->epoch_count++;
    res->last = t;
    double diag[2] = {rankme, rstd};
    log_step(p, &t, lr, rate, p->step - start, last_of_epoch ? diag : NULL);
    if (last_of_epoch) {
      res->rankme = rankme, res->repr_std = rstd;
      LIE_CALL(epoch_end(p, rstd, rankme));
    }
    if (p->cfg.ckpt_every > 0 && p->step % p->cfg.ckpt_every == 0 && p->step < p->stop) LIE_CALL(lie_pretrain_save(p));
  }
  LIE_CALL(lie_pretrain_save(p));
  res->status = p->step >= p->total ? LIE_PRETRAIN_DONE : LIE_PRETRAIN_STOPPED;
  return LIE_OK;
}

int lie_pretrain_run(lie_pretrain p, lie_pretrain_result *res) {
  int C, H, W; /* the network's input image (the 1D, 2D and NS layouts differ) */
  memset(res, 0, sizeof *res);
  LIE_CALL(lie_ssl_model_input_shape(&p->model, &C, &H, &W));
  LIE_CALL(lie_stop_install());
  long start = p->step;
  p->nloss = 0;
  p->t_run = lie_wtime();
  lie_log_info(
      p->ctx,
      "pretraining %s: %d trajectories, global batch %d (%d per rank x %d ranks), %ld steps/epoch, "
      "steps %ld -> %ld of %ld, model %dD width %d input %dx%dx%d, repr %d, expander out %d, backend %s, batch norm %s",
      lie_pde_name(p->cfg.pde), p->n, p->cfg.batch, p->nlocal, lie_ctx_size(p->ctx), p->spe, p->step, p->stop, p->total,
      p->model.dims, p->model.width, C, H, W, p->Dr, p->D, lie_nn_backend_name(p->cfg.backend),
      lie_ctx_size(p->ctx) == 1 ? "local"
      : p->cfg.sync_bn          ? "synchronised over ranks"
                                : "per rank");
  int err = loop(p, res);
  lie_pretrain_loader_stop(p);
  lie_stop_restore();
  lie_stop_clear();
  res->step = p->step;
  res->steps_run = p->step - start;
  res->epoch = (int)(p->step / (p->spe ? p->spe : 1));
  res->loss = p->loss;
  double el = lie_wtime() - p->t_run;
  res->samples_per_s = el > 0 ? (double)res->steps_run * p->cfg.batch / el : 0.0;
  LIE_CALL(err);
  return LIE_OK;
}
