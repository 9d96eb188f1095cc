/* Reader for 1D trajectory files: liereg's and LPSDA's (same layout; LPSDA lacks our
 * parameter datasets). Reads are independent so each rank fetches only what it needs. */
#include "liereg/io.h"

#include <string.h>

struct lie_dataset1d_s {
  hid_t file, group, field, x, t;
  int n, nt, nx;
  char mode[16], fieldname[128];
};

/* First dataset named pde_* in the group. */
static herr_t find_field(hid_t g, const char *name, const H5L_info_t *info, void *out) {
  if (strncmp(name, "pde_", 4) != 0) return 0;
  snprintf((char *)out, 128, "%s", name);
  return 1;
}

static int pick_mode(lie_dataset1d ds, const char *path, const char *mode) {
  LIE_CALL(lie_h5_pick_mode(ds->file, path, mode, ds->mode, sizeof ds->mode));
  return LIE_OK;
}

static int open_field(lie_dataset1d ds, const char *path, const char *field) {
  hsize_t dims[8];
  int rank;
  if (field)
    snprintf(ds->fieldname, sizeof ds->fieldname, "%s", field);
  else {
    ds->fieldname[0] = 0;
    hsize_t idx = 0;
    H5Literate(ds->group, H5_INDEX_NAME, H5_ITER_INC, &idx, find_field, ds->fieldname);
    LIE_CHECK(ds->fieldname[0], LIE_ERR_FORMAT, "%s:/%s has no pde_<nt>-<nx> dataset (use -data_field)", path,
              ds->mode);
  }
  LIE_CALL(lie_h5_dims(ds->group, ds->fieldname, &rank, dims));
  LIE_CHECK(rank == 3, LIE_ERR_FORMAT, "%s:/%s/%s has rank %d, expected (N, nt, nx)", path, ds->mode, ds->fieldname,
            rank);
  ds->n = (int)dims[0], ds->nt = (int)dims[1], ds->nx = (int)dims[2];
  LIE_H5(ds->field = H5Dopen2(ds->group, ds->fieldname, H5P_DEFAULT));
  return LIE_OK;
}

static int open_coord(lie_dataset1d ds, const char *path, const char *name, int len, hid_t *d) {
  hsize_t dims[8];
  int rank;
  LIE_CALL(lie_h5_dims(ds->group, name, &rank, dims));
  LIE_CHECK(rank == 2 && (int)dims[0] == ds->n && (int)dims[1] == len, LIE_ERR_FORMAT,
            "%s:/%s/%s has the wrong shape (expected (%d, %d))", path, ds->mode, name, ds->n, len);
  LIE_H5(*d = H5Dopen2(ds->group, name, H5P_DEFAULT));
  return LIE_OK;
}

int lie_dataset1d_open(lie_ctx ctx, const char *path, const char *mode, const char *field, lie_dataset1d *out) {
  lie_dataset1d ds;
  *out = NULL;
  LIE_ALLOC(ds, 1);
  ds->file = ds->group = ds->field = ds->x = ds->t = -1;
  *out = ds;
  int err = lie_h5_open(ctx, path, &ds->file);
  if (!err) err = pick_mode(ds, path, mode);
  if (!err && (ds->group = H5Gopen2(ds->file, ds->mode, H5P_DEFAULT)) < 0) err = LIE_ERR_FORMAT;
  if (!err) err = open_field(ds, path, field);
  if (!err) err = open_coord(ds, path, "x", ds->nx, &ds->x);
  if (!err) err = open_coord(ds, path, "t", ds->nt, &ds->t);
  if (err) {
    lie_dataset1d_close(out);
    LIE_CALL(err);
  }
  return LIE_OK;
}

int lie_dataset1d_sizes(lie_dataset1d ds, int *n, int *nt, int *nx) {
  if (n) *n = ds->n;
  if (nt) *nt = ds->nt;
  if (nx) *nx = ds->nx;
  return LIE_OK;
}

int lie_dataset1d_read(lie_dataset1d ds, int index, double *u, double *t, double *x) {
  LIE_CHECK(index >= 0 && index < ds->n, LIE_ERR_ARG, "trajectory %d out of range [0, %d)", index, ds->n);
  if (u) LIE_CALL(lie_h5_rows_read(ds->field, H5T_NATIVE_DOUBLE, (hsize_t)index, 1, u));
  if (t) LIE_CALL(lie_h5_rows_read(ds->t, H5T_NATIVE_DOUBLE, (hsize_t)index, 1, t));
  if (x) LIE_CALL(lie_h5_rows_read(ds->x, H5T_NATIVE_DOUBLE, (hsize_t)index, 1, x));
  return LIE_OK;
}

int lie_dataset1d_read_param(lie_dataset1d ds, const char *name, double *values, int *found) {
  char where[512];
  snprintf(where, sizeof where, "/%s", ds->mode);
  LIE_CALL(lie_h5_param_read(ds->group, where, name, ds->n, values, found));
  return LIE_OK;
}

const char *lie_dataset1d_mode(lie_dataset1d ds) { return ds->mode; }
const char *lie_dataset1d_field(lie_dataset1d ds) { return ds->fieldname; }
hid_t lie_dataset1d_file(lie_dataset1d ds) { return ds->file; }

int lie_dataset1d_close(lie_dataset1d *dsp) {
  lie_dataset1d ds = *dsp;
  if (!ds) return LIE_OK;
  hid_t *h[] = {&ds->x, &ds->t, &ds->field};
  for (int i = 0; i < 3; i++)
    if (*h[i] >= 0) H5Dclose(*h[i]);
  if (ds->group >= 0) H5Gclose(ds->group);
  int err = lie_h5_close(&ds->file);
  LIE_FREE(*dsp);
  LIE_CALL(err);
  return LIE_OK;
}
