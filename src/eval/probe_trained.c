/* Trained linear probe (the paper's protocol): a linear head on the FROZEN pretrained encoder,
 * trained with Adam on random crops of the labelled trajectories (docs/EVAL.md).
 *
 *   h = s ⊙ (r(crop) − μ_r)       r the encoder's representation (inference mode: the
 *                                 checkpoint's batch-norm running statistics), μ_r, s = 1/σ_r
 *                                 over the fit rows' plain crops (constant features: s = 0)
 *   z = (T(y) − μ) / σ            T = log with -probe_log, μ, σ over the fit rows
 *   f = h W + b,  L = 1/(B m) Σ_batch Σ_t (f_t − z_t)²   (B the global batch)
 *
 * Why no back-propagation through the encoder: its weights are frozen, so the only gradient
 * we need is w.r.t. (W, b), and L depends on the encoder only through h:
 *   dL/dW = h^T G, dL/db = Σ G, G = 2 (f − z)/(B m).
 * A forward pass per batch gives h; the gradient is closed form (lie_probe_head_loss). The
 * feature standardisation is an affine change of variables, so the head is still linear in r.
 *
 * MPI: the global batch is split over the ranks in rank order (the sample order and every
 * crop are functions of (seed, epoch, row) only); each rank adds its rows' share of dL/dW,
 * dL/db and the partial gradients are summed with MPI_Allreduce; every rank then takes the
 * same Adam step. Results are independent of the rank count up to the rounding of that sum.
 *
 * Selection (as the supervised baseline): every lr of the grid trains its own head (zero
 * init) on the SAME batches — the encoder forward, the expensive part, is shared by the whole
 * grid; each head is early-stopped on the validation metric (plain crops of the validation
 * rows, computed once); the (lr, epoch) with the best validation metric is tested on the
 * plain crops of the test split (the deterministic crop of `liereg embed`). */
#include "liereg/probe_trained.h"
#include "liereg/io.h"
#include "supervised_impl.h" /* lie_sup_labels */

#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>

#define LIE_TAG_PERM 0x70747065726dULL /* "ptperm" */
#define LIE_TAG_VIEW 0x707476696577ULL /* "ptview" */

typedef struct {
  lie_ctx ctx;
  const lie_probe_trained_opts *cfg;
  lie_pretrain_state st;
  lie_ssl_model_opts model;
  lie_aug_opts aug;
  lie_ssl_data dtr, dte;
  lie_nn_net net;
  int repr, D, P, rank, B, nl;
  size_t in_numel;
  float *x, *r;
  int nfile, ntest, m;
  double *Ytr, *Yte;
  int *idx, nfit, nval;
  double *mu, *sd, *fmu, *fsc;
  double *Hfit, *Hval, *Hte; /* standardised features of the plain crops */
  lie_metric metric;
  /* heads: one per lr, params [W (D m), b (m)] */
  int np;
  double *par, *grad, *best, *hb, *zb;
  lie_adam *adam;
  int *active;
} pt_job;

static double fwd_t(const pt_job *j, double y) { return j->cfg->probe.log_target ? log(y) : y; }
static double inv_t(const pt_job *j, double z) { return j->cfg->probe.log_target ? exp(z) : z; }

