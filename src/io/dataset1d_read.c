/* Reader for 1D trajectory files: liereg's and LPSDA's (same layout; LPSDA lacks our
 * parameter datasets). Reads are independent so each rank fetches only what it needs. */
#include "io_impl.h"

#include <string.h>

enum { D1_U, D1_T, D1_X, D1_NDSET }; /* the field, t (N, nt), x (N, nx) */

struct lie_dataset1d_s {
  lie_h5_split s;
  hid_t d[D1_NDSET];
  int nt, nx;
  char fieldname[128];
};

/* Validated against the 1D layout (schema.c) before anything is allocated or read. */
static int open_datasets(lie_dataset1d ds, const char *path, const char *field) {
  lie_shape sh;
  int layout;
  LIE_CALL(lie_schema_layout(ds->s.group, &layout));
  LIE_CHECK(layout == LIE_LAYOUT_1D, LIE_ERR_FORMAT, "%s:/%s holds Navier-Stokes data (u, vx, vy), not 1D data", path,
            ds->s.mode);
  LIE_CALL(lie_schema_check(ds->s.group, path, ds->s.mode, LIE_LAYOUT_1D, field, &sh));
  snprintf(ds->fieldname, sizeof ds->fieldname, "%s", sh.field);
  ds->s.n = (int)sh.n, ds->nt = (int)sh.nt, ds->nx = (int)sh.nx;
  LIE_H5(ds->d[D1_U] = H5Dopen2(ds->s.group, ds->fieldname, H5P_DEFAULT));
  LIE_H5(ds->d[D1_X] = H5Dopen2(ds->s.group, "x", H5P_DEFAULT));
  LIE_H5(ds->d[D1_T] = H5Dopen2(ds->s.group, "t", H5P_DEFAULT));
  return LIE_OK;
}

int lie_dataset1d_open(lie_ctx ctx, const char *path, const char *mode, const char *field, lie_dataset1d *out) {
  lie_dataset1d ds;
  int err = LIE_OK;
  *out = NULL;
  LIE_ALLOC(ds, 1);
  for (int c = 0; c < D1_NDSET; c++)
    ds->d[c] = -1;
  *out = ds;
  LIE_CALL_GOTO(lie_h5_split_open(ctx, path, mode, &ds->s));
  LIE_CALL_GOTO(open_datasets(ds, path, field));
done:
  if (err) lie_dataset1d_close(out);
  return err;
}

int lie_dataset1d_sizes(lie_dataset1d ds, int *n, int *nt, int *nx) {
  if (n) *n = ds->s.n;
  if (nt) *nt = ds->nt;
  if (nx) *nx = ds->nx;
  return LIE_OK;
}

int lie_dataset1d_read(lie_dataset1d ds, int index, double *u, double *t, double *x) {
  LIE_CHECK(index >= 0 && index < ds->s.n, LIE_ERR_ARG, "trajectory %d out of range [0, %d)", index, ds->s.n);
  if (u) LIE_CALL(lie_h5_rows_read(ds->d[D1_U], H5T_NATIVE_DOUBLE, (hsize_t)index, 1, (size_t)ds->nt * ds->nx, u));
  if (t) LIE_CALL(lie_h5_rows_read(ds->d[D1_T], H5T_NATIVE_DOUBLE, (hsize_t)index, 1, (size_t)ds->nt, t));
  if (x) LIE_CALL(lie_h5_rows_read(ds->d[D1_X], H5T_NATIVE_DOUBLE, (hsize_t)index, 1, (size_t)ds->nx, x));
  return LIE_OK;
}

int lie_dataset1d_read_param(lie_dataset1d ds, const char *name, double *values, int *found) {
  LIE_CALL(lie_h5_split_param(&ds->s, name, values, found));
  return LIE_OK;
}

const char *lie_dataset1d_mode(lie_dataset1d ds) { return ds->s.mode; }
const char *lie_dataset1d_field(lie_dataset1d ds) { return ds->fieldname; }
hid_t lie_dataset1d_file(lie_dataset1d ds) { return ds->s.file; }

int lie_dataset1d_close(lie_dataset1d *dsp) {
  lie_dataset1d ds = *dsp;
  if (!ds) return LIE_OK;
  int err = lie_h5_split_close(&ds->s, ds->d, D1_NDSET);
  LIE_FREE(*dsp);
  LIE_CALL(err);
  return LIE_OK;
}
