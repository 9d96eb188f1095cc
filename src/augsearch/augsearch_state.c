/* The search's state file, OUT.d/state: what a restarted search needs besides the candidates
 * (which are recomputed from the seed) and their checkpoints. Text, one record per line:
 *   liereg-augsearch-state 1
 *   config <fingerprint: every option the scores depend on>
 *   score <candidate> <rung> <score %.17g | inf> [error message of a failed training]
 * A state written by another configuration is refused, so a changed command never mixes the
 * scores of two searches. The MPI group size is not part of it (scores do not depend on it). */
#include "augsearch_impl.h"
#include "liereg/io.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LIE_STATE_LINE 8192

static void put(char *buf, size_t n, size_t *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void put(char *buf, size_t n, size_t *at, const char *fmt, ...) {
  va_list ap;
  if (*at >= n) return;
  va_start(ap, fmt);
  int k = vsnprintf(buf + *at, n - *at, fmt, ap);
  va_end(ap);
  if (k > 0) *at += (size_t)k;
}

void lie_augsearch_fingerprint(const lie_augsearch_job *s, char *buf, size_t n) {
  const lie_augsearch_opts *c = s->cfg;
  const lie_pretrain_opts *p = &c->pre;
  size_t at = 0;
  buf[0] = 0;
  put(buf, n, &at, "data=%s:%s:%s valid=%s:%s target=%s log=%d folds=%d lambda=%.6g:%.6g:%d cvseed=%llu ", p->data,
      p->mode, p->field, c->valid_data, c->valid_mode, c->target, c->log_target, c->cv.folds, c->cv.lambda_min,
      c->cv.lambda_max, c->cv.lambda_num, (unsigned long long)c->cv.seed);
  put(buf, n, &at, "cand=%d rungs=%d eta=%d steps=%ld range=%.9g crop=%d seed=%llu ", c->candidates, c->rungs, c->eta,
      c->steps, c->range, c->crop, (unsigned long long)c->seed);
  put(buf, n, &at, "model=%d:%d:%s exp=", p->dims, p->width, lie_nn_backend_name(p->backend));
  for (int i = 0; i < p->nexpander; i++)
    put(buf, n, &at, "%d,", p->expander[i]);
  put(buf, n, &at, " train=%d:%d:%.9g:%.9g:%ld:%d:%.9g:%.9g:%llu:%d:%.9g ", p->epochs, p->batch, p->lr, p->min_lr,
      p->warmup, p->cosine, p->wd, p->clip, (unsigned long long)p->seed, p->sync_bn, p->min_rankme);
  put(buf, n, &at, "vicreg=%.9g:%.9g:%.9g:%.9g ", p->vicreg.sim_coeff, p->vicreg.std_coeff, p->vicreg.cov_coeff,
      p->vicreg.eps);
  put(buf, n, &at, "aug=%s:%d:%d:%d:%d:", lie_aug_mode_name(p->aug.mode), p->aug.order, p->aug.steps, p->aug.crop_t,
      p->aug.crop_x);
  if (p->aug.crop_dt > 1) put(buf, n, &at, "dt%d:", p->aug.crop_dt); /* stride 1: the signature of older states */
  for (int g = 0; g < p->aug.ngen; g++)
    put(buf, n, &at, "%s=%.9g,", lie_aug_gen_name(p->aug.gens[g]), p->aug.strength[g]);
}

static void state_path(const lie_augsearch_job *s, char *path, size_t n) {
  snprintf(path, n, "%s/state", s->cfg->work);
}

/* One "score" record into the result. */
static int parse_score(lie_augsearch_job *s, const char *line, const char *path) {
  int i, r, k = 0;
  char val[64];
  LIE_CHECK(sscanf(line, "score %d %d %63s %n", &i, &r, val, &k) == 3 && k > 0, LIE_ERR_FORMAT,
            "%s: malformed record '%.60s'", path, line);
  LIE_CHECK(i >= 0 && i < s->res->ncand && r >= 0 && r < s->cfg->rungs, LIE_ERR_FORMAT,
            "%s: record of candidate %d rung %d outside this search", path, i, r);
  lie_augsearch_cand *c = &s->res->cand[i];
  c->score[r] = strtod(val, NULL);
  if (c->rung < r) c->rung = r;
  snprintf(c->failed, sizeof c->failed, "%s", line + k);
  c->failed[strcspn(c->failed, "\n")] = 0;
  return LIE_OK;
}

static int read_file(lie_augsearch_job *s, FILE *f, const char *path) {
  char *line, fp[LIE_STATE_LINE];
  int version = 0, err = LIE_OK;
  LIE_ALLOC(line, LIE_STATE_LINE + 16);
  LIE_CHECK_GOTO(fgets(line, LIE_STATE_LINE + 16, f) && sscanf(line, "liereg-augsearch-state %d", &version) == 1,
                 LIE_ERR_FORMAT, "%s is not a state file", path);
  LIE_CHECK_GOTO(version == LIE_AUGSEARCH_STATE_VERSION, LIE_ERR_FORMAT, "%s: state version %d, this liereg writes %d",
                 path, version, LIE_AUGSEARCH_STATE_VERSION);
  lie_augsearch_fingerprint(s, fp, sizeof fp);
  LIE_CHECK_GOTO(fgets(line, LIE_STATE_LINE + 16, f) && !strncmp(line, "config ", 7), LIE_ERR_FORMAT,
                 "%s: no config record", path);
  line[strcspn(line, "\n")] = 0;
  LIE_CHECK_GOTO(!strcmp(line + 7, fp), LIE_ERR_USAGE,
                 "%s belongs to a search with other options (remove %s to start afresh, or rerun the "
                 "original command)",
                 path, s->cfg->work);
  while (fgets(line, LIE_STATE_LINE + 16, f))
    LIE_CALL_GOTO(parse_score(s, line, path));
done:
  free(line);
  return err;
}

int lie_augsearch_state_read(lie_augsearch_job *s, int *found) {
  char path[LIE_PRETRAIN_PATH + 32];
  state_path(s, path, sizeof path);
  *found = access(path, F_OK) == 0;
  if (!*found) return LIE_OK;
  FILE *f = fopen(path, "r");
  LIE_CHECK(f, LIE_ERR_IO, "cannot read the search state %s", path);
  int err = read_file(s, f, path);
  fclose(f);
  LIE_CALL(err);
  return LIE_OK;
}

int lie_augsearch_state_write(lie_augsearch_job *s) {
  char path[LIE_PRETRAIN_PATH + 32], fp[LIE_STATE_LINE];
  lie_output o;
  if (lie_ctx_rank(s->world) != 0) return LIE_OK;
  state_path(s, path, sizeof path);
  LIE_CALL(lie_output_temp(&o, path));
  FILE *f = fopen(o.tmp, "w");
  LIE_CHECK(f, LIE_ERR_IO, "cannot write %s", o.tmp);
  lie_augsearch_fingerprint(s, fp, sizeof fp);
  fprintf(f, "liereg-augsearch-state %d\nconfig %s\n", LIE_AUGSEARCH_STATE_VERSION, fp);
  for (int i = 0; i < s->res->ncand; i++)
    for (int r = 0; r < s->cfg->rungs; r++) {
      const lie_augsearch_cand *c = &s->res->cand[i];
      if (isnan(c->score[r])) continue;
      if (isinf(c->score[r]))
        fprintf(f, "score %d %d inf %s\n", i, r, c->failed);
      else
        fprintf(f, "score %d %d %.17g\n", i, r, c->score[r]);
    }
  LIE_CALL(lie_output_end_file(&o, f, LIE_OK));
  return LIE_OK;
}