static int open_data(pt_job *j) {
  const lie_probe_trained_opts *c = j->cfg;
  const char *test = c->test_data[0] ? c->test_data : c->data;
  int ny, nyt, m = 0;
  LIE_CALL(lie_pretrain_ckpt_read_state(j->ctx, c->ckpt, &j->st));
  j->model = j->st.model;
  j->model.nexpander = 0; /* the encoder alone */
  /* labels first: a missing group or target dataset is a usage error naming it */
  LIE_CALL(lie_sup_labels(j->ctx, c->data, c->probe.train_mode, c->target, &ny, &m, &j->Ytr));
  LIE_CALL(lie_sup_labels(j->ctx, test, c->probe.test_mode, c->target, &nyt, &m, &j->Yte));
  LIE_CALL(lie_ssl_data_open(j->ctx, c->data, c->probe.train_mode, c->field, &j->dtr));
  LIE_CALL(lie_ssl_data_open(j->ctx, test, c->probe.test_mode, c->field, &j->dte));
  LIE_CALL(lie_ssl_data_sizes(j->dtr, &j->nfile, NULL, NULL));
  LIE_CALL(lie_ssl_data_sizes(j->dte, &j->ntest, NULL, NULL));
  const lie_ssl_model_opts *md = &j->model;
  LIE_CHECK(lie_ssl_data_nfields(j->dtr) == j->st.nnorm && lie_ssl_data_nfields(j->dte) == j->st.nnorm, LIE_ERR_USAGE,
            "%s was pretrained on %s data (%d field(s)); -data %s and the test file %s do not match it", c->ckpt,
            j->st.pde, j->st.nnorm, c->data, test);
  LIE_CALL(lie_ssl_data_fits(j->dtr, md, c->data)); /* the checkpoint's input fits both files */
  LIE_CALL(lie_ssl_data_fits(j->dte, md, test));
  LIE_CHECK(ny == j->nfile, LIE_ERR_FORMAT, "%s:/%s: %d trajectories but %d labels for %s (count mismatch)", c->data,
            c->probe.train_mode, j->nfile, ny, c->target);
  LIE_CHECK(nyt == j->ntest, LIE_ERR_FORMAT, "%s:/%s: %d trajectories but %d labels for %s (count mismatch)", test,
            c->probe.test_mode, j->ntest, nyt, c->target);
  j->m = m;
  for (size_t i = 0; c->probe.log_target && i < (size_t)j->nfile * m; i++)
    LIE_CHECK(j->Ytr[i] > 0, LIE_ERR_USAGE, "-probe_log needs positive targets; %s has %g", c->target, j->Ytr[i]);
  /* the encoder's own input normalisation (as liereg embed), not the labelled file's */
  lie_ssl_data_set_norm_fields(j->dtr, j->st.norm_fmean, j->st.norm_fstd);
  lie_ssl_data_set_norm_fields(j->dte, j->st.norm_fmean, j->st.norm_fstd);
  j->aug = c->aug;
  lie_ssl_model_view_crop(md, &j->aug);
  LIE_CALL(lie_aug_mode_from_name(j->st.aug_mode, &j->aug.mode));
  /* Random crops only: no generator; order 1 (see supervised.c: the Strang branch of
   * lie_aug_seq_split needs at least one generator). */
  if (!c->lie_aug) j->aug.ngen = 0, j->aug.order = 1;
  j->aug.crop_first = c->train_crop_first; /* -probe_train_crop first: the frames the test embeds */
  return LIE_OK;
}

static int make_split(pt_job *j) {
  const lie_probe_trained_opts *c = j->cfg;
  int count = c->probe.ntrain > 0 ? c->probe.ntrain : j->nfile;
  LIE_CHECK(count <= j->nfile, LIE_ERR_USAGE, "-probe_ntrain %d but %s:/%s has only %d trajectories", count, c->data,
            c->probe.train_mode, j->nfile);
  LIE_CHECK(count >= 4, LIE_ERR_USAGE,
            "too few labelled trajectories (%d) for the trained probe's fit and validation split (need at least 4)",
            count);
  LIE_ALLOC(j->idx, count);
  /* the ridge probe's labelled rows for this subset seed, then a validation split of them */
  LIE_CALL(lie_sup_split(j->nfile, count, c->probe.subset_seed, c->valid_frac, c->seed, j->idx, &j->nval));
  j->nfit = count - j->nval;
  LIE_ALLOC(j->mu, j->m);
  LIE_ALLOC(j->sd, j->m);
  lie_sup_target_scale(j->Ytr, j->m, j->idx, j->nfit, j->cfg->probe.log_target, j->mu, j->sd);
  int B = c->batch < j->nfit ? c->batch : j->nfit;
  B -= B % j->P;
  LIE_CHECK(B >= j->P && B >= 1, LIE_ERR_USAGE, "%d training trajectories cannot make a batch split over %d ranks",
            j->nfit, j->P);
  j->B = B, j->nl = B / j->P;
  return LIE_OK;
}

static int build_encoder(pt_job *j) {
  const lie_probe_trained_opts *c = j->cfg;
  LIE_CALL(lie_frozen_encoder_build(j->ctx, c->ckpt, &j->model, c->backend, c->threads, j->nl, &j->net, &j->repr, &j->D,
                                    &j->in_numel));
  LIE_ALLOC(j->x, (size_t)j->nl * j->in_numel);
  LIE_ALLOC(j->r, (size_t)j->nl * j->D);
  return LIE_OK;
}

