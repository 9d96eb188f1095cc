/* Supervised baseline: ResNet-18 encoder + linear head trained from scratch on the labels.
 *
 *   labels y (n, m) -> z = (T(y) - mu) / sd, T = log with -sup_log, mu/sd over the fit rows
 *   loss = 1/(B m) Σ_batch Σ_t (f(x)_t - z_t)²         (global batch B, split over ranks)
 *   each rank back-propagates dL/df = 2 (f - z) / (B m) for its rows; gradients summed over
 *   ranks (lie_ssl_allreduce_grads), batch norm synchronised (lie_ssl_sync_bn) as pretraining.
 *   For each lr of the grid: fresh init (same seed), constant lr, up to -sup_epochs epochs,
 *   validation metric after every epoch, stop after -sup_patience epochs without improvement;
 *   the state with the best validation metric over all (lr, epoch) is the model tested.
 * Inputs: random crops of the labelled trajectories (the pretraining crop size), optionally
 * Lie-augmented (-sup_aug lie); validation and test use the deterministic crop of
 * liereg embed. */
#include "supervised_impl.h"

#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>

#define LIE_TAG_PERM 0x7375707065726dULL /* "supperm" */
#define LIE_TAG_VIEW 0x737570766965ULL   /* "supview" */
#define LIE_TAG_INIT 0x737570696e6974ULL /* "supinit" */

static double fwd_t(const lie_sup_job *j, double y) { return j->cfg->log_target ? log(y) : y; }
static double inv_t(const lie_sup_job *j, double z) { return j->cfg->log_target ? exp(z) : z; }

static int open_data(lie_sup_job *j) {
  const lie_sup_opts *c = j->cfg;
  int n2, m = 0;
  LIE_CALL(lie_ssl_data_open(j->ctx, c->train, c->train_mode, c->field, &j->dtr));
  LIE_CALL(lie_ssl_data_open(j->ctx, c->test, c->test_mode, c->field, &j->dte));
  LIE_CALL(lie_ssl_data_sizes(j->dtr, &j->nfile, NULL, NULL));
  LIE_CALL(lie_ssl_data_sizes(j->dte, &j->ntest, NULL, NULL));
  LIE_CALL(lie_sup_labels(j->ctx, c->train, c->train_mode, c->target, &n2, &m, &j->Ytr));
  LIE_CHECK(n2 == j->nfile, LIE_ERR_FORMAT, "%s:/%s: %d trajectories but %d labels for %s (count mismatch)", c->train,
            c->train_mode, j->nfile, n2, c->target);
  LIE_CALL(lie_sup_labels(j->ctx, c->test, c->test_mode, c->target, &n2, &m, &j->Yte));
  LIE_CHECK(n2 == j->ntest, LIE_ERR_FORMAT, "%s:/%s: %d trajectories but %d labels for %s (count mismatch)", c->test,
            c->test_mode, j->ntest, n2, c->target);
  j->m = m;
  for (size_t i = 0; c->log_target && i < (size_t)j->nfile * m; i++)
    LIE_CHECK(j->Ytr[i] > 0, LIE_ERR_USAGE, "-sup_log needs positive targets; %s has %g", c->target, j->Ytr[i]);
  lie_ssl_model_opts *md = &j->model;
  LIE_CHECK(!strcmp(lie_ssl_data_layout(j->dtr), lie_ssl_data_layout(j->dte)), LIE_ERR_USAGE,
            "-data %s and -test_data %s hold different kinds of data (%s vs %s)", c->train, c->test,
            lie_ssl_data_layout(j->dtr), lie_ssl_data_layout(j->dte));
  LIE_CALL(lie_ssl_data_model_opts(j->dtr, &c->aug, c->dims, c->width, md));
  LIE_CALL(lie_ssl_data_fits(j->dte, md, c->test)); /* the model made for -data takes the test windows */
  j->aug = c->aug;
  lie_ssl_model_view_crop(md, &j->aug);
  /* Random crops only: no generator. Order 1, because lie_aug_seq_split's Strang branch
   * indexes the last generator even when none is left (augment/compose.c, m = 0). */
  if (!c->lie_aug) j->aug.ngen = 0, j->aug.order = 1;
  j->aug.crop_first = c->train_crop_first; /* -sup_train_crop first: the frames validation/test see */
  /* input normalisation (per field) from the labelled file (inputs only, no labels) */
  double mean[LIE_SSL_MAX_FIELDS], std[LIE_SSL_MAX_FIELDS];
  LIE_CALL(lie_ssl_data_stats_fields(j->dtr, mean, std));
  lie_ssl_data_set_norm_fields(j->dtr, mean, std);
  lie_ssl_data_set_norm_fields(j->dte, mean, std);
  return LIE_OK;
}

