/* liereg timestep -data TRAIN.h5 [-valid_data V.h5] -test_data T.h5 -o RESULT.json [options]:
 * train a conditioned neural time-stepper (LPSDA's protocol) and evaluate its rollout
 * (docs/TIMESTEP.md). Exit 0 when done or checkpointed after SIGUSR1/SIGTERM (no RESULT.json
 * then), 1 on runtime errors, 2 on usage errors. */
#include "cli.h"
#include "liereg/timestep.h"

#include <string.h>
#include <unistd.h>

static void print_result(const lie_step_opts *c, const lie_step_result *r) {
  printf("timestep pde=%s model=%s cond=%s rollout_nmse=%.6g rollout_nmse_std=%.6g rollout_mse=%.6g "
         "predicted_frames=%d ntrain=%d ntest=%d best_epoch=%d first_loss=%.5g last_loss=%.5g seconds_per_epoch=%.3g "
         "wall_seconds=%.1f\n",
         r->pde, c->model, lie_step_cond_name(c->cond), r->rollout_nmse, r->rollout_nmse_std, r->rollout_mse, r->nsteps,
         r->ntrain, r->ntest, r->best_epoch, r->first_loss, r->last_loss, r->seconds_per_epoch, r->wall_seconds);
  fflush(stdout);
}

/* The -step_* defaults are LPSDA's 1D CNN (history 20, future 20), which 2D Navier-Stokes data
 * (56 frames at the generator's defaults) cannot feed: on NS data the defaults become those of
 * examples/paper_timestep_ns.opts (unet, history 4, future 1), each only where not given, so
 * that `liereg timestep -data NS.h5 -test_data NS_TEST.h5 -o R.json` runs as on 1D data. */
static int pde_defaults(lie_ctx ctx) {
  static const char *const ns[][2] = {{"-step_model", "unet"}, {"-step_history", "4"}, {"-step_future", "1"}};
  char data[PETSC_MAX_PATH_LEN] = "", pde[32] = "";
  PetscBool set = PETSC_FALSE, has;
  LIE_PETSC(PetscOptionsGetString(NULL, NULL, "-data", data, sizeof data, &set));
  if (!set || !data[0]) return LIE_OK; /* the usage error comes from the configuration check */
  LIE_CALL(lie_ctx_agree(ctx, access(data, R_OK) == 0
                                  ? LIE_OK
                                  : LIE_RECORD(LIE_ERR_IO, "cannot open %s: no such file or not readable", data)));
  LIE_CALL(lie_h5_file_pde(ctx, data, pde, sizeof pde));
  if (strcmp(pde, "ns") != 0) return LIE_OK;
  for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
    LIE_PETSC(PetscOptionsHasName(NULL, NULL, ns[i][0], &has));
    if (!has) LIE_PETSC(PetscOptionsSetValue(NULL, ns[i][0], ns[i][1]));
  }
  return LIE_OK;
}

int lie_cmd_timestep(lie_ctx ctx, int nargs, char **args) {
  lie_step_opts cfg;
  lie_step_result res;
  PetscBool force = PETSC_FALSE, help = PETSC_FALSE;
  char tmp[LIE_STEP_PATH + 8];
  int stop;
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE,
            "timestep takes no positional arguments (usage: liereg timestep -data TRAIN.h5 -test_data TEST.h5 -o "
            "RESULT.json [options])");
  LIE_CALL(pde_defaults(ctx));
  lie_step_opts_default(&cfg);
  LIE_CALL(lie_step_opts_set_from_options(ctx, &cfg));
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg timestep", NULL);
  LIE_PETSC(PetscOptionsBool("-force", "overwrite an existing -o file", "", force, &force, NULL));
  PetscOptionsEnd();
  LIE_PETSC(PetscOptionsHasHelp(NULL, &help));
  if (!help) {
    LIE_CALL(lie_step_opts_check(&cfg));
    LIE_CHECK(cfg.out[0], LIE_ERR_USAGE, "-o RESULT.json is required");
    LIE_CALL(lie_cli_output_path(cfg.out, force, tmp, sizeof tmp));
  }
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_step_run(ctx, &cfg, &res));
  if (res.status != LIE_STEP_INTERRUPTED && lie_ctx_rank(ctx) == 0) {
    print_result(&cfg, &res);
    LIE_CALL_GOTO(lie_step_write_json(cfg.out, tmp, &cfg, &res));
  }
  /* stopped on a signal after checkpointing: "run again to continue" (exit 75, as pretrain) */
  if (res.status == LIE_STEP_INTERRUPTED) lie_cli_exit_status = LIE_EXIT_RESUMABLE;
done:
  lie_step_result_free(&res);
  return err;
}
