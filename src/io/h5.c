/* Thin, checked wrappers over parallel HDF5 used by every file liereg writes or reads. */
#define _GNU_SOURCE /* fallocate */
#include "liereg/io.h"

#include <errno.h>
#include <fcntl.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* HDF5 prints its own error stack by default; we report errors ourselves, once. */
static void quiet_hdf5(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

static int mpio_fapl(lie_ctx ctx, hid_t *fapl) {
  LIE_H5(*fapl = H5Pcreate(H5P_FILE_ACCESS));
  LIE_H5(H5Pset_fapl_mpio(*fapl, lie_ctx_comm(ctx), MPI_INFO_NULL));
  return LIE_OK;
}

/* Open MPI 4.1 queries its sharedfp/lockedfile component at every MPI_File_open (so behind
 * H5Fcreate/H5Fopen with the MPI-IO driver), and it sprintf's "NAME.locktest.RANK" into a
 * 256-byte stack buffer: a longer name aborts the process ("buffer overflow detected"). The
 * CLI excludes the component (liereg never uses shared file pointers); when it is not
 * excluded, names that would overflow are refused here with a clear error instead. */
static int lockedfile_active(void) {
#ifdef OPEN_MPI
  const char *v = getenv("OMPI_MCA_sharedfp");
  if (!v || !v[0]) return 1;
  return v[0] == '^' ? strstr(v, "lockedfile") == NULL : strstr(v, "lockedfile") != NULL;
#else
  return 0;
#endif
}

int lie_h5_mpiio_name_max(lie_ctx ctx) {
  int digits = 1;
  for (int r = lie_ctx_size(ctx) - 1; r >= 10; r /= 10)
    digits++;
  return lockedfile_active() ? 256 - (int)strlen(".locktest.") - digits - 1 : 4095;
}

int lie_h5_path_check(lie_ctx ctx, const char *path) {
  int max = lie_h5_mpiio_name_max(ctx);
  LIE_CHECK((int)strlen(path) <= max, LIE_ERR_USAGE,
            "path too long for MPI-IO (%zu characters, Open MPI's sharedfp/lockedfile component allows %d; use a "
            "shorter path or set OMPI_MCA_sharedfp=^lockedfile): %.60s...",
            strlen(path), max, path);
  return LIE_OK;
}

int lie_h5_create(lie_ctx ctx, const char *path, hid_t *file) {
  hid_t fapl;
  quiet_hdf5();
  *file = -1;
  LIE_CALL(lie_h5_path_check(ctx, path));
  LIE_CALL(mpio_fapl(ctx, &fapl));
  *file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  LIE_CHECK(*file >= 0, LIE_ERR_IO, "cannot create %s (check the directory exists and is writable)", path);
  return LIE_OK;
}

static int check_readable_hdf5(lie_ctx ctx, const char *path) {
  LIE_CALL(lie_h5_path_check(ctx, path));
  FILE *f = fopen(path, "rb");
  LIE_CHECK(f, LIE_ERR_IO, "cannot open %s: no such file or not readable", path);
  fclose(f);
  LIE_CHECK(H5Fis_hdf5(path) > 0, LIE_ERR_FORMAT, "%s is not a valid HDF5 file (truncated or corrupt?)", path);
  return LIE_OK;
}

/* ctx NULL: this process alone, through the serial (sec2) driver — no MPI call, so a reader
 * thread may use it while the main thread is in a collective (the pretraining loader). */
static int open_local(const char *path, hid_t *file) {
  hid_t fapl;
  LIE_CHECK(access(path, R_OK) == 0, LIE_ERR_IO, "cannot open %s: no such file or not readable", path);
  LIE_H5(fapl = H5Pcreate(H5P_FILE_ACCESS));
  herr_t e = H5Pset_fapl_sec2(fapl);
  if (e >= 0) *file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  LIE_CHECK(e >= 0 && *file >= 0, LIE_ERR_FORMAT, "%s is not a valid HDF5 file (truncated or corrupt?)", path);
  return LIE_OK;
}

int lie_h5_open(lie_ctx ctx, const char *path, hid_t *file) {
  hid_t fapl;
  quiet_hdf5();
  *file = -1;
  if (!ctx) return open_local(path, file);
  /* The path may name another file (or none) on another node: agree before the collective open. */
  LIE_CALL(lie_ctx_agree(ctx, check_readable_hdf5(ctx, path)));
  LIE_CALL(mpio_fapl(ctx, &fapl));
  *file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  LIE_CHECK(*file >= 0, LIE_ERR_FORMAT, "%s is not a valid HDF5 file (truncated or corrupt?)", path);
  return LIE_OK;
}

/* HDF5 1.10 leaves a file whose H5Fclose failed (disk full while flushing) half-destroyed but
 * still registered, and closes it again when MPI finalizes: a SEGV in PetscFinalize. So a
 * written file is flushed first, while a failure still leaves it intact; if that failed on any
 * rank, the file's contents are lost anyway (its output is removed by lie_output_end), so rank 0
 * truncates it to free its space, and the close, whose flush now fits, succeeds. */
static int any_rank(int bad, MPI_Comm comm) {
  int any = bad;
  if (comm != MPI_COMM_NULL) MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, comm);
  return any;
}