/* Encoder forward (inference mode) of the nl inputs in j->x -> representations in j->r. */
static int encode(pt_job *j) {
  PetscLogEventBegin(lie_events.forward, 0, 0, 0, 0);
  int err = lie_nn_net_forward(j->net, j->x, 0);
  PetscLogEventEnd(lie_events.forward, 0, 0, 0, 0);
  LIE_CALL(err);
  LIE_CALL(lie_nn_net_get_activation(j->net, j->repr, j->r));
  return LIE_OK;
}

/* Representations (cnt, D) of the plain crops of rows[0..cnt) of d, in chunks of the batch. */
static int encode_rows(pt_job *j, lie_ssl_data d, const int *rows, int cnt, double *out) {
  const int nl = j->nl, D = j->D;
  for (int b0 = 0; b0 < cnt; b0 += nl) {
    int nb = cnt - b0 < nl ? cnt - b0 : nl;
    LIE_CALL(lie_sup_plain_batch(d, &j->aug, &j->model, rows + b0, nb, nl, j->in_numel, j->x));
    LIE_CALL(encode(j));
    LIE_CALL(lie_fault(j->ctx, "probe_features")); /* test hook (src/core/fault.c) */
    for (size_t k = 0; k < (size_t)nb * D; k++)
      out[(size_t)b0 * D + k] = j->r[k];
  }
  return LIE_OK;
}

/* Raw representations (n, D) of the plain crops of rows[0..n) of d: rank blocks, gathered. */
static int plain_reprs(pt_job *j, lie_ssl_data d, const int *rows, int n, double *H) {
  int first, cnt, err = LIE_OK;
  lie_rank_block(n, j->rank, j->P, &first, &cnt);
  double *mine = malloc((size_t)(cnt ? cnt : 1) * j->D * sizeof(double));
  /* an allocation failure is agreed like an encoding error: no rank leaves before the gather */
  int mine_err = mine ? encode_rows(j, d, rows + first, cnt, mine)
                      : LIE_RECORD(LIE_ERR_MEM, "out of memory (%d x %d features)", cnt, j->D);
  LIE_CALL_GOTO(lie_rank_rows_gather(j->ctx, mine_err, mine, n, j->D, H));
done:
  free(mine);
  return err;
}

static void standardise(const pt_job *j, double *h, int n) {
  for (int i = 0; i < n; i++)
    for (int k = 0; k < j->D; k++)
      h[(size_t)i * j->D + k] = (h[(size_t)i * j->D + k] - j->fmu[k]) * j->fsc[k];
}

/* Plain-crop features of the fit, validation and test rows; the feature standardisation from
 * the fit rows (the ridge probe's rule: a feature whose std is 0 or at rounding level of its
 * mean is constant and dropped). */
static int plain_features(pt_job *j) {
  const int D = j->D;
  int *rows, err = LIE_OK;
  LIE_ALLOC(j->Hfit, (size_t)j->nfit * D);
  LIE_ALLOC(j->Hval, (size_t)j->nval * D);
  LIE_ALLOC(j->Hte, (size_t)j->ntest * D);
  LIE_ALLOC(j->fmu, D);
  LIE_ALLOC(j->fsc, D);
  LIE_ALLOC(rows, j->ntest);
  for (int i = 0; i < j->ntest; i++)
    rows[i] = i;
  LIE_CALL_GOTO(plain_reprs(j, j->dtr, j->idx, j->nfit, j->Hfit));
  LIE_CALL_GOTO(plain_reprs(j, j->dtr, j->idx + j->nfit, j->nval, j->Hval));
  LIE_CALL_GOTO(plain_reprs(j, j->dte, rows, j->ntest, j->Hte));
  for (int k = 0; k < D; k++) {
    double s = 0, s2 = 0;
    for (int i = 0; i < j->nfit; i++)
      s += j->Hfit[(size_t)i * D + k];
    s /= j->nfit;
    for (int i = 0; i < j->nfit; i++)
      s2 += (j->Hfit[(size_t)i * D + k] - s) * (j->Hfit[(size_t)i * D + k] - s);
    double sd = sqrt(s2 / j->nfit);
    j->fmu[k] = s;
    j->fsc[k] = sd > 0 && sd > 1e-12 * fabs(s) ? 1.0 / sd : 0.0;
  }
  standardise(j, j->Hfit, j->nfit);
  standardise(j, j->Hval, j->nval);
  standardise(j, j->Hte, j->ntest);
done:
  free(rows);
  return err;
}

