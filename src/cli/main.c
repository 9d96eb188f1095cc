/* liereg <command> [positional args] [options]
 * main() initialises PETSc (and MPI), dispatches to the command and is the only place
 * where an error becomes a message on stderr and an exit code (0 ok, 1 runtime, 2 usage). */
#include "cli.h"

#include <signal.h>
#include <string.h>

static const char help[] = "liereg: self-supervised learning with Lie point symmetries on PDE data\n"
                           "usage: liereg <command> [arguments] [options]   (liereg <command> -help)\n";

const lie_cli_command lie_cli_commands[] = {
    {"generate", "solve a PDE for N trajectories into a parallel HDF5 file", lie_cmd_generate},
    {"info", "validate a dataset file and print a summary", lie_cmd_info},
    {"augment", "apply one Lie point symmetry with a fixed eps to every trajectory", lie_cmd_augment},
    {"plot", "render a trajectory (or it and two sampled views) as a PNG", lie_cmd_plot},
    {"pretrain", "VICReg pretraining of an encoder on MPI ranks (data parallel)", lie_cmd_pretrain},
    {"embed", "frozen-encoder representations of every trajectory of a dataset", lie_cmd_embed},
    {"probe", "ridge regression of a target from frozen representations (embedding file)", lie_cmd_probe},
    {"bench", "benchmarks: bench train (NN engine training-step throughput)", lie_cmd_bench},
    {"supervised", "supervised baseline: the same encoder + linear head trained on the labels", lie_cmd_supervised},
    {"timestep", "conditioned neural time-stepper: train (LPSDA protocol) and evaluate its rollout", lie_cmd_timestep},
    {"report", "markdown report (tables, PNG figures) from a run directory's results", lie_cmd_report},
    {"quickstart", "the main job: generate, pretrain, probe, supervised baseline and report", lie_cmd_quickstart},
    {NULL, NULL, NULL}};

/* OpenBLAS (pthreads build) would start one thread per core inside every MPI rank and
 * oversubscribe the node; MPI ranks and -threads (OpenMP, oneDNN) are our parallelism.
 * Measured: PETSc's VecAXPY 25x slower with OpenBLAS threads on a loaded node. */
void openblas_set_num_threads(int n);

static const lie_cli_command *find_command(const char *name) {
  for (const lie_cli_command *c = lie_cli_commands; c->name; c++)
    if (!strcmp(c->name, name)) return c;
  return NULL;
}

static void print_usage(FILE *out) {
  fprintf(out, "%s\ncommands:\n", help);
  for (const lie_cli_command *c = lie_cli_commands; c->name; c++)
    fprintf(out, "  %-11s %s\n", c->name, c->summary);
  fprintf(out, "options common to all commands: -options_file F, -options_left, -log_view, -verbose N, -traceback, "
               "-expect_ranks N\n");
}

/* Exit code for an error: usage problems are 2, everything else 1. */
static int exit_code(int err) { return err == LIE_ERR_USAGE ? 2 : 1; }

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "liereg: error: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, " (see liereg -help)\n");
  return 2;
}

/* Runs the command; returns a lie_err code with the error state set. */
static int run(const lie_cli_command *cmd, lie_ctx ctx, int nargs, char **args) {
  PetscInt verbose = 1, expect = 0;
  PetscBool set;
  LIE_PETSC(PetscOptionsGetInt(NULL, NULL, "-verbose", &verbose, NULL));
  lie_ctx_set_verbosity(ctx, (int)verbose);
  /* Batch scripts pass -expect_ranks $SLURM_NTASKS: a job launched without srun/mpiexec
   * would otherwise run N independent single-rank copies writing the same file. */
  LIE_PETSC(PetscOptionsGetInt(NULL, NULL, "-expect_ranks", &expect, &set));
  LIE_CHECK(!set || expect == lie_ctx_size(ctx), LIE_ERR_USAGE,
            "-expect_ranks %d but this run has %d MPI ranks (launch with srun or mpiexec -n %d)", (int)expect,
            lie_ctx_size(ctx), (int)expect);
  LIE_CALL(cmd->run(ctx, nargs, args));
  return LIE_OK;
}

int main(int argc, char **argv) {
  const lie_cli_command *cmd;
  int nargs = 0, err, rank = 0, traceback;
  PetscBool tb = PETSC_FALSE;
  lie_ctx ctx = NULL;
  double t0 = lie_wtime();

  if (argc < 2 || !strcmp(argv[1], "-help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    print_usage(stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!strcmp(argv[1], "-version") || !strcmp(argv[1], "--version")) {
    printf("liereg %s\n", LIE_VERSION_STRING);
    return 0;
  }
  if (!(cmd = find_command(argv[1]))) return usage_error("unknown command '%s'", argv[1]);

  /* argv[2..] = positional arguments up to the first option; PETSc gets the options. */
  char **args = argv + 2;
  while (2 + nargs < argc && argv[2 + nargs][0] != '-')
    nargs++;
  int pargc = argc - 1 - nargs;
  char **pargv = malloc(sizeof(char *) * (size_t)(pargc + 1));
  if (!pargv) return 1;
  pargv[0] = argv[0];
  int want_help = 0, j = 1;
  /* -help is set after PetscInitialize so that it lists the command's options without
   * PETSc's page of generic ones (those stay available as -help_petsc). */
  for (int i = 1; i < pargc; i++) {
    char *a = argv[1 + nargs + i];
    if (!strcmp(a, "-help") || !strcmp(a, "--help"))
      want_help = 1;
    else
      pargv[j++] = !strcmp(a, "-help_petsc") ? "-help" : a;
  }
  pargc = j;
  pargv[pargc] = NULL;

  if (!getenv("OPENBLAS_NUM_THREADS")) openblas_set_num_threads(1);
  if (PetscInitialize(&pargc, &pargv, NULL, help)) {
    fprintf(stderr, "liereg: error: PETSc initialisation failed\n");
    return 1;
  }
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  signal(SIGPIPE, SIG_DFL); /* `liereg ... | head` ends quietly, as other tools do */
  if (want_help) {
    PetscOptionsSetValue(NULL, "-help", NULL);
    if (rank == 0) printf("liereg %s: %s\noptions (current value : default):\n", cmd->name, cmd->summary);
  }
  PetscOptionsGetBool(NULL, NULL, "-traceback", &tb, NULL);
  traceback = tb || getenv("LIEREG_TRACEBACK");

  err = lie_ctx_create(PETSC_COMM_WORLD, &ctx);
  if (!err) err = run(cmd, ctx, nargs, args);
  if (err) {
    int size = 1;
    MPI_Comm_size(PETSC_COMM_WORLD, &size);
    /* Before lie_cli_options_done every rank sees the same options and inputs, so every
     * rank fails alike: rank 0 reports and all exit cleanly. Later, other ranks may be
     * blocked in a collective and only MPI_Abort is sure to end the job. */
    if (lie_cli_running || rank == 0) lie_error_print(stderr, rank, lie_wtime() - t0, traceback);
    if (lie_cli_running && size > 1) MPI_Abort(PETSC_COMM_WORLD, exit_code(err));
    lie_ctx_destroy(&ctx);
    PetscFinalize();
    free(pargv);
    return exit_code(err);
  }
  lie_ctx_destroy(&ctx);
  err = PetscFinalize();
  free(pargv);
  return err ? 1 : 0;
}
