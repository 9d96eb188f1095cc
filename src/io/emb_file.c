/* Embedding files (layout in docs/EVAL.md): per split, the frozen-encoder representations
 * `emb` (N, D) float32 next to copies of the data file's per-trajectory parameter datasets, so
 * that a probe needs only this file and labels can never be paired with the wrong rows. */
#include "liereg/io.h"

#include <stdio.h>
#include <stdlib.h>

/* Per-trajectory datasets carried over from the data file when present. */
static const char *carried[] = {"nu", "buo_y", "L", "T", "ic_amp", "ic_phase", "ic_l", "seed", "success", NULL};

/* Copies src/<name> (leading axis n) to dst/<name>: every rank calls (collective create and
 * write); rank 0 reads and writes the rows, the others write an empty selection. */
static int copy_dataset(lie_ctx ctx, hid_t src, hid_t dst, const char *where, const char *name, int n) {
  int rank;
  hsize_t dims[8];
  LIE_CALL(lie_h5_dims(src, name, &rank, dims));
  LIE_CHECK(rank >= 1 && (int)dims[0] == n, LIE_ERR_FORMAT,
            "%s/%s has %llu rows but the embedding has %d (count mismatch)", where, name, (unsigned long long)dims[0],
            n);
  hid_t in, ftype, mtype, out = -1;
  LIE_H5(in = H5Dopen2(src, name, H5P_DEFAULT));
  ftype = H5Dget_type(in);
  mtype = ftype >= 0 ? H5Tget_native_type(ftype, H5T_DIR_ASCEND) : -1;
  size_t bytes = mtype >= 0 ? H5Tget_size(mtype) : 0;
  for (int i = 0; i < rank; i++)
    bytes *= dims[i];
  void *buf = bytes ? malloc(bytes) : NULL;
  int me = lie_ctx_rank(ctx), err = buf ? LIE_OK : LIE_ERR_MEM, any = 0;
  size_t row = 1;
  for (int i = 1; i < rank; i++)
    row *= (size_t)dims[i];
  if (!err && me == 0) err = lie_h5_rows_read(in, mtype, 0, dims[0], row, buf);
  /* creation and write are collective: all ranks learn whether rank 0's read worked first */
  int e2 = MPI_Allreduce(&err, &any, 1, MPI_INT, MPI_MAX, lie_ctx_comm(ctx));
  if (e2 == MPI_SUCCESS && !any) {
    err = lie_h5_dataset_create(dst, name, ftype, rank, dims, &out);
    if (!err) err = lie_h5_rows_write(out, mtype, 0, 1, me == 0 ? dims[0] : 0, buf);
  }
  free(buf);
  if (out >= 0) H5Dclose(out);
  if (mtype >= 0) H5Tclose(mtype);
  if (ftype >= 0) H5Tclose(ftype);
  H5Dclose(in);
  LIE_MPI(e2);
  LIE_CHECK(!any || err, any, "reading %s/%s failed on rank 0", where, name);
  LIE_CALL(err);
  return LIE_OK;
}

int lie_emb_group_create(lie_ctx ctx, hid_t file, const char *data_path, const char *mode, int n, int d, hid_t *emb) {
  char where[600];
  hid_t data = -1, src = -1, dst = -1;
  int err = LIE_OK;
  *emb = -1;
  LIE_CHECK(n >= 1 && d >= 1, LIE_ERR_ARG, "embedding file: bad shape (%d, %d)", n, d);
  snprintf(where, sizeof where, "%s:/%s", data_path, mode);
  LIE_CALL(lie_h5_open(ctx, data_path, &data));
  if (!lie_h5_exists(data, mode))
    err = lie_error_set(LIE_ERR_FORMAT, __FILE__, __LINE__, __func__, "%s has no group /%s", data_path, mode);
  if (!err && (src = H5Gopen2(data, mode, H5P_DEFAULT)) < 0) err = LIE_ERR_HDF5;
  if (!err && (dst = H5Gcreate2(file, mode, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0)
    err = lie_error_set(LIE_ERR_HDF5, __FILE__, __LINE__, __func__, "cannot create group /%s (exists?)", mode);
  for (int k = 0; !err && carried[k]; k++)
    if (lie_h5_exists(src, carried[k])) err = copy_dataset(ctx, src, dst, where, carried[k], n);
  if (!err) {
    hsize_t dims[2] = {(hsize_t)n, (hsize_t)d};
    err = lie_h5_dataset_create(dst, "emb", H5T_IEEE_F32LE, 2, dims, emb);
  }
  if (!err) err = lie_h5_attr_set_string(*emb, "axes", "traj,feature");
  if (!err) err = lie_h5_attr_set_string(*emb, "description", "frozen-encoder representation of each trajectory");
  if (!err) err = lie_h5_attr_set_string(dst, "source", data_path);
  if (err && *emb >= 0) H5Dclose(*emb), *emb = -1;
  if (dst >= 0) H5Gclose(dst);
  if (src >= 0) H5Gclose(src);
  lie_h5_close(&data);
  LIE_CALL(err);
  return LIE_OK;
}

/* Serial read of one split's representations (the inference API's reader, liereg/infer.h). */
int lie_emb_read(const char *path, const char *mode, int *n, int *d, float **z) {
  char where[4200];
  int rank;
  hsize_t dims[8];
  LIE_CHECK(path && mode && n && d && z, LIE_ERR_ARG, "lie_emb_read: NULL argument");
  *z = NULL;
  snprintf(where, sizeof where, "%s:/%s/emb", path, mode);
  hid_t f;
  H5E_BEGIN_TRY { f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  LIE_CHECK(f >= 0, LIE_ERR_IO, "cannot open the embedding file %s", path);
  hid_t g = -1, ds = -1;
  int err = LIE_OK;
  if (!lie_h5_exists(f, mode) || (g = H5Gopen2(f, mode, H5P_DEFAULT)) < 0 || !lie_h5_exists(g, "emb"))
    err = lie_error_set(LIE_ERR_FORMAT, __FILE__, __LINE__, __func__, "%s does not exist (an embedding file?)", where);
  if (!err) err = lie_h5_dims(g, "emb", &rank, dims);
  if (!err && (rank != 2 || dims[0] < 1 || dims[1] < 1))
    err = lie_error_set(LIE_ERR_FORMAT, __FILE__, __LINE__, __func__, "%s must be (N, D), has rank %d", where, rank);
  if (!err && !(*z = malloc(sizeof(float) * dims[0] * dims[1])))
    err = lie_error_set(LIE_ERR_MEM, __FILE__, __LINE__, __func__, "out of memory reading %s", where);
  if (!err && (ds = H5Dopen2(g, "emb", H5P_DEFAULT)) < 0)
    err = lie_error_set(LIE_ERR_HDF5, __FILE__, __LINE__, __func__, "cannot open %s", where);
  if (!err && H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, *z) < 0)
    err = lie_error_set(LIE_ERR_HDF5, __FILE__, __LINE__, __func__, "cannot read %s", where);
  if (ds >= 0) H5Dclose(ds);
  if (g >= 0) H5Gclose(g);
  H5Fclose(f);
  if (err) {
    free(*z), *z = NULL;
    LIE_CALL(err);
  }
  *n = (int)dims[0], *d = (int)dims[1];
  return LIE_OK;
}
