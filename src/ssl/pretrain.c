/* The pretraining object: opens the data, builds the model and optimiser, resumes from a
 * checkpoint, saves checkpoints. The loop is in pretrain_run.c, one step in pretrain_step.c. */
#include "pretrain_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int model_from_cfg(struct lie_pretrain_s *p) {
  const lie_pretrain_opts *c = &p->cfg;
  int n;
  LIE_CALL(lie_ssl_data_sizes(p->data, &n, NULL, NULL));
  lie_ssl_model_opts *m = &p->model;
  LIE_CALL(lie_ssl_data_model_opts(p->data, &c->aug, c->dims, c->width, m));
  /* -aug_crop_t/-aug_crop_x 0 mean "derived from the data" (half the frames, all points): the
   * views must be cut to exactly the size the model was built for */
  p->cfg.aug.crop_t = m->crop_t, p->cfg.aug.crop_dt = m->crop_dt;
  if (!lie_ssl_data_is_ns(p->data)) p->cfg.aug.crop_x = m->crop_x;
  m->nexpander = c->nexpander;
  for (int i = 0; i < LIE_PRETRAIN_MAX_EXPANDER; i++)
    m->expander[i] = i < c->nexpander ? c->expander[i] : 0;
  p->n = n;
  return LIE_OK;
}

/* -train_batch 0 (the default): LIE_PRETRAIN_BATCH, or the largest multiple of the rank count
 * that the data hold when they hold fewer trajectories (a small test file trains as is). */
static int auto_batch(int n, int P) {
  int b = n < LIE_PRETRAIN_BATCH ? n : LIE_PRETRAIN_BATCH;
  b -= b % P;
  return b >= 2 ? b : 2 * P;
}

static int check_sizes(struct lie_pretrain_s *p) {
  lie_pretrain_opts *c = &p->cfg;
  int P = lie_ctx_size(p->ctx);
  if (c->batch == 0) c->batch = auto_batch(p->n, P);
  LIE_CHECK(c->batch % P == 0, LIE_ERR_USAGE,
            "-train_batch %d is not divisible by the %d MPI ranks (each rank takes an equal slice)", c->batch, P);
  LIE_CHECK(p->n >= c->batch, LIE_ERR_USAGE, "the data hold %d trajectories, fewer than -train_batch %d", p->n,
            c->batch);
  p->nlocal = c->batch / P;
  p->spe = p->n / c->batch; /* the last partial batch of an epoch is dropped */
  p->total = (long)c->epochs * p->spe;
  p->stop = c->steps > 0 ? c->steps : p->total;
  return LIE_OK;
}

/* A view's time shift (up to the t_shift strength, rounded to whole frames of the smallest
 * stored dt) drops frames before its time crop is drawn: refuse a crop whose span cannot fit
 * after the largest shift, rather than failing at the first view that draws one. */
static int check_crop_fits_shift(const struct lie_pretrain_s *p) {
  const lie_aug_opts *a = &p->cfg.aug;
  double smax = 0;
  for (int i = 0; i < a->ngen; i++)
    if (a->gens[i] == LIE_AUG_T_SHIFT && fabs(a->strength[i]) > smax) smax = fabs(a->strength[i]);
  if (!(smax > 0) || !p->grid.known || !(p->grid.dt[0] > 0)) return LIE_OK;
  int frames = lie_shift_frames(smax, p->grid.dt[0], p->grid.nt), span = lie_ssl_model_span(&p->model);
  LIE_CHECK(span <= p->grid.nt - frames, LIE_ERR_USAGE,
            "the time crop spans %d frames (-aug_crop_t %d, -aug_crop_dt %d), but a time shift of up to %g "
            "(-aug_strengths: %d frames of dt %g) leaves %d of the %d stored frames",
            span, p->model.crop_t, p->model.crop_dt > 1 ? p->model.crop_dt : 1, smax, frames, p->grid.dt[0],
            p->grid.nt - frames, p->grid.nt);
  return LIE_OK;
}

