/* liereg <command> [positional args] [options]
 * main() initialises PETSc (and MPI), dispatches to the command and is the only place
 * where an error becomes a message on stderr and an exit code (0 ok, 1 runtime, 2 usage). */
#include "cli.h"
#include "liereg/options.h"

#include <signal.h>
#include <string.h>

static const char help[] = "liereg: self-supervised learning with Lie point symmetries on PDE data\n"
                           "usage: liereg <command> [arguments] [options]   (liereg <command> -help)\n";

const lie_cli_command lie_cli_commands[] = {
    {"generate", "solve a PDE for N trajectories into a parallel HDF5 file", lie_cmd_generate, 0},
    {"info", "validate a dataset file and print a summary", lie_cmd_info, 0},
    {"augment", "apply one Lie point symmetry with a fixed eps to every trajectory", lie_cmd_augment, 0},
    {"merge", "concatenate dataset files (shards of one dataset) into one file", lie_cmd_merge, 0},
    {"plot", "render a trajectory (or it and two sampled views) as a PNG", lie_cmd_plot, 0},
    {"pretrain", "VICReg pretraining of an encoder on MPI ranks (data parallel)", lie_cmd_pretrain, 1},
    {"augsearch", "search augmentation strengths and crop on a validation split (successive halving)",
     lie_cmd_augsearch, 1},
    {"embed", "frozen-encoder representations of every trajectory of a dataset", lie_cmd_embed, 0},
    {"probe", "ridge regression of a target from frozen representations (embedding file)", lie_cmd_probe, 0},
    {"bench", "benchmarks: bench train (NN engine training-step throughput)", lie_cmd_bench, 0},
    {"supervised", "supervised baseline: the same encoder + linear head trained on the labels", lie_cmd_supervised, 0},
    {"report", "markdown report (tables, PNG figures) from a run directory's results", lie_cmd_report, 0},
    {"timestep", "conditioned neural time-stepper: train (LPSDA protocol) and evaluate its rollout", lie_cmd_timestep,
     0},
    {"quickstart", "the main job: generate, pretrain, probe, supervised baseline and report", lie_cmd_quickstart, 0},
    {NULL, NULL, NULL, 0}};

/* OpenBLAS (pthreads build) would start one thread per core inside every MPI rank and
 * oversubscribe the node; MPI ranks and -threads (OpenMP, oneDNN) are our parallelism.
 * Measured: PETSc's VecAXPY 25x slower with OpenBLAS threads on a loaded node. */
void openblas_set_num_threads(int n);
/* Its worker threads are already running (started by the library's constructor) and spin on
 * sched_yield for ~0.1 s before they sleep: 15-25 % of the CPU time of a short process such as
 * a 1-trajectory `generate` (issue 15, docs/BENCHMARKS.md "Generation without start-up
 * overhead"). With one BLAS thread they would never get work, so they are joined at once.
 * Weak: another BLAS, or an OpenBLAS without it, just skips this. */
extern int blas_thread_shutdown_(void) __attribute__((weak));

static void blas_single_thread(void) {
  if (getenv("OPENBLAS_NUM_THREADS")) return; /* the user's choice */
  openblas_set_num_threads(1);
  if (blas_thread_shutdown_) blas_thread_shutdown_();
}

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

/* Seconds a failed rank waits for the others to reach the error agreement before it gives up
 * and aborts the job (they may be blocked in a collective it will never join). */
#define LIE_CLI_AGREE_SECONDS 20.0

/* An error reached main: agree on it over the ranks (lie_ctx_agree), so that when every rank
 * fails — at once, or because the others meet this rank at their next agreement point — rank 0
 * prints it once, naming the rank it came from, and all exit with the same code. Only when
 * the others do not come (blocked elsewhere) does this rank print its error and MPI_Abort. */
static int report_error(lie_ctx ctx, int err, int rank, double t0, int traceback) {
  int joined = 1;
  if (ctx) err = lie_ctx_agree_within(ctx, err, LIE_CLI_AGREE_SECONDS, &joined); /* no-op when agreed already */
  err = lie_error_code() ? lie_error_code() : err;
  int origin = lie_error_origin();
  if (!joined || rank == 0) lie_error_print(stderr, origin >= 0 ? origin : rank, lie_wtime() - t0, traceback);
  if (!joined) { /* said here too: `mpiexec -q` hides Open MPI's own MPI_ABORT banner */
    fprintf(stderr, "[%d] liereg: the other ranks did not reach the error agreement within %.0f s: MPI_Abort\n", rank,
            LIE_CLI_AGREE_SECONDS);
    MPI_Abort(PETSC_COMM_WORLD, exit_code(err));
  }
  return exit_code(err);
}

