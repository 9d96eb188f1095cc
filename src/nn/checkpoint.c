/* HDF5 checkpoints laid out as a PyTorch state_dict: one dataset per entry at its dotted
 * name below a group per module ("encoder/layer1.0.conv1.weight"), in PyTorch's shapes, so
 * that a few lines of h5py + torch load them into torchvision's resnet18 (docs/NN.md). */
#include "liereg/io.h"
#include "nn_impl.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void join(char *dst, size_t n, const char *root, const char *name) {
  while (root && *root == '/')
    root++;
  if (!root || !*root)
    snprintf(dst, n, "%s", name);
  else
    snprintf(dst, n, "%s%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/", name);
}

static float *state_ptr(lie_nn_net net, int i, int which, float *const *mom) {
  const lie_nn_tensor_info *in = &net->info[i];
  if (which == LIE_NN_STATE_GRADS) return in->trainable ? net->grads + in->offset : NULL;
  if (mom) return in->trainable ? *mom + in->offset : NULL;
  if (in->trainable) return (which & LIE_NN_STATE_PARAMS) ? net->params + in->offset : NULL;
  return (which & LIE_NN_STATE_BUFFERS) ? net->buffers + in->offset : NULL;
}

static int write_one(hid_t loc, const char *path, const lie_nn_tensor_info *in, const float *src) {
  hsize_t dims[4];
  for (int d = 0; d < in->ndims; d++)
    dims[d] = (hsize_t)in->dims[d];
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  LIE_H5(lcpl);
  LIE_H5(H5Pset_create_intermediate_group(lcpl, 1));
  hid_t space = in->ndims ? H5Screate_simple(in->ndims, dims, NULL) : H5Screate(H5S_SCALAR);
  LIE_H5(space);
  hid_t type = in->is_counter ? H5T_STD_I64LE : H5T_IEEE_F32LE;
  hid_t ds = H5Dcreate2(loc, path, type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Sclose(space);
  H5Pclose(lcpl);
  LIE_CHECK(ds >= 0, LIE_ERR_HDF5, "cannot create dataset %s", path);
  herr_t e;
  if (in->is_counter) {
    long long c = (long long)src[0];
    e = H5Dwrite(ds, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, &c);
  } else {
    e = H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, src);
  }
  H5Dclose(ds);
  LIE_CHECK(e >= 0, LIE_ERR_HDF5, "cannot write dataset %s", path);
  return LIE_OK;
}

/* Reads one entry, checking that it exists and has the expected shape. */
static int read_one(hid_t loc, const char *path, const lie_nn_tensor_info *in, float *dst) {
  hid_t ds;
  H5E_BEGIN_TRY { ds = H5Dopen2(loc, path, H5P_DEFAULT); }
  H5E_END_TRY;
  LIE_CHECK(ds >= 0, LIE_ERR_FORMAT, "checkpoint has no tensor '%s'", path);
  hid_t space = H5Dget_space(ds);
  int nd = H5Sget_simple_extent_ndims(space);
  hsize_t dims[8] = {0};
  if (nd > 0 && nd <= 8) H5Sget_simple_extent_dims(space, dims, NULL);
  H5Sclose(space);
  int ok = nd == in->ndims;
  for (int d = 0; ok && d < nd; d++)
    ok = dims[d] == (hsize_t)in->dims[d];
  if (!ok) {
    char got[96] = "", want[96] = "";
    for (int d = 0; d < nd && d < 8; d++)
      snprintf(got + strlen(got), sizeof got - strlen(got), "%s%llu", d ? "x" : "", (unsigned long long)dims[d]);
    for (int d = 0; d < in->ndims; d++)
      snprintf(want + strlen(want), sizeof want - strlen(want), "%s%d", d ? "x" : "", in->dims[d]);
    H5Dclose(ds);
    LIE_ERROR(LIE_ERR_FORMAT, "checkpoint tensor '%s' has shape [%s], the network expects [%s]", path, got, want);
  }
  herr_t e;
  if (in->is_counter) {
    long long c = 0;
    e = H5Dread(ds, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, &c);
    dst[0] = (float)c;
  } else {
    e = H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst);
  }
  H5Dclose(ds);
  LIE_CHECK(e >= 0, LIE_ERR_HDF5, "cannot read checkpoint tensor '%s'", path);
  return LIE_OK;
}