/* Predictions in original units of head p on features H (n, D). */
static void predict(const pt_job *j, const double *p, const double *H, int n, double *pred) {
  const int D = j->D, m = j->m;
  const double *W = p, *b = p + (size_t)D * m;
  for (int i = 0; i < n; i++)
    for (int t = 0; t < m; t++) {
      double f = b[t];
      for (int k = 0; k < D; k++)
        f += H[(size_t)i * D + k] * W[(size_t)k * m + t];
      pred[(size_t)i * m + t] = inv_t(j, f * j->sd[t] + j->mu[t]);
    }
}

static int score(const pt_job *j, const double *p, const double *H, const int *rows, int n, const double *Y,
                 double *pred, double *value) {
  double *truth;
  LIE_ALLOC(truth, (size_t)n * j->m);
  for (int i = 0; i < n; i++)
    memcpy(truth + (size_t)i * j->m, Y + (size_t)(rows ? rows[i] : i) * j->m, sizeof(double) * j->m);
  predict(j, p, H, n, pred);
  lie_mat Pm = {n, j->m, pred}, T = {n, j->m, truth};
  int err = lie_metric_eval(j->metric, &Pm, &T, value);
  free(truth);
  LIE_CALL(err);
  return LIE_OK;
}

static int alloc_heads(pt_job *j, int nh) {
  j->np = j->D * j->m + j->m;
  LIE_ALLOC(j->par, (size_t)nh * j->np);
  LIE_ALLOC(j->grad, (size_t)nh * j->np + nh + 1); /* + one loss per head, an error flag */
  LIE_ALLOC(j->best, j->np);
  LIE_ALLOC(j->hb, (size_t)j->nl * j->D);
  LIE_ALLOC(j->zb, (size_t)j->nl * j->m);
  LIE_ALLOC(j->active, nh);
  LIE_ALLOC(j->adam, nh);
  for (int k = 0; k < nh; k++) {
    LIE_CALL(lie_adam_create(j->np, &j->adam[k]));
    j->active[k] = 1;
  }
  return LIE_OK;
}

/* Features h (standardised) and targets z of this rank's rows of step s of the permutation. */
static int batch_rows(pt_job *j, const int *perm, int s, uint64_t epoch) {
  const lie_probe_trained_opts *c = j->cfg;
  const int nl = j->nl, D = j->D, m = j->m;
  for (int q = 0; q < nl; q++) {
    int row = perm[s * j->B + j->rank * nl + q];
    uint64_t vs = lie_seed_derive(c->seed ^ LIE_TAG_VIEW, epoch, (uint64_t)row);
    LIE_CALL(lie_ssl_data_view(j->dtr, &j->aug, &j->model, vs, row, j->x + (size_t)q * j->in_numel));
    for (int t = 0; t < m; t++)
      j->zb[q * m + t] = (fwd_t(j, j->Ytr[(size_t)row * m + t]) - j->mu[t]) / j->sd[t];
  }
  LIE_CALL(encode(j));
  for (int q = 0; q < nl; q++)
    for (int k = 0; k < D; k++)
      j->hb[(size_t)q * D + k] = ((double)j->r[(size_t)q * D + k] - j->fmu[k]) * j->fsc[k];
  return LIE_OK;
}

/* One pass over the fit rows in a seeded order (the same for any rank count); every active
 * head takes one Adam step per batch. loss[k] += the head's mean training loss. */