/* The communicator (a duplicate: free it) and this rank in it of a file opened with the MPI-IO
 * driver; MPI_COMM_NULL and rank 0 otherwise. Collective (the duplication). */
static void file_comm(hid_t file, MPI_Comm *comm, int *rank) {
  hid_t fapl = H5Fget_access_plist(file);
  *comm = MPI_COMM_NULL, *rank = 0;
  if (fapl >= 0 && H5Pget_driver(fapl) == H5FD_MPIO && H5Pget_fapl_mpio(fapl, comm, NULL) >= 0)
    MPI_Comm_rank(*comm, rank);
  if (fapl >= 0) H5Pclose(fapl);
}

static int writable(hid_t file) {
  unsigned intent = 0;
  return H5Fget_intent(file, &intent) >= 0 && (intent & H5F_ACC_RDWR);
}

static herr_t add_dataset_bytes(hid_t loc, const char *name, const H5O_info_t *info, void *out) {
  if (info->type != H5O_TYPE_DATASET) return 0;
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
  hid_t s = d >= 0 ? H5Dget_space(d) : -1, t = d >= 0 ? H5Dget_type(d) : -1;
  if (s >= 0 && t >= 0) *(double *)out += (double)H5Sget_simple_extent_npoints(s) * (double)H5Tget_size(t);
  if (t >= 0) H5Tclose(t);
  if (s >= 0) H5Sclose(s);
  if (d >= 0) H5Dclose(d);
  return 0;
}

/* Rank 0 allocates `bytes` for the file without changing its size (blocks beyond the end are
 * released at close); where fallocate is not supported, the free space is compared instead. */
static int reserve_blocks(const char *name, double bytes, char *why, size_t n) {
  int fd = open(name, O_WRONLY);
  if (fd < 0) return snprintf(why, n, "%s", strerror(errno)), 1;
  int r = fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)bytes), eno = errno;
  close(fd);
  if (r == 0) return 0;
  if (eno == EOPNOTSUPP || eno == ENOSYS) {
    struct statvfs v;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", name);
    char *slash = strrchr(dir, '/');
    if (!slash)
      snprintf(dir, sizeof dir, ".");
    else
      *(slash == dir ? slash + 1 : slash) = 0;
    if (statvfs(dir, &v) != 0 || (double)v.f_bavail * v.f_frsize >= bytes) return 0;
    eno = ENOSPC;
  }
  snprintf(why, n, "%s", strerror(eno));
  return 1;
}

int lie_h5_reserve(hid_t file) {
  double bytes = 0;
  MPI_Comm comm;
  int rank, bad = 0;
  char name[4096] = "", why[256] = "";
  LIE_H5(H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, add_dataset_bytes, &bytes, H5O_INFO_BASIC));
  bytes = bytes * 1.03 + (64 << 10); /* metadata: chunk indexes, attributes, heaps */
  file_comm(file, &comm, &rank);
  H5Fget_name(file, name, sizeof name);
  if (rank == 0) bad = reserve_blocks(name, bytes, why, sizeof why);
  bad = any_rank(bad, comm);
  if (comm != MPI_COMM_NULL) MPI_Comm_free(&comm);
  LIE_CHECK(!bad, LIE_ERR_IO, "cannot reserve %.2f MB for %s: %s", bytes / 1048576.0, name,
            why[0] ? why : "no space on rank 0");
  return LIE_OK;
}

/* HDF5 1.10 leaves a file whose H5Fclose failed (disk full while flushing) half-destroyed but
 * still registered, and closes it again when MPI finalizes: a SEGV in PetscFinalize. Outputs
 * reserve their space first (lie_h5_reserve), so writes do not fail for want of space; a written
 * file is also flushed before the close, while a failure still leaves it intact, and if that
 * failed, its contents are lost anyway (the output is removed by lie_output_end): the file is
 * truncated to free its space so that the close, whose flush now fits, succeeds. (With several
 * ranks parallel HDF5's metadata cache may differ between ranks after a failed flush, so this
 * last resort is for one rank; the reservation is what protects parallel writes.) */
