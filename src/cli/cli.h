/* Internal interface between the CLI's main and its commands (one file per command). */
#ifndef LIEREG_CLI_H
#define LIEREG_CLI_H

#include "liereg/liereg.h"
#include <petscsys.h>

/* A command runs after PETSc is initialised; `args` are its positional arguments (those
 * before the first option). It reads its options, calls lie_cli_options_done(), then works. */
typedef int (*lie_cli_fn)(lie_ctx ctx, int nargs, char **args);

typedef struct {
  const char *name, *summary;
  lie_cli_fn run;
  /* 1: the command checkpoints on SIGUSR1/SIGTERM/SIGINT; main installs the handlers before
   * its start-up so that an early signal is not fatal either. */
  int resumable;
} lie_cli_command;

/* Every command, in the order `liereg -help` lists them. */
extern const lie_cli_command lie_cli_commands[];

/* Call once all options are read (and each rank has checked its paths): first agrees over the
 * ranks on any error found so far (a rank that failed meets this one in main's agreement,
 * lie_ctx_agree), then with -help returns 1 in *stop (print nothing more and exit 0);
 * otherwise fails with LIE_ERR_USAGE naming the first option nobody read, so a misspelt flag
 * never runs a job with defaults. Collective. */
int lie_cli_options_done(lie_ctx ctx, int *stop);

/* Set by lie_cli_options_done: from then on an error may be local to one rank. Commands
 * validate options and open their inputs before calling it. */
extern int lie_cli_running;

/* Exit status main returns after a successful command: 0, or LIE_EXIT_RESUMABLE (75) when
 * a command stopped on a signal after writing a resumable checkpoint. Same on every rank. */
extern int lie_cli_exit_status;

/* Output file convention: refuse to overwrite `path` unless -force, write to path.tmp. */
int lie_cli_output_path(const char *path, PetscBool force, char *tmp, size_t ntmp);
/* LIE_ERR_USAGE when `out` is the same file as the input `in` (named `what`, e.g. "-data"),
 * however spelt (compares device and inode): -force must never overwrite an input. */
int lie_cli_not_input(const char *out, const char *in, const char *what);
/* Collective: renames tmp to out once every rank is done with it; an error on any rank before
 * it (agreed) or in the rename becomes the same error on all. */
int lie_cli_publish(lie_ctx ctx, const char *tmp, const char *out);

/* Label-size sweeps (sweep.c): the -*_sweep sizes (given: the option was set) and
 * -*_sweep_seeds into sw; one line per size, "<tag> target=... mean=... std=...", of the runs'
 * values (sizes x seeds, row-major). */
void lie_cli_sweep_set(lie_job_sweep *sw, PetscBool given, PetscInt nsizes, const PetscInt *sizes, PetscInt nseeds);
void lie_cli_print_sweep(const char *tag, const char *target, lie_metric metric, int ntest, const lie_job_sweep *sw,
                         const double *values);

/* Open MPI settings made through the environment, before MPI_Init (mpi_env.c). */
void lie_cli_mpi_env(void);

int lie_cmd_generate(lie_ctx ctx, int nargs, char **args);
int lie_cmd_info(lie_ctx ctx, int nargs, char **args);
int lie_cmd_merge(lie_ctx ctx, int nargs, char **args);
int lie_cmd_augment(lie_ctx ctx, int nargs, char **args);
int lie_cmd_plot(lie_ctx ctx, int nargs, char **args);
int lie_cmd_probe(lie_ctx ctx, int nargs, char **args);
int lie_cmd_bench(lie_ctx ctx, int nargs, char **args);
int lie_cmd_pretrain(lie_ctx ctx, int nargs, char **args);
int lie_cmd_augsearch(lie_ctx ctx, int nargs, char **args);
int lie_cmd_embed(lie_ctx ctx, int nargs, char **args);
int lie_cmd_supervised(lie_ctx ctx, int nargs, char **args);
int lie_cmd_report(lie_ctx ctx, int nargs, char **args);
int lie_cmd_timestep(lie_ctx ctx, int nargs, char **args);
int lie_cmd_quickstart(lie_ctx ctx, int nargs, char **args);

#endif
