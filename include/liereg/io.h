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
/* read-only; collective over ctx's communicator (MPI-IO driver). ctx NULL: this process only,
 * serial driver, no MPI call (for reader threads); lie_dataset1d_open, lie_datasetns_open and
 * lie_dataset_is_ns pass their ctx through, so they accept NULL alike. */
int lie_h5_open(lie_ctx ctx, const char *path, hid_t *file);
int lie_h5_close(hid_t *file);
/* Collective: reserves disk space for every dataset created in a new file (plus metadata) before
 * any data are written, so that a full disk is one clean error up front (LIE_ERR_IO naming the
 * file) instead of a failed parallel write, which HDF5 1.10 does not recover from. */
int lie_h5_reserve(hid_t file);
/* Longest file name MPI-IO accepts here (Open MPI 4.1's sharedfp/lockedfile component, when not
 * excluded with OMPI_MCA_sharedfp=^lockedfile, overflows a 256-byte buffer: 245 - digits of the
 * largest rank), and the check of a path against it (LIE_ERR_USAGE naming the path). */
int lie_h5_mpiio_name_max(lie_ctx ctx);
int lie_h5_path_check(lie_ctx ctx, const char *path);
/* Dataset with leading axis N chunked one row (trajectory) per chunk. */
int lie_h5_dataset_create(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, hid_t *dset);
/* Collective write of `count` rows of the leading axis starting at `start` with `stride`
 * (count may be 0 on some ranks). buf holds the rows contiguously. */
int lie_h5_rows_write(hid_t dset, hid_t memtype, hsize_t start, hsize_t stride, hsize_t count, const void *buf);
/* Independent read of rows [start, start+count) into buf, which holds count * row_elems values:
 * a dataset whose rows (product of the trailing dimensions) are not row_elems values long is
 * LIE_ERR_FORMAT naming file and dataset, so a file can never overrun the caller's buffer. */
int lie_h5_rows_read(hid_t dset, hid_t memtype, hsize_t start, hsize_t count, size_t row_elems, void *buf);
/* "FILE:/group/name" of an open HDF5 object, for messages. */
void lie_h5_where(hid_t obj, char *buf, size_t n);
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
/* The root attribute `pde` of a liereg file ("" when absent or unreadable). Collective open. */
int lie_h5_file_pde(lie_ctx ctx, const char *path, char *pde, size_t n);
/* *all = 1 when path is readable on every rank of ctx (collective). For optional reads (e.g.
 * defaults taken from a file): a per-rank access() test before a collective open would send
 * the ranks down different paths when the file is missing on some of them. */
int lie_h5_readable_all(lie_ctx ctx, const char *path, int *all);
/* Root attributes every liereg file carries: schema, pde, generator, options, created. */
int lie_h5_stamp(hid_t file, const char *pde);

/* ------------------------------------------------------------ output files (output.c) */
/* Every output is written under NAME.tmp and renamed to NAME only when complete: begin checks the
 * path (given, short enough, NAME.tmp a valid name, not existing unless force, directory
 * writable; local, no communication) and sets tmp; end is collective over ctx: it agrees on
 * `err` over the ranks, then rank 0 renames tmp to path when no rank failed and removes tmp
 * otherwise. It returns err (message kept), or LIE_ERR_IO naming the failing rank on the ranks
 * that had no error themselves. end_file is the single-writer form (one rank writes a text file
 * with stdio): it closes f checking every write, then renames or removes. After end, the output
 * is finished (a second end does nothing). */
typedef struct {
  char path[4096], tmp[4096 + 8];
} lie_output;
int lie_output_begin(lie_output *o, const char *path, int force);
/* Names only (no checks): for files a run rewrites by design, e.g. checkpoints. */
int lie_output_temp(lie_output *o, const char *path);
/* LIE_ERR_USAGE when the output is the same file as `input` (given with `option`). */
int lie_output_not_input(const lie_output *o, const char *input, const char *option);
int lie_output_end(lie_ctx ctx, lie_output *o, int err);
int lie_output_end_file(lie_output *o, FILE *f, int err);
/* Removes tmp without agreement (a rank-local cleanup path, e.g. after a signal). */
int lie_output_abandon(lie_output *o);

/* ------------------------------------------------------------ layouts' rules (schema.c) */
enum { LIE_LAYOUT_1D, LIE_LAYOUT_NS };
/* Value rules `liereg info` checks on every value of a dataset. */
enum { LIE_RULE_FINITE = 1, LIE_RULE_POSITIVE = 2, LIE_RULE_INCREASING = 4, LIE_RULE_ALL_ONE = 8 };
typedef struct {
  int layout;
  long n, nt, nx, ny, k; /* ny: NS only; k: waves of ic_* (0 if absent) */
  char field[128];       /* 1D: the field dataset's name */
} lie_shape;
/* NS when the group holds u and vx, else 1D. */
int lie_schema_layout(hid_t group, int *layout);
/* Checks every dataset the layout names that group `mode` of `path` holds (required ones must
 * exist): type class, rank, axes consistent with each other (N, nt, nx, ny, K) and within sane
 * limits (N >= 1, nt, nx, ny in [2, 2^20], <= 1 GiB per trajectory). Reads no data, so callers
 * run it before allocating. LIE_ERR_FORMAT names file, group, dataset, found and expected shape.
 * field: the 1D field's name (NULL: the first pde_* dataset). */
int lie_schema_check(hid_t group, const char *path, const char *mode, int layout, const char *field, lie_shape *shape);
/* The LIE_RULE_* bits for a dataset (is_field: the 1D field, whatever its name). */
unsigned lie_schema_rules(int layout, const char *name, int is_field);
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
int lie_writer1d_block(lie_writer1d w);  /* rounds per collective write = buffer slots */
/* Collective, any rows per rank: buffer slots 0..count-1 (filled through lie_writer1d_slot
 * and _set with round = slot) go to file rows rows[0..count-1], which must increase;
 * count <= lie_writer1d_block(w), 0 when this rank has nothing to write. */
int lie_writer1d_write_rows(lie_writer1d w, int count, const int *rows);
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
/* /<mode>/emb (n, d) of an embedding file: *z malloc'ed (free() it); serial read (infer.h). */
int lie_emb_read(const char *path, const char *mode, int *n, int *d, float **z);
int lie_emb_group_create(lie_ctx ctx, hid_t file, const char *data_path, const char *mode, int n, int d, hid_t *emb);

/* ------------------------------------------------------------ merging shards (merge.c) */
/* Concatenates dataset files of one dataset (e.g. the shards of jobs/generate_array.sbatch)
 * into path (written directly: the caller passes a .tmp name and renames): every split group
 * and dataset of the inputs, rows appended in input order, types and attributes copied, the
 * root attribute `merged_from` listing the inputs. Inputs that differ in groups, datasets,
 * types, trailing shapes or attributes (except the root's created and options), or repeat a
 * trajectory seed, are LIE_ERR_USAGE naming both files and the difference. Collective: each
 * rank reads up to block_bytes of rows per round (0: 64 MiB), then all write them. */
int lie_dataset_merge(lie_ctx ctx, const char *path, int nin, const char *const *in, size_t block_bytes);

/* ------------------------------------------------------------ validation (info) */
/* Validates a dataset file (schema, shapes, NaN/Inf, parameter ranges) and prints a
 * summary on rank 0. Returns LIE_ERR_FORMAT with a message naming the first problem. */
int lie_dataset_check(lie_ctx ctx, const char *path, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
