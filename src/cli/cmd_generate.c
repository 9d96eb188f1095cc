/* liereg generate -pde ks|kdv|burgers|ns -n N -o FILE.h5 [-mode train|valid|test] [-seed S] [-force] */
#include "cli.h"
#include "liereg/options.h"

#include <stdio.h>

typedef struct {
  char pde[32], out[PETSC_MAX_PATH_LEN], mode[16];
  PetscInt n;
  PetscInt seed, offset;
  PetscBool force;
} lie_generate_opts;

static int read_options(lie_ctx ctx, lie_generate_opts *o) {
  PetscBool set;
  snprintf(o->pde, sizeof o->pde, "ks");
  snprintf(o->mode, sizeof o->mode, "train");
  o->out[0] = 0, o->n = 0, o->seed = 0, o->offset = 0, o->force = PETSC_FALSE;
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg generate: solve a PDE for N trajectories into one HDF5 file",
                    NULL);
  LIE_PETSC(PetscOptionsString("-pde", "PDE: ks, kdv, burgers or ns", NULL, o->pde, o->pde, sizeof o->pde, NULL));
  LIE_PETSC(LIE_OPTIONS_INT("-n", "number of trajectories", NULL, o->n, &o->n, &set));
  LIE_PETSC(PetscOptionsString("-o", "output file (.h5); written as FILE.tmp and renamed when complete", NULL, o->out,
                               o->out, sizeof o->out, NULL));
  LIE_PETSC(PetscOptionsString("-mode", "split (HDF5 group): train, valid or test", NULL, o->mode, o->mode,
                               sizeof o->mode, NULL));
  LIE_PETSC(
      LIE_OPTIONS_INT("-seed", "base seed; trajectory i uses hash(seed, mode, i)", NULL, o->seed, &o->seed, NULL));
  LIE_PETSC(LIE_OPTIONS_INT("-offset", "global index of the first trajectory (for shards)", NULL, o->offset, &o->offset,
                            NULL));
  LIE_PETSC(PetscOptionsBool("-force", "overwrite an existing output file", NULL, o->force, &o->force, NULL));
  PetscOptionsEnd();
  return LIE_OK;
}

/* Failed trajectories are kept (success = 0, NaN data) but make the run exit non-zero. */
static int check_failures(int nfailed, int n, const char *out) {
  LIE_CHECK(nfailed == 0, LIE_ERR_NUMERIC, "%d of %d trajectories failed (stored with success=0 in %s)", nfailed, n,
            out);
  return LIE_OK;
}

static int generate_1d(lie_ctx ctx, const lie_generate_opts *o, lie_pde pde, lie_split split) {
  lie_solver1d solver = NULL;
  lie_output out = {0};
  int stop, nfailed = 0, err = LIE_OK;
  PetscBool help = PETSC_FALSE;
  LIE_CALL(lie_solver1d_create(ctx, pde, &solver));
  LIE_CALL_GOTO(lie_solver1d_set_from_options(solver));
  LIE_CALL_GOTO(lie_solver1d_setup(solver));
  PetscOptionsHasHelp(NULL, &help);
  if (!help) LIE_CALL_GOTO(lie_output_begin(&out, o->out, o->force));
  LIE_CALL_GOTO(lie_cli_options_done(ctx, &stop));
  if (!stop) {
    lie_log_info(ctx, "generate: pde=%s n=%d mode=%s seed=%lld ranks=%d -> %s", lie_pde_name(pde), (int)o->n,
                 lie_split_name(split), (long long)o->seed, lie_ctx_size(ctx), o->out);
    LIE_CALL_GOTO(lie_output_end(
        ctx, &out,
        lie_generate1d(ctx, solver, out.tmp, split, (int)o->n, (uint64_t)o->seed, (uint64_t)o->offset, &nfailed)));
  }
  LIE_CALL_GOTO(check_failures(nfailed, (int)o->n, o->out)); /* 0 when stopped */
done:
  lie_solver1d_destroy(&solver);
  return err;
}

static int generate_ns(lie_ctx ctx, const lie_generate_opts *o, lie_split split) {
  lie_ns2d ns = NULL;
  lie_output out = {0};
  int stop, nfailed = 0, err = LIE_OK;
  PetscBool help = PETSC_FALSE;
  LIE_CALL(lie_ns2d_create(ctx, &ns));
  LIE_CALL_GOTO(lie_ns2d_set_from_options(ns));
  PetscOptionsHasHelp(NULL, &help);
  if (!help) LIE_CALL_GOTO(lie_output_begin(&out, o->out, o->force));
  LIE_CALL_GOTO(lie_cli_options_done(ctx, &stop));
  if (!stop) {
    lie_log_info(ctx, "generate: pde=ns n=%d mode=%s seed=%lld ranks=%d -> %s", (int)o->n, lie_split_name(split),
                 (long long)o->seed, lie_ctx_size(ctx), o->out);
    LIE_CALL_GOTO(lie_output_end(
        ctx, &out,
        lie_ns2d_generate_range(ns, out.tmp, split, (int)o->n, (uint64_t)o->seed, (uint64_t)o->offset, &nfailed)));
  }
  LIE_CALL_GOTO(check_failures(nfailed, (int)o->n, o->out)); /* 0 when stopped */
done:
  lie_ns2d_destroy(&ns);
  return err;
}

static int generate(lie_ctx ctx);

int lie_cmd_generate(lie_ctx ctx, int nargs, char **args) {
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE, "generate takes no positional arguments (got '%s')", args[0]);
  /* SIGTERM/SIGUSR1/SIGINT stop generation between trajectories on every rank: the .tmp is
   * removed and the run exits 1 with one line. Not 75: a partial file cannot be resumed, and
   * generation is deterministic, so running the command again gives the same file. */
  LIE_CALL(lie_stop_install());
  int err = generate(ctx);
  lie_stop_restore();
  return err;
}

static int generate(lie_ctx ctx) {
  lie_generate_opts o;
  lie_pde pde;
  lie_split split;
  PetscBool help;
  LIE_CALL(read_options(ctx, &o));
  LIE_PETSC(PetscOptionsHasHelp(NULL, &help));
  LIE_CALL(lie_pde_from_name(o.pde, &pde));
  LIE_CALL(lie_split_from_name(o.mode, &split));
  LIE_CHECK(help || o.n > 0, LIE_ERR_USAGE, "-n must be a positive number of trajectories (got %d)", (int)o.n);
  LIE_CHECK(o.seed >= 0, LIE_ERR_USAGE, "-seed must be non-negative (got %lld)", (long long)o.seed);
  LIE_CHECK(o.offset >= 0, LIE_ERR_USAGE, "-offset must be non-negative (got %lld)", (long long)o.offset);
  if (pde == LIE_PDE_NS)
    LIE_CALL(generate_ns(ctx, &o, split));
  else
    LIE_CALL(generate_1d(ctx, &o, pde, split));
  return LIE_OK;
}
