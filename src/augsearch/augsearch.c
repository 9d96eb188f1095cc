/* Successive halving over augmentation candidates (docs/AUGSEARCH.md).
 *
 *   rung r trains every candidate of its list to s_r = steps·eta^r pretraining steps (each
 *   continues its own checkpoint) and scores it on the validation split; the best
 *   max(1, n_r/eta) go on, plus the defaults (candidate 0) whatever their score, so that the
 *   final rung compares the winner with the defaults at the same budget.
 *
 * MPI: the ranks are split into groups of -augsearch_group_size (MPI_Comm_split); candidate j
 * of a rung's list is trained by group j mod G on the group's own communicator (the library's
 * pretrain/embed entries take a lie_ctx), so G candidates train at once. The groups meet at
 * the end of each rung: scores are summed over the ranks (only each group's rank 0 adds its
 * own), the state file is written, and a signal seen by any rank stops the search there. */
#include "augsearch_impl.h"
#include "liereg/io.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int setup_groups(lie_augsearch_job *s) {
  const int P = lie_ctx_size(s->world), G = s->cfg->group_size, rank = lie_ctx_rank(s->world);
  MPI_Comm sub;
  LIE_CHECK(P % G == 0, LIE_ERR_USAGE, "-augsearch_group_size %d does not divide the %d MPI ranks", G, P);
  s->ngroups = P / G, s->gid = rank / G;
  LIE_MPI(MPI_Comm_split(lie_ctx_comm(s->world), s->gid, rank, &sub));
  int err = lie_ctx_create(sub, &s->group); /* duplicates sub */
  MPI_Comm_free(&sub);
  LIE_CALL(err);
  lie_ctx_set_verbosity(s->group, lie_ctx_verbosity(s->world) - 1); /* one line per candidate, not per epoch */
  return LIE_OK;
}

/* Frames, time step and the defaults' crop of the training data (candidates must fit them). */
static int data_grid(lie_augsearch_job *s) {
  const lie_pretrain_opts *p = &s->cfg->pre;
  lie_ssl_data d = NULL;
  lie_train_grid g;
  int n, nx, ny, err = LIE_OK;
  LIE_CALL(lie_ssl_data_open(s->world, p->data, p->mode, p->field, &d));
  LIE_CALL_GOTO(lie_ssl_data_grid(d, &n, &s->nt, &nx, &ny));
  LIE_CALL_GOTO(lie_ssl_data_train_grid(d, &g));
  s->dt = g.dt[0];
  s->base_crop = p->aug.crop_t ? p->aug.crop_t : s->nt / 2;
  s->res->base_crop = s->base_crop;
done:
  lie_ssl_data_close(&d);
  return err;
}

/* Trajectories of the validation split. */
static int valid_size(lie_augsearch_job *s, int *n) {
  const lie_augsearch_opts *c = s->cfg;
  lie_ssl_data d = NULL;
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_ssl_data_open(s->world, c->valid_data, c->valid_mode, c->pre.field, &d));
  LIE_CALL_GOTO(lie_ssl_data_sizes(d, n, NULL, NULL));
done:
  lie_ssl_data_close(&d);
  return err;
}

/* The validation split must be there before the first candidate trains (not after it). */
static int check_valid(lie_augsearch_job *s) {
  const lie_augsearch_opts *c = s->cfg;
  int n = 0, err = valid_size(s, &n);
  if (err) lie_error_clear(); /* replaced by the usage error below */
  LIE_CHECK(!err, LIE_ERR_USAGE,
            "cannot read the validation split %s:/%s (give -augsearch_valid_data V.h5 and/or "
            "-augsearch_valid_mode)",
            c->valid_data, c->valid_mode);
  LIE_CHECK(n - (n + c->cv.folds - 1) / c->cv.folds >= 2 * c->cv.folds, LIE_ERR_USAGE,
            "%s:/%s has %d trajectories: too few for nested %d-fold cross-validation (-probe_folds)", c->valid_data,
            c->valid_mode, n, c->cv.folds);
  return LIE_OK;
}

