/* Embedding files (layout in docs/EVAL.md): per split, the frozen-encoder representations
 * `emb` (N, D) float32 next to copies of the data file's per-trajectory parameter datasets, so
 * that a probe needs only this file and labels can never be paired with the wrong rows. */
#include "liereg/io.h"

#include <stdio.h>
#include <stdlib.h>

/* Per-trajectory datasets carried over from the data file when present. */
static const char *carried[] = {"nu", "buo_y", "L", "T", "ic_amp", "ic_phase", "ic_l", "seed", "success", NULL};

/* Reads the whole dataset `in` (leading axis dims[0]) into buf on rank 0; nothing on the others. */
static int read_rank0(lie_ctx ctx, hid_t in, hid_t mtype, int rank, const hsize_t *dims, void *buf) {
  size_t row = 1;
  LIE_CHECK(buf, LIE_ERR_MEM, "out of memory");
  for (int i = 1; i < rank; i++)
    row *= (size_t)dims[i];
  if (lie_ctx_rank(ctx) == 0) LIE_CALL(lie_h5_rows_read(in, mtype, 0, dims[0], row, buf));
  return LIE_OK;
}

/* Copies src/<name> (leading axis n) to dst/<name>: every rank calls (collective create and
 * write); rank 0 reads and writes the rows, the others write an empty selection. */
static int copy_dataset(lie_ctx ctx, hid_t src, hid_t dst, const char *where, const char *name, int n) {
  int rank, me = lie_ctx_rank(ctx), rerr, any = 0, err = LIE_OK;
  hsize_t dims[8];
  hid_t in, ftype, mtype, out = -1;
  size_t bytes;
  void *buf;
  LIE_CALL(lie_h5_dims(src, name, &rank, dims));
  LIE_CHECK(rank >= 1 && (int)dims[0] == n, LIE_ERR_FORMAT,
            "%s/%s has %llu rows but the embedding has %d (count mismatch)", where, name, (unsigned long long)dims[0],
            n);
  LIE_H5(in = H5Dopen2(src, name, H5P_DEFAULT));
  ftype = H5Dget_type(in);
  mtype = ftype >= 0 ? H5Tget_native_type(ftype, H5T_DIR_ASCEND) : -1;
  bytes = mtype >= 0 ? H5Tget_size(mtype) : 0;
  for (int i = 0; i < rank; i++)
    bytes *= dims[i];
  buf = bytes ? malloc(bytes) : NULL;
  rerr = read_rank0(ctx, in, mtype, rank, dims, buf);
  /* creation and write are collective: all ranks learn whether rank 0's read worked first */
  LIE_MPI_GOTO(MPI_Allreduce(&rerr, &any, 1, MPI_INT, MPI_MAX, lie_ctx_comm(ctx)));
  LIE_CALL_GOTO(rerr);
  LIE_CHECK_GOTO(!any, any, "reading %s/%s failed on rank 0", where, name);
  LIE_CALL_GOTO(lie_h5_dataset_create(dst, name, ftype, rank, dims, &out));
  LIE_CALL_GOTO(lie_h5_rows_write(out, mtype, 0, 1, me == 0 ? dims[0] : 0, buf));
done:
  free(buf);
  if (out >= 0) H5Dclose(out);
  if (mtype >= 0) H5Tclose(mtype);
  if (ftype >= 0) H5Tclose(ftype);
  H5Dclose(in);
  return err;
}

int lie_emb_group_create(lie_ctx ctx, hid_t file, const char *data_path, const char *mode, int n, int d, hid_t *emb) {
  char where[600];
  hsize_t dims[2] = {(hsize_t)n, (hsize_t)d};
  hid_t data = -1, src = -1, dst = -1;
  int err = LIE_OK;
  *emb = -1;
  LIE_CHECK(n >= 1 && d >= 1, LIE_ERR_ARG, "embedding file: bad shape (%d, %d)", n, d);
  snprintf(where, sizeof where, "%s:/%s", data_path, mode);
  LIE_CALL(lie_h5_open(ctx, data_path, &data));
  LIE_CHECK_GOTO(lie_h5_exists(data, mode), LIE_ERR_FORMAT, "%s has no group /%s", data_path, mode);
  src = H5Gopen2(data, mode, H5P_DEFAULT);
  LIE_CHECK_GOTO(src >= 0, LIE_ERR_HDF5, "%s: /%s is not a group", data_path, mode);
  dst = H5Gcreate2(file, mode, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  LIE_CHECK_GOTO(dst >= 0, LIE_ERR_HDF5, "cannot create group /%s (exists?)", mode);
  for (int k = 0; carried[k]; k++)
    if (lie_h5_exists(src, carried[k])) LIE_CALL_GOTO(copy_dataset(ctx, src, dst, where, carried[k], n));
  LIE_CALL_GOTO(lie_h5_dataset_create(dst, "emb", H5T_IEEE_F32LE, 2, dims, emb));
  LIE_CALL_GOTO(lie_h5_attr_set_string(*emb, "axes", "traj,feature"));
  LIE_CALL_GOTO(lie_h5_attr_set_string(*emb, "description", "frozen-encoder representation of each trajectory"));
  LIE_CALL_GOTO(lie_h5_attr_set_string(dst, "source", data_path));
done:
  if (err && *emb >= 0) H5Dclose(*emb), *emb = -1;
  if (dst >= 0) H5Gclose(dst);
  if (src >= 0) H5Gclose(src);
  lie_h5_close(&data);
  return err;
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
  if (lie_h5_exists(f, mode)) g = H5Gopen2(f, mode, H5P_DEFAULT);
  LIE_CHECK_GOTO(g >= 0 && lie_h5_exists(g, "emb"), LIE_ERR_FORMAT, "%s does not exist (an embedding file?)", where);
  LIE_CALL_GOTO(lie_h5_dims(g, "emb", &rank, dims));
  LIE_CHECK_GOTO(rank == 2 && dims[0] >= 1 && dims[1] >= 1, LIE_ERR_FORMAT, "%s must be (N, D), has rank %d", where,
                 rank);
  *z = malloc(sizeof(float) * dims[0] * dims[1]);
  LIE_CHECK_GOTO(*z, LIE_ERR_MEM, "out of memory reading %s", where);
  ds = H5Dopen2(g, "emb", H5P_DEFAULT);
  LIE_CHECK_GOTO(ds >= 0, LIE_ERR_HDF5, "cannot open %s", where);
  LIE_CHECK_GOTO(H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, *z) >= 0, LIE_ERR_HDF5, "cannot read %s",
                 where);
  *n = (int)dims[0], *d = (int)dims[1];
done:
  if (ds >= 0) H5Dclose(ds);
  if (g >= 0) H5Gclose(g);
  H5Fclose(f);
  if (err) free(*z), *z = NULL;
  return err;
}
