/* Reader for 1D trajectory files: liereg's and LPSDA's (same layout; LPSDA lacks our
 * parameter datasets). Reads are independent so each rank fetches only what it needs. */
#include "liereg/io.h"

#include <string.h>

struct lie_dataset1d_s {
  hid_t file, group, field, x, t;
  int n, nt, nx;
  char mode[16], fieldname[128], path[1024];
};

static int pick_mode(lie_dataset1d ds, const char *path, const char *mode) {
  LIE_CALL(lie_h5_pick_mode(ds->file, path, mode, ds->mode, sizeof ds->mode));
  return LIE_OK;
}

/* Validated against the 1D layout (schema.c) before anything is allocated or read. */
static int open_datasets(lie_dataset1d ds, const char *path, const char *field) {
  lie_shape sh;
  int layout;
  LIE_CALL(lie_schema_layout(ds->group, &layout));
  LIE_CHECK(layout == LIE_LAYOUT_1D, LIE_ERR_FORMAT, "%s:/%s holds Navier-Stokes data (u, vx, vy), not 1D data", path,
            ds->mode);
  LIE_CALL(lie_schema_check(ds->group, path, ds->mode, LIE_LAYOUT_1D, field, &sh));
  snprintf(ds->fieldname, sizeof ds->fieldname, "%s", sh.field);
  ds->n = (int)sh.n, ds->nt = (int)sh.nt, ds->nx = (int)sh.nx;
  LIE_H5(ds->field = H5Dopen2(ds->group, ds->fieldname, H5P_DEFAULT));
  LIE_H5(ds->x = H5Dopen2(ds->group, "x", H5P_DEFAULT));
  LIE_H5(ds->t = H5Dopen2(ds->group, "t", H5P_DEFAULT));
  return LIE_OK;
}

int lie_dataset1d_open(lie_ctx ctx, const char *path, const char *mode, const char *field, lie_dataset1d *out) {
  lie_dataset1d ds;
  *out = NULL;
  LIE_ALLOC(ds, 1);
  ds->file = ds->group = ds->field = ds->x = ds->t = -1;
  snprintf(ds->path, sizeof ds->path, "%s", path);
  *out = ds;
  int err = lie_h5_open(ctx, path, &ds->file);
  if (!err) err = pick_mode(ds, path, mode);
  if (!err && (ds->group = H5Gopen2(ds->file, ds->mode, H5P_DEFAULT)) < 0) err = LIE_ERR_FORMAT;
  if (!err) err = open_datasets(ds, path, field);
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
  if (u) LIE_CALL(lie_h5_rows_read(ds->field, H5T_NATIVE_DOUBLE, (hsize_t)index, 1, (size_t)ds->nt * ds->nx, u));
  if (t) LIE_CALL(lie_h5_rows_read(ds->t, H5T_NATIVE_DOUBLE, (hsize_t)index, 1, (size_t)ds->nt, t));
  if (x) LIE_CALL(lie_h5_rows_read(ds->x, H5T_NATIVE_DOUBLE, (hsize_t)index, 1, (size_t)ds->nx, x));
  return LIE_OK;
}

int lie_dataset1d_read_param(lie_dataset1d ds, const char *name, double *values, int *found) {
  char where[1100];
  snprintf(where, sizeof where, "%s:/%s", ds->path, ds->mode);
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