static int make_work_dir(lie_augsearch_job *s) {
  int err = 0;
  if (lie_ctx_rank(s->world) == 0 && mkdir(s->cfg->work, 0777) != 0 && errno != EEXIST) err = errno;
  LIE_MPI(MPI_Bcast(&err, 1, MPI_INT, 0, lie_ctx_comm(s->world)));
  LIE_CHECK(!err, LIE_ERR_IO, "cannot create the search directory %s: %s", s->cfg->work, strerror(err));
  return LIE_OK;
}

/* Stop before the next training when any rank of the group saw a signal (or the test hook). */
static int group_stop(lie_augsearch_job *s, int *stop) {
  int mine = lie_stop_pending() != 0;
  LIE_MPI(MPI_Allreduce(&mine, stop, 1, MPI_INT, MPI_MAX, lie_ctx_comm(s->group)));
  return LIE_OK;
}

/* This group's share of rung r: scores into score/done/msg (group rank 0 only). */
static int train_share(lie_augsearch_job *s, int r, double *score, int *done, unsigned char (*msg)[LIE_AUGSEARCH_MSG],
                       int *stop) {
  const int lead = lie_ctx_rank(s->group) == 0;
  for (int j = 0; j < s->res->rung_size[r] && !*stop; j++) {
    int i = s->list[r][j], interrupted = 0;
    if (j % s->ngroups != s->gid || !isnan(s->res->cand[i].score[r])) continue;
    /* a rank of the group that failed before this evaluation meets the others here, before the
     * group's collectives; the rung's agreement over every group follows (run_rung) */
    LIE_CALL(lie_ctx_agree(s->group, lie_fault(s->world, "augsearch"))); /* test hook (src/core/fault.c) */
    LIE_CALL(group_stop(s, stop));
    if (*stop) break;
    double sc;
    char m[LIE_AUGSEARCH_MSG];
    LIE_CALL(lie_augsearch_train_one(s, i, s->res->rung_steps[r], &sc, m, &interrupted));
    if (interrupted) *stop = 1;
    if (interrupted || !lead) continue;
    score[j] = sc, done[j] = 1;
    for (char *c = m; *c; c++)
      if (*c == '\n') *c = ' ';
    memcpy(msg[j], m, LIE_AUGSEARCH_MSG);
  }
  return LIE_OK;
}

/* Every group's results to every rank; *stop: any rank stopped or saw a signal. */
static int share(lie_augsearch_job *s, int r, double *score, int *done, unsigned char (*msg)[LIE_AUGSEARCH_MSG],
                 int *stop) {
  const int n = s->res->rung_size[r];
  MPI_Comm w = lie_ctx_comm(s->world);
  int flag = *stop || lie_stop_pending() != 0;
  LIE_MPI(MPI_Allreduce(MPI_IN_PLACE, score, n, MPI_DOUBLE, MPI_SUM, w));
  LIE_MPI(MPI_Allreduce(MPI_IN_PLACE, done, n, MPI_INT, MPI_SUM, w));
  LIE_MPI(MPI_Allreduce(MPI_IN_PLACE, msg, n * LIE_AUGSEARCH_MSG, MPI_UNSIGNED_CHAR, MPI_MAX, w));
  LIE_MPI(MPI_Allreduce(&flag, stop, 1, MPI_INT, MPI_MAX, w));
  for (int j = 0; j < n; j++) {
    lie_augsearch_cand *c = &s->res->cand[s->list[r][j]];
    if (done[j]) {
      c->score[r] = score[j];
      memcpy(c->failed, msg[j], LIE_AUGSEARCH_MSG);
      c->failed[LIE_AUGSEARCH_MSG - 1] = 0;
    }
    if (!isnan(c->score[r]) && c->rung < r) c->rung = r;
  }
  return LIE_OK;
}

/* train_share agreed over the groups (a fatal error in one group stops every group here), then
 * share. */