static int build_net(struct lie_pretrain_s *p) {
  const lie_pretrain_opts *c = &p->cfg;
  int out, C, H, W;
  LIE_CALL(lie_nn_net_create(p->ctx, &p->net));
  lie_nn_backend be = c->backend; /* both backends honour synchronised batch norm */
  LIE_CALL(lie_nn_net_set_backend(p->net, be));
  if (c->threads > 0) LIE_CALL(lie_nn_set_threads(c->threads));
  LIE_CALL(lie_ssl_model_check_memory(&p->model, 2 * p->nlocal, 1));
  LIE_CALL(lie_ssl_model_build(p->net, &p->model, &p->repr_id, &out));
  LIE_CALL(lie_nn_net_setup(p->net, 2 * p->nlocal)); /* both views of the local samples in one batch */
  LIE_CALL(lie_nn_net_init(p->net, lie_seed_derive(c->seed, 0x776569676874ULL, 0)));
  if (c->sync_bn && lie_ctx_size(p->ctx) > 1) LIE_CALL(lie_ssl_sync_bn(p->ctx, p->net));
  LIE_CALL(lie_nn_net_tensor_shape(p->net, out, &C, &H, &W));
  p->D = C * H * W;
  LIE_CALL(lie_nn_net_tensor_shape(p->net, p->repr_id, &C, &H, &W));
  p->Dr = C * H * W;
  LIE_CALL(lie_ssl_model_input_shape(&p->model, &C, &H, &W));
  p->in_numel = (size_t)C * H * W;
  lie_nn_adamw_opts ao;
  lie_nn_adamw_opts_default(&ao);
  ao.lr = c->lr, ao.weight_decay = c->wd;
  LIE_CALL(lie_nn_adamw_create(p->net, &ao, &p->opt));
  return LIE_OK;
}

static void fill_state(const struct lie_pretrain_s *p, lie_pretrain_state *st) {
  memset(st, 0, sizeof *st);
  st->version = LIE_PRETRAIN_CKPT_VERSION;
  st->step = p->step;
  st->epoch = (int)(p->step / p->spe);
  st->epoch_step = p->step % p->spe;
  st->seed = p->cfg.seed;
  st->batch = p->cfg.batch;
  st->norm_mean = p->norm_mean[0], st->norm_std = p->norm_std[0];
  st->nnorm = p->nnorm;
  for (int c = 0; c < p->nnorm; c++)
    st->norm_fmean[c] = p->norm_mean[c], st->norm_fstd[c] = p->norm_std[c];
  st->model = p->model;
  st->grid = p->grid;
  snprintf(st->pde, sizeof st->pde, "%s", lie_pde_name(p->cfg.pde));
  snprintf(st->aug_mode, sizeof st->aug_mode, "%s", lie_aug_mode_name(p->cfg.aug.mode));
}

/* A step can leave non-finite weights, moments or running statistics that the next step's
 * output check would only see later: never write them over the last good checkpoint. The same
 * on every rank (parameters are identical after the allreduce; BN statistics may differ). */
static int check_state_finite(struct lie_pretrain_s *p) {
  size_t np, nb, nm;
  float *v2;
  const float *w = lie_nn_net_params(p->net, &np), *b = lie_nn_net_buffers(p->net, &nb);
  const float *m = lie_nn_adamw_moments(p->opt, &v2, &nm);
  int ok = lie_all_finite_f(w, np) && lie_all_finite_f(b, nb) && lie_all_finite_f(m, nm) && lie_all_finite_f(v2, nm),
      all = ok;
  LIE_MPI(MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, lie_ctx_comm(p->ctx)));
  LIE_CHECK(all, LIE_ERR_NUMERIC,
            "training diverged: non-finite weights after step %ld (lr %.3g); not saved, %s keeps the last good state",
            p->step, lie_pretrain_lr(p, p->step - 1), p->cfg.out);
  return LIE_OK;
}

int lie_pretrain_save(struct lie_pretrain_s *p) {
  lie_pretrain_state st;
  LIE_CALL(check_state_finite(p));
  fill_state(p, &st);
  lie_pretrain_io_lock(p); /* HDF5 is not thread-safe: no loader reads while we write */
  int err = lie_pretrain_ckpt_save(p->ctx, p->net, p->opt, &st, p->cfg.out);
  lie_pretrain_io_unlock(p);
  LIE_CALL(err);
  lie_log_debug(p->ctx, "checkpoint step %ld -> %s", p->step, p->cfg.out);
  return LIE_OK;
}

