/* liereg pretrain -data FILE.h5 -o CKPT.h5 [options]: VICReg pretraining on MPI ranks
 * (docs/PRETRAIN.md). Exit 0 when the run finished or reached -train_steps; 75 (EX_TEMPFAIL) when
 * it checkpointed after SIGUSR1/SIGTERM/SIGINT (run again with -train_resume to continue); 1 on
 * divergence/collapse (the last checkpoint is kept); 2 on usage errors. */
#include "cli.h"

#include <string.h>

int lie_cmd_pretrain(lie_ctx ctx, int nargs, char **args) {
  lie_pretrain_opts cfg;
  lie_pretrain p = NULL;
  lie_pretrain_result res;
  PetscBool force = PETSC_FALSE, help = PETSC_FALSE;
  int stop;
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE,
            "pretrain takes no positional arguments (usage: liereg pretrain -data FILE.h5 "
            "-o CKPT.h5 [options])");
  lie_pretrain_opts_default(&cfg);
  LIE_CALL(lie_pretrain_opts_set_from_options(ctx, &cfg));
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg pretrain -data FILE.h5 -o CKPT.h5", NULL);
  LIE_PETSC(PetscOptionsBool("-force", "overwrite an existing -o file", "", force, &force, NULL));
  PetscOptionsEnd();
  LIE_PETSC(PetscOptionsHasHelp(NULL, &help));
  if (!help) {
    LIE_CALL(lie_pretrain_opts_check(&cfg));
    /* Resuming into its own checkpoint (a requeued job) overwrites it by design. */
    int same = cfg.resume[0] && !strcmp(cfg.resume, cfg.out);
    lie_output o;
    LIE_CALL(lie_output_begin(&o, cfg.out, force || same));
    LIE_CALL(lie_output_not_input(&o, cfg.data, "-data"));
  }
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CALL(lie_pretrain_create(ctx, &cfg, &p));
  int err = lie_pretrain_run(p, &res);
  lie_pretrain_destroy(&p);
  LIE_CALL(err);
  lie_log_info(ctx, "%s at step %ld (%ld steps this run, %.1f samples/s, last loss %.5g): %s",
               res.status == LIE_PRETRAIN_INTERRUPTED ? "interrupted"
               : res.status == LIE_PRETRAIN_DONE      ? "finished"
                                                      : "stopped (-train_steps)",
               res.step, res.steps_run, res.samples_per_s, res.last.loss, cfg.out);
  if (res.status == LIE_PRETRAIN_INTERRUPTED) lie_cli_exit_status = LIE_EXIT_RESUMABLE;
  return LIE_OK;
}
