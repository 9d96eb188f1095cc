/* Private state and helpers of the 2D Navier–Stokes solver (solvers/ns2d_*.c). */
#ifndef LIEREG_NS2D_IMPL_H
#define LIEREG_NS2D_IMPL_H

#include "liereg/ns2d.h"

#include <fftw3.h>
#include <hdf5.h>
#include <math.h>
#include <petscksp.h>

struct lie_ns2d_s {
  lie_ctx ctx;
  lie_ns2d_opts par;
  char prefix[64]; /* options prefix ("" = none): -<prefix>ns_nx, -<prefix>ns_ksp_type */
  int is_setup;
  double b; /* buoyancy of the current trajectory */
  double dx, dy;

  /* groups of ranks_per_traj ranks */
  MPI_Comm gcomm;
  int group, ngroups, grank, gsize;

  DM da;                   /* nx x ny cells, dof 1, stencil width 1 */
  PetscInt xs, ys, xm, ym; /* owned block */
  Vec u, v, s, pres;       /* state: global vectors */
  Vec dp;                  /* pressure increment (incremental projection) */
  Vec w1, w2, w3;          /* work (global) */
  Vec lu, lv, ls, lp;      /* ghosted local work vectors */
  Vec nat, full;           /* natural-ordered vector and its copy on every rank */
  VecScatter tofull;
  double *fu, *fv, *fs, *fw; /* full fields, natural order a[j*nx+i], for semi-Lagrangian lookups */

  Mat A;   /* pressure Laplacian (positive semi-definite: -lap) */
  KSP ksp; /* prefix -ns_ */
  MatNullSpace nullsp;
  Mat Hu, Hv;     /* implicit diffusion I - nu dt lap on u- and v-faces */
  KSP kspu, kspv; /* prefix -ns_diff_ */

  double *fp, *fq;          /* full-grid work for the FFT preconditioner */
  fftw_complex *fc;         /* its complex spectrum (periodic) */
  fftw_plan pc_fwd, pc_bwd; /* DCT-II/III (box) or r2c/c2r (periodic) on the full grid */
  fftw_complex *noise;      /* nx*ny spectrum of the smoke noise, [i*ny + j] */
  fftw_plan noise_plan;     /* in-place inverse 2D DFT, built once */

  lie_ns2d_stats st;
};

/* PETSc log events of the solver phases (registered once). */
typedef struct {
  int advect, diffuse, project, ic;
} lie_ns2d_events_t;
extern lie_ns2d_events_t lie_ns2d_events;
int lie_ns2d_events_register(void);

/* Where a field's samples sit and how it continues outside the box (PhiFlow's
 * extrapolations): ZERO for velocity components, CLAMP (zero gradient) for smoke. */
typedef enum { LIE_NS2D_EXT_ZERO = 0, LIE_NS2D_EXT_CLAMP = 1, LIE_NS2D_EXT_PERIODIC = 2 } lie_ns2d_ext;
typedef struct {
  const double *a; /* full field, natural order a[j*nx+i] */
  int nx, ny;
  double ox, oy; /* sample (i,j) sits at ((i+ox) dx, (j+oy) dy) */
  lie_ns2d_ext ext;
} lie_ns2d_field;

/* Which variable a grid point carries: cell centre, x-face, y-face. */
typedef enum { LIE_NS2D_CELL = 0, LIE_NS2D_FACE_X = 1, LIE_NS2D_FACE_Y = 2 } lie_ns2d_loc;

/* ns2d_grid.c */
int lie_ns2d_grid_setup(lie_ns2d ns);
int lie_ns2d_grid_destroy(lie_ns2d ns);
int lie_ns2d_gather(lie_ns2d ns, Vec f, double *a); /* full natural-order copy on every rank */
lie_ns2d_field lie_ns2d_field_of(lie_ns2d ns, const double *a, lie_ns2d_loc loc);
/* 1 when the face is a wall face of the closed box (held at zero). */
static inline int lie_ns2d_is_wall(const lie_ns2d ns, lie_ns2d_loc loc, int i, int j) {
  if (ns->par.bc == LIE_NS2D_BC_PERIODIC) return 0;
  return (loc == LIE_NS2D_FACE_X && i == 0) || (loc == LIE_NS2D_FACE_Y && j == 0);
}

/* ns2d_advect.c */
double lie_ns2d_sample(const lie_ns2d_field *f, double dx, double dy, double x, double y);
int lie_ns2d_advect_all(lie_ns2d ns);

/* ns2d_ic.c */
int lie_ns2d_ic_setup(lie_ns2d ns);
int lie_ns2d_ic_destroy(lie_ns2d ns);

/* ns2d_diffuse.c */
int lie_ns2d_diffuse_setup(lie_ns2d ns);
int lie_ns2d_diffuse_step(lie_ns2d ns, int *ok);

/* ns2d_buoyancy.c */
int lie_ns2d_buoyancy(lie_ns2d ns, Vec s_new, double scale);

/* ns2d_project.c */
int lie_ns2d_project_setup(lie_ns2d ns);
int lie_ns2d_subtract_gradient(lie_ns2d ns, Vec p);
int lie_ns2d_fftpc_setup(lie_ns2d ns, PC pc);
int lie_ns2d_mg_setup(lie_ns2d ns, PC pc, int *used);
int lie_ns2d_fftpc_destroy(lie_ns2d ns);

/* ns2d_operators.c: the matrices shared by projection and implicit diffusion. */
int lie_ns2d_assemble(lie_ns2d ns, Mat A, lie_ns2d_loc loc, double shift, double coef);
int lie_ns2d_divergence_vec(lie_ns2d ns, Vec div);

/* ns2d_io.c: the PDEArena-layout file, written collectively by every rank of the world. */
typedef struct {
  hid_t file, group, dxpl;
  hid_t d_u, d_vx, d_vy;
  int n, nsave;
} lie_ns2d_io;
int lie_ns2d_io_open(lie_ns2d ns, const char *path, lie_split split, int n, lie_ns2d_io *io);
/* Frames of one trajectory (buf: 3 fields x nsave x xm x ym, [t][x][y] over the owned
 * block); traj < 0: this rank's group has nothing this round (empty selection). */
int lie_ns2d_io_write_traj(lie_ns2d ns, lie_ns2d_io *io, int traj, const double *buf);
/* Per-trajectory datasets, identical arrays on every rank (rank 0 writes them). */
int lie_ns2d_io_write_meta(lie_ns2d ns, lie_ns2d_io *io, const uint64_t *seeds, const double *b,
                           const unsigned char *ok);
int lie_ns2d_io_close(lie_ns2d_io *io);
/* XDMF sidecar next to the final file name (path without .tmp); world rank 0 only. */
int lie_ns2d_xdmf_write(lie_ns2d ns, const char *path, lie_split split, int n);

#endif
