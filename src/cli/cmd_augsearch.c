/* liereg augsearch -data TRAIN.h5 -o BEST.opts [-augsearch_valid_data V.h5] [-augsearch_table T.json]
 * [pretrain options] [-augsearch_* options]: search the augmentation strengths and the crop on the
 * validation split (docs/AUGSEARCH.md). Exit 0 when done; 75 when stopped by a signal (the same
 * command continues); 1 on runtime errors; 2 on usage errors. */
#include "cli.h"

static void print_result(const lie_augsearch_opts *cfg, const lie_augsearch_result *r) {
  const int last = cfg->rungs - 1;
  const lie_augsearch_cand *w = &r->cand[r->best];
  printf("augsearch winner=%d score=%.6g defaults=%.6g metric=%s target=%s steps=%ld strengths=", r->best,
         w->score[last], r->cand[0].score[last], lie_metric_name(r->metric), cfg->target, r->rung_steps[last]);
  for (int g = 0; g < w->aug.ngen; g++)
    printf("%s%.6g", g ? "," : "", w->aug.strength[g]);
  printf(" crop_t=%d\n", w->aug.crop_t ? w->aug.crop_t : r->base_crop);
  printf("augsearch cost: %ld pretraining steps = %.2f x one %ld-step run; %.1f s wall; wrote %s\n", r->total_steps,
         r->cost, r->rung_steps[last], r->seconds, cfg->pre.out);
}

int lie_cmd_augsearch(lie_ctx ctx, int nargs, char **args) {
  lie_augsearch_opts cfg;
  lie_augsearch_result res;
  PetscBool help = PETSC_FALSE;
  int stop;
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE,
            "augsearch takes no positional arguments (usage: liereg augsearch -data TRAIN.h5 -o BEST.opts [options])");
  lie_augsearch_opts_default(&cfg);
  LIE_CALL(lie_augsearch_opts_set_from_options(ctx, &cfg));
  LIE_PETSC(PetscOptionsHasHelp(NULL, &help));
  if (!help) LIE_CALL(lie_augsearch_opts_check(&cfg));
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CALL(lie_augsearch_run(ctx, &cfg, &res));
  if (res.status == LIE_AUGSEARCH_INTERRUPTED)
    lie_cli_exit_status = LIE_EXIT_RESUMABLE;
  else if (lie_ctx_rank(ctx) == 0)
    print_result(&cfg, &res);
  lie_augsearch_result_free(&res);
  return LIE_OK;
}