/* A resumed run must continue the same curve: refuse anything that would change it. */
static int check_resume(const struct lie_pretrain_s *p, const lie_pretrain_state *st) {
  lie_pretrain_state now;
  fill_state(p, &now);
  const char *r = p->cfg.resume;
  LIE_CHECK(!strcmp(st->pde, now.pde), LIE_ERR_USAGE, "%s was trained on %s data, not %s", r, st->pde, now.pde);
  LIE_CHECK(st->seed == now.seed && st->batch == now.batch, LIE_ERR_USAGE,
            "%s used -seed %llu -train_batch %d; this run has -seed %llu -train_batch %d (resume needs the same)", r,
            (unsigned long long)st->seed, st->batch, (unsigned long long)now.seed, now.batch);
  LIE_CHECK(!memcmp(&st->model, &now.model, sizeof st->model) && !strcmp(st->aug_mode, now.aug_mode), LIE_ERR_USAGE,
            "%s has a different model (dims %d width %d, %d x %d x %d input, frames %d apart, %d expander layers, %s "
            "mode) than this run's options",
            r, st->model.dims, st->model.width, st->model.cin, st->model.crop_t, st->model.crop_x, st->model.crop_dt,
            st->model.nexpander, st->aug_mode);
  LIE_CHECK(st->step >= 0 && st->step % p->spe == st->epoch_step, LIE_ERR_FORMAT,
            "%s: step %ld and data position %ld disagree with %ld steps per epoch (different data file?)", r, st->step,
            st->epoch_step, p->spe);
  return LIE_OK;
}

static int resume(struct lie_pretrain_s *p) {
  lie_pretrain_state st;
  LIE_CALL(lie_pretrain_ckpt_read_state(p->ctx, p->cfg.resume, &st));
  LIE_CALL(check_resume(p, &st));
  LIE_CALL(lie_pretrain_ckpt_load(p->ctx, p->net, p->opt, p->cfg.resume));
  p->step = st.step;
  LIE_CHECK(st.nnorm == p->nnorm, LIE_ERR_USAGE, "%s normalises %d field(s), this data has %d", p->cfg.resume, st.nnorm,
            p->nnorm);
  for (int c = 0; c < p->nnorm; c++)
    p->norm_mean[c] = st.norm_fmean[c], p->norm_std[c] = st.norm_fstd[c];
  lie_log_info(p->ctx, "resumed from %s at step %ld (epoch %d)", p->cfg.resume, p->step, st.epoch);
  return LIE_OK;
}

/* Per-field statistics computed on rank 0 and broadcast (the same on every rank). */
static int normalisation(struct lie_pretrain_s *p) {
  double ms[2 * LIE_SSL_MAX_FIELDS] = {0};
  int err = lie_ctx_rank(p->ctx) == 0 ? lie_ssl_data_stats_fields(p->data, ms, ms + LIE_SSL_MAX_FIELDS) : 0, any = 0;
  LIE_MPI(MPI_Allreduce(&err, &any, 1, MPI_INT, MPI_MAX, lie_ctx_comm(p->ctx)));
  LIE_CALL(err);
  LIE_CHECK(!any, LIE_ERR_FORMAT, "reading the data failed on rank 0");
  LIE_MPI(MPI_Bcast(ms, 2 * LIE_SSL_MAX_FIELDS, MPI_DOUBLE, 0, lie_ctx_comm(p->ctx)));
  for (int c = 0; c < p->nnorm; c++)
    p->norm_mean[c] = ms[c], p->norm_std[c] = ms[LIE_SSL_MAX_FIELDS + c];
  return LIE_OK;
}

#define LIE_PRETRAIN_LOG_HEADER "step,epoch,loss,inv,var,cov,lr,samples_per_s,rankme,repr_std\n"

/* On resume, rows past the checkpoint's step (written before a crash) are dropped so the log
 * holds each step once. A log of an older liereg (no rankme,repr_std columns) gets the new
 * header and two empty columns on its rows, so that the appended rows match it. */
