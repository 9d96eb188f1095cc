/* Options-database checks shared by all commands. */
#include "cli.h"

#include <string.h>
#include <unistd.h>

int lie_cli_running = 0;

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

int lie_cli_output_path(const char *path, PetscBool force, char *tmp, size_t ntmp) {
  LIE_CHECK(path && path[0], LIE_ERR_USAGE, "missing output file (-o FILE)");
  LIE_CHECK(force || access(path, F_OK) != 0, LIE_ERR_USAGE, "output file %s exists (use -force to overwrite)", path);
  LIE_CHECK(strlen(path) + 5 <= ntmp, LIE_ERR_USAGE, "output path too long: %s", path);
  char dir[PETSC_MAX_PATH_LEN];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash)
    *(slash == dir ? slash + 1 : slash) = 0;
  else
    snprintf(dir, sizeof dir, ".");
  LIE_CHECK(access(dir, W_OK) == 0, LIE_ERR_IO, "cannot write %s: directory %s does not exist or is not writable", path,
            dir);
  snprintf(tmp, ntmp, "%s.tmp", path);
  return LIE_OK;
}

int lie_cli_publish(lie_ctx ctx, const char *tmp, const char *out) {
  int ok = 1;
  LIE_MPI(MPI_Barrier(lie_ctx_comm(ctx)));
  if (lie_ctx_rank(ctx) == 0) ok = rename(tmp, out) == 0;
  LIE_MPI(MPI_Bcast(&ok, 1, MPI_INT, 0, lie_ctx_comm(ctx)));
  LIE_CHECK(ok, LIE_ERR_IO, "cannot rename %s to %s", tmp, out);
  return LIE_OK;
}

int lie_cli_finish_file(FILE *f, const char *tmp, const char *path) {
  int bad = ferror(f);
  bad |= fclose(f) != 0;
  LIE_CHECK(!bad, LIE_ERR_IO, "writing %s failed (disk full?)", tmp);
  LIE_CHECK(rename(tmp, path) == 0, LIE_ERR_IO, "cannot rename %s to %s", tmp, path);
  return LIE_OK;
}

int lie_cli_write_predictions(const char *path, const char *tmp, int ntest, int m, const double *truth,
                              const double *pred) {
  FILE *f = fopen(tmp, "w");
  LIE_CHECK(f, LIE_ERR_IO, "cannot write %s", tmp);
  fprintf(f, "row,output,true,pred\n");
  for (int i = 0; i < ntest; i++)
    for (int t = 0; t < m; t++)
      fprintf(f, "%d,%d,%.17g,%.17g\n", i, t, truth[(size_t)i * m + t], pred[(size_t)i * m + t]);
  LIE_CALL(lie_cli_finish_file(f, tmp, path));
  return LIE_OK;
}