/* A file whose flush failed (POSIX, or MPI-IO on one rank): it is pointed at an anonymous memory file,
 * so that the close writes there and succeeds; the file on disk is removed by its output. */
static int discard_file(hid_t file) {
  hid_t fapl = H5Fget_access_plist(file);
  hid_t driver = fapl >= 0 ? H5Pget_driver(fapl) : -1;
  if (fapl >= 0) H5Pclose(fapl);
  void *h = NULL;
  if ((driver != H5FD_SEC2 && driver != H5FD_MPIO) || H5Fget_vfd_handle(file, H5P_DEFAULT, &h) < 0 || !h) return 0;
  int mem = memfd_create("liereg-discarded", 0);
  if (mem < 0) return 0;
  int ok;
  if (driver == H5FD_SEC2) {
    ok = dup2(mem, *(int *)h) >= 0;
  } else { /* one rank: the driver's MPI file is replaced by one on the memory file */
    char name[64];
    MPI_File fresh;
    snprintf(name, sizeof name, "/proc/self/fd/%d", mem);
    ok = MPI_File_open(MPI_COMM_SELF, name, MPI_MODE_RDWR, MPI_INFO_NULL, &fresh) == MPI_SUCCESS;
    if (ok) {
      MPI_File_close((MPI_File *)h);
      *(MPI_File *)h = fresh;
    }
  }
  close(mem);
  return ok;
}

static int flush_or_discard(hid_t file, MPI_Comm comm, int rank, const char *name) {
  int any = any_rank(H5Fflush(file, H5F_SCOPE_GLOBAL) < 0, comm);
  if (any && comm == MPI_COMM_NULL && discard_file(file)) {
    H5Fflush(file, H5F_SCOPE_GLOBAL);
  } else if (any && comm == MPI_COMM_NULL) {
    if (truncate(name, 0) != 0) {
      /* nothing could be freed: the flush below fails again */
    }
    H5Fflush(file, H5F_SCOPE_GLOBAL);
  }
  LIE_CHECK(!any, LIE_ERR_IO, "writing %s failed (disk full?)", name);
  return LIE_OK;
}

int lie_h5_close(hid_t *file) {
  if (*file < 0) return LIE_OK;
  if (!writable(*file)) {
    herr_t e = H5Fclose(*file);
    *file = -1;
    LIE_CHECK(e >= 0, LIE_ERR_HDF5, "closing an HDF5 file failed");
    return LIE_OK;
  }
  MPI_Comm comm;
  int rank, size = 1;
  char name[4096] = "";
  H5Fget_name(*file, name, sizeof name);
  file_comm(*file, &comm, &rank);
  if (comm != MPI_COMM_NULL) MPI_Comm_size(comm, &size);
  int ferr = flush_or_discard(*file, size > 1 ? comm : MPI_COMM_NULL, rank, name);
  herr_t e = H5Fclose(*file);
  *file = -1;
  struct stat st;
  /* release the blocks reserved beyond the end of the file */
  if (e >= 0 && rank == 0 && stat(name, &st) == 0 && truncate(name, st.st_size) != 0) e = -1;
  if (comm != MPI_COMM_NULL) MPI_Comm_free(&comm);
  LIE_CALL(ferr);
  LIE_CHECK(e >= 0, LIE_ERR_HDF5, "closing %s failed (disk full?)", name);
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
static int row_spaces(hid_t dset, hsize_t start, hsize_t stride, hsize_t count, hid_t *fspace, hid_t *mspace,
                      size_t *row) {
  hsize_t dims[8], off[8] = {0}, str[8], cnt[8], blk[8], mdims[8];
  int rank;
  LIE_H5(*fspace = H5Dget_space(dset));
  rank = H5Sget_simple_extent_ndims(*fspace);
  if (rank < 1 || rank > 8) {
    H5Sclose(*fspace);
    LIE_ERROR(LIE_ERR_FORMAT, "a dataset of rank %d has no rows", rank);
  }
  LIE_H5(H5Sget_simple_extent_dims(*fspace, dims, NULL));
  *row = 1;
  for (int i = 1; i < rank; i++)
    *row *= (size_t)dims[i];
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
  size_t row;
  LIE_CALL(row_spaces(dset, start, stride, count, &fspace, &mspace, &row));
  (void)row; /* writes take their row length from the dataset the writer created */
  LIE_H5(dxpl = H5Pcreate(H5P_DATASET_XFER));
  LIE_H5(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE));
  herr_t e = H5Dwrite(dset, memtype, mspace, fspace, dxpl, buf);
  H5Pclose(dxpl);
  H5Sclose(mspace);
  H5Sclose(fspace);
  LIE_CHECK(e >= 0, LIE_ERR_HDF5, "collective write failed (disk full?)");
  return LIE_OK;
}