static int train_epoch(pt_job *j, int epoch, double *loss) {
  const lie_probe_trained_opts *c = j->cfg;
  const int nh = c->nlr, steps = j->nfit / j->B, np = j->np;
  int *perm, err = LIE_OK;
  lie_rng rng;
  LIE_ALLOC(perm, j->nfit);
  lie_rng_seed(&rng, lie_seed_derive(c->seed, LIE_TAG_PERM, (uint64_t)epoch));
  for (int i = 0; i < j->nfit; i++)
    perm[i] = j->idx[i];
  for (int i = j->nfit - 1; i > 0; i--) {
    int k = lie_rng_int(&rng, 0, i + 1), t = perm[i];
    perm[i] = perm[k], perm[k] = t;
  }
  const int nbuf = nh * np + nh + 1; /* gradients, losses, error flag */
  for (int s = 0; s < steps; s++) {
    memset(j->grad, 0, sizeof(double) * (size_t)nbuf);
    int mine = batch_rows(j, perm, s, (uint64_t)epoch);
    if (!mine) mine = lie_fault(j->ctx, "probe_trained"); /* test hook (src/core/fault.c) */
    j->grad[nbuf - 1] = mine ? 1.0 : 0.0;                 /* a failed read stops every rank, none waits alone */
    for (int k = 0; !mine && k < nh; k++) {
      if (!j->active[k]) continue;
      double *p = j->par + (size_t)k * np, *g = j->grad + (size_t)k * np;
      j->grad[(size_t)nh * np + k] =
          lie_probe_head_loss(j->nl, j->D, j->m, j->B, j->hb, j->zb, p, p + j->D * j->m, g, g + j->D * j->m);
    }
    /* the gradient of the global batch: sum of the ranks' shares (all heads in one call) */
    LIE_CHECK_GOTO(!MPI_Allreduce(MPI_IN_PLACE, j->grad, nbuf, MPI_DOUBLE, MPI_SUM, lie_ctx_comm(j->ctx)), LIE_ERR_MPI,
                   "MPI_Allreduce of the head gradient failed");
    /* every rank knows from the flag that some rank failed: the failing rank's error, on all */
    if (j->grad[nbuf - 1] > 0) LIE_CALL_GOTO(lie_ctx_agree(j->ctx, mine));
    /* cosine decay over the -probe_epochs schedule: Adam's steps are ~lr whatever the gradient
     * size, so at a constant lr the head keeps oscillating at a distance ~lr from the optimum */
    double f = c->cosine ? 0.5 * (1.0 + cos(M_PI * (double)(epoch * steps + s) / ((double)c->epochs * steps))) : 1.0;
    for (int k = 0; k < nh; k++)
      if (j->active[k]) {
        lie_adam_step(&j->adam[k], c->lr[k] * f, j->par + (size_t)k * np, j->grad + (size_t)k * np);
        loss[k] += j->grad[(size_t)nh * np + k] / steps;
      }
  }
done:
  free(perm);
  return err;
}

/* After an epoch: validation metric of every active head, early stopping, the global best. */
static int validate(pt_job *j, int e, const double *loss, int *bad, double *gbest, double *vpred, double *first,
                    double *last, lie_sup_result *res) {
  const lie_probe_trained_opts *c = j->cfg;
  for (int k = 0; k < c->nlr; k++) {
    if (!j->active[k]) continue;
    double v, *p = j->par + (size_t)k * j->np;
    LIE_CHECK(isfinite(loss[k]), LIE_ERR_NUMERIC, "trained probe diverged at epoch %d (lr %g): loss %g", e, c->lr[k],
              loss[k]);
    LIE_CALL(score(j, p, j->Hval, j->idx + j->nfit, j->nval, j->Ytr, vpred, &v));
    res->lr_ran[k] = e;
    if (e == 1) first[k] = loss[k];
    last[k] = loss[k];
    if (c->progress > 0 && e % c->progress == 0)
      lie_log_info(j->ctx, "trained probe %s lr %.3g epoch %d/%d: train loss %.4g, valid %s %.5g", c->target, c->lr[k],
                   e, c->epochs, loss[k], lie_metric_name(j->metric), v);
    if (v < res->lr_valid[k]) {
      res->lr_valid[k] = v, res->lr_epoch[k] = e, bad[k] = 0;
      if (v < *gbest) {
        *gbest = v;
        memcpy(j->best, p, sizeof(double) * j->np);
        res->best_lr = c->lr[k], res->best_epoch = e, res->valid_value = v;
      }
    } else if (++bad[k] >= c->patience)
      j->active[k] = 0;
  }
  return LIE_OK;
}

