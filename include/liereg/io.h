/* HDF5 I/O: parallel dataset files in the LPSDA / PDEArena layouts (docs/FORMATS.md).
 *
 * Files are opened with the MPI-IO driver on the ctx communicator. Writes of per-trajectory
 * rows are collective: every rank calls, with an empty selection when it has nothing, so
 * the file's bytes do not depend on how trajectories were distributed. */
#ifndef LIEREG_IO_H
#define LIEREG_IO_H

#include <hdf5.h>

#include "liereg/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LIE_SCHEMA_VERSION 1

/* ------------------------------------------------------------ HDF5 primitives (h5.c) */
int lie_h5_create(lie_ctx ctx, const char *path, hid_t *file); /* truncates; collective */
int lie_h5_open(lie_ctx ctx, const char *path, hid_t *file);   /* read-only; collective */
int lie_h5_close(hid_t *file);
/* Dataset with leading axis N chunked one row (trajectory) per chunk. */
int lie_h5_dataset_create(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, hid_t *dset);
/* Collective write of `count` rows of the leading axis starting at `start` with `stride`
 * (count may be 0 on some ranks). buf holds the rows contiguously. */
int lie_h5_rows_write(hid_t dset, hid_t memtype, hsize_t start, hsize_t stride, hsize_t count, const void *buf);
/* Independent read of rows [start, start+count). */
int lie_h5_rows_read(hid_t dset, hid_t memtype, hsize_t start, hsize_t count, void *buf);
int lie_h5_dims(hid_t loc, const char *name, int *rank, hsize_t dims[8]);
int lie_h5_exists(hid_t loc, const char *name); /* 1 if a link of that name exists */
/* The split group to read: `mode` when given (absent: LIE_ERR_USAGE naming path), else the first
 * of train, valid, test the file has (none: LIE_ERR_FORMAT). Its name goes to out (n bytes). */
int lie_h5_pick_mode(hid_t file, const char *path, const char *mode, char *out, size_t n);
/* A per-trajectory parameter `name` (n,) of `group` as double; *found = 0 (and no error) if the
 * group has none; another shape is LIE_ERR_FORMAT naming `where`/name. */
int lie_h5_param_read(hid_t group, const char *where, const char *name, int n, double *values, int *found);
int lie_h5_attr_set_string(hid_t loc, const char *name, const char *value);
int lie_h5_attr_set_int(hid_t loc, const char *name, long value);
int lie_h5_attr_set_double(hid_t loc, const char *name, double value);
/* Reads a string attribute into buf (truncated to n); LIE_ERR_FORMAT if missing. */
int lie_h5_attr_get_string(hid_t loc, const char *name, char *buf, size_t n);
int lie_h5_attr_get_double(hid_t loc, const char *name, double *value);
/* Root attributes every liereg file carries: schema, pde, generator, options, created. */
int lie_h5_stamp(hid_t file, const char *pde);

#define LIE_IC_MAX_WAVES 64

/* Everything needed to reproduce one 1D trajectory from scratch (stored in the file):
 * u0(x) = sum_k amp[k] sin(2 pi l[k] x / L + phase[k]) on x in [0, L), solved to time T. */
typedef struct {
  double L, T;
  double nu; /* Burgers viscosity; 0 for KS and KdV */
  int nwaves;
  double amp[LIE_IC_MAX_WAVES], phase[LIE_IC_MAX_WAVES];
  int l[LIE_IC_MAX_WAVES];
  uint64_t seed;
} lie_traj1d;

/* ------------------------------------------------------------ 1D datasets */
/* Writer for the 1D layout: /<mode>/pde_<nt>-<nx>, x, dx, t, dt, L, T, nu (Burgers),
 * ic_amp, ic_phase, ic_l, seed, success. Trajectory i of n is produced by rank
 * i % size in round i / size; rounds are buffered in blocks and written collectively. */
typedef struct lie_writer1d_s *lie_writer1d;
int lie_writer1d_create(lie_ctx ctx, const char *path, lie_split split, lie_pde pde, int n, int nt, int nx, int nwaves,
                        lie_writer1d *w);
/* Buffer slot for round `round` on this rank (the caller fills u/t/x there). */
int lie_writer1d_slot(lie_writer1d w, int round, double **u, double **t, double **x);
/* Record the parameters and status of this rank's trajectory of `round`. */
int lie_writer1d_set(lie_writer1d w, int round, const lie_traj1d *p, double dt, int ok);
/* Collective: writes every buffered round up to and including `round` if the block is
 * full or `last` is set. */
