/* 2D incompressible Navier–Stokes with buoyancy (PDEArena's smoke setting) on a PETSc DMDA.
 *
 *   dv/dt = -(v.grad)v + nu lap v - grad p + (0, b s),  div v = 0,  ds/dt = -v.grad s
 *
 * MAC grid on [0,Lx]x[0,Ly], nx x ny cells, one DMDA (dof 1) shared by every field: cell
 * (i,j) owns the smoke s and pressure p at its centre, the x-velocity u at its left face
 * (x = i dx) and the y-velocity v at its bottom face (y = j dy). In the closed box the wall
 * faces u(0,j), v(i,0) are stored as zeros and u(nx,j), v(i,ny) are implicit zeros — the
 * same arrays PDEArena stores (docs/NS2D.md).
 *
 * One step follows PhiFlow as PDEArena calls it: semi-Lagrangian advection of s, buoyancy
 * from the new s at the v-faces, semi-Lagrangian self-advection of v plus dt*buoyancy,
 * explicit diffusion, pressure projection (KSP, options prefix -ns_).
 *
 * Parallelism: the world (the ctx communicator) is split into groups of ranks_per_traj
 * ranks; each group owns a DMDA distributed over its ranks and solves its trajectories.
 *
 * Lifecycle: create -> set_from_options (reads every -ns_ option and the KSP/PC ones) ->
 * setup (communicator split, DMDA, matrices, KSP) -> (init, step)* / generate -> destroy. */
#ifndef LIEREG_NS2D_H
#define LIEREG_NS2D_H

#include "liereg/core.h"
#include <petscdmda.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { LIE_NS2D_BC_BOX = 0, LIE_NS2D_BC_PERIODIC = 1 } lie_ns2d_bc;
typedef enum { LIE_NS2D_ADVECT_SL = 0, LIE_NS2D_ADVECT_MACCORMACK = 1 } lie_ns2d_advect;
typedef enum { LIE_NS2D_PC_MG = 0, LIE_NS2D_PC_AMG = 1, LIE_NS2D_PC_FFT = 2 } lie_ns2d_pc;
typedef enum {
  LIE_NS2D_DIFFUSE_EXPLICIT = 0,
  LIE_NS2D_DIFFUSE_IMPLICIT = 1,
  LIE_NS2D_DIFFUSE_NONE = 2
} lie_ns2d_diffuse;

/* Everything that defines a trajectory family; defaults are PDEArena's smoke-buoyancy set. */
typedef struct {
  int nx, ny;              /* cells (128 x 128) */
  double Lx, Ly;           /* domain (32 x 32) */
  double nu;               /* kinematic viscosity (0.01) */
  double dt;               /* time step (1.5) */
  int nsteps, nskip;       /* steps taken (64), leading frames not stored (8) */
  double b_lo, b_hi;       /* buoyancy b ~ U[b_lo, b_hi) per trajectory ([0.2, 0.5)) */
  double noise_scale;      /* PhiFlow Noise scale (11) */
  double noise_smoothness; /* PhiFlow Noise smoothness (6: spectrum |k|^-12) */
  lie_ns2d_bc bc;
  lie_ns2d_advect advect;
  lie_ns2d_diffuse diffuse;
  lie_ns2d_pc pressure_pc; /* CG preconditioner: the exact FFT/DCT inverse (default), geometric
                              multigrid on the DMDA, or algebraic multigrid */
  int incremental;         /* 1: incremental pressure correction (keeps hydrostatic rest exact);
                              0: PhiFlow's order, diffuse the unprojected velocity (default) */
  int ranks_per_traj;      /* group size; 0 = all ranks in one group */
  int xdmf_max;            /* trajectories listed in the XDMF sidecar (16) */
} lie_ns2d_opts;

void lie_ns2d_opts_default(lie_ns2d_opts *p);

typedef struct lie_ns2d_s *lie_ns2d;

int lie_ns2d_create(lie_ctx ctx, lie_ns2d *ns);
int lie_ns2d_set_opts(lie_ns2d ns, const lie_ns2d_opts *p); /* before setup */
int lie_ns2d_get_opts(lie_ns2d ns, lie_ns2d_opts *p);
/* A host with its own options: every option is read as -<prefix>ns_..., the KSPs' too
 * (-<prefix>ns_ksp_type). Before set_from_options. */