static int train(pt_job *j, lie_sup_result *res) {
  const lie_probe_trained_opts *c = j->cfg;
  const int nh = c->nlr;
  double *loss = NULL, *vpred = NULL, gbest = INFINITY, first[LIE_PT_MAXLR], last[LIE_PT_MAXLR];
  int *bad = NULL, err = LIE_OK, any = 1;
  LIE_CALL(alloc_heads(j, nh));
  LIE_ALLOC_GOTO(loss, nh);
  LIE_ALLOC_GOTO(bad, nh);
  LIE_ALLOC_GOTO(vpred, (size_t)j->nval * j->m);
  res->nlr = nh;
  for (int k = 0; k < nh; k++)
    res->lr[k] = c->lr[k], res->lr_valid[k] = INFINITY;
  for (int e = 1; any && e <= c->epochs; e++) {
    memset(loss, 0, sizeof(double) * nh);
    LIE_CALL_GOTO(train_epoch(j, e - 1, loss));
    LIE_CALL_GOTO(validate(j, e, loss, bad, &gbest, vpred, first, last, res));
    any = 0;
    for (int k = 0; k < nh; k++)
      any |= j->active[k];
  }
  LIE_CHECK_GOTO(gbest < INFINITY, LIE_ERR_NUMERIC, "trained probe: no finite validation metric for any learning rate");
  for (int k = 0; k < nh; k++) {
    if (c->lr[k] == res->best_lr) res->first_loss = first[k], res->last_loss = last[k];
    lie_log_info(j->ctx, "trained probe %s lr %.3g: best valid %s %.5g at epoch %d (%d epochs run)", c->target,
                 c->lr[k], lie_metric_name(j->metric), res->lr_valid[k], res->lr_epoch[k], res->lr_ran[k]);
  }
done:
  free(loss), free(bad), free(vpred);
  return err;
}

/* The chosen head with its feature and target standardisation as a probe file (probe_model.c). */
static int write_head(const pt_job *j) {
  const int D = j->D, m = j->m;
  lie_probe p = NULL;
  double *mu, *s, *W, *b, *a, *cc;
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_probe_model_create("trained", j->cfg->target, D, m, j->cfg->probe.log_target, j->cfg->ckpt, &p));
  LIE_CALL_GOTO(lie_probe_model_arrays(p, &mu, &s, &W, &b, &a, &cc));
  memcpy(mu, j->fmu, sizeof(double) * D), memcpy(s, j->fsc, sizeof(double) * D);
  memcpy(W, j->best, sizeof(double) * (size_t)D * m), memcpy(b, j->best + (size_t)D * m, sizeof(double) * m);
  memcpy(a, j->sd, sizeof(double) * m), memcpy(cc, j->mu, sizeof(double) * m);
  LIE_CALL_GOTO(lie_probe_model_save(p, j->cfg->probe.save));
done:
  lie_probe_destroy(&p);
  return err;
}

/* -probe_save: rank 0 writes the head; every rank learns whether it worked. */
static int save_head(pt_job *j) {
  int err = LIE_OK;
  if (j->rank == 0) err = write_head(j);
  LIE_CALL(lie_ctx_agree(j->ctx, err)); /* rank 0's outcome, on every rank */
  return LIE_OK;
}

