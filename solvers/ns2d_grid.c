/* 2D Navier–Stokes: object lifecycle, rank groups, the DMDA and the MAC layout on it. */
#include "solvers/ns2d_impl.h"

#include <stdlib.h>
#include <string.h>

void lie_ns2d_opts_default(lie_ns2d_opts *p) {
  memset(p, 0, sizeof *p);
  p->nx = p->ny = 128;
  p->Lx = p->Ly = 32.0;
  p->nu = 0.01;
  p->dt = 1.5;
  p->nsteps = 64;
  p->nskip = 8;
  p->b_lo = 0.2;
  p->b_hi = 0.5;
  p->noise_scale = 11.0;
  p->noise_smoothness = 6.0;
  p->bc = LIE_NS2D_BC_BOX;
  p->advect = LIE_NS2D_ADVECT_SL;
  p->diffuse = LIE_NS2D_DIFFUSE_EXPLICIT;
  /* The exact DCT/DFT inverse of the (uniform-grid) Laplacian: CG converges in one iteration,
   * 3-4x cheaper per trajectory than multigrid at 128^2 (docs/NS2D.md, docs/BENCHMARKS.md). */
  p->pressure_pc = LIE_NS2D_PC_FFT;
  p->ranks_per_traj = 1;
  p->xdmf_max = 16;
}

int lie_ns2d_create(lie_ctx ctx, lie_ns2d *ns) {
  lie_ns2d n;
  *ns = NULL;
  LIE_CALL(lie_ns2d_events_register());
  LIE_ALLOC(n, 1);
  n->ctx = ctx;
  n->gcomm = MPI_COMM_NULL;
  lie_ns2d_opts_default(&n->par);
  *ns = n;
  return LIE_OK;
}

static int check_params(lie_ns2d ns, const lie_ns2d_opts *p) {
  LIE_CHECK(p->nx >= 4 && p->ny >= 4, LIE_ERR_USAGE, "-ns_nx/-ns_ny must be >= 4 (got %d x %d)", p->nx, p->ny);
  LIE_CHECK(p->Lx > 0 && p->Ly > 0, LIE_ERR_USAGE, "-ns_Lx/-ns_Ly must be > 0");
  LIE_CHECK(p->nu >= 0, LIE_ERR_USAGE, "-ns_nu must be >= 0 (got %g)", p->nu);
  LIE_CHECK(p->dt > 0, LIE_ERR_USAGE, "-ns_dt must be > 0 (got %g)", p->dt);
  LIE_CHECK(p->nsteps >= 1 && p->nskip >= 0 && p->nskip < p->nsteps, LIE_ERR_USAGE,
            "need 0 <= -ns_skip < -ns_steps (got %d, %d)", p->nskip, p->nsteps);
  LIE_CHECK(p->b_lo <= p->b_hi, LIE_ERR_USAGE, "-ns_b_min must be <= -ns_b_max");
  LIE_CHECK(p->noise_scale > 0 && p->noise_smoothness >= 0, LIE_ERR_USAGE, "bad -ns_noise_scale/-ns_noise_smoothness");
  int size = lie_ctx_size(ns->ctx), P = p->ranks_per_traj ? p->ranks_per_traj : size;
  LIE_CHECK(P >= 1 && size % P == 0, LIE_ERR_USAGE, "-ns_ranks_per_traj %d must divide the number of ranks %d",
            p->ranks_per_traj, size);
  return LIE_OK;
}

int lie_ns2d_set_opts(lie_ns2d ns, const lie_ns2d_opts *p) {
  LIE_CHECK(!ns->is_setup, LIE_ERR_STATE, "lie_ns2d_set_opts after setup");
  LIE_CALL(check_params(ns, p));
  ns->par = *p;
  return LIE_OK;
}

int lie_ns2d_get_opts(lie_ns2d ns, lie_ns2d_opts *p) {
  *p = ns->par;
  return LIE_OK;
}