/* "FILE:/group/name" of an open object, for messages. */
void lie_h5_where(hid_t obj, char *buf, size_t n) {
  char file[1024] = "?", name[512] = "?";
  H5Fget_name(obj, file, sizeof file);
  H5Iget_name(obj, name, sizeof name);
  snprintf(buf, n, "%s:%s", file, name);
}

int lie_h5_rows_read(hid_t dset, hid_t memtype, hsize_t start, hsize_t count, size_t row_elems, void *buf) {
  hid_t fspace, mspace;
  size_t row;
  char where[1600];
  LIE_CALL(row_spaces(dset, start, 1, count, &fspace, &mspace, &row));
  if (row != row_elems) {
    H5Sclose(mspace);
    H5Sclose(fspace);
    lie_h5_where(dset, where, sizeof where);
    LIE_ERROR(LIE_ERR_FORMAT, "%s: rows of %zu values, expected %zu (wrong shape)", where, row, row_elems);
  }
  herr_t e = H5Dread(dset, memtype, mspace, fspace, H5P_DEFAULT, buf);
  H5Sclose(mspace);
  H5Sclose(fspace);
  if (e < 0) {
    lie_h5_where(dset, where, sizeof where);
    LIE_ERROR(LIE_ERR_FORMAT, "%s: reading rows %llu..%llu failed (truncated file or unconvertible type?)", where,
              (unsigned long long)start, (unsigned long long)(start + count));
  }
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
  int err = lie_h5_rows_read(d, H5T_NATIVE_DOUBLE, 0, (hsize_t)n, 1, values);
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

/* An attribute holds one value (scalar or a single element) of the expected type class: a read
 * into one value must never write more (an array attribute would overrun the caller's memory). */
static int attr_single(hid_t attr, const char *name, H5T_class_t want) {
  hid_t s = H5Aget_space(attr), t = H5Aget_type(attr);
  hssize_t npts = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
  H5T_class_t cls = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
  if (s >= 0) H5Sclose(s);
  if (t >= 0) H5Tclose(t);
  int ok_class = want == H5T_STRING ? cls == H5T_STRING : cls == H5T_INTEGER || cls == H5T_FLOAT;
  LIE_CHECK(npts == 1 && ok_class, LIE_ERR_FORMAT, "attribute '%s' must be one %s (has %lld values of another kind)",
            name, want == H5T_STRING ? "string" : "number", (long long)npts);
  return LIE_OK;
}

int lie_h5_attr_get_string(hid_t loc, const char *name, char *buf, size_t n) {
  hid_t attr, type, mem;
  LIE_CHECK(H5Aexists(loc, name) > 0, LIE_ERR_FORMAT, "attribute '%s' is missing", name);
  LIE_H5(attr = H5Aopen(loc, name, H5P_DEFAULT));
  int err = attr_single(attr, name, H5T_STRING);
  if (err) H5Aclose(attr);
  LIE_CALL(err);
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
  int err = attr_single(attr, name, H5T_FLOAT);
  if (err) H5Aclose(attr);
  LIE_CALL(err);
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

int lie_h5_readable_all(lie_ctx ctx, const char *path, int *all) {
  int mine = path && path[0] && access(path, R_OK) == 0;
  *all = mine;
  if (ctx) LIE_MPI(MPI_Allreduce(&mine, all, 1, MPI_INT, MPI_MIN, lie_ctx_comm(ctx)));
  return LIE_OK;
}

int lie_h5_file_pde(lie_ctx ctx, const char *path, char *pde, size_t n) {
  hid_t f;
  pde[0] = 0;
  LIE_CALL(lie_h5_open(ctx, path, &f));
  if (H5Aexists(f, "pde") > 0 && lie_h5_attr_get_string(f, "pde", pde, n)) pde[0] = 0;
  lie_h5_close(&f);
  lie_error_clear();
  return LIE_OK;
}