/* PETSc reads -options_file inside PetscInitialize, where a missing file is a PETSc error page
 * and exit 1; checked here first so that it is a usage error like any other option. */
static int check_options_files(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-options_file") != 0) continue;
    if (i + 1 >= argc || argv[i + 1][0] == '-') return usage_error("-options_file needs a file name%s", "");
    FILE *f = fopen(argv[i + 1], "r");
    if (!f) {
      fprintf(stderr, "liereg: error: -options_file %s: cannot read the file (see liereg -help)\n", argv[i + 1]);
      return 2;
    }
    fclose(f);
  }
  return 0;
}

/* PETSc, then MPI (initialised by main, so PetscFinalize leaves it). */
static int finalize(int code, char **pargv) {
  int err = PetscFinalize();
  MPI_Finalize();
  free(pargv);
  return err && !code ? 1 : code;
}

/* Runs the command; returns a lie_err code with the error state set. */
static int run(const lie_cli_command *cmd, lie_ctx ctx, int nargs, char **args) {
  PetscInt verbose = 1, expect = 0;
  PetscBool set;
  LIE_PETSC(LIE_OPTIONS_GET_INT(NULL, NULL, "-verbose", &verbose, NULL));
  lie_ctx_set_verbosity(ctx, (int)verbose);
  /* Batch scripts pass -expect_ranks $SLURM_NTASKS: a job launched without srun/mpiexec
   * would otherwise run N independent single-rank copies writing the same file. */
  LIE_PETSC(LIE_OPTIONS_GET_INT(NULL, NULL, "-expect_ranks", &expect, &set));
  LIE_CHECK(!set || expect == lie_ctx_size(ctx), LIE_ERR_USAGE,
            "-expect_ranks %d but this run has %d MPI ranks (launch with srun or mpiexec -n %d)", (int)expect,
            lie_ctx_size(ctx), (int)expect);
  LIE_CALL(cmd->run(ctx, nargs, args));
  return LIE_OK;
}

/* The command in a new context (*ctx, released by the caller). */
static int run_in_context(const lie_cli_command *cmd, lie_ctx *ctx, int nargs, char **args) {
  LIE_CALL(lie_ctx_create(PETSC_COMM_WORLD, ctx));
  LIE_CALL(run(cmd, *ctx, nargs, args));
  /* The last agreement point: a rank that failed late (rank 0 writing a result file) meets
   * the others here rather than finding them gone. */
  LIE_CALL(lie_ctx_agree(*ctx, LIE_OK));
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

  if (check_options_files(pargc, pargv)) {
    free(pargv);
    return 2;
  }
  blas_single_thread();
  lie_cli_mpi_env(); /* before MPI_Init: Open MPI settings (mpi_env.c) */
  /* MPI_THREAD_MULTIPLE, asked for here, before PETSc would initialise MPI at its default
   * level. pretrain's loader threads make no MPI call (they read through HDF5's serial driver,
   * docs/PRETRAIN.md "Input pipeline") and need only MPI_THREAD_FUNNELED; with
   * MPI_THREAD_SINGLE the trainer builds views on the main thread (it checks
   * MPI_Query_thread). PETSc then leaves MPI_Finalize to us. */
  int provided = MPI_THREAD_SINGLE;
  if (MPI_Init_thread(&pargc, &pargv, MPI_THREAD_MULTIPLE, &provided) != MPI_SUCCESS) {
    fprintf(stderr, "liereg: error: MPI initialisation failed\n");
    free(pargv);
    return 1;
  }
  if (PetscInitialize(&pargc, &pargv, NULL, help)) {
    fprintf(stderr, "liereg: error: PETSc initialisation failed\n");
    MPI_Finalize();
    free(pargv);
    return 1;
  }
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  /* PETSc errors come back as codes that become our one-line message (lie_error_petsc), not
   * as PETSc's multi-line error page. */
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  signal(SIGPIPE, SIG_DFL); /* `liereg ... | head` ends quietly, as other tools do */
  /* Replaces PETSc's handlers (which abort) before the data is opened and the network built. */
  if (cmd->resumable && lie_stop_install()) {
    lie_error_print(stderr, rank, lie_wtime() - t0, 0);
    return finalize(1, pargv);
  }
  if (want_help) {
    PetscOptionsSetValue(NULL, "-help", NULL);
    if (rank == 0) printf("liereg %s: %s\noptions (current value : default):\n", cmd->name, cmd->summary);
  }
  PetscOptionsGetBool(NULL, NULL, "-traceback", &tb, NULL);
  traceback = tb || getenv("LIEREG_TRACEBACK");

  err = run_in_context(cmd, &ctx, nargs, args);
  int code = err ? report_error(ctx, err, rank, t0, traceback) : lie_cli_exit_status;
  lie_ctx_destroy(&ctx);
  return finalize(code, pargv);
}