static int make_split(lie_sup_job *j) {
  const lie_sup_opts *c = j->cfg;
  int count = c->ntrain > 0 ? c->ntrain : j->nfile;
  LIE_CHECK(count <= j->nfile, LIE_ERR_USAGE, "-sup_ntrain %d but %s:/%s has only %d trajectories", count, c->train,
            c->train_mode, j->nfile);
  LIE_ALLOC(j->idx, count);
  LIE_CALL(lie_sup_split(j->nfile, count, c->subset_seed, c->valid_frac, c->seed, j->idx, &j->nval));
  j->nfit = count - j->nval;
  LIE_ALLOC(j->mu, j->m);
  LIE_ALLOC(j->sd, j->m);
  lie_sup_target_scale(j->Ytr, j->m, j->idx, j->nfit, j->cfg->log_target, j->mu, j->sd);
  /* Global batch: the requested one, capped by the fit rows, a multiple of the ranks. */
  int B = c->batch < j->nfit ? c->batch : j->nfit;
  B -= B % j->P;
  LIE_CHECK(B >= 2 && B >= j->P, LIE_ERR_USAGE,
            "%d training trajectories cannot make a batch of at least 2 split over %d ranks", j->nfit, j->P);
  j->B = B, j->nlocal = B / j->P;
  return LIE_OK;
}

static int build_net(lie_sup_job *j) {
  const lie_sup_opts *c = j->cfg;
  int repr, enc, C, H, W;
  LIE_CALL(lie_nn_net_create(j->ctx, &j->net));
  LIE_CALL(lie_nn_net_set_backend(j->net, c->backend));
  if (c->threads > 0) LIE_CALL(lie_nn_set_threads(c->threads));
  LIE_CALL(lie_ssl_model_build(j->net, &j->model, &repr, &enc));
  LIE_CALL(lie_nn_linear(j->net, "head", enc, j->m, 1, &j->out_id));
  LIE_CALL(lie_nn_net_setup(j->net, j->nlocal));
  if (c->sync_bn && j->P > 1) LIE_CALL(lie_ssl_sync_bn(j->ctx, j->net));
  LIE_CALL(lie_ssl_model_input_shape(&j->model, &C, &H, &W));
  j->in_numel = (size_t)C * H * W;
  lie_nn_net_params(j->net, &j->np);
  lie_nn_net_buffers(j->net, &j->nb);
  LIE_ALLOC(j->x, (size_t)j->nlocal * j->in_numel);
  LIE_ALLOC(j->dy, (size_t)j->nlocal * j->m);
  LIE_ALLOC(j->yb, (size_t)j->nlocal * j->m);
  LIE_ALLOC(j->best_p, j->np ? j->np : 1);
  LIE_ALLOC(j->best_b, j->nb ? j->nb : 1);
  return LIE_OK;
}

/* The rank's nl rows of a training batch: views into j->x, standardised targets into j->yb. */
static int load_batch(lie_sup_job *j, const int *rows, uint64_t key) {
  const lie_sup_opts *c = j->cfg;
  const int nl = j->nlocal, m = j->m;
  for (int q = 0; q < nl; q++) {
    int row = rows[q];
    uint64_t vs = lie_seed_derive(c->seed ^ LIE_TAG_VIEW, key, (uint64_t)row);
    LIE_CALL(lie_ssl_data_view(j->dtr, &j->aug, &j->model, vs, row, j->x + (size_t)q * j->in_numel));
    for (int t = 0; t < m; t++)
      j->yb[q * m + t] = (float)((fwd_t(j, j->Ytr[(size_t)row * m + t]) - j->mu[t]) / j->sd[t]);
  }
  return LIE_OK;
}

/* One "epoch": passes over the fit rows, each in a seeded order (the same for any rank count),
 * until at least LIE_SUP_MIN_STEPS steps are done. Tiny labelled sets give one step per pass,
 * and batch-norm running statistics (momentum 0.1), used by the validation, need a few
 * steps to follow the weights. */