static int state_io(lie_nn_net net, int64_t loc, const char *root, int which, float *const *mom, int write) {
  LIE_CHECK(net->is_setup, LIE_ERR_STATE, "network must be set up");
  char path[256];
  for (int i = 0; i < net->ni; i++) {
    float *p = state_ptr(net, i, which, mom);
    if (!p) continue;
    join(path, sizeof path, root, net->info[i].name);
    if (write)
      LIE_CALL(write_one((hid_t)loc, path, &net->info[i], p));
    else
      LIE_CALL(read_one((hid_t)loc, path, &net->info[i], p));
  }
  return LIE_OK;
}

int lie_nn_state_write(lie_nn_net net, int64_t loc, const char *root, int which) {
  LIE_CALL(state_io(net, loc, root, which, NULL, 1));
  return LIE_OK;
}

int lie_nn_state_read(lie_nn_net net, int64_t loc, const char *root, int which) {
  LIE_CALL(state_io(net, loc, root, which, NULL, 0));
  return LIE_OK;
}

/* The optimizer's first and second moments (PyTorch's exp_avg, exp_avg_sq), written or read. */
static int moments_io(lie_nn_net net, lie_nn_adamw opt, hid_t f, int write) {
  float *v, *m = lie_nn_adamw_moments(opt, &v, NULL);
  LIE_CALL(state_io(net, f, "optimizer/exp_avg", LIE_NN_STATE_PARAMS, &m, write));
  LIE_CALL(state_io(net, f, "optimizer/exp_avg_sq", LIE_NN_STATE_PARAMS, &v, write));
  return LIE_OK;
}

static int write_file(lie_nn_net net, lie_nn_adamw opt, hid_t f) {
  LIE_CALL(lie_nn_state_write(net, f, "", LIE_NN_STATE_ALL));
  if (opt) {
    LIE_CALL(moments_io(net, opt, f, 1));
    hid_t g = H5Gopen2(f, "optimizer", H5P_DEFAULT);
    LIE_H5(g);
    long long t = lie_nn_adamw_nsteps(opt);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(g, "step", H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t e = a >= 0 ? H5Awrite(a, H5T_NATIVE_LLONG, &t) : -1;
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    H5Gclose(g);
    LIE_H5(e);
  }
  return LIE_OK;
}

/* Rank 0's part: PATH.tmp, renamed when complete, so a killed run never leaves a partial
 * checkpoint. */
static int save_rank0(lie_nn_net net, lie_nn_adamw opt, const char *path) {
  lie_output o;
  int err = LIE_OK;
  LIE_CALL(lie_output_temp(&o, path));
  hid_t f = H5Fcreate(o.tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  LIE_CHECK_GOTO(f >= 0, LIE_ERR_IO, "cannot create checkpoint %s", o.tmp);
  LIE_CALL_GOTO(write_file(net, opt, f));
  LIE_CALL_GOTO(lie_h5_close(&f)); /* survives a full disk (see h5.c) */
done:
  lie_h5_close(&f);                          /* after an error: f still open */
  return lie_output_end_file(&o, NULL, err); /* renamed, or removed on error */
}

int lie_nn_checkpoint_save(lie_nn_net net, lie_nn_adamw opt, const char *path) {
  int err = lie_ctx_rank(net->ctx) == 0 ? save_rank0(net, opt, path) : LIE_OK, all = 0;
  LIE_MPI(MPI_Allreduce(&err, &all, 1, MPI_INT, MPI_MAX, lie_ctx_comm(net->ctx)));
  LIE_CALL(err);
  LIE_CHECK(!all, LIE_ERR_IO, "checkpoint %s was not written (error on rank 0)", path);
  return LIE_OK;
}

static int read_file(lie_nn_net net, lie_nn_adamw opt, hid_t f) {
  LIE_CALL(lie_nn_state_read(net, f, "", LIE_NN_STATE_ALL));
  if (opt) {
    LIE_CALL(moments_io(net, opt, f, 0));
    long long t = 0;
    hid_t a = H5Aopen_by_name(f, "optimizer", "step", H5P_DEFAULT, H5P_DEFAULT);
    LIE_CHECK(a >= 0, LIE_ERR_FORMAT, "checkpoint has no optimizer step attribute");
    herr_t e = H5Aread(a, H5T_NATIVE_LLONG, &t);
    H5Aclose(a);
    LIE_H5(e);
    LIE_CALL(lie_nn_adamw_set_nsteps(opt, (long)t));
  }
  return LIE_OK;
}

int lie_nn_checkpoint_load(lie_nn_net net, lie_nn_adamw opt, const char *path) {
  hid_t f;
  H5E_BEGIN_TRY { f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  LIE_CHECK(f >= 0, LIE_ERR_IO, "cannot open checkpoint %s", path);
  int err = read_file(net, opt, f);
  H5Fclose(f);
  LIE_CALL(err);
  return LIE_OK;
}
