/* Thin, checked wrappers over parallel HDF5 used by every file liereg writes or reads. */
#include "liereg/io.h"

#include <petscsys.h>
#include <string.h>
#include <time.h>

/* HDF5 prints its own error stack by default; we report errors ourselves, once. */
static void quiet_hdf5(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

static int mpio_fapl(lie_ctx ctx, hid_t *fapl) {
  LIE_H5(*fapl = H5Pcreate(H5P_FILE_ACCESS));
  LIE_H5(H5Pset_fapl_mpio(*fapl, lie_ctx_comm(ctx), MPI_INFO_NULL));
  return LIE_OK;
}

int lie_h5_create(lie_ctx ctx, const char *path, hid_t *file) {
  hid_t fapl;
  quiet_hdf5();
  LIE_CALL(mpio_fapl(ctx, &fapl));
  *file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  LIE_CHECK(*file >= 0, LIE_ERR_IO, "cannot create %s (check the directory exists and is writable)", path);
  return LIE_OK;
}

static int check_readable_hdf5(const char *path) {
  FILE *f = fopen(path, "rb");
  LIE_CHECK(f, LIE_ERR_IO, "cannot open %s: no such file or not readable", path);
  fclose(f);
  LIE_CHECK(H5Fis_hdf5(path) > 0, LIE_ERR_FORMAT, "%s is not a valid HDF5 file (truncated or corrupt?)", path);
  return LIE_OK;
}

int lie_h5_open(lie_ctx ctx, const char *path, hid_t *file) {
  hid_t fapl;
  quiet_hdf5();
  *file = -1;
  /* The path may name another file (or none) on another node: agree before the collective open. */
  LIE_CALL(lie_ctx_agree(ctx, check_readable_hdf5(path)));
  LIE_CALL(mpio_fapl(ctx, &fapl));
  *file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  LIE_CHECK(*file >= 0, LIE_ERR_FORMAT, "%s is not a valid HDF5 file (truncated or corrupt?)", path);
  return LIE_OK;
}

int lie_h5_close(hid_t *file) {
  if (*file < 0) return LIE_OK;
  herr_t e = H5Fclose(*file);
  *file = -1;
  LIE_CHECK(e >= 0, LIE_ERR_HDF5, "closing an HDF5 file failed (disk full?)");
  return LIE_OK;
}

int lie_h5_dataset_create(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, hid_t *dset) {
  hid_t space, dcpl;
  hsize_t chunk[8], rowbytes = H5Tget_size(type);
  LIE_CHECK(rank >= 1 && rank <= 8, LIE_ERR_ARG, "dataset %s: rank %d out of range", name, rank);
  chunk[0] = 1;
  for (int i = 1; i < rank; i++) {
    chunk[i] = dims[i];
    rowbytes *= dims[i];
  }
  LIE_H5(space = H5Screate_simple(rank, dims, NULL));
  LIE_H5(dcpl = H5Pcreate(H5P_DATASET_CREATE));
  /* One trajectory per chunk (readers fetch whole trajectories); tiny per-trajectory
   * scalars stay contiguous. */
  if (rowbytes >= 4096 && dims[0] > 0) LIE_H5(H5Pset_chunk(dcpl, rank, chunk));
  LIE_H5(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER));
  *dset = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Pclose(dcpl);
  H5Sclose(space);
  LIE_CHECK(*dset >= 0, LIE_ERR_HDF5, "cannot create dataset %s", name);
  return LIE_OK;
}

/* File and memory dataspaces selecting `count` rows spaced by `stride` from `start`. */
static int row_spaces(hid_t dset, hsize_t start, hsize_t stride, hsize_t count, hid_t *fspace, hid_t *mspace) {
  hsize_t dims[8], off[8] = {0}, str[8], cnt[8], blk[8], mdims[8];
  int rank;
  LIE_H5(*fspace = H5Dget_space(dset));
  LIE_H5(rank = H5Sget_simple_extent_dims(*fspace, dims, NULL));
  for (int i = 0; i < rank; i++) {
    str[i] = 1;
    cnt[i] = 1;
    blk[i] = dims[i];
    mdims[i] = dims[i];
  }
  off[0] = start;
  str[0] = stride ? stride : 1;
  cnt[0] = count;
  blk[0] = 1;
  mdims[0] = count ? count : 1;
  LIE_H5(*mspace = H5Screate_simple(rank, mdims, NULL));
  if (count == 0) {
    LIE_H5(H5Sselect_none(*fspace));
    LIE_H5(H5Sselect_none(*mspace));
  } else {
    LIE_CHECK(start + (count - 1) * str[0] < dims[0], LIE_ERR_ARG, "rows %llu.. beyond dataset extent %llu",
              (unsigned long long)start, (unsigned long long)dims[0]);
    LIE_H5(H5Sselect_hyperslab(*fspace, H5S_SELECT_SET, off, str, cnt, blk));
  }
  return LIE_OK;
}