static int trim_log(const char *path, long step) {
  FILE *f = fopen(path, "r");
  LIE_CHECK(f, LIE_ERR_IO, "cannot read the training log %s", path);
  char tmp[LIE_PRETRAIN_PATH + 8], line[512];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *o = fopen(tmp, "w");
  if (!o) fclose(f);
  LIE_CHECK(o, LIE_ERR_IO, "cannot write %s", tmp);
  int old = 0;
  for (int first = 1; fgets(line, sizeof line, f); first = 0)
    if (first) {
      old = !strstr(line, "rankme");
      fputs(old ? LIE_PRETRAIN_LOG_HEADER : line, o);
    } else if (atol(line) <= step) {
      size_t n = strlen(line);
      if (old && n && line[n - 1] == '\n')
        line[n - 1] = 0, fprintf(o, "%s,,\n", line);
      else
        fputs(line, o);
    }
  fclose(f);
  int bad = fclose(o) != 0;
  LIE_CHECK(!bad && rename(tmp, path) == 0, LIE_ERR_IO, "cannot rewrite the training log %s", path);
  return LIE_OK;
}

static int open_log(struct lie_pretrain_s *p) {
  if (!p->cfg.log[0] || lie_ctx_rank(p->ctx) != 0) return LIE_OK;
  int append = p->cfg.resume[0] && access(p->cfg.log, F_OK) == 0;
  if (append) LIE_CALL(trim_log(p->cfg.log, p->step));
  p->log = fopen(p->cfg.log, append ? "a" : "w");
  LIE_CHECK(p->log, LIE_ERR_IO, "cannot open the training log %s", p->cfg.log);
  if (!append) fputs(LIE_PRETRAIN_LOG_HEADER, p->log);
  return LIE_OK;
}

static int setup(struct lie_pretrain_s *p) {
  const lie_pretrain_opts *c = &p->cfg;
  lie_log_debug(p->ctx, "start-up: opening %s", c->data);
  LIE_CALL(lie_ssl_data_open(p->ctx, c->data, c->mode, c->field, &p->data));
  LIE_CALL(model_from_cfg(p));
  p->nnorm = lie_ssl_data_nfields(p->data);
  LIE_CALL(lie_ssl_data_train_grid(p->data, &p->grid));
  LIE_CALL(check_sizes(p));
  LIE_CALL(check_crop_fits_shift(p));
  LIE_CALL(build_net(p));
  if (c->resume[0])
    LIE_CALL(resume(p));
  else
    LIE_CALL(normalisation(p));
  lie_ssl_data_set_norm_fields(p->data, p->norm_mean, p->norm_std);
  LIE_ALLOC(p->perm, p->n);
  LIE_ALLOC(p->x, 2 * (size_t)p->nlocal * p->in_numel);
  LIE_ALLOC(p->keys, p->nlocal);
  int level = MPI_THREAD_SINGLE;
  LIE_MPI(MPI_Query_thread(&level));
  if (!c->prefetch) p->cfg.loader_threads = 0;
  if (p->cfg.loader_threads > 0 && level < MPI_THREAD_FUNNELED) { /* MPI_THREAD_SINGLE: no other threads */
    lie_log_debug(p->ctx, "MPI was initialised with MPI_THREAD_SINGLE: views built by the main thread");
    p->cfg.loader_threads = 0;
  }
  LIE_ALLOC(p->dz, 2 * (size_t)p->nlocal * p->D);
  LIE_ALLOC(p->repr, 2 * (size_t)p->nlocal * p->Dr);
  p->cap = p->stop > p->step ? p->stop - p->step : 1;
  LIE_ALLOC(p->loss, p->cap);
  p->perm_epoch = -1;
  LIE_CALL(open_log(p));
  return LIE_OK;
}

int lie_pretrain_create(lie_ctx ctx, const lie_pretrain_opts *cfg, lie_pretrain *out) {
  struct lie_pretrain_s *p;
  LIE_ALLOC(p, 1);
  p->ctx = ctx;
  p->cfg = *cfg;
  *out = p;
  int err = setup(p);
  if (err) lie_pretrain_destroy(out);
  LIE_CALL(err);
  return LIE_OK;
}

lie_nn_net lie_pretrain_net(lie_pretrain p) { return p->net; }

int lie_pretrain_destroy(lie_pretrain *pp) {
  struct lie_pretrain_s *p = *pp;
  if (!p) return LIE_OK;
  lie_pretrain_loader_stop(p);
  if (p->log) fclose(p->log);
  lie_nn_adamw_destroy(&p->opt);
  lie_nn_net_destroy(&p->net);
  lie_ssl_data_close(&p->data);
  free(p->perm), free(p->x), free(p->keys), free(p->dz), free(p->repr), free(p->loss);
  LIE_FREE(*pp);
  return LIE_OK;
}
