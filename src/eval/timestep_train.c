/* `liereg timestep`: set-up, the training loop (LPSDA's protocol, data parallel), model
 * selection on the validation rollout, and the test rollout.
 *
 * Schedule: an epoch is `passes` passes over the training trajectories (default: one per
 * possible start time, so each start is drawn once per trajectory and epoch on average, as
 * LPSDA's train.py argues); a pass is ntrain / B steps of a seeded shuffle (the last partial
 * batch is dropped so every step has the same global batch); each sample's start time is
 * drawn uniformly from 0, s, 2s, ... <= nt - H - F as a pure function of (seed, epoch, pass,
 * slot). So the global batch of any step is the same for any rank count, and a resumed run
 * continues the same sequence. SIGUSR1/SIGTERM only set a flag, OR-ed over the ranks at each
 * step boundary (as liereg pretrain): all ranks write the checkpoint and return together. */
#include "timestep_impl.h"

#include <math.h>
#include <petscsys.h>
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t lie_step_stop = 0;
static void on_signal(int sig) { lie_step_stop = sig; }
void lie_step_request_stop(void) { lie_step_stop = -1; }

static int stop_requested(lie_step_job *j) {
  int mine = lie_step_stop != 0, any = mine;
  if (j->P > 1) LIE_MPI(MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, lie_ctx_comm(j->ctx)));
  return any;
}

static int rollout_start(const lie_step_job *j) { return j->cfg->rollout_start < 0 ? j->H : j->cfg->rollout_start; }

static int check_split(lie_step_job *j, const lie_step_split *s, const char *opt) {
  LIE_CHECK(s->nx == j->tr.nx && s->ny == j->tr.ny && s->nf == j->tr.nf, LIE_ERR_USAGE,
            "%s %s has frames of %d field(s) x %d x %d; -data has %d x %d x %d", opt, s->path, s->nf, s->nx, s->ny,
            j->tr.nf, j->tr.nx, j->tr.ny);
  int t0 = rollout_start(j);
  LIE_CHECK(lie_step_num_windows(s->nt, j->H, j->F, t0) >= 1, LIE_ERR_USAGE,
            "%s %s has %d frames: too short for a rollout from frame %d with -step_history %d and -step_future %d "
            "(needs at least %d)",
            opt, s->path, s->nt, t0, j->H, j->F, t0 + j->H + j->F);
  return LIE_OK;
}

static int load_data(lie_step_job *j) {
  const lie_step_opts *c = j->cfg;
  LIE_CALL(lie_step_split_load(j, c->train, "", &j->tr));
  j->nstarts = lie_step_num_starts(j->tr.nt, j->H, j->F, c->start_stride);
  LIE_CHECK(j->nstarts >= 1, LIE_ERR_USAGE,
            "-data %s has %d frames: too short for -step_history %d + -step_future %d (needs at least %d)", c->train,
            j->tr.nt, j->H, j->F, j->H + j->F);
  LIE_CALL(lie_step_split_load(j, c->test, "", &j->te));
  LIE_CALL(check_split(j, &j->te, "-test_data"));
  j->has_valid = c->valid[0] != 0;
  if (j->has_valid) LIE_CALL(lie_step_split_load(j, c->valid, "", &j->va));
  if (j->has_valid) LIE_CALL(check_split(j, &j->va, "-valid_data"));
  j->nx = j->tr.nx, j->ny = j->tr.ny, j->nf = j->tr.nf, j->ns = j->tr.nf == 3;
  j->fs = j->tr.fs, j->np = (size_t)j->nx * j->ny;
  if (!j->pde[0]) snprintf(j->pde, sizeof j->pde, "unknown");
  LIE_CALL(lie_step_cond_vectors(j, &j->tr));
  LIE_CALL(lie_step_cond_vectors(j, &j->te));
  if (j->has_valid) LIE_CALL(lie_step_cond_vectors(j, &j->va));
  LIE_CALL(lie_step_cond_standardise(j));
  return LIE_OK;
}

static int make_schedule(lie_step_job *j) {
  const lie_step_opts *c = j->cfg;
  int B = c->batch < j->tr.n ? c->batch : j->tr.n;
  B -= B % j->P;
  LIE_CHECK(B >= j->P && B >= 1, LIE_ERR_USAGE,
            "-data %s has %d trajectories: too few for a global batch split over %d ranks", c->train, j->tr.n, j->P);
  if (B != c->batch)
    lie_log_warn(j->ctx, "-step_batch %d -> %d (%d training trajectories, %d ranks)", c->batch, B, j->tr.n, j->P);
  j->B = B, j->nlocal = B / j->P;
  j->passes = c->passes ? c->passes : j->nstarts;
  j->spp = j->tr.n / B;
  j->spe = (long)j->passes * j->spp;
  j->total = (long)c->epochs * j->spe;
  j->stop = c->max_steps > 0 && c->max_steps < j->total ? c->max_steps : j->total;
  return LIE_OK;
}