#define LIE_SUP_MIN_STEPS 8
static int train_pass(lie_sup_job *j, uint64_t key, double lr, double *sum) {
  const lie_sup_opts *c = j->cfg;
  const int nl = j->nlocal, m = j->m, steps = j->nfit / j->B;
  int *perm, err = LIE_OK;
  lie_rng rng;
  LIE_ALLOC(perm, j->nfit);
  lie_rng_seed(&rng, lie_seed_derive(c->seed, LIE_TAG_PERM, key));
  for (int i = 0; i < j->nfit; i++)
    perm[i] = j->idx[i];
  for (int i = j->nfit - 1; i > 0; i--) {
    int k = lie_rng_int(&rng, 0, i + 1), t = perm[i];
    perm[i] = perm[k], perm[k] = t;
  }
  for (int s = 0; s < steps; s++) {
    /* a read that failed on one rank, on every rank before the forward's collectives */
    LIE_CALL_GOTO(lie_ctx_agree(j->ctx, load_batch(j, perm + s * j->B + j->rank * nl, key)));
    PetscLogEventBegin(lie_events.forward, 0, 0, 0, 0);
    err = lie_nn_net_forward(j->net, j->x, 1);
    PetscLogEventEnd(lie_events.forward, 0, 0, 0, 0); /* closed before leaving on an error */
    if (!err) err = lie_fault(j->ctx, "supervised");  /* test hook (src/core/fault.c) */
    LIE_CALL_GOTO(lie_ctx_agree(j->ctx, err));
    const float *out = lie_nn_net_output(j->net);
    for (int k = 0; k < nl * m; k++) {
      double d = (double)out[k] - j->yb[k];
      *sum += d * d;
      j->dy[k] = (float)(2.0 * d / ((double)j->B * m));
    }
    PetscLogEventBegin(lie_events.backward, 0, 0, 0, 0);
    err = lie_nn_net_backward(j->net, j->dy, NULL);
    PetscLogEventEnd(lie_events.backward, 0, 0, 0, 0);
    LIE_CALL_GOTO(lie_ctx_agree(j->ctx, err));
    LIE_CALL_GOTO(lie_ssl_allreduce_grads(j->ctx, j->net));
    LIE_CALL_GOTO(lie_nn_adamw_step(j->opt, lr));
  }
done:
  free(perm);
  return err;
}

static int train_epoch(lie_sup_job *j, int epoch, double lr, double *loss) {
  const int steps = j->nfit / j->B, passes = (LIE_SUP_MIN_STEPS + steps - 1) / steps;
  double sum = 0;
  for (int p = 0; p < passes; p++)
    LIE_CALL(train_pass(j, (uint64_t)epoch * 1024 + (uint64_t)p, lr, &sum));
  LIE_MPI(MPI_Allreduce(MPI_IN_PLACE, &sum, 1, MPI_DOUBLE, MPI_SUM, lie_ctx_comm(j->ctx)));
  *loss = sum / ((double)passes * steps * j->B * j->m);
  LIE_CHECK(isfinite(*loss), LIE_ERR_NUMERIC, "supervised training diverged at epoch %d (lr %g): loss %g", epoch + 1,
            lr, *loss);
  return LIE_OK;
}

/* Predictions (cnt, m) in original units for rows[0..cnt) of d, in chunks of the batch
 * (inference mode). */
static int predict_rows(lie_sup_job *j, lie_ssl_data d, const int *rows, int cnt, double *out) {
  const int nl = j->nlocal, m = j->m;
  for (int b0 = 0; b0 < cnt; b0 += nl) {
    int nb = cnt - b0 < nl ? cnt - b0 : nl;
    LIE_CALL(lie_sup_plain_batch(d, &j->aug, &j->model, rows + b0, nb, nl, j->in_numel, j->x));
    LIE_CALL(lie_nn_net_forward(j->net, j->x, 0));
    LIE_CALL(lie_fault(j->ctx, "supervised_eval")); /* test hook (src/core/fault.c) */
    const float *o = lie_nn_net_output(j->net);
    for (int q = 0; q < nb; q++)
      for (int t = 0; t < m; t++)
        out[(size_t)(b0 + q) * m + t] = inv_t(j, o[q * m + t] * j->sd[t] + j->mu[t]);
  }
  return LIE_OK;
}

/* Predictions in original units for rows[0..n) of d: rank blocks, gathered. */
static int predict(lie_sup_job *j, lie_ssl_data d, const int *rows, int n, double *pred) {
  int first, cnt, err = LIE_OK;
  lie_rank_block(n, j->rank, j->P, &first, &cnt);
  double *mine = malloc((size_t)(cnt ? cnt : 1) * j->m * sizeof(double));
  /* an allocation failure is agreed like a prediction error: no rank leaves before the gather */
  int mine_err = mine ? predict_rows(j, d, rows + first, cnt, mine)
                      : LIE_RECORD(LIE_ERR_MEM, "out of memory (%d predictions)", cnt);
  LIE_CALL_GOTO(lie_rank_rows_gather(j->ctx, mine_err, mine, n, j->m, pred));
done:
  free(mine);
  return err;
}