/* World -> groups of P consecutive ranks: group g solves trajectories g, g+G, g+2G, ... */
static int split_groups(lie_ns2d ns) {
  MPI_Comm world = lie_ctx_comm(ns->ctx);
  int rank = lie_ctx_rank(ns->ctx), size = lie_ctx_size(ns->ctx);
  int P = ns->par.ranks_per_traj ? ns->par.ranks_per_traj : size;
  ns->group = rank / P;
  ns->ngroups = size / P;
  LIE_MPI(MPI_Comm_split(world, ns->group, rank, &ns->gcomm));
  LIE_MPI(MPI_Comm_set_errhandler(ns->gcomm, MPI_ERRORS_RETURN));
  LIE_MPI(MPI_Comm_rank(ns->gcomm, &ns->grank));
  LIE_MPI(MPI_Comm_size(ns->gcomm, &ns->gsize));
  return LIE_OK;
}

int lie_ns2d_grid_setup(lie_ns2d ns) {
  DMBoundaryType bt = ns->par.bc == LIE_NS2D_BC_PERIODIC ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE;
  size_t n = (size_t)ns->par.nx * ns->par.ny;
  LIE_CALL(split_groups(ns));
  ns->dx = ns->par.Lx / ns->par.nx;
  ns->dy = ns->par.Ly / ns->par.ny;
  LIE_PETSC(DMDACreate2d(ns->gcomm, bt, bt, DMDA_STENCIL_STAR, ns->par.nx, ns->par.ny, PETSC_DECIDE, PETSC_DECIDE, 1, 1,
                         NULL, NULL, &ns->da));
  LIE_PETSC(DMSetUp(ns->da));
  LIE_PETSC(DMDAGetCorners(ns->da, &ns->xs, &ns->ys, NULL, &ns->xm, &ns->ym, NULL));
  Vec *g[] = {&ns->u, &ns->v, &ns->s, &ns->pres, &ns->dp, &ns->w1, &ns->w2, &ns->w3};
  for (size_t k = 0; k < sizeof g / sizeof g[0]; k++)
    LIE_PETSC(DMCreateGlobalVector(ns->da, g[k]));
  Vec *l[] = {&ns->lu, &ns->lv, &ns->ls, &ns->lp};
  for (size_t k = 0; k < sizeof l / sizeof l[0]; k++)
    LIE_PETSC(DMCreateLocalVector(ns->da, l[k]));
  /* Semi-Lagrangian departure points can lie many cells away (dt = 1.5 is far above the
   * advective CFL limit), so every rank of the group reads whole fields: at 128^2 an
   * all-gather is 128 KB per field and far cheaper than the pressure solve. */
  LIE_PETSC(DMDACreateNaturalVector(ns->da, &ns->nat));
  LIE_PETSC(VecScatterCreateToAll(ns->nat, &ns->tofull, &ns->full));
  LIE_ALLOC(ns->fu, n);
  LIE_ALLOC(ns->fv, n);
  LIE_ALLOC(ns->fs, n);
  LIE_ALLOC(ns->fw, n);
  return LIE_OK;
}

int lie_ns2d_setup(lie_ns2d ns) {
  if (ns->is_setup) return LIE_OK;
  LIE_CALL(check_params(ns, &ns->par));
  LIE_CALL(lie_ns2d_grid_setup(ns));
  LIE_CALL(lie_ns2d_project_setup(ns));
  LIE_CALL(lie_ns2d_diffuse_setup(ns));
  LIE_CALL(lie_ns2d_ic_setup(ns));
  ns->is_setup = 1;
  return LIE_OK;
}

int lie_ns2d_grid_destroy(lie_ns2d ns) {
  Vec *v[] = {&ns->u,  &ns->v,  &ns->s,  &ns->pres, &ns->dp, &ns->w1,  &ns->w2,
              &ns->w3, &ns->lu, &ns->lv, &ns->ls,   &ns->lp, &ns->nat, &ns->full};
  for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
    LIE_PETSC(VecDestroy(v[k]));
  LIE_PETSC(VecScatterDestroy(&ns->tofull));
  LIE_PETSC(DMDestroy(&ns->da));
  LIE_FREE(ns->fu);
  LIE_FREE(ns->fv);
  LIE_FREE(ns->fs);
  LIE_FREE(ns->fw);
  if (ns->gcomm != MPI_COMM_NULL) LIE_MPI(MPI_Comm_free(&ns->gcomm));
  return LIE_OK;
}

