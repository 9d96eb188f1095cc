/* Reader for 2D Navier–Stokes trajectory files in the PDEArena layout written by
 * `liereg generate -pde ns` (solvers/ns2d_io.c): /<mode>/u (smoke), vx, vy (N, nt, nx, ny)
 * float64, t (N, nt), x (N, nx), y (N, ny), plus per-trajectory scalars (dt, dx, dy, buo_y,
 * seed, success). Reads are independent: each rank fetches only the trajectories it needs,
 * one row (trajectory) of each field at a time, never the whole file. */
#include "io_impl.h"

#include <string.h>

enum { NS_U, NS_VX, NS_VY, NS_T, NS_X, NS_Y, NS_NDSET };
static const char *ns_dset[NS_NDSET] = {"u", "vx", "vy", "t", "x", "y"};

struct lie_datasetns_s {
  lie_h5_split s;
  hid_t d[NS_NDSET];
  int nt, nx, ny;
};

/* Validated against the NS layout (schema.c) before anything is allocated or read. */
static int open_datasets(lie_datasetns ds) {
  lie_shape sh;
  int layout;
  LIE_CALL(lie_schema_layout(ds->s.group, &layout));
  LIE_CHECK(layout == LIE_LAYOUT_NS, LIE_ERR_FORMAT,
            "%s:/%s lacks datasets 'u' and 'vx' (not a Navier-Stokes file in the PDEArena layout?)", ds->s.path,
            ds->s.mode);
  LIE_CALL(lie_schema_check(ds->s.group, ds->s.path, ds->s.mode, LIE_LAYOUT_NS, NULL, &sh));
  ds->s.n = (int)sh.n, ds->nt = (int)sh.nt, ds->nx = (int)sh.nx, ds->ny = (int)sh.ny;
  for (int c = 0; c < NS_NDSET; c++)
    LIE_H5(ds->d[c] = H5Dopen2(ds->s.group, ns_dset[c], H5P_DEFAULT));
  return LIE_OK;
}

int lie_datasetns_open(lie_ctx ctx, const char *path, const char *mode, lie_datasetns *out) {
  lie_datasetns ds;
  int err = LIE_OK;
  *out = NULL;
  LIE_ALLOC(ds, 1);
  for (int c = 0; c < NS_NDSET; c++)
    ds->d[c] = -1;
  *out = ds;
  LIE_CALL_GOTO(lie_h5_split_open(ctx, path, mode && mode[0] ? mode : NULL, &ds->s));
  LIE_CALL_GOTO(open_datasets(ds));
done:
  if (err) lie_datasetns_close(out);
  return err;
}

int lie_datasetns_sizes(lie_datasetns ds, int *n, int *nt, int *nx, int *ny) {
  if (n) *n = ds->s.n;
  if (nt) *nt = ds->nt;
  if (nx) *nx = ds->nx;
  if (ny) *ny = ds->ny;
  return LIE_OK;
}

int lie_datasetns_read(lie_datasetns ds, int index, double *u, double *vx, double *vy, double *t, double *x,
                       double *y) {
  LIE_CHECK(index >= 0 && index < ds->s.n, LIE_ERR_ARG, "%s:/%s: trajectory %d out of range [0, %d)", ds->s.path,
            ds->s.mode, index, ds->s.n);
  double *dst[NS_NDSET] = {u, vx, vy, t, x, y};
  size_t len[NS_NDSET] = {(size_t)ds->nt * ds->nx * ds->ny,
                          (size_t)ds->nt * ds->nx * ds->ny,
                          (size_t)ds->nt * ds->nx * ds->ny,
                          (size_t)ds->nt,
                          (size_t)ds->nx,
                          (size_t)ds->ny};
  for (int c = 0; c < NS_NDSET; c++) {
    if (!dst[c]) continue;
    LIE_CALL(lie_h5_rows_read(ds->d[c], H5T_NATIVE_DOUBLE, (hsize_t)index, 1, len[c], dst[c]));
    LIE_CHECK(lie_all_finite(dst[c], len[c]), LIE_ERR_FORMAT,
              "%s:/%s: trajectory %d has NaN/Inf values in '%s' (a failed solve? check its success flag)", ds->s.path,
              ds->s.mode, index, ns_dset[c]);
  }
  return LIE_OK;
}

int lie_datasetns_read_param(lie_datasetns ds, const char *name, double *values, int *found) {
  LIE_CALL(lie_h5_split_param(&ds->s, name, values, found));
  return LIE_OK;
}

const char *lie_datasetns_mode(lie_datasetns ds) { return ds->s.mode; }
hid_t lie_datasetns_file(lie_datasetns ds) { return ds->s.file; }

int lie_datasetns_close(lie_datasetns *dsp) {
  lie_datasetns ds = *dsp;
  if (!ds) return LIE_OK;
  int err = lie_h5_split_close(&ds->s, ds->d, NS_NDSET);
  LIE_FREE(*dsp);
  LIE_CALL(err);
  return LIE_OK;
}

/* NS when the root attribute says so, else when /<mode> (or the first split) holds vx and a
 * rank-4 u: PDEArena's own files carry no attribute. */
int lie_dataset_is_ns(lie_ctx ctx, const char *path, const char *mode, int *is_ns) {
  static const char *modes[] = {"train", "valid", "test"};
  hid_t f;
  char name[32] = "";
  int err = LIE_OK;
  *is_ns = 0;
  LIE_CALL(lie_h5_open(ctx, path, &f));
  if (H5Aexists(f, "pde") > 0) LIE_CALL_GOTO(lie_h5_attr_get_string(f, "pde", name, sizeof name));
  if (name[0]) {
    *is_ns = !strcmp(name, "ns");
  } else {
    const char *m = mode && mode[0] ? mode : NULL;
    for (int i = 0; i < 3 && !m; i++)
      if (lie_h5_exists(f, modes[i])) m = modes[i];
    if (m && lie_h5_exists(f, m)) {
      hid_t g = H5Gopen2(f, m, H5P_DEFAULT);
      hsize_t dims[8];
      int rank = 0;
      if (g >= 0 && lie_h5_exists(g, "vx") && lie_h5_exists(g, "u") && !lie_h5_dims(g, "u", &rank, dims))
        *is_ns = rank == 4;
      if (g >= 0) H5Gclose(g);
    }
  }
done:
  lie_h5_close(&f);
  return err;
}