static int open_log(lie_step_job *j, int resumed) {
  if (!j->cfg->log[0] || j->rank != 0) return LIE_OK;
  j->log = fopen(j->cfg->log, resumed ? "a" : "w");
  LIE_CHECK(j->log, LIE_ERR_IO, "-step_log %s: cannot open for writing", j->cfg->log);
  if (!resumed) fprintf(j->log, "step,epoch,loss,lr,samples_per_s,valid_rollout_loss\n");
  return LIE_OK;
}

static void fmt_time(double s, char *buf, size_t n) {
  long t = s > 0 && isfinite(s) ? (long)(s + 0.5) : 0;
  snprintf(buf, n, "%02ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

static void log_step(lie_step_job *j, double loss, double lr, double rate, long done, long start) {
  const int epoch = (int)((j->step - 1) / j->spe);
  if (j->log) {
    fprintf(j->log, "%ld,%d,%.9g,%.6g,%.4g,\n", j->step, epoch, loss, lr, rate);
    fflush(j->log);
  }
  if (j->cfg->progress_every > 0 && (j->step % j->cfg->progress_every == 0 || j->step == j->stop)) {
    double el = lie_wtime() - j->t_run, eta = el / (double)(done - start) * (double)(j->stop - j->step);
    char e[32], r[32];
    fmt_time(el, e, sizeof e), fmt_time(eta, r, sizeof r);
    lie_log_info(j->ctx, "step %ld/%ld epoch %d loss %.5g lr %.3g | %.1f samples/s | %s elapsed, ETA %s", j->step,
                 j->stop, epoch, loss, lr, rate, e, r);
  }
}

/* End of an epoch: mean loss, validation rollout (model selection), checkpoint. */
static int epoch_end(lie_step_job *j) {
  const int epoch = (int)(j->step / j->spe) - 1;
  double mean = j->epoch_loss / (double)j->spe, vloss = NAN;
  if (epoch == 0) j->first_loss = mean;
  j->last_loss = mean;
  LIE_CHECK(isfinite(mean), LIE_ERR_NUMERIC,
            "training diverged in epoch %d (mean loss %g); -step_lr %g may be too high", epoch, mean, j->cfg->lr);
  if (j->has_valid) {
    LIE_CALL(lie_step_rollout(j, &j->va, rollout_start(j), &vloss, NULL));
    if (vloss < j->best_valid) j->best_valid = vloss, j->best_epoch = epoch, lie_step_best_copy(j, 1);
  }
  j->epochs_done = epoch + 1;
  j->epoch_loss = 0;
  if (j->log) {
    fprintf(j->log, "%ld,%d,,,,%.9g\n", j->step, epoch, vloss);
    fflush(j->log);
  }
  lie_log_info(j->ctx, "epoch %d done: mean training loss %.5g%s%.5g%s", epoch, mean,
               j->has_valid ? ", validation rollout loss " : "", j->has_valid ? vloss : 0.0,
               j->has_valid && j->best_epoch == epoch ? " (best so far)" : "");
  if (j->cfg->ckpt[0]) LIE_CALL(lie_step_ckpt_save(j, j->cfg->ckpt));
  return LIE_OK;
}

static int loop(lie_step_job *j, lie_step_result *res) {
  const long start = j->step;
  while (j->step < j->stop) {
    if (stop_requested(j)) {
      if (j->cfg->ckpt[0]) LIE_CALL(lie_step_ckpt_save(j, j->cfg->ckpt));
      lie_log_info(j->ctx, "stop requested (signal) at step %ld: %s", j->step,
                   j->cfg->ckpt[0] ? "checkpoint written to -step_ckpt; rerun the same command to continue"
                                   : "no -step_ckpt, nothing saved");
      res->status = LIE_STEP_INTERRUPTED;
      return LIE_OK;
    }
    double t0 = lie_wtime(), lr = lie_step_lr(j->cfg, (int)(j->step / j->spe)), loss;
    LIE_CALL(lie_step_train_step(j, j->step, lr, &loss));
    LIE_CHECK(isfinite(loss), LIE_ERR_NUMERIC, "training diverged at step %ld (loss %g)", j->step, loss);
    j->step++;
    j->epoch_loss += loss;
    log_step(j, loss, lr, j->B / (lie_wtime() - t0), j->step, start);
    if (j->step % j->spe == 0) LIE_CALL(epoch_end(j));
  }
  res->status = j->step >= j->total ? LIE_STEP_DONE : LIE_STEP_STOPPED;
  if (j->cfg->ckpt[0] && j->step % j->spe) LIE_CALL(lie_step_ckpt_save(j, j->cfg->ckpt));
  return LIE_OK;
}

static int train(lie_step_job *j, lie_step_result *res) {
  struct sigaction sa, old_usr1, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, &old_usr1);
  sigaction(SIGTERM, &sa, &old_term);
  j->t_run = lie_wtime();
  int err = loop(j, res);
  sigaction(SIGUSR1, &old_usr1, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  lie_step_stop = 0;
  LIE_CALL(err);
  return LIE_OK;
}

static int setup(lie_step_job *j, lie_step_result *res) {
  int resumed = 0;
  LIE_CALL(load_data(j));
  j->c = j->cfg->cond_channels;
  LIE_CALL(make_schedule(j));
  LIE_CALL(lie_step_model_build(j));
  j->best_valid = INFINITY, j->best_epoch = -1;
  j->first_loss = j->last_loss = NAN; /* no epoch finished yet: null in RESULT.json */
  LIE_CALL(lie_step_ckpt_load(j, j->cfg->ckpt, &resumed));
  LIE_CALL(open_log(j, resumed));
  snprintf(res->pde, sizeof res->pde, "%s", j->pde);
  res->ntrain = j->tr.n, res->nvalid = j->has_valid ? j->va.n : 0, res->ntest = j->te.n;
  res->nt = j->tr.nt, res->nx = j->nx, res->cond_dim = j->d, res->cond_inputs = j->din,
  res->nparams = (int)lie_step_nparams(j);
  lie_log_info(
      j->ctx,
      "timestep %s: model %s, cond %s (%d values -> %d inputs -> %d channels), %d parameters; history %d, future %d; "
      "%d train / %d valid / %d test trajectories of %d x %d; global batch %d (%d per rank x %d ranks), "
      "%d passes x %ld steps per epoch, steps %ld -> %ld of %ld%s",
      j->pde, j->cfg->model, lie_step_cond_name(j->cfg->cond), j->d, j->din, j->c, res->nparams, j->H, j->F, j->tr.n,
      res->nvalid, j->te.n, j->tr.nt, j->nx, j->B, j->nlocal, j->P, j->passes, j->spp, j->step, j->stop, j->total,
      resumed ? " (resumed from -step_ckpt)" : "");
  return LIE_OK;
}

static int evaluate(lie_step_job *j, lie_step_result *res) {
  double t0 = lie_wtime();
  if (j->best_epoch >= 0) lie_step_best_copy(j, 0); /* the epoch chosen on validation */
  res->best_epoch = j->best_epoch;
  res->valid_loss = j->best_epoch >= 0 ? j->best_valid : NAN;
  LIE_CALL(lie_step_rollout(j, &j->te, rollout_start(j), NULL, res));
  res->eval_seconds = lie_wtime() - t0;
  return LIE_OK;
}

static int run(lie_step_job *j, lie_step_result *res) {
  LIE_CALL(setup(j, res));
  double t0 = lie_wtime();
  const long s0 = j->step;
  LIE_CALL(train(j, res));
  res->train_seconds = lie_wtime() - t0;
  res->steps = j->step, res->epochs_run = j->epochs_done;
  res->first_loss = j->first_loss, res->last_loss = j->last_loss;
  res->seconds_per_epoch = j->step > s0 ? res->train_seconds / (double)(j->step - s0) * (double)j->spe : 0;
  if (res->status == LIE_STEP_INTERRUPTED) return LIE_OK;
  LIE_CALL(evaluate(j, res));
  return LIE_OK;
}

int lie_step_run(lie_ctx ctx, const lie_step_opts *cfg, lie_step_result *res) {
  lie_step_job j;
  double t0 = lie_wtime();
  memset(&j, 0, sizeof j);
  memset(res, 0, sizeof *res);
  j.ctx = ctx, j.cfg = cfg, j.P = lie_ctx_size(ctx), j.rank = lie_ctx_rank(ctx);
  j.H = cfg->history, j.F = cfg->future;
  int err = run(&j, res);
  if (j.log) fclose(j.log);
  lie_step_model_free(&j);
  lie_step_split_free(&j.tr), lie_step_split_free(&j.va), lie_step_split_free(&j.te);
  res->wall_seconds = lie_wtime() - t0;
  LIE_CALL(err);
  return LIE_OK;
}

void lie_step_result_free(lie_step_result *r) {
  free(r->nmse_per_step);
  r->nmse_per_step = NULL;
}