int lie_ns2d_set_options_prefix(lie_ns2d ns, const char *prefix);
int lie_ns2d_set_from_options(lie_ns2d ns); /* -ns_* options; also does setup */
int lie_ns2d_setup(lie_ns2d ns);
int lie_ns2d_destroy(lie_ns2d *ns);

/* The group this rank belongs to: its communicator, index and the number of groups. */
int lie_ns2d_get_group(lie_ns2d ns, MPI_Comm *gcomm, int *group, int *ngroups);
/* The DMDA (on the group communicator) and the state vectors (owned by the solver). */
int lie_ns2d_get_fields(lie_ns2d ns, DM *da, Vec *u, Vec *v, Vec *s, Vec *p);

/* Trajectory parameters from its seed alone: b first, then the smoke noise. */
int lie_ns2d_sample_buoyancy(lie_ns2d ns, uint64_t seed, double *b);
/* Initial state of trajectory `seed` (v = 0, smoke from the seed), buoyancy b. */
int lie_ns2d_init(lie_ns2d ns, uint64_t seed, double *b);
void lie_ns2d_set_buoyancy(lie_ns2d ns, double b);
/* Smoke initial condition (PhiFlow Noise recipe) on the global nx x ny grid, natural
 * order s[j*nx+i]; identical on every rank whatever the decomposition. */
int lie_ns2d_smoke_ic(lie_ns2d ns, uint64_t seed, double *s);

/* One time step. *ok = 0 when the pressure solve did not converge or the state is not finite. */
int lie_ns2d_step(lie_ns2d ns, int *ok);
/* Pressure that balances the buoyancy of the current smoke (start of an incremental run:
 * the first step then starts in balance). Leaves u, v unchanged. */
int lie_ns2d_pressure_init(lie_ns2d ns);
/* Pressure projection of the current (u, v) alone. */
int lie_ns2d_project(lie_ns2d ns, int *ok);
/* max |div v| over the cells (discrete MAC divergence) and max |v| over the faces. */
int lie_ns2d_divergence(lie_ns2d ns, double *maxdiv, double *maxvel);
/* Net volume flux through every grid line: max over i of |sum_j u(i,j) dy| (the line
 * x = i dx, walls included) and max over j of |sum_i v(i,j) dx|. In a closed box mass
 * conservation makes both zero: what enters between a wall and a line must leave. */
int lie_ns2d_line_flux(lie_ns2d ns, double *fx, double *fy);

typedef struct {
  long ksp_solves, ksp_its;
  double t_advect, t_diffuse, t_project, t_total; /* seconds in lie_ns2d_step, this rank */
} lie_ns2d_stats;
int lie_ns2d_get_stats(lie_ns2d ns, lie_ns2d_stats *st);
void lie_ns2d_reset_stats(lie_ns2d ns);

/* Gather one field of the group into a full array in the stored layout a[x*ny + y]
 * ([x, y], y fastest) on every rank of the group. */
int lie_ns2d_gather_xy(lie_ns2d ns, Vec f, double *a);

/* Generate n trajectories of split `split` (trajectory i has seed lie_seed_derive(seed,
 * split, i)) into the HDF5 file `path` (written collectively by every rank of the ctx)
 * plus an XDMF sidecar `path` with .tmp/.h5 replaced by .xmf. The caller renames. */
int lie_ns2d_generate(lie_ns2d ns, const char *path, lie_split split, int n, uint64_t seed);
/* Shards: row i of the file holds global trajectory offset + i (seed lie_seed_derive(seed,
 * split, offset + i)), so files written with offsets 0, n, 2n, ... are slices of one dataset
 * (jobs/generate_array.sbatch). *nfailed (may be NULL): trajectories stored with success = 0. */
int lie_ns2d_generate_range(lie_ns2d ns, const char *path, lie_split split, int n, uint64_t seed, uint64_t offset,
                            int *nfailed);
/* All of it in one call: create, set_from_options, generate, destroy. */
int lie_ns2d_generate_file(lie_ctx ctx, const char *path, lie_split split, int n, uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
