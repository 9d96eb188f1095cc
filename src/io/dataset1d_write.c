/* Writer for 1D trajectory files in LPSDA's layout plus liereg's parameter datasets.
 * Rows are buffered in slots and written with one collective call per dataset, either
 * - by rounds: trajectory i is made by rank i % size in round i / size; a block of rounds
 *   is a strided hyperslab (start = first round * size + rank, stride = size); or
 * - by row lists (lie_writer1d_write_rows): any rows per rank, e.g. balanced by cost. */
#include "liereg/io.h"

#include <petscsys.h>
#include <string.h>

enum { D_U, D_X, D_DX, D_T, D_DT, D_L, D_TT, D_NU, D_AMP, D_PHASE, D_ICL, D_SEED, D_OK, D_COUNT };

typedef struct {
  const char *name, *axes, *desc;
  hid_t filetype, memtype;
  size_t row_elems, elem_bytes;
  hid_t dset;
  char *buf; /* block x row_elems */
} lie_column;

struct lie_writer1d_s {
  lie_ctx ctx;
  hid_t file, group;
  int n, nt, nx, nwaves, size, rank, rounds, block;
  char field_name[64]; /* pde_<nt>-<nx>, LPSDA's name for the solution */
  lie_column col[D_COUNT];
};

static void column_init(lie_column *c, const char *name, const char *axes, const char *desc, hid_t ft, hid_t mt,
                        size_t row_elems, size_t elem_bytes) {
  *c = (lie_column){name, axes, desc, ft, mt, row_elems, elem_bytes, -1, NULL};
}

static void columns_describe(lie_writer1d w, lie_pde pde) {
  size_t K = (size_t)w->nwaves, nt = (size_t)w->nt, nx = (size_t)w->nx;
  char *uname = w->field_name;
  snprintf(uname, sizeof w->field_name, "pde_%d-%d", w->nt, w->nx);
  hid_t F = H5T_IEEE_F64LE, D = H5T_NATIVE_DOUBLE;
  column_init(&w->col[D_U], uname, "traj,t,x", "solution u(t, x)", F, D, nt * nx, 8);
  column_init(&w->col[D_X], "x", "traj,x", "grid x_j = j L / nx", F, D, nx, 8);
  column_init(&w->col[D_DX], "dx", "traj", "grid spacing L / nx", F, D, 1, 8);
  column_init(&w->col[D_T], "t", "traj,t", "stored times (subset of linspace(0, T, nt_total))", F, D, nt, 8);
  column_init(&w->col[D_DT], "dt", "traj", "time spacing T / (nt_total - 1)", F, D, 1, 8);
  column_init(&w->col[D_L], "L", "traj", "domain length", F, D, 1, 8);
  column_init(&w->col[D_TT], "T", "traj", "final time", F, D, 1, 8);
  column_init(&w->col[D_NU], pde == LIE_PDE_BURGERS ? "nu" : NULL, "traj", "viscosity", F, D, 1, 8);
  column_init(&w->col[D_AMP], "ic_amp", "traj,wave", "initial-condition amplitudes A_k", F, D, K, 8);
  column_init(&w->col[D_PHASE], "ic_phase", "traj,wave", "initial-condition phases phi_k", F, D, K, 8);
  column_init(&w->col[D_ICL], "ic_l", "traj,wave", "initial-condition wave numbers l_k", H5T_STD_I32LE, H5T_NATIVE_INT,
              K, sizeof(int));
  column_init(&w->col[D_SEED], "seed", "traj", "trajectory seed (reproduces all parameters)", H5T_STD_U64LE,
              H5T_NATIVE_UINT64, 1, 8);
  column_init(&w->col[D_OK], "success", "traj", "1 if the solve succeeded", H5T_STD_U8LE, H5T_NATIVE_UINT8, 1, 1);
}

static int columns_create(lie_writer1d w) {
  for (int c = 0; c < D_COUNT; c++) {
    lie_column *col = &w->col[c];
    if (!col->name) continue;
    hsize_t dims[3] = {(hsize_t)w->n, 0, 0};
    int rank = 1;
    if (c == D_U) {
      dims[1] = (hsize_t)w->nt, dims[2] = (hsize_t)w->nx, rank = 3;
    } else if (col->row_elems > 1 || c == D_AMP || c == D_PHASE || c == D_ICL) {
      dims[1] = col->row_elems, rank = 2;
    }
    LIE_CALL(lie_h5_dataset_create(w->group, col->name, col->filetype, rank, dims, &col->dset));
    LIE_CALL(lie_h5_attr_set_string(col->dset, "axes", col->axes));
    LIE_CALL(lie_h5_attr_set_string(col->dset, "description", col->desc));
    LIE_ALLOC(col->buf, (size_t)w->block * col->row_elems * col->elem_bytes);
  }
  return LIE_OK;
}

