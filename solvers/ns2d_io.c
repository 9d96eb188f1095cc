/* 2D Navier–Stokes: the output file in PDEArena's layout (docs/NS2D.md).
 *   /<mode>/u, vx, vy  (N, nsave, nx, ny) float64, axes [traj, t, x, y], one trajectory per chunk
 *   /<mode>/t (N, nsave), x (N, nx), y (N, ny), dt, dx, dy, buo_y (N,), seed (N,) uint64,
 *   success (N,) uint8; root attributes liereg_schema, pde, generator, created, options.
 * Every write is collective over the world (H5FD_MPIO_COLLECTIVE); a rank with nothing to
 * write takes part with an empty selection. */
#include "liereg/io.h"
#include "solvers/ns2d_impl.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef LIEREG_GIT_HASH
#define LIEREG_GIT_HASH "unknown"
#endif

static int attr_str(hid_t obj, const char *name, const char *val) {
  hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR), a;
  LIE_H5(t);
  LIE_H5(sp);
  LIE_H5(H5Tset_size(t, strlen(val) + 1));
  LIE_H5(a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT));
  LIE_H5(H5Awrite(a, t, val));
  LIE_H5(H5Aclose(a));
  LIE_H5(H5Sclose(sp));
  LIE_H5(H5Tclose(t));
  return LIE_OK;
}

static int attr_num(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *val) {
  hid_t sp = H5Screate(H5S_SCALAR), a;
  LIE_H5(sp);
  LIE_H5(a = H5Acreate2(obj, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT));
  LIE_H5(H5Awrite(a, mtype, val));
  LIE_H5(H5Aclose(a));
  LIE_H5(H5Sclose(sp));
  return LIE_OK;
}

