/* liereg report -dir RUN_DIR -o REPORT_DIR: markdown report with tables and PNG figures from the
 * result files of a run directory (docs/EVAL.md, "Report"). */
#include "cli.h"

#include <unistd.h>

int lie_cmd_report(lie_ctx ctx, int nargs, char **args) {
  char dir[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "";
  PetscBool help = PETSC_FALSE;
  int stop, n = 0;
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE, "usage: liereg report -dir RUN_DIR -o REPORT_DIR");
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg report -dir RUN_DIR -o REPORT_DIR", NULL);
  LIE_PETSC(PetscOptionsString("-dir", "run directory: *.json results, *.csv logs/predictions, embedding *.h5", "", dir,
                               dir, sizeof dir, NULL));
  LIE_PETSC(PetscOptionsString("-o", "report directory (report.md + PNG figures; created if missing)", "", out, out,
                               sizeof out, NULL));
  PetscOptionsEnd();
  LIE_PETSC(PetscOptionsHasHelp(NULL, &help));
  if (!help) {
    LIE_CHECK(dir[0] && access(dir, R_OK | X_OK) == 0, LIE_ERR_USAGE, "cannot read run directory -dir '%s'", dir);
    LIE_CHECK(out[0], LIE_ERR_USAGE, "missing -o REPORT_DIR");
  }
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CALL(lie_report_write(ctx, dir, out, &n));
  lie_log_info(ctx, "report of %d result files: %s/report.md", n, out);
  return LIE_OK;
}