static int train_rung(lie_augsearch_job *s, int r, double *score, int *done, unsigned char (*msg)[LIE_AUGSEARCH_MSG],
                      int *stop) {
  LIE_CALL(lie_ctx_agree(s->world, train_share(s, r, score, done, msg, stop)));
  LIE_CALL(share(s, r, score, done, msg, stop));
  return LIE_OK;
}

/* Rung r: train what the state file does not already hold; *interrupted when a signal stopped
 * it before every candidate was scored. */
static int run_rung(lie_augsearch_job *s, int r, int *interrupted) {
  const int n = s->res->rung_size[r];
  double *score;
  int *done, stop = 0;
  unsigned char(*msg)[LIE_AUGSEARCH_MSG];
  LIE_ALLOC(score, n);
  LIE_ALLOC(done, n);
  LIE_ALLOC(msg, n);
  int err = train_rung(s, r, score, done, msg, &stop);
  free(score), free(done), free(msg);
  LIE_CALL(err);
  int complete = 1;
  for (int j = 0; j < n; j++)
    complete &= !isnan(s->res->cand[s->list[r][j]].score[r]);
  *interrupted = stop && !complete;
  LIE_CHECK(complete || stop, LIE_ERR_INTERNAL, "rung %d ended with unscored candidates", r);
  return LIE_OK;
}

