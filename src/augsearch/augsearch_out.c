/* What the search produces: the winner as options for `liereg pretrain -options_file`, and the
 * table of every candidate (JSON through the report module's writer; scores of rungs a
 * candidate never reached and of failed trainings are null, listed in "nonfinite"). */
#include "augsearch_impl.h"
#include "liereg/io.h"
#include "liereg/report.h"

#include <math.h>
#include <string.h>

static void print_list(FILE *f, const lie_aug_opts *a) {
  fprintf(f, "-aug_gens ");
  for (int g = 0; g < a->ngen; g++)
    fprintf(f, "%s%s", g ? "," : "", lie_aug_gen_name(a->gens[g]));
  fprintf(f, "\n-aug_strengths ");
  for (int g = 0; g < a->ngen; g++)
    fprintf(f, "%s%.9g", g ? "," : "", a->strength[g]);
  fprintf(f, "\n");
}

int lie_augsearch_write_options(const lie_augsearch_job *s) {
  const lie_augsearch_result *r = s->res;
  const lie_augsearch_cand *w = &r->cand[r->best], *d = &r->cand[0];
  const int last = s->cfg->rungs - 1;
  lie_output o;
  LIE_CALL(lie_output_temp(&o, s->cfg->pre.out));
  FILE *f = fopen(o.tmp, "w");
  LIE_CHECK(f, LIE_ERR_IO, "cannot write %s", o.tmp);
  fprintf(f, "# liereg augsearch: best of %d candidates on %s:/%s, target %s (%s, lower is better)\n", r->ncand,
          s->cfg->valid_data, s->cfg->valid_mode, s->cfg->target, lie_metric_name(r->metric));
  fprintf(f, "# candidate %d: validation %.6g at %ld pretraining steps; the defaults (candidate 0): %.6g\n", r->best,
          w->score[last], r->rung_steps[last], d->score[last]);
  fprintf(f, "# use: liereg pretrain -options_file %s -data DATA.h5 -o CKPT.h5 [...]\n", s->cfg->pre.out);
  fprintf(f, "-aug_mode %s\n", lie_aug_mode_name(w->aug.mode));
  print_list(f, &w->aug);
  fprintf(f, "-aug_crop_t %d\n", w->aug.crop_t ? w->aug.crop_t : s->base_crop);
  if (w->aug.crop_dt > 1) fprintf(f, "-aug_crop_dt %d\n", w->aug.crop_dt);
  LIE_CALL(lie_output_end_file(&o, f, LIE_OK));
  return LIE_OK;
}

static int candidate(lie_json j, const lie_augsearch_job *s, int i) {
  const lie_augsearch_cand *c = &s->res->cand[i];
  LIE_CALL(lie_json_object_begin(j, NULL));
  LIE_CALL(lie_json_int(j, "index", i));
  LIE_CALL(lie_json_bool(j, "defaults", i == 0));
  LIE_CALL(lie_json_reals(j, "strengths", c->aug.ngen, c->aug.strength));
  LIE_CALL(lie_json_reals(j, "multipliers", c->aug.ngen, c->mult));
  LIE_CALL(lie_json_int(j, "crop_t", c->aug.crop_t ? c->aug.crop_t : s->base_crop));
  LIE_CALL(lie_json_int(j, "rung", c->rung));
  LIE_CALL(lie_json_int(j, "steps", c->rung >= 0 ? s->res->rung_steps[c->rung] : 0));
  LIE_CALL(lie_json_real(j, "score", c->rung >= 0 ? c->score[c->rung] : NAN));
  LIE_CALL(lie_json_reals(j, "scores", s->cfg->rungs, c->score));
  LIE_CALL(lie_json_str(j, "failed", c->failed));
  LIE_CALL(lie_json_end(j));
  return LIE_OK;
}

static int table(lie_json j, const lie_augsearch_job *s) {
  const lie_augsearch_result *r = s->res;
  const lie_aug_opts *a = &s->cfg->pre.aug;
  LIE_CALL(lie_json_str(j, "pde", lie_pde_name(s->cfg->pre.pde)));
  LIE_CALL(lie_json_str(j, "valid", s->cfg->valid_data));
  LIE_CALL(lie_json_str(j, "valid_mode", s->cfg->valid_mode));
  LIE_CALL(lie_json_str(j, "target", s->cfg->target));
  LIE_CALL(lie_json_str(j, "metric", lie_metric_name(r->metric)));
  LIE_CALL(lie_json_array_begin(j, "generators"));
  for (int g = 0; g < a->ngen; g++)
    LIE_CALL(lie_json_str(j, NULL, lie_aug_gen_name(a->gens[g])));
  LIE_CALL(lie_json_end(j));
  LIE_CALL(lie_json_int(j, "eta", s->cfg->eta));
  int steps[LIE_AUGSEARCH_MAX_RUNGS];
  for (int k = 0; k < s->cfg->rungs; k++)
    steps[k] = (int)r->rung_steps[k];
  LIE_CALL(lie_json_ints(j, "rung_steps", s->cfg->rungs, steps));
  LIE_CALL(lie_json_ints(j, "rung_size", s->cfg->rungs, r->rung_size));
  LIE_CALL(lie_json_int(j, "winner", r->best));
  LIE_CALL(lie_json_int(j, "total_steps", r->total_steps));
  LIE_CALL(lie_json_real(j, "cost_vs_final_run", r->cost));
  LIE_CALL(lie_json_array_begin(j, "candidates"));
  for (int i = 0; i < r->ncand; i++)
    LIE_CALL(candidate(j, s, i));
  LIE_CALL(lie_json_end(j));
  return LIE_OK;
}

int lie_augsearch_write_table(const lie_augsearch_job *s) {
  lie_json j = NULL;
  int err = LIE_OK;
  if (!s->cfg->table[0]) return LIE_OK;
  LIE_CALL(lie_json_create(&j));
  LIE_CALL_GOTO(table(j, s));
  LIE_CALL_GOTO(lie_json_write(j, s->cfg->table));
done:
  lie_json_destroy(&j);
  return err;
}