static int score(lie_sup_job *j, lie_ssl_data d, const int *rows, int n, const double *Y, double *pred, double *value) {
  double *truth;
  LIE_CALL(predict(j, d, rows, n, pred));
  LIE_ALLOC(truth, (size_t)n * j->m);
  for (int i = 0; i < n; i++)
    memcpy(truth + (size_t)i * j->m, Y + (size_t)rows[i] * j->m, sizeof(double) * j->m);
  lie_mat P = {n, j->m, pred}, T = {n, j->m, truth};
  int err = lie_metric_eval(j->metric, &P, &T, value);
  free(truth);
  LIE_CALL(err);
  return LIE_OK;
}

static void save_state(lie_sup_job *j) {
  size_t n;
  float *p = lie_nn_net_params(j->net, &n), *b;
  if (n) memcpy(j->best_p, p, n * sizeof(float));
  b = lie_nn_net_buffers(j->net, &n);
  if (n) memcpy(j->best_b, b, n * sizeof(float));
}

static void load_state(lie_sup_job *j) {
  size_t n;
  float *p = lie_nn_net_params(j->net, &n), *b;
  if (n) memcpy(p, j->best_p, n * sizeof(float));
  b = lie_nn_net_buffers(j->net, &n);
  if (n) memcpy(b, j->best_b, n * sizeof(float));
}

/* One learning rate: fresh weights, early stopping on validation. */
static int train_lr(lie_sup_job *j, int li, double *global_best, lie_sup_result *res) {
  const lie_sup_opts *c = j->cfg;
  const double lr = c->lr[li];
  double *vpred, best = INFINITY, loss = NAN, v, first = NAN, last = NAN;
  int bad = 0, err = LIE_OK;
  lie_nn_adamw_opts ao;
  LIE_ALLOC(vpred, (size_t)j->nval * j->m);
  LIE_CALL_GOTO(lie_nn_net_init(j->net, lie_seed_derive(c->seed, LIE_TAG_INIT, 0)));
  lie_nn_adamw_destroy(&j->opt);
  lie_nn_adamw_opts_default(&ao);
  ao.lr = lr, ao.weight_decay = c->wd;
  LIE_CALL_GOTO(lie_nn_adamw_create(j->net, &ao, &j->opt));
  res->lr_valid[li] = INFINITY;
  for (int e = 1; e <= c->epochs; e++) {
    LIE_CALL_GOTO(train_epoch(j, e - 1, lr, &loss));
    LIE_CALL_GOTO(score(j, j->dtr, j->idx + j->nfit, j->nval, j->Ytr, vpred, &v));
    res->lr_ran[li] = e;
    if (c->progress > 0 && e % c->progress == 0)
      lie_log_info(j->ctx, "supervised %s lr %.3g epoch %d/%d: train loss %.4g, valid %s %.5g", c->target, lr, e,
                   c->epochs, loss, lie_metric_name(j->metric), v);
    if (v < best) {
      best = v, bad = 0;
      res->lr_valid[li] = v, res->lr_epoch[li] = e;
      if (v < *global_best) {
        *global_best = v;
        save_state(j);
        res->best_lr = lr, res->best_epoch = e, res->valid_value = v;
      }
    } else if (++bad >= c->patience)
      break;
    if (e == 1) first = loss;
    last = loss;
  }
  if (res->best_lr == lr) res->first_loss = first, res->last_loss = last;
  lie_log_info(j->ctx, "supervised %s lr %.3g: best valid %s %.5g at epoch %d (%d epochs run)", c->target, lr,
               lie_metric_name(j->metric), res->lr_valid[li], res->lr_epoch[li], res->lr_ran[li]);
done:
  free(vpred);
  return err;
}

/* The chosen state on the test split: predictions and truth kept in res. */
static int test_score(lie_sup_job *j, lie_sup_result *res) {
  int *rows, err = LIE_OK;
  LIE_ALLOC(rows, j->ntest);
  for (int i = 0; i < j->ntest; i++)
    rows[i] = i;
  res->pred = malloc(sizeof(double) * (size_t)j->ntest * j->m);
  res->truth = malloc(sizeof(double) * (size_t)j->ntest * j->m);
  LIE_CHECK_GOTO(res->pred && res->truth, LIE_ERR_MEM, "out of memory");
  LIE_CALL_GOTO(score(j, j->dte, rows, j->ntest, j->Yte, res->pred, &res->value));
done:
  free(rows);
  return err;
}

