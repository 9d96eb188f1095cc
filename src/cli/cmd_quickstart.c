/* liereg quickstart [-quickstart_dir DIR] [-quickstart_scale tiny|small] [-threads N] [-force]
 *                   [-quickstart_default_strengths] [-quickstart_augsearch_cmd]:
 * the README's main job end to end (lie_quickstart_run, src/pipeline/quickstart.c;
 * docs/QUICKSTART.md), or the augsearch commands that chose its strengths (docs/AUGSEARCH.md). */
#include "cli.h"
#include "liereg/options.h"

#include <stdio.h>

/* Rank 0 prints one `liereg augsearch` line per PDE of the quickstart. */
static int print_augsearch_commands(lie_ctx ctx, const lie_quickstart_opts *o) {
  const lie_pde pdes[] = {LIE_PDE_BURGERS, LIE_PDE_KS};
  char cmd[4096];
  for (int i = 0; i < 2; i++) {
    LIE_CALL(lie_quickstart_augsearch_command(o, pdes[i], cmd, sizeof cmd));
    if (lie_ctx_rank(ctx) == 0) printf("%s\n", cmd);
  }
  return LIE_OK;
}

int lie_cmd_quickstart(lie_ctx ctx, int nargs, char **args) {
  lie_quickstart_opts o;
  PetscBool force = PETSC_FALSE, defaults = PETSC_FALSE, print_search = PETSC_FALSE;
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
  LIE_PETSC(PetscOptionsBool("-quickstart_default_strengths",
                             "pretrain with the PDEs' default augmentation strengths, not the searched ones", "",
                             defaults, &defaults, NULL));
  LIE_PETSC(PetscOptionsBool("-quickstart_augsearch_cmd",
                             "print the liereg augsearch commands that chose the strengths (on DIR/data) and exit", "",
                             print_search, &print_search, NULL));
  PetscOptionsEnd();
  o.threads = (int)threads, o.force = force, o.default_strengths = defaults;
  if (print_search) { /* DIR is the quickstart's folder to search on: it may exist */
    LIE_CALL(lie_cli_options_done(ctx, &stop));
    if (!stop) LIE_CALL(print_augsearch_commands(ctx, &o));
    return LIE_OK;
  }
  LIE_CALL(lie_quickstart_check(&o));
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CALL(lie_quickstart_run(ctx, &o, &n));
  return LIE_OK;
}
