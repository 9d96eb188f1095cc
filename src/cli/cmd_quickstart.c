/* liereg quickstart [-quickstart_dir DIR] [-quickstart_scale tiny|small] [-threads N] [-force]:
 * the README's main job end to end (lie_quickstart_run, src/pipeline/quickstart.c;
 * docs/QUICKSTART.md). */
#include "cli.h"
#include "liereg/options.h"

int lie_cmd_quickstart(lie_ctx ctx, int nargs, char **args) {
  lie_quickstart_opts o;
  PetscBool force = PETSC_FALSE;
  PetscInt threads = 1;
  int stop, n = 0;
  lie_quickstart_opts_default(&o);
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE, "usage: mpiexec -n 2 liereg quickstart [-quickstart_dir DIR]");
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg quickstart: generate, pretrain, probe, supervised, report", NULL);
  LIE_PETSC(PetscOptionsString("-quickstart_dir", "output folder (data/, run/, report/)", "", o.dir, o.dir,
                               sizeof o.dir, NULL));
  LIE_PETSC(PetscOptionsString("-quickstart_scale", "small (the main job, ~10 min on 2 cores) or tiny (tests)", "",
                               o.scale, o.scale, sizeof o.scale, NULL));
  LIE_PETSC(LIE_OPTIONS_INT("-threads", "threads per rank", "", threads, &threads, NULL));
  LIE_PETSC(PetscOptionsBool("-force", "reuse an existing -quickstart_dir (its files are overwritten)", "", force,
                             &force, NULL));
  PetscOptionsEnd();
  o.threads = (int)threads, o.force = force;
  LIE_CALL(lie_quickstart_check(&o));
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CALL(lie_quickstart_run(ctx, &o, &n));
  return LIE_OK;
}