/* Candidates sorted by score (failed = +inf last; ties: lower index, the defaults first). */
static void rank_rung(const lie_augsearch_job *s, int r, int *order) {
  const int n = s->res->rung_size[r];
  for (int j = 0; j < n; j++) {
    int i = s->list[r][j], k = j;
    double v = s->res->cand[i].score[r];
    while (k > 0) {
      int p = order[k - 1];
      double pv = s->res->cand[p].score[r];
      if (pv < v || (pv == v && p < i)) break;
      order[k] = p, k--;
    }
    order[k] = i;
  }
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* The next rung's list: the best max(1, n/eta), plus the defaults. Checkpoints of the others
 * are removed (a search with many candidates would otherwise keep them all). */
static void promote(lie_augsearch_job *s, int r) {
  int order[LIE_AUGSEARCH_MAX_CAND], *next = s->list[r + 1], k = s->res->rung_size[r] / s->cfg->eta, has0 = 0;
  rank_rung(s, r, order);
  if (k < 1) k = 1;
  for (int j = 0; j < k; j++)
    next[j] = order[j], has0 |= order[j] == 0;
  int kept = k;
  if (!has0) next[kept++] = 0;
  qsort(next, (size_t)kept, sizeof *next, cmp_int);
  s->res->rung_size[r + 1] = kept;
  for (int j = k; lie_ctx_rank(s->world) == 0 && j < s->res->rung_size[r]; j++) {
    char path[LIE_PRETRAIN_PATH];
    if (order[j] == 0) continue;
    lie_augsearch_path(s, order[j], ".h5", path, sizeof path);
    unlink(path);
  }
}

static void log_rung(const lie_augsearch_job *s, int r) {
  lie_log_info(s->world, "augsearch: rung %d of %d (%ld steps): %d candidates", r + 1, s->cfg->rungs,
               s->res->rung_steps[r], s->res->rung_size[r]);
  for (int j = 0; j < s->res->rung_size[r]; j++) {
    const lie_augsearch_cand *c = &s->res->cand[s->list[r][j]];
    lie_log_info(s->world, "augsearch:   candidate %3d%s score %.6g%s%s", s->list[r][j],
                 s->list[r][j] == 0 ? " (defaults)" : "", c->score[r], c->failed[0] ? " failed: " : "", c->failed);
  }
}

/* Rank 0's result files: the options file, then the table. */
static int write_outputs(const lie_augsearch_job *s) {
  LIE_CALL(lie_augsearch_write_options(s));
  LIE_CALL(lie_augsearch_write_table(s));
  return LIE_OK;
}

static int finish(lie_augsearch_job *s) {
  lie_augsearch_result *r = s->res;
  const int last = s->cfg->rungs - 1;
  int order[LIE_AUGSEARCH_MAX_CAND];
  rank_rung(s, last, order);
  r->best = order[0];
  LIE_CHECK(isfinite(r->cand[r->best].score[last]), LIE_ERR_NUMERIC,
            "every candidate of the final rung failed (the defaults: %s)", r->cand[0].failed);
  for (int i = 0; i < r->ncand; i++)
    if (r->cand[i].rung >= 0) r->total_steps += r->rung_steps[r->cand[i].rung];
  r->cost = (double)r->total_steps / (double)r->rung_steps[last];
  LIE_CALL(lie_ctx_agree(s->world, lie_ctx_rank(s->world) == 0 ? write_outputs(s) : LIE_OK));
  return LIE_OK;
}

static int prepare(lie_augsearch_job *s) {
  lie_augsearch_result *r = s->res;
  const lie_augsearch_opts *cfg = s->cfg;
  int found;
  LIE_CALL(setup_groups(s));
  LIE_CALL(data_grid(s));
  LIE_CALL(check_valid(s));
  LIE_CALL(make_work_dir(s));
  r->ncand = cfg->candidates;
  LIE_ALLOC(r->cand, r->ncand);
  for (int i = 0; i < r->ncand; i++)
    lie_augsearch_candidate(s, i, &r->cand[i]), s->list[0][i] = i;
  r->rung_size[0] = r->ncand;
  r->rung_steps[0] = cfg->steps;
  for (int k = 1; k < cfg->rungs; k++)
    r->rung_steps[k] = r->rung_steps[k - 1] * cfg->eta;
  LIE_CALL(lie_ctx_agree(s->world, lie_augsearch_state_read(s, &found)));
  if (found) lie_log_info(s->world, "augsearch: continuing the search in %s", cfg->work);
  return LIE_OK;
}

static int search(lie_augsearch_job *s) {
  LIE_CALL(prepare(s));
  lie_log_info(s->world,
               "augsearch: %d candidates, %d rungs (eta %d, %ld..%ld steps), %d group(s) of %d rank(s), target %s on "
               "%s:/%s",
               s->res->ncand, s->cfg->rungs, s->cfg->eta, s->res->rung_steps[0], s->res->rung_steps[s->cfg->rungs - 1],
               s->ngroups, s->cfg->group_size, s->cfg->target, s->cfg->valid_data, s->cfg->valid_mode);
  for (int r = 0; r < s->cfg->rungs; r++) {
    int interrupted;
    LIE_CALL(run_rung(s, r, &interrupted));
    LIE_CALL(lie_ctx_agree(s->world, lie_augsearch_state_write(s)));
    if (interrupted) {
      s->res->status = LIE_AUGSEARCH_INTERRUPTED;
      lie_log_info(s->world, "augsearch: stopped by a signal in rung %d; state in %s (run the same command again)",
                   r + 1, s->cfg->work);
      return LIE_OK;
    }
    log_rung(s, r);
    if (r + 1 < s->cfg->rungs) promote(s, r);
  }
  LIE_CALL(finish(s));
  return LIE_OK;
}

int lie_augsearch_run(lie_ctx ctx, const lie_augsearch_opts *cfg, lie_augsearch_result *res) {
  lie_augsearch_job *s;
  int err = LIE_OK;
  memset(res, 0, sizeof *res);
  LIE_ALLOC(s, 1);
  s->cfg = cfg, s->world = ctx, s->res = res;
  double t0 = lie_wtime();
  LIE_CALL_GOTO(lie_stop_install());
  err = search(s);
  lie_stop_restore(); /* whatever search returned */
  LIE_CALL_GOTO(err);
done:
  lie_ctx_destroy(&s->group);
  free(s);
  res->seconds = lie_wtime() - t0;
  if (err) lie_augsearch_result_free(res);
  return err;
}

void lie_augsearch_result_free(lie_augsearch_result *res) {
  if (!res) return;
  free(res->cand);
  res->cand = NULL;
}