int lie_h5_rows_write(hid_t dset, hid_t memtype, hsize_t start, hsize_t stride, hsize_t count, const void *buf) {
  hid_t fspace, mspace, dxpl;
  LIE_CALL(row_spaces(dset, start, stride, count, &fspace, &mspace));
  LIE_H5(dxpl = H5Pcreate(H5P_DATASET_XFER));
  LIE_H5(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE));
  herr_t e = H5Dwrite(dset, memtype, mspace, fspace, dxpl, buf);
  H5Pclose(dxpl);
  H5Sclose(mspace);
  H5Sclose(fspace);
  LIE_CHECK(e >= 0, LIE_ERR_HDF5, "collective write failed (disk full?)");
  return LIE_OK;
}

int lie_h5_rows_read(hid_t dset, hid_t memtype, hsize_t start, hsize_t count, void *buf) {
  hid_t fspace, mspace;
  LIE_CALL(row_spaces(dset, start, 1, count, &fspace, &mspace));
  herr_t e = H5Dread(dset, memtype, mspace, fspace, H5P_DEFAULT, buf);
  H5Sclose(mspace);
  H5Sclose(fspace);
  LIE_CHECK(e >= 0, LIE_ERR_FORMAT, "reading rows %llu..%llu failed (truncated file?)", (unsigned long long)start,
            (unsigned long long)(start + count));
  return LIE_OK;
}

int lie_h5_exists(hid_t loc, const char *name) { return H5Lexists(loc, name, H5P_DEFAULT) > 0; }

int lie_h5_pick_mode(hid_t file, const char *path, const char *mode, char *out, size_t n) {
  static const char *modes[] = {"train", "valid", "test"};
  if (mode) {
    LIE_CHECK(lie_h5_exists(file, mode), LIE_ERR_USAGE, "%s has no group '/%s'", path, mode);
    snprintf(out, n, "%s", mode);
    return LIE_OK;
  }
  for (int i = 0; i < 3; i++)
    if (lie_h5_exists(file, modes[i])) {
      snprintf(out, n, "%s", modes[i]);
      return LIE_OK;
    }
  LIE_ERROR(LIE_ERR_FORMAT, "%s has no /train, /valid or /test group", path);
}

int lie_h5_param_read(hid_t group, const char *where, const char *name, int n, double *values, int *found) {
  hsize_t dims[8];
  int rank;
  hid_t d;
  *found = lie_h5_exists(group, name);
  if (!*found) return LIE_OK;
  LIE_CALL(lie_h5_dims(group, name, &rank, dims));
  LIE_CHECK(rank == 1 && (int)dims[0] == n, LIE_ERR_FORMAT, "%s/%s: expected shape (%d,)", where, name, n);
  LIE_H5(d = H5Dopen2(group, name, H5P_DEFAULT));
  int err = lie_h5_rows_read(d, H5T_NATIVE_DOUBLE, 0, (hsize_t)n, values);
  H5Dclose(d);
  LIE_CALL(err);
  return LIE_OK;
}

int lie_h5_dims(hid_t loc, const char *name, int *rank, hsize_t dims[8]) {
  hid_t d, s;
  LIE_CHECK(lie_h5_exists(loc, name), LIE_ERR_FORMAT, "dataset '%s' is missing", name);
  LIE_H5(d = H5Dopen2(loc, name, H5P_DEFAULT));
  s = H5Dget_space(d);
  *rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
  if (*rank > 8 || *rank < 0)
    *rank = -1;
  else
    H5Sget_simple_extent_dims(s, dims, NULL);
  H5Sclose(s);
  H5Dclose(d);
  LIE_CHECK(*rank >= 0, LIE_ERR_FORMAT, "dataset '%s' has an unsupported dataspace", name);
  return LIE_OK;
}

