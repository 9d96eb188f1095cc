/* One evaluation: pretrain candidate i on its rank group up to the rung's steps (continuing its
 * own checkpoint: a run resumed at step k continues the curve a fresh run would follow, so rung
 * r's score is that of an s_r-step run at the cost of s_r - s_{r-1} steps), embed the
 * validation split with the frozen encoder, score it with the nested-CV ridge probe. */
#include "augsearch_impl.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

/* Errors that depend on the strengths (a diverged or collapsed run, a transform whose window
 * does not fit): the candidate is bad, the search goes on. Anything else (I/O, memory, MPI)
 * stops the search. */
static int candidate_failure(int err) { return err == LIE_ERR_NUMERIC || err == LIE_ERR_ARG || err == LIE_ERR_USAGE; }

static int pretrain(lie_augsearch_job *s, int i, long steps, const char *ckpt, int *interrupted) {
  lie_pretrain_opts c = s->cfg->pre;
  lie_pretrain p = NULL;
  lie_pretrain_result res;
  c.aug = s->res->cand[i].aug;
  c.steps = steps;
  c.progress_every = 0;
  snprintf(c.out, sizeof c.out, "%s", ckpt);
  int have = lie_ctx_rank(s->group) == 0 && access(ckpt, R_OK) == 0;
  LIE_MPI(MPI_Bcast(&have, 1, MPI_INT, 0, lie_ctx_comm(s->group)));
  if (have) snprintf(c.resume, sizeof c.resume, "%s", ckpt);
  if (s->cfg->stop_after > 0 && s->trainings >= s->cfg->stop_after) lie_pretrain_request_stop();
  s->trainings++;
  LIE_CALL(lie_pretrain_create(s->group, &c, &p));
  int err = lie_pretrain_run(p, &res);
  lie_pretrain_destroy(&p);
  LIE_CALL(err);
  *interrupted = res.status == LIE_PRETRAIN_INTERRUPTED;
  return LIE_OK;
}

static int embed_and_score(lie_augsearch_job *s, const char *ckpt, const char *emb, double *score) {
  const lie_augsearch_opts *cfg = s->cfg;
  lie_embed_opts e;
  memset(&e, 0, sizeof e);
  snprintf(e.ckpt, sizeof e.ckpt, "%s", ckpt);
  snprintf(e.out, sizeof e.out, "%s", emb);
  e.ndata = 1;
  snprintf(e.data[0], sizeof e.data[0], "%s", cfg->valid_data);
  snprintf(e.mode, sizeof e.mode, "%s", cfg->valid_mode); /* only this group: never the test split */
  snprintf(e.field, sizeof e.field, "%s", cfg->pre.field);
  e.batch = 16;
  e.backend = cfg->pre.backend;
  LIE_CALL(lie_embed_run(s->group, &e));
  lie_metric metric = LIE_METRIC_MSE;
  int err = lie_ctx_rank(s->group) == 0 ? lie_augsearch_score(emb, cfg->valid_mode, cfg->target, cfg->log_target,
                                                              &cfg->cv, cfg->seed, &metric, score)
                                        : LIE_OK;
  if (lie_ctx_rank(s->group) == 0) unlink(emb);
  LIE_CALL(lie_ctx_agree(s->group, err));
  LIE_MPI(MPI_Bcast(score, 1, MPI_DOUBLE, 0, lie_ctx_comm(s->group)));
  s->res->metric = metric;
  return LIE_OK;
}

/* Pretrains candidate i, then (unless a signal interrupted it) embeds and scores it. */
static int train_and_score(lie_augsearch_job *s, int i, long steps, const char *ckpt, const char *emb, double *score,
                           int *interrupted) {
  LIE_CALL(pretrain(s, i, steps, ckpt, interrupted));
  if (!*interrupted) LIE_CALL(embed_and_score(s, ckpt, emb, score));
  return LIE_OK;
}

int lie_augsearch_train_one(lie_augsearch_job *s, int i, long steps, double *score, char *msg, int *interrupted) {
  char ckpt[LIE_PRETRAIN_PATH], emb[LIE_PRETRAIN_PATH];
  *score = INFINITY, msg[0] = 0, *interrupted = 0;
  lie_augsearch_path(s, i, ".h5", ckpt, sizeof ckpt);
  lie_augsearch_path(s, i, ".emb.h5", emb, sizeof emb);
  double t0 = lie_wtime();
  int err = train_and_score(s, i, steps, ckpt, emb, score, interrupted);
  /* the defaults refused as a usage error (a crop or batch that does not fit the data) is the
   * user's configuration, not a candidate's: every candidate would fail the same way */
  if (err && candidate_failure(err) && !(i == 0 && err == LIE_ERR_USAGE)) {
    snprintf(msg, LIE_AUGSEARCH_MSG, "%s", lie_error_message());
    lie_error_clear();
    *score = INFINITY, err = LIE_OK;
  }
  LIE_CALL(err);
  if (!isfinite(*score)) *score = INFINITY; /* NaN would sort anywhere */
  if (lie_ctx_rank(s->group) == 0 && !*interrupted && lie_ctx_verbosity(s->world) > 0) {
    printf("augsearch: group %d: candidate %d, %ld steps: validation score %.6g%s%s (%.1f s)\n", s->gid, i, steps,
           *score, msg[0] ? " failed: " : "", msg, lie_wtime() - t0);
    fflush(stdout);
  }
  return LIE_OK;
}