static int make_dset(hid_t g, const char *name, hid_t type, int rank, const hsize_t *dims, const hsize_t *chunk,
                     hid_t *d) {
  hid_t sp = H5Screate_simple(rank, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
  LIE_H5(sp);
  LIE_H5(dcpl);
  if (chunk) LIE_H5(H5Pset_chunk(dcpl, rank, chunk));
  LIE_H5(*d = H5Dcreate2(g, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  LIE_H5(H5Pclose(dcpl));
  LIE_H5(H5Sclose(sp));
  return LIE_OK;
}

/* Root attributes: identical on every rank (HDF5 metadata writes are collective). */
static int root_attrs(lie_ns2d ns, hid_t file) {
  char gen[128], created[64] = "";
  int one = 1;
  char *opts = NULL;
  snprintf(gen, sizeof gen, "liereg %s (git %s) ns2d", LIE_VERSION_STRING, LIEREG_GIT_HASH);
  if (lie_ctx_rank(ns->ctx) == 0) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
  }
  LIE_MPI(MPI_Bcast(created, sizeof created, MPI_CHAR, 0, lie_ctx_comm(ns->ctx)));
  LIE_CALL(attr_num(file, "liereg_schema", H5T_STD_I32LE, H5T_NATIVE_INT, &one));
  LIE_CALL(attr_str(file, "pde", "ns"));
  LIE_CALL(attr_str(file, "generator", gen));
  LIE_CALL(attr_str(file, "created", created));
  /* The resolved solver parameters as -ns_ options (they may have been set through the
   * API), then the whole options database as given. */
  const lie_ns2d_opts *p = &ns->par;
  const char *bcs[] = {"box", "periodic"}, *advs[] = {"sl", "maccormack"}, *difs[] = {"explicit", "implicit", "none"};
  char res[1024];
  snprintf(res, sizeof res,
           "-ns_nx %d -ns_ny %d -ns_Lx %.17g -ns_Ly %.17g -ns_nu %.17g -ns_dt %.17g -ns_steps %d -ns_skip %d -ns_b_min "
           "%.17g "
           "-ns_b_max %.17g -ns_noise_scale %.17g -ns_noise_smoothness %.17g -ns_bc %s -ns_advect %s -ns_diffuse %s "
           "-ns_incremental %s "
           "-ns_ranks_per_traj %d",
           p->nx, p->ny, p->Lx, p->Ly, p->nu, p->dt, p->nsteps, p->nskip, p->b_lo, p->b_hi, p->noise_scale,
           p->noise_smoothness, bcs[p->bc], advs[p->advect], difs[p->diffuse], p->incremental ? "true" : "false",
           p->ranks_per_traj);
  LIE_PETSC(PetscOptionsGetAll(NULL, &opts));
  size_t len = strlen(res) + (opts ? strlen(opts) : 0) + 2;
  char *all = malloc(len);
  if (!all) PetscFree(opts);
  LIE_CHECK(all, LIE_ERR_MEM, "out of memory for the options attribute");
  snprintf(all, len, "%s %s", res, opts ? opts : "");
  LIE_PETSC(PetscFree(opts));
  int e = attr_str(file, "options", all);
  free(all);
  LIE_CALL(e);
  return LIE_OK;
}

/* Parameters of the whole set on the group: what is needed to regenerate it. */
static int group_attrs(lie_ns2d ns, hid_t g) {
  const lie_ns2d_opts *p = &ns->par;
  const char *bc = p->bc == LIE_NS2D_BC_PERIODIC ? "periodic" : "box";
  const char *adv = p->advect == LIE_NS2D_ADVECT_MACCORMACK ? "maccormack" : "sl";
  const char *dif = p->diffuse == LIE_NS2D_DIFFUSE_IMPLICIT ? "implicit"
                    : p->diffuse == LIE_NS2D_DIFFUSE_NONE   ? "none"
                                                            : "explicit";
  LIE_CALL(attr_num(g, "nu", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &p->nu));
  LIE_CALL(attr_num(g, "Lx", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &p->Lx));
  LIE_CALL(attr_num(g, "Ly", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &p->Ly));
  LIE_CALL(attr_num(g, "solver_dt", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &p->dt));
  LIE_CALL(attr_num(g, "steps", H5T_STD_I32LE, H5T_NATIVE_INT, &p->nsteps));
  LIE_CALL(attr_num(g, "skip", H5T_STD_I32LE, H5T_NATIVE_INT, &p->nskip));
  LIE_CALL(attr_num(g, "b_min", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &p->b_lo));
  LIE_CALL(attr_num(g, "b_max", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &p->b_hi));
  LIE_CALL(attr_str(g, "bc", bc));
  LIE_CALL(attr_str(g, "advect", adv));
  LIE_CALL(attr_str(g, "diffuse", dif));
  LIE_CALL(attr_str(
      g, "staggering",
      "u: cell centres ((i+1/2)dx, (j+1/2)dy); vx[.., i, j]: x-face (i dx, (j+1/2)dy), vx[.., 0, :] = 0 is "
      "the left wall (box); vy[.., i, j]: y-face ((i+1/2)dx, j dy), vy[.., :, 0] = 0 is the bottom wall (box); "
      "the right/top wall faces are zero and not stored"));
  return LIE_OK;
}

int lie_ns2d_io_open(lie_ns2d ns, const char *path, lie_split split, int n, lie_ns2d_io *io) {
  const lie_ns2d_opts *p = &ns->par;
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), d;
  memset(io, 0, sizeof *io);
  io->n = n;
  io->nsave = p->nsteps - p->nskip;
  LIE_H5(fapl);
  LIE_H5(H5Pset_fapl_mpio(fapl, lie_ctx_comm(ns->ctx), MPI_INFO_NULL));
  LIE_CALL(lie_h5_path_check(ns->ctx, path));
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported once, by us */
  io->file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  LIE_CHECK(io->file >= 0, LIE_ERR_IO, "cannot create HDF5 file %s", path);
  LIE_H5(io->dxpl = H5Pcreate(H5P_DATASET_XFER));
  LIE_H5(H5Pset_dxpl_mpio(io->dxpl, H5FD_MPIO_COLLECTIVE));
  LIE_CALL(root_attrs(ns, io->file));
  LIE_H5(io->group = H5Gcreate2(io->file, lie_split_name(split), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  LIE_CALL(group_attrs(ns, io->group));
  hsize_t dims[4] = {(hsize_t)n, (hsize_t)io->nsave, (hsize_t)p->nx, (hsize_t)p->ny};
  hsize_t chunk[4] = {1, dims[1], dims[2], dims[3]};
  LIE_CALL(make_dset(io->group, "u", H5T_IEEE_F64LE, 4, dims, chunk, &io->d_u));
  LIE_CALL(make_dset(io->group, "vx", H5T_IEEE_F64LE, 4, dims, chunk, &io->d_vx));
  LIE_CALL(make_dset(io->group, "vy", H5T_IEEE_F64LE, 4, dims, chunk, &io->d_vy));
  LIE_CALL(attr_str(io->d_u, "description", "smoke density s at the cell centres, axes [traj, t, x, y]"));
  LIE_CALL(attr_str(io->d_vx, "description", "x-velocity on the x-faces (i dx, (j+1/2) dy), axes [traj, t, x, y]"));
  LIE_CALL(attr_str(io->d_vy, "description", "y-velocity on the y-faces ((i+1/2) dx, j dy), axes [traj, t, x, y]"));
  /* The small datasets are created here (metadata is collective) and filled at the end. */
  const char *small[] = {"dt", "dx", "dy", "buo_y"};
  hsize_t n1[1] = {(hsize_t)n}, nt[2] = {(hsize_t)n, (hsize_t)io->nsave}, nx[2] = {(hsize_t)n, (hsize_t)p->nx},
          ny[2] = {(hsize_t)n, (hsize_t)p->ny};
  for (int k = 0; k < 4; k++) {
    LIE_CALL(make_dset(io->group, small[k], H5T_IEEE_F64LE, 1, n1, NULL, &d));
    LIE_H5(H5Dclose(d));
  }
  LIE_CALL(make_dset(io->group, "t", H5T_IEEE_F64LE, 2, nt, NULL, &d));
  LIE_H5(H5Dclose(d));
  LIE_CALL(make_dset(io->group, "x", H5T_IEEE_F64LE, 2, nx, NULL, &d));
  LIE_H5(H5Dclose(d));
  LIE_CALL(make_dset(io->group, "y", H5T_IEEE_F64LE, 2, ny, NULL, &d));
  LIE_H5(H5Dclose(d));
  LIE_CALL(make_dset(io->group, "seed", H5T_STD_U64LE, 1, n1, NULL, &d));
  LIE_H5(H5Dclose(d));
  LIE_CALL(make_dset(io->group, "success", H5T_STD_U8LE, 1, n1, NULL, &d));
  LIE_H5(H5Dclose(d));
  LIE_CALL(lie_h5_reserve(io->file));
  return LIE_OK;
}

/* Collective write of `count` elements at `start` (rank-dim), or an empty selection. */
static int write_sel(hid_t d, hid_t dxpl, hid_t mtype, int rank, const hsize_t *start, const hsize_t *count,
                     const void *buf) {
  hid_t fs = H5Dget_space(d), ms;
  LIE_H5(fs);
  if (count) {
    LIE_H5(H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL));
    LIE_H5(ms = H5Screate_simple(rank, count, NULL));
  } else {
    hsize_t one = 1;
    LIE_H5(H5Sselect_none(fs));
    LIE_H5(ms = H5Screate_simple(1, &one, NULL));
    LIE_H5(H5Sselect_none(ms));
  }
  LIE_H5(H5Dwrite(d, mtype, ms, fs, dxpl, buf));
  LIE_H5(H5Sclose(ms));
  LIE_H5(H5Sclose(fs));
  return LIE_OK;
}

int lie_ns2d_io_write_traj(lie_ns2d ns, lie_ns2d_io *io, int traj, const double *buf) {
  hsize_t start[4] = {(hsize_t)(traj < 0 ? 0 : traj), 0, (hsize_t)ns->xs, (hsize_t)ns->ys};
  hsize_t count[4] = {1, (hsize_t)io->nsave, (hsize_t)ns->xm, (hsize_t)ns->ym};
  size_t frame = (size_t)io->nsave * ns->xm * ns->ym;
  hid_t d[3] = {io->d_u, io->d_vx, io->d_vy};
  for (int f = 0; f < 3; f++)
    LIE_CALL(write_sel(d[f], io->dxpl, H5T_NATIVE_DOUBLE, 4, start, traj < 0 ? NULL : count,
                       traj < 0 ? NULL : buf + f * frame));
  return LIE_OK;
}

static int write_small(lie_ns2d_io *io, const char *name, hid_t mtype, int rank, const hsize_t *dims, const void *buf,
                       int mine) {
  hid_t d;
  hsize_t start[2] = {0, 0};
  LIE_H5(d = H5Dopen2(io->group, name, H5P_DEFAULT));
  int e = write_sel(d, io->dxpl, mtype, rank, start, mine ? dims : NULL, mine ? buf : NULL);
  H5Dclose(d);
  LIE_CALL(e);
  return LIE_OK;
}

int lie_ns2d_io_write_meta(lie_ns2d ns, lie_ns2d_io *io, const uint64_t *seeds, const double *b,
                           const unsigned char *ok) {
  const lie_ns2d_opts *p = &ns->par;
  int n = io->n, nsave = io->nsave, mine = lie_ctx_rank(ns->ctx) == 0;
  size_t big = (size_t)n * (size_t)(nsave > p->nx ? (nsave > p->ny ? nsave : p->ny) : (p->nx > p->ny ? p->nx : p->ny));
  double *a;
  int err = LIE_OK;
  LIE_ALLOC(a, big);
  hsize_t d1[1] = {(hsize_t)n}, d2[2] = {(hsize_t)n, 0};
  /* Times of the stored frames: frame k is the state after step nskip + k + 1. */
  for (int i = 0; i < n; i++)
    for (int k = 0; k < nsave; k++)
      a[(size_t)i * nsave + k] = (p->nskip + k + 1) * p->dt;
  d2[1] = nsave;
  LIE_CALL_GOTO(write_small(io, "t", H5T_NATIVE_DOUBLE, 2, d2, a, mine));
  for (int i = 0; i < n; i++)
    for (int k = 0; k < p->nx; k++)
      a[(size_t)i * p->nx + k] = (k + 0.5) * ns->dx;
  d2[1] = p->nx;
  LIE_CALL_GOTO(write_small(io, "x", H5T_NATIVE_DOUBLE, 2, d2, a, mine));
  for (int i = 0; i < n; i++)
    for (int k = 0; k < p->ny; k++)
      a[(size_t)i * p->ny + k] = (k + 0.5) * ns->dy;
  d2[1] = p->ny;
  LIE_CALL_GOTO(write_small(io, "y", H5T_NATIVE_DOUBLE, 2, d2, a, mine));
  const double sc[3] = {p->dt, ns->dx, ns->dy};
  const char *names[3] = {"dt", "dx", "dy"};
  for (int k = 0; k < 3; k++) {
    for (int i = 0; i < n; i++)
      a[i] = sc[k];
    LIE_CALL_GOTO(write_small(io, names[k], H5T_NATIVE_DOUBLE, 1, d1, a, mine));
  }
  LIE_CALL_GOTO(write_small(io, "buo_y", H5T_NATIVE_DOUBLE, 1, d1, b, mine));
  LIE_CALL_GOTO(write_small(io, "seed", H5T_NATIVE_UINT64, 1, d1, seeds, mine));
  LIE_CALL_GOTO(write_small(io, "success", H5T_NATIVE_UCHAR, 1, d1, ok, mine));
done:
  free(a);
  return err;
}

/* Each handle is cleared before it is closed: after a failed call, another one releases only
 * what is left (the clean-up label of lie_ns2d_generate_range calls it again after an error). */
int lie_ns2d_io_close(lie_ns2d_io *io) {
  hid_t *h[] = {&io->d_u, &io->d_vx, &io->d_vy};
  for (int k = 0; k < 3; k++) {
    hid_t d = *h[k];
    *h[k] = 0;
    if (d > 0) LIE_H5(H5Dclose(d));
  }
  hid_t g = io->group, x = io->dxpl;
  io->group = io->dxpl = 0;
  if (g > 0) LIE_H5(H5Gclose(g));
  if (x > 0) LIE_H5(H5Pclose(x));
  if (io->file > 0) LIE_CALL(lie_h5_close(&io->file));
  memset(io, 0, sizeof *io);
  return LIE_OK;
}