int lie_writer1d_flush(lie_writer1d w, int round, int last);
int lie_writer1d_rounds(lie_writer1d w); /* ceil(n / size) */
int lie_writer1d_block(lie_writer1d w);  /* rounds per collective write */
int lie_writer1d_destroy(lie_writer1d *w);

/* Reader for 1D files (ours and LPSDA's): the field dataset is pde_<nt>-<nx> unless a
 * name is given. Reads are independent (each rank reads what it needs). */
typedef struct lie_dataset1d_s *lie_dataset1d;
int lie_dataset1d_open(lie_ctx ctx, const char *path, const char *mode, const char *field, lie_dataset1d *ds);
int lie_dataset1d_sizes(lie_dataset1d ds, int *n, int *nt, int *nx);
/* u: nt x nx; t: nt; x: nx (either may be NULL). */
int lie_dataset1d_read(lie_dataset1d ds, int index, double *u, double *t, double *x);
/* Per-trajectory scalar (e.g. "nu", "L", "dt"); *found = 0 when absent. values: n. */
int lie_dataset1d_read_param(lie_dataset1d ds, const char *name, double *values, int *found);
const char *lie_dataset1d_mode(lie_dataset1d ds);
const char *lie_dataset1d_field(lie_dataset1d ds);
hid_t lie_dataset1d_file(lie_dataset1d ds);
int lie_dataset1d_close(lie_dataset1d *ds);

/* ------------------------------------------------------------ 2D Navier–Stokes datasets */
/* Reader for NS files in the PDEArena layout (ours from `generate -pde ns`, and PDEArena's):
 * /<mode>/u (smoke), vx, vy (N, nt, nx, ny) float64, t (N, nt), x (N, nx), y (N, ny), per-
 * trajectory scalars dt, dx, dy, buo_y, seed, success. mode NULL/"" = the first of train,
 * valid, test. Reads are independent, one trajectory at a time (datasetns_read.c). */
typedef struct lie_datasetns_s *lie_datasetns;
int lie_datasetns_open(lie_ctx ctx, const char *path, const char *mode, lie_datasetns *ds);
int lie_datasetns_sizes(lie_datasetns ds, int *n, int *nt, int *nx, int *ny);
/* u, vx, vy: nt*nx*ny each ([t, x, y] row-major); t: nt; x: nx; y: ny (any may be NULL).
 * NaN/Inf in what was read is LIE_ERR_FORMAT naming the file, split, trajectory and dataset. */
int lie_datasetns_read(lie_datasetns ds, int index, double *u, double *vx, double *vy, double *t, double *x, double *y);
/* Per-trajectory scalar (e.g. "buo_y", "dt"); *found = 0 when absent. values: n. */
int lie_datasetns_read_param(lie_datasetns ds, const char *name, double *values, int *found);
const char *lie_datasetns_mode(lie_datasetns ds);
hid_t lie_datasetns_file(lie_datasetns ds);
int lie_datasetns_close(lie_datasetns *ds);
/* *is_ns = 1 when path holds NS data: root attribute pde = "ns", or (no attribute, e.g.
 * PDEArena's files) group /<mode> (or the first split) with vx and a rank-4 u. Collective. */
int lie_dataset_is_ns(lie_ctx ctx, const char *path, const char *mode, int *is_ns);

/* ---------------------------------------------------------------- embedding files */
/* Creates group /<mode> in the open (parallel) embedding file `file`: copies of the per-
 * trajectory datasets of data_path:/<mode> (nu, buo_y, L, T, ic_amp, ic_phase, ic_l, seed,
 * success — whichever exist; each must have n rows) and the dataset emb (n, d) float32,
 * returned open in *emb (H5Dclose it) for the caller to fill with
 * lie_h5_rows_write(*emb, H5T_NATIVE_FLOAT, start, 1, count, rows). Collective. */
int lie_emb_group_create(lie_ctx ctx, hid_t file, const char *data_path, const char *mode, int n, int d, hid_t *emb);

/* ------------------------------------------------------------ validation (info) */
/* Validates a dataset file (schema, shapes, NaN/Inf, parameter ranges) and prints a
 * summary on rank 0. Returns LIE_ERR_FORMAT with a message naming the first problem. */
int lie_dataset_check(lie_ctx ctx, const char *path, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