static int run(lie_sup_job *j, lie_sup_result *res) {
  const lie_sup_opts *c = j->cfg;
  const lie_target_info *info;
  double t0 = lie_wtime(), global_best = INFINITY;
  LIE_CALL(lie_target_lookup(c->target, &info));
  j->metric = info->metric;
  LIE_CALL(open_data(j));
  LIE_CALL(make_split(j));
  LIE_CALL(build_net(j));
  char ny[48] = ""; /* NS: fields x frames x nx x ny; strided crops: the stride */
  if (j->model.crop_y) snprintf(ny, sizeof ny, "x%d", j->model.crop_y);
  if (j->model.crop_dt > 1) snprintf(ny + strlen(ny), sizeof ny - strlen(ny), " (frames %d apart)", j->model.crop_dt);
  lie_log_info(j->ctx,
               "supervised %s: %d labelled (%d fit + %d valid), %d test, batch %d (%d ranks), model %dD width "
               "%d input %dx%dx%d%s, %s%s, lr grid of %d, <= %d epochs (patience %d)",
               c->target, j->nfit + j->nval, j->nfit, j->nval, j->ntest, j->B, j->P, j->model.dims, j->model.width,
               j->model.cin, j->model.crop_t, j->model.crop_x, ny, c->train_crop_first ? "first crop" : "random crops",
               c->lie_aug ? " + Lie augmentations" : "", c->nlr, c->epochs, c->patience);
  res->nlr = c->nlr;
  for (int li = 0; li < c->nlr; li++) {
    res->lr[li] = c->lr[li];
    LIE_CALL(train_lr(j, li, &global_best, res));
  }
  LIE_CHECK(global_best < INFINITY, LIE_ERR_NUMERIC, "supervised: no finite validation metric for any learning rate");
  load_state(j);
  LIE_CALL(test_score(j, res));
  memcpy(res->truth, j->Yte, sizeof(double) * (size_t)j->ntest * j->m);
  lie_mat P = {j->ntest, j->m, res->pred}, T = {j->ntest, j->m, res->truth};
  LIE_CALL(lie_metric_bootstrap(j->metric, &P, &T, c->nboot, 0, &res->boot_mean, &res->boot_std));
  res->metric = j->metric;
  res->ntrain = j->nfit + j->nval, res->nvalid = j->nval, res->ntest = j->ntest, res->m = j->m;
  res->seconds = lie_wtime() - t0;
  return LIE_OK;
}

int lie_sup_run(lie_ctx ctx, const lie_sup_opts *cfg, lie_sup_result *res) {
  lie_sup_job j;
  memset(&j, 0, sizeof j);
  memset(res, 0, sizeof *res);
  j.ctx = ctx, j.cfg = cfg, j.P = lie_ctx_size(ctx), j.rank = lie_ctx_rank(ctx);
  LIE_CHECK(cfg->nlr >= 1 && cfg->nlr <= LIE_SUP_MAXLR, LIE_ERR_USAGE, "-sup_lr: 1 to %d learning rates",
            LIE_SUP_MAXLR);
  int err = run(&j, res);
  lie_nn_adamw_destroy(&j.opt);
  lie_nn_net_destroy(&j.net);
  lie_ssl_data_close(&j.dtr);
  lie_ssl_data_close(&j.dte);
  free(j.Ytr), free(j.Yte), free(j.idx), free(j.mu), free(j.sd);
  free(j.x), free(j.dy), free(j.yb), free(j.best_p), free(j.best_b);
  if (err) lie_sup_result_free(res);
  LIE_CALL(err);
  return LIE_OK;
}

void lie_sup_result_free(lie_sup_result *res) {
  if (!res) return;
  free(res->pred), free(res->truth);
  res->pred = res->truth = NULL;
}

int lie_sup_sweep(lie_ctx ctx, const lie_sup_opts *cfg, int nsizes, const int *sizes, int nseeds, lie_sup_result *res) {
  LIE_CHECK(nsizes >= 1 && nseeds >= 1 && sizes && res, LIE_ERR_ARG, "supervised sweep: no sizes or seeds");
  lie_sup_opts c = *cfg;
  for (int i = 0; i < nsizes; i++)
    for (int s = 0; s < nseeds; s++) {
      c.ntrain = sizes[i];
      c.subset_seed = (uint64_t)(s + 1);
      lie_log_info(ctx, "supervised sweep: %d labels, seed %d", sizes[i], s + 1);
      LIE_CALL(lie_sup_run(ctx, &c, &res[i * nseeds + s]));
    }
  return LIE_OK;
}