static int attr_write(hid_t loc, const char *name, hid_t type, const void *value) {
  hid_t space, attr;
  if (H5Aexists(loc, name) > 0) LIE_H5(H5Adelete(loc, name));
  LIE_H5(space = H5Screate(H5S_SCALAR));
  attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Sclose(space);
  LIE_CHECK(attr >= 0, LIE_ERR_HDF5, "cannot create attribute %s", name);
  herr_t e = H5Awrite(attr, type, value);
  H5Aclose(attr);
  LIE_CHECK(e >= 0, LIE_ERR_HDF5, "cannot write attribute %s", name);
  return LIE_OK;
}

int lie_h5_attr_set_string(hid_t loc, const char *name, const char *value) {
  hid_t type;
  LIE_H5(type = H5Tcopy(H5T_C_S1));
  LIE_H5(H5Tset_size(type, strlen(value) + 1));
  int e = attr_write(loc, name, type, value);
  H5Tclose(type);
  LIE_CALL(e);
  return LIE_OK;
}

int lie_h5_attr_set_int(hid_t loc, const char *name, long value) {
  LIE_CALL(attr_write(loc, name, H5T_NATIVE_LONG, &value));
  return LIE_OK;
}

int lie_h5_attr_set_double(hid_t loc, const char *name, double value) {
  LIE_CALL(attr_write(loc, name, H5T_NATIVE_DOUBLE, &value));
  return LIE_OK;
}

int lie_h5_attr_get_string(hid_t loc, const char *name, char *buf, size_t n) {
  hid_t attr, type, mem;
  LIE_CHECK(H5Aexists(loc, name) > 0, LIE_ERR_FORMAT, "attribute '%s' is missing", name);
  LIE_H5(attr = H5Aopen(loc, name, H5P_DEFAULT));
  type = H5Aget_type(attr);
  int isvar = H5Tis_variable_str(type) > 0;
  mem = H5Tcopy(H5T_C_S1);
  herr_t e;
  if (isvar) {
    char *s = NULL;
    H5Tset_size(mem, H5T_VARIABLE);
    e = H5Aread(attr, mem, &s);
    if (e >= 0 && s) {
      snprintf(buf, n, "%s", s);
      H5free_memory(s);
    }
  } else {
    size_t sz = H5Tget_size(type);
    char *tmp = calloc(sz + 1, 1);
    H5Tset_size(mem, sz + 1);
    e = tmp ? H5Aread(attr, mem, tmp) : -1;
    if (e >= 0) snprintf(buf, n, "%s", tmp);
    free(tmp);
  }
  H5Tclose(mem);
  H5Tclose(type);
  H5Aclose(attr);
  LIE_CHECK(e >= 0, LIE_ERR_FORMAT, "attribute '%s' is not a string", name);
  return LIE_OK;
}

int lie_h5_attr_get_double(hid_t loc, const char *name, double *value) {
  hid_t attr;
  LIE_CHECK(H5Aexists(loc, name) > 0, LIE_ERR_FORMAT, "attribute '%s' is missing", name);
  LIE_H5(attr = H5Aopen(loc, name, H5P_DEFAULT));
  herr_t e = H5Aread(attr, H5T_NATIVE_DOUBLE, value);
  H5Aclose(attr);
  LIE_CHECK(e >= 0, LIE_ERR_FORMAT, "attribute '%s' is not numeric", name);
  return LIE_OK;
}

int lie_h5_stamp(hid_t file, const char *pde) {
  char gen[128], when[64];
  char *opts = NULL;
  time_t now = time(NULL);
  struct tm tm;
  snprintf(gen, sizeof gen, "liereg %s (git %s)", LIE_VERSION_STRING,
#ifdef LIEREG_GIT_HASH
           LIEREG_GIT_HASH
#else
           "unknown"
#endif
  );
  gmtime_r(&now, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  LIE_CALL(lie_h5_attr_set_int(file, "liereg_schema", LIE_SCHEMA_VERSION));
  LIE_CALL(lie_h5_attr_set_string(file, "pde", pde));
  LIE_CALL(lie_h5_attr_set_string(file, "generator", gen));
  LIE_CALL(lie_h5_attr_set_string(file, "created", when));
  LIE_PETSC(PetscOptionsGetAll(NULL, &opts));
  int e = lie_h5_attr_set_string(file, "options", opts ? opts : "");
  PetscFree(opts);
  LIE_CALL(e);
  return LIE_OK;
}
