/* 2D Navier–Stokes: the -ns_ options (PETSc options database, so -help lists them). */
#include "liereg/options.h"
#include "solvers/ns2d_impl.h"

static const char *const bc_names[] = {"box", "periodic", "lie_ns2d_bc", "LIE_NS2D_BC_", NULL};
static const char *const advect_names[] = {"sl", "maccormack", "lie_ns2d_advect", "LIE_NS2D_ADVECT_", NULL};
static const char *const pc_names[] = {"mg", "amg", "fft", "lie_ns2d_pc", "LIE_NS2D_PC_", NULL};
static const char *const diffuse_names[] = {"explicit",         "implicit",          "none",
                                            "lie_ns2d_diffuse", "LIE_NS2D_DIFFUSE_", NULL};

static PetscErrorCode read_options(MPI_Comm comm, const char *prefix, lie_ns2d_opts *p) {
  PetscInt ival;
  PetscBool set;
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, prefix, "2D Navier-Stokes with buoyancy (PDEArena smoke setting)", "ns2d");
  /* sizes bounded so that their products stay far from int overflow (cells x frames per rank) */
#define LIE_OPT_INT(name, help, field, lo, hi)                                                                         \
  ival = p->field;                                                                                                     \
  PetscCall(LIE_OPTIONS_RANGE_INT(name, help, "ns2d", ival, &ival, &set, lo, hi));                                     \
  p->field = (int)ival;
  LIE_OPT_INT("-ns_nx", "Cells in x", nx, 4, 1 << 14);
  LIE_OPT_INT("-ns_ny", "Cells in y", ny, 4, 1 << 14);
  LIE_OPT_INT("-ns_steps", "Time steps per trajectory", nsteps, 1, 1 << 20);
  LIE_OPT_INT("-ns_skip", "Leading frames not stored", nskip, 0, 1 << 20);
  LIE_OPT_INT("-ns_ranks_per_traj", "Ranks per trajectory group (0: all)", ranks_per_traj, 0, 1 << 20);
  LIE_OPT_INT("-ns_xdmf_max", "Trajectories listed in the XDMF sidecar", xdmf_max, 0, PETSC_MAX_INT);
#undef LIE_OPT_INT
  PetscCall(LIE_OPTIONS_REAL("-ns_Lx", "Domain length in x", "ns2d", p->Lx, &p->Lx, NULL));
  PetscCall(LIE_OPTIONS_REAL("-ns_Ly", "Domain length in y", "ns2d", p->Ly, &p->Ly, NULL));
  PetscCall(LIE_OPTIONS_REAL("-ns_nu", "Kinematic viscosity", "ns2d", p->nu, &p->nu, NULL));
  PetscCall(LIE_OPTIONS_REAL("-ns_dt", "Time step", "ns2d", p->dt, &p->dt, NULL));
  PetscCall(LIE_OPTIONS_REAL("-ns_b_min", "Buoyancy b ~ U[b_min, b_max)", "ns2d", p->b_lo, &p->b_lo, NULL));
  PetscCall(LIE_OPTIONS_REAL("-ns_b_max", "Buoyancy b ~ U[b_min, b_max)", "ns2d", p->b_hi, &p->b_hi, NULL));
  PetscCall(LIE_OPTIONS_REAL("-ns_noise_scale", "Smoke noise scale (PhiFlow Noise)", "ns2d", p->noise_scale,
                             &p->noise_scale, NULL));
  PetscCall(LIE_OPTIONS_REAL("-ns_noise_smoothness", "Smoke noise smoothness: spectrum |k|^(-2 smoothness)", "ns2d",
                             p->noise_smoothness, &p->noise_smoothness, NULL));
  PetscBool inc = p->incremental ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscOptionsBool("-ns_incremental", "Incremental pressure correction (not PhiFlow's order)", "ns2d", inc,
                             &inc, NULL));
  p->incremental = inc == PETSC_TRUE;
  PetscEnum e = (PetscEnum)p->bc;
  PetscCall(LIE_OPTIONS_ENUM("-ns_bc", "Boundary conditions", "ns2d", bc_names, e, &e, NULL));
  p->bc = (lie_ns2d_bc)e;
  e = (PetscEnum)p->advect;
  PetscCall(LIE_OPTIONS_ENUM("-ns_advect", "Advection scheme", "ns2d", advect_names, e, &e, NULL));
  p->advect = (lie_ns2d_advect)e;
  e = (PetscEnum)p->diffuse;
  PetscCall(LIE_OPTIONS_ENUM("-ns_diffuse", "Viscous diffusion", "ns2d", diffuse_names, e, &e, NULL));
  p->diffuse = (lie_ns2d_diffuse)e;
  e = (PetscEnum)p->pressure_pc;
  PetscCall(LIE_OPTIONS_ENUM(
      "-ns_pressure_pc",
      "Pressure CG preconditioner (fft: exact DCT/FFT solve; mg: geometric multigrid; amg: hypre BoomerAMG or GAMG)",
      "ns2d", pc_names, e, &e, NULL));
  p->pressure_pc = (lie_ns2d_pc)e;
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

int lie_ns2d_set_options_prefix(lie_ns2d ns, const char *prefix) {
  LIE_CHECK(ns && !ns->is_setup, LIE_ERR_STATE, "lie_ns2d_set_options_prefix: NULL solver or after setup");
  LIE_CHECK(!prefix || (strlen(prefix) < sizeof ns->prefix && prefix[0] != '-'), LIE_ERR_ARG,
            "options prefix '%s': at most %zu characters, without the leading '-'", prefix, sizeof ns->prefix - 1);
  snprintf(ns->prefix, sizeof ns->prefix, "%s", prefix ? prefix : "");
  return LIE_OK;
}

/* perr as our error: LIE_ERR_USAGE when a checked getter described it (naming the option),
 * else LIE_ERR_PETSC with PETSc's message. */
static int petsc_error(int perr) {
  LIE_PETSC(perr);
  return LIE_OK;
}

int lie_ns2d_set_from_options(lie_ns2d ns) {
  lie_ns2d_opts p = ns->par;
  LIE_CHECK(!ns->is_setup, LIE_ERR_STATE, "lie_ns2d_set_from_options after setup");
  /* PETSc's own message names the option and value; report it as one line, not a trace. */
  LIE_PETSC(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  int perr = read_options(lie_ctx_comm(ns->ctx), ns->prefix[0] ? ns->prefix : NULL, &p);
  LIE_PETSC(PetscPopErrorHandler());
  if (perr && petsc_error(perr) == LIE_ERR_USAGE) return LIE_ERR_USAGE; /* a checked getter's message */
  if (perr) {
    const char *text = NULL;
    char *specific = NULL;
    PetscErrorMessage((PetscErrorCode)perr, &text, &specific);
    LIE_ERROR(LIE_ERR_USAGE, "bad -ns_ option: %s", specific && specific[0] ? specific : (text ? text : "see -help"));
  }
  LIE_CALL(lie_ns2d_set_opts(ns, &p));
  /* Setup here so the KSP/PC options (-ns_ksp_*, -ns_pc_*) are read before the CLI checks
   * for unknown options. */
  LIE_CALL(lie_ns2d_setup(ns));
  return LIE_OK;
}