int lie_writer1d_create(lie_ctx ctx, const char *path, lie_split split, lie_pde pde, int n, int nt, int nx, int nwaves,
                        lie_writer1d *wout) {
  lie_writer1d w;
  *wout = NULL;
  LIE_CHECK(n > 0 && nt > 0 && nx > 0 && nwaves > 0, LIE_ERR_ARG, "bad sizes n=%d nt=%d nx=%d waves=%d", n, nt, nx,
            nwaves);
  LIE_ALLOC(w, 1);
  w->ctx = ctx;
  w->n = n, w->nt = nt, w->nx = nx, w->nwaves = nwaves;
  w->size = lie_ctx_size(ctx), w->rank = lie_ctx_rank(ctx);
  w->rounds = (n + w->size - 1) / w->size;
  /* Keep the field buffer near 32 MB per rank. */
  size_t per = (size_t)nt * nx * 8;
  w->block = (int)((32u << 20) / per);
  if (w->block < 1) w->block = 1;
  /* up to n slots: a rank may be given more than its share of rows (lie_writer1d_write_rows) */
  if (w->block > n) w->block = n;
  w->file = w->group = -1;
  columns_describe(w, pde);
  *wout = w; /* from here on, destroy cleans up partial state */
  LIE_CALL(lie_h5_create(ctx, path, &w->file));
  LIE_CALL(lie_h5_stamp(w->file, lie_pde_name(pde)));
  LIE_H5(w->group = H5Gcreate2(w->file, lie_split_name(split), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  LIE_CALL(columns_create(w));
  LIE_CALL(lie_h5_reserve(w->file));
  return LIE_OK;
}

int lie_writer1d_rounds(lie_writer1d w) { return w->rounds; }
int lie_writer1d_block(lie_writer1d w) { return w->block; }

static char *row_ptr(lie_writer1d w, int c, int round) {
  return w->col[c].buf + (size_t)(round % w->block) * w->col[c].row_elems * w->col[c].elem_bytes;
}

int lie_writer1d_slot(lie_writer1d w, int round, double **u, double **t, double **x) {
  LIE_CHECK(round >= 0 && (round < w->rounds || round < w->block), LIE_ERR_ARG, "round %d out of range", round);
  *u = (double *)row_ptr(w, D_U, round);
  *t = (double *)row_ptr(w, D_T, round);
  *x = (double *)row_ptr(w, D_X, round);
  return LIE_OK;
}

int lie_writer1d_set(lie_writer1d w, int round, const lie_traj1d *p, double dt, int ok) {
  LIE_CHECK(round >= 0 && (round < w->rounds || round < w->block), LIE_ERR_ARG, "round %d out of range", round);
  LIE_CHECK(p->nwaves == w->nwaves, LIE_ERR_ARG, "trajectory has %d waves, file has %d", p->nwaves, w->nwaves);
  *(double *)row_ptr(w, D_DX, round) = p->L / w->nx;
  *(double *)row_ptr(w, D_DT, round) = dt;
  *(double *)row_ptr(w, D_L, round) = p->L;
  *(double *)row_ptr(w, D_TT, round) = p->T;
  if (w->col[D_NU].name) *(double *)row_ptr(w, D_NU, round) = p->nu;
  memcpy(row_ptr(w, D_AMP, round), p->amp, sizeof(double) * (size_t)w->nwaves);
  memcpy(row_ptr(w, D_PHASE, round), p->phase, sizeof(double) * (size_t)w->nwaves);
  memcpy(row_ptr(w, D_ICL, round), p->l, sizeof(int) * (size_t)w->nwaves);
  *(uint64_t *)row_ptr(w, D_SEED, round) = p->seed;
  *(uint8_t *)row_ptr(w, D_OK, round) = (uint8_t)(ok != 0);
  return LIE_OK;
}

int lie_writer1d_flush(lie_writer1d w, int round, int last) {
  int first = round - round % w->block;
  if (!last && round - first + 1 < w->block) return LIE_OK;
  /* This rank's rows first*size+rank, (first+1)*size+rank, ... below n. */
  hsize_t start = (hsize_t)first * w->size + w->rank, count = 0;
  for (int r = first; r <= round; r++)
    if ((long)r * w->size + w->rank < w->n) count++;
  PetscLogEventBegin(lie_events.io, 0, 0, 0, 0);
  for (int c = 0; c < D_COUNT; c++) {
    if (!w->col[c].name) continue;
    LIE_CALL(lie_h5_rows_write(w->col[c].dset, w->col[c].memtype, count ? start : 0, (hsize_t)w->size, count,
                               w->col[c].buf));
  }
  PetscLogEventEnd(lie_events.io, 0, 0, 0, 0);
  return LIE_OK;
}

/* File selection of the given rows (increasing) of dset; none when count = 0. */
static int select_rows(hid_t fspace, int count, const int *rows) {
  hsize_t dims[3], off[3] = {0, 0, 0}, cnt[3];
  int rank = H5Sget_simple_extent_ndims(fspace);
  LIE_CHECK(rank >= 1 && rank <= 3, LIE_ERR_HDF5, "unexpected dataset rank %d", rank);
  LIE_H5(H5Sget_simple_extent_dims(fspace, dims, NULL));
  for (int k = 0; k < rank; k++)
    cnt[k] = dims[k];
  cnt[0] = 1;
  if (count == 0) {
    LIE_H5(H5Sselect_none(fspace));
    return LIE_OK;
  }
  for (int r = 0; r < count; r++) {
    LIE_CHECK(rows[r] >= 0 && (hsize_t)rows[r] < dims[0] && (r == 0 || rows[r] > rows[r - 1]), LIE_ERR_ARG,
              "row list must be increasing and below %llu (row %d at %d)", (unsigned long long)dims[0], rows[r], r);
    off[0] = (hsize_t)rows[r];
    LIE_H5(H5Sselect_hyperslab(fspace, r ? H5S_SELECT_OR : H5S_SELECT_SET, off, NULL, cnt, NULL));
  }
  return LIE_OK;
}

/* The collective write of c's rows into the selection of fspace: an HDF5 status. */
static herr_t write_collective(const lie_column *c, int count, hid_t mspace, hid_t fspace, hid_t dxpl) {
  if (mspace < 0 || dxpl < 0 || H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE) < 0) return -1;
  if (count == 0 && H5Sselect_none(mspace) < 0) return -1;
  return H5Dwrite(c->dset, c->memtype, mspace, fspace, dxpl, c->buf);
}

static int column_write_rows(lie_column *c, int count, const int *rows) {
  hsize_t mdims[1] = {(hsize_t)(count ? count : 1) * c->row_elems};
  hid_t fspace, mspace = -1, dxpl = -1;
  int err = LIE_OK;
  LIE_H5(fspace = H5Dget_space(c->dset));
  LIE_CALL_GOTO(select_rows(fspace, count, rows));
  mspace = H5Screate_simple(1, mdims, NULL);
  dxpl = H5Pcreate(H5P_DATASET_XFER);
  LIE_CHECK_GOTO(write_collective(c, count, mspace, fspace, dxpl) >= 0, LIE_ERR_HDF5,
                 "collective write of %s failed (disk full?)", c->name);
done:
  if (dxpl >= 0) H5Pclose(dxpl);
  if (mspace >= 0) H5Sclose(mspace);
  H5Sclose(fspace);
  return err;
}

int lie_writer1d_write_rows(lie_writer1d w, int count, const int *rows) {
  LIE_CHECK(count >= 0 && count <= w->block, LIE_ERR_ARG, "%d rows for %d slots", count, w->block);
  int err = LIE_OK;
  PetscLogEventBegin(lie_events.io, 0, 0, 0, 0);
  for (int c = 0; c < D_COUNT; c++)
    if (w->col[c].name) LIE_CALL_GOTO(column_write_rows(&w->col[c], count, rows));
done:
  PetscLogEventEnd(lie_events.io, 0, 0, 0, 0);
  return err;
}

int lie_writer1d_destroy(lie_writer1d *wp) {
  lie_writer1d w = *wp;
  int err = LIE_OK;
  if (!w) return LIE_OK;
  for (int c = 0; c < D_COUNT; c++) {
    if (w->col[c].dset >= 0) H5Dclose(w->col[c].dset);
    free(w->col[c].buf);
  }
  if (w->group >= 0) H5Gclose(w->group);
  if (w->file >= 0) err = lie_h5_close(&w->file);
  LIE_FREE(*wp);
  LIE_CALL(err);
  return LIE_OK;
}