int lie_ns2d_destroy(lie_ns2d *ns) {
  if (!ns || !*ns) return LIE_OK;
  lie_ns2d n = *ns;
  LIE_PETSC(KSPDestroy(&n->ksp));
  LIE_PETSC(KSPDestroy(&n->kspu));
  LIE_PETSC(KSPDestroy(&n->kspv));
  LIE_PETSC(MatDestroy(&n->A));
  LIE_PETSC(MatDestroy(&n->Hu));
  LIE_PETSC(MatDestroy(&n->Hv));
  LIE_PETSC(MatNullSpaceDestroy(&n->nullsp));
  LIE_CALL(lie_ns2d_grid_destroy(n));
  LIE_CALL(lie_ns2d_ic_destroy(n));
  LIE_CALL(lie_ns2d_fftpc_destroy(n));
  LIE_FREE(*ns);
  return LIE_OK;
}

int lie_ns2d_get_group(lie_ns2d ns, MPI_Comm *gcomm, int *group, int *ngroups) {
  LIE_CHECK(ns->is_setup, LIE_ERR_STATE, "lie_ns2d_get_group before setup");
  if (gcomm) *gcomm = ns->gcomm;
  if (group) *group = ns->group;
  if (ngroups) *ngroups = ns->ngroups;
  return LIE_OK;
}

int lie_ns2d_get_fields(lie_ns2d ns, DM *da, Vec *u, Vec *v, Vec *s, Vec *p) {
  LIE_CHECK(ns->is_setup, LIE_ERR_STATE, "lie_ns2d_get_fields before setup");
  if (da) *da = ns->da;
  if (u) *u = ns->u;
  if (v) *v = ns->v;
  if (s) *s = ns->s;
  if (p) *p = ns->pres;
  return LIE_OK;
}

void lie_ns2d_set_buoyancy(lie_ns2d ns, double b) { ns->b = b; }

int lie_ns2d_gather(lie_ns2d ns, Vec f, double *a) {
  const PetscScalar *x;
  PetscInt n;
  LIE_PETSC(DMDAGlobalToNaturalBegin(ns->da, f, INSERT_VALUES, ns->nat));
  LIE_PETSC(DMDAGlobalToNaturalEnd(ns->da, f, INSERT_VALUES, ns->nat));
  LIE_PETSC(VecScatterBegin(ns->tofull, ns->nat, ns->full, INSERT_VALUES, SCATTER_FORWARD));
  LIE_PETSC(VecScatterEnd(ns->tofull, ns->nat, ns->full, INSERT_VALUES, SCATTER_FORWARD));
  LIE_PETSC(VecGetLocalSize(ns->full, &n));
  LIE_PETSC(VecGetArrayRead(ns->full, &x));
  memcpy(a, x, (size_t)n * sizeof(double));
  LIE_PETSC(VecRestoreArrayRead(ns->full, &x));
  return LIE_OK;
}

int lie_ns2d_gather_xy(lie_ns2d ns, Vec f, double *a) {
  int nx = ns->par.nx, ny = ns->par.ny;
  LIE_CALL(lie_ns2d_gather(ns, f, ns->fw));
  for (int i = 0; i < nx; i++)
    for (int j = 0; j < ny; j++)
      a[(size_t)i * ny + j] = ns->fw[(size_t)j * nx + i];
  return LIE_OK;
}

lie_ns2d_field lie_ns2d_field_of(lie_ns2d ns, const double *a, lie_ns2d_loc loc) {
  lie_ns2d_field f;
  f.a = a;
  f.nx = ns->par.nx;
  f.ny = ns->par.ny;
  f.ox = loc == LIE_NS2D_FACE_X ? 0.0 : 0.5;
  f.oy = loc == LIE_NS2D_FACE_Y ? 0.0 : 0.5;
  if (ns->par.bc == LIE_NS2D_BC_PERIODIC)
    f.ext = LIE_NS2D_EXT_PERIODIC;
  else
    f.ext = loc == LIE_NS2D_CELL ? LIE_NS2D_EXT_CLAMP : LIE_NS2D_EXT_ZERO;
  return f;
}

int lie_ns2d_get_stats(lie_ns2d ns, lie_ns2d_stats *st) {
  *st = ns->st;
  return LIE_OK;
}

void lie_ns2d_reset_stats(lie_ns2d ns) { memset(&ns->st, 0, sizeof ns->st); }