static int run(pt_job *j, lie_sup_result *res, double *train_value) {
  const lie_probe_trained_opts *c = j->cfg;
  const lie_target_info *info;
  double t0 = lie_wtime();
  LIE_CALL(lie_target_lookup(c->target, &info));
  j->metric = c->probe.metric >= 0 ? (lie_metric)c->probe.metric : info->metric;
  LIE_CALL(open_data(j));
  LIE_CALL(make_split(j));
  LIE_CALL(build_encoder(j));
  char apart[32] = ""; /* strided crops only */
  if (j->model.crop_dt > 1) snprintf(apart, sizeof apart, ", frames %d apart", j->model.crop_dt);
  lie_log_info(j->ctx,
               "trained probe %s: %d labelled (%d fit + %d valid), %d test, frozen %dD width %d encoder (repr %d, "
               "input %dx%dx%d%s), %s%s, batch %d (%d ranks), lr grid of %d, <= %d epochs (patience %d)",
               c->target, j->nfit + j->nval, j->nfit, j->nval, j->ntest, j->model.dims, j->model.width, j->D,
               j->model.cin, j->model.crop_t, j->model.crop_x, apart,
               c->train_crop_first ? "first crop" : "random crops", c->lie_aug ? " + Lie augmentations" : "", j->B,
               j->P, c->nlr, c->epochs, c->patience);
  LIE_CALL(plain_features(j));
  LIE_CALL(train(j, res));
  /* the chosen head on the test split (and on the fit rows: the fit quality) */
  res->pred = malloc(sizeof(double) * (size_t)j->ntest * j->m);
  res->truth = malloc(sizeof(double) * (size_t)j->ntest * j->m);
  LIE_CHECK(res->pred && res->truth, LIE_ERR_MEM, "out of memory");
  LIE_CALL(score(j, j->best, j->Hte, NULL, j->ntest, j->Yte, res->pred, &res->value));
  memcpy(res->truth, j->Yte, sizeof(double) * (size_t)j->ntest * j->m);
  lie_mat Pm = {j->ntest, j->m, res->pred}, T = {j->ntest, j->m, res->truth};
  LIE_CALL(
      lie_metric_bootstrap(j->metric, &Pm, &T, c->probe.nboot, c->probe.boot_seed, &res->boot_mean, &res->boot_std));
  if (train_value) {
    double *fp;
    LIE_ALLOC(fp, (size_t)j->nfit * j->m);
    int err = score(j, j->best, j->Hfit, j->idx, j->nfit, j->Ytr, fp, train_value);
    free(fp);
    LIE_CALL(err);
  }
  if (c->probe.save[0]) LIE_CALL(save_head(j));
  res->metric = j->metric;
  res->ntrain = j->nfit + j->nval, res->nvalid = j->nval, res->ntest = j->ntest, res->m = j->m;
  res->seconds = lie_wtime() - t0;
  return LIE_OK;
}

int lie_probe_trained_run(lie_ctx ctx, const lie_probe_trained_opts *cfg, lie_sup_result *res, int *dim,
                          double *train_value) {
  pt_job j;
  memset(&j, 0, sizeof j);
  memset(res, 0, sizeof *res);
  j.ctx = ctx, j.cfg = cfg, j.P = lie_ctx_size(ctx), j.rank = lie_ctx_rank(ctx);
  LIE_CHECK(cfg->nlr >= 1 && cfg->nlr <= LIE_PT_MAXLR && cfg->nlr <= LIE_SUP_MAXLR, LIE_ERR_USAGE,
            "-probe_lr: 1 to %d learning rates", LIE_PT_MAXLR);
  int err = LIE_OK;
  LIE_CALL_GOTO(run(&j, res, train_value));
  if (dim) *dim = j.D;
done:
  for (int k = 0; j.adam && k < cfg->nlr; k++)
    lie_adam_destroy(&j.adam[k]);
  lie_nn_net_destroy(&j.net);
  lie_ssl_data_close(&j.dtr);
  lie_ssl_data_close(&j.dte);
  free(j.x), free(j.r), free(j.Ytr), free(j.Yte), free(j.idx), free(j.mu), free(j.sd), free(j.fmu), free(j.fsc);
  free(j.Hfit), free(j.Hval), free(j.Hte), free(j.par), free(j.grad), free(j.best), free(j.hb), free(j.zb);
  free(j.adam), free(j.active);
  if (err) lie_sup_result_free(res);
  return err;
}

int lie_probe_trained_sweep(lie_ctx ctx, const lie_probe_trained_opts *cfg, int nsizes, const int *sizes, int nseeds,
                            lie_sup_result *res) {
  LIE_CHECK(nsizes >= 1 && nseeds >= 1 && sizes && res, LIE_ERR_ARG, "trained probe sweep: no sizes or seeds");
  lie_probe_trained_opts c = *cfg;
  c.probe.save[0] = 0; /* a sweep fits many heads: none of them is "the" probe to save */
  for (int i = 0; i < nsizes; i++)
    for (int s = 0; s < nseeds; s++) {
      c.probe.ntrain = sizes[i];
      c.probe.subset_seed = (uint64_t)(s + 1);
      lie_log_info(ctx, "trained probe sweep: %d labels, seed %d", sizes[i], s + 1);
      LIE_CALL(lie_probe_trained_run(ctx, &c, &res[i * nseeds + s], NULL, NULL));
    }
  return LIE_OK;
}
