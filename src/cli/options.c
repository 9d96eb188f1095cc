/* Options-database checks shared by all commands. */
#include "cli.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lie_cli_running = 0;
int lie_cli_exit_status = 0;

/* Options PETSc itself reads at PetscFinalize (after our check) or that main reads. */
static int is_global_option(const char *name) {
  static const char *globals[] = {"log_view",    "options_left", "verbose",        "traceback",
                                  "malloc_dump", "malloc_debug", "on_error_abort", "options_file",
                                  "help",        "log_trace",    "expect_ranks",   NULL};
  for (int i = 0; globals[i]; i++)
    if (!strcmp(name, globals[i])) return 1;
  return 0;
}

int lie_cli_options_done(lie_ctx ctx, int *stop) {
  PetscBool help = PETSC_FALSE;
  PetscInt n;
  char **names, **values;
  *stop = 0;
  /* Up to here each rank checked its own paths (inputs readable, output directory writable,
   * output absent): a rank that failed is waiting in main's agreement, which this one meets. */
  LIE_CALL(lie_ctx_agree(ctx, LIE_OK));
  LIE_PETSC(PetscOptionsHasHelp(NULL, &help));
  if (help) {
    *stop = 1;
    return LIE_OK;
  }
  LIE_PETSC(PetscOptionsLeftGet(NULL, &n, &names, &values));
  int bad = -1;
  for (PetscInt i = 0; i < n && bad < 0; i++)
    if (!is_global_option(names[i])) bad = (int)i;
  if (bad >= 0) {
    char name[256];
    snprintf(name, sizeof name, "%s", names[bad]);
    LIE_PETSC(PetscOptionsLeftRestore(NULL, &n, &names, &values));
    LIE_ERROR(LIE_ERR_USAGE, "unknown option -%s", name);
  }
  LIE_PETSC(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  lie_cli_running = 1;
  return LIE_OK;
}

/* Thin wrappers over lie_output (src/io/output.c) for the single-writer text outputs. */
int lie_cli_output_path(const char *path, PetscBool force, char *tmp, size_t ntmp) {
  lie_output o;
  LIE_CALL(lie_output_begin(&o, path, force));
  LIE_CHECK(strlen(o.tmp) < ntmp, LIE_ERR_USAGE, "output path too long: %.80s...", path);
  snprintf(tmp, ntmp, "%s", o.tmp);
  return LIE_OK;
}

int lie_cli_not_input(const char *out, const char *in, const char *what) {
  struct stat so, si;
  if (!in || !in[0] || stat(out, &so) != 0 || stat(in, &si) != 0) return LIE_OK;
  LIE_CHECK(so.st_dev != si.st_dev || so.st_ino != si.st_ino, LIE_ERR_USAGE,
            "output %s is the input %s %s: refusing to overwrite it (even with -force)", out, what, in);
  return LIE_OK;
}

int lie_cli_publish(lie_ctx ctx, const char *tmp, const char *out) {
  lie_output o;
  LIE_CALL(lie_output_temp(&o, out));
  snprintf(o.tmp, sizeof o.tmp, "%s", tmp);
  LIE_CALL(lie_output_end(ctx, &o, LIE_OK));
  return LIE_OK;
}
