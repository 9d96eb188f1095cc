/* liereg info FILE.h5: validate a dataset file and print a summary; exit 1 on any problem. */
#include "cli.h"

#include <unistd.h>

int lie_cmd_info(lie_ctx ctx, int nargs, char **args) {
  int stop;
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL,
                    "liereg info FILE.h5: validate a dataset (schema, shapes, NaN/Inf, ranges)", NULL);
  PetscOptionsEnd();
  PetscBool help;
  LIE_PETSC(PetscOptionsHasHelp(NULL, &help));
  LIE_CHECK(help || nargs == 1, LIE_ERR_USAGE, "info takes exactly one file (usage: liereg info FILE.h5)");
  LIE_CHECK(help || access(args[0], R_OK) == 0, LIE_ERR_IO, "cannot open %s: no such file or not readable", args[0]);
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CALL(lie_dataset_check(ctx, args[0], stdout));
  return LIE_OK;
}
