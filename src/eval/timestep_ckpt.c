/* Time-stepping checkpoints (-step_ckpt): one HDF5 file, written by rank 0 to PATH.tmp and
 * renamed, so PATH is always a complete checkpoint. Layout:
 *   /<name>                 the stepper's state dict (PyTorch names, e.g. fc0.weight for cnn)
 *   /cond.weight, cond.bias the conditioning Linear (din -> c)
 *   /optimizer/{stepper,cond}_{exp_avg,exp_avg_sq}  flat AdamW moments (attribute step)
 *   /best/{stepper_params,stepper_buffers,cond_params}  the weights chosen on validation
 *   /timestep               attributes: version, step, epochs done, the configuration that must
 *                           match on resume (cond_inputs: the Linear's din), and the conditioning
 *                           input (datasets cond_mean (d), cond_std (d), cond_proj (din x d):
 *                           input = cond_proj (v - cond_mean), timestep_cond.c)
 * Resume continues the same step sequence: every batch is a pure function of (seed, step). */
#include "timestep_impl.h"

#include <hdf5.h>
#include <inttypes.h>
#include <petscsys.h>
#include <string.h>
#include <unistd.h>

static int write_flat(hid_t f, const char *name, const void *buf, hid_t type, size_t n) {
  hsize_t dims[1] = {n ? n : 1};
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  LIE_H5(lcpl);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t sp = H5Screate_simple(1, dims, NULL);
  hid_t ds = H5Dcreate2(f, name, type == H5T_NATIVE_FLOAT ? H5T_IEEE_F32LE : H5T_IEEE_F64LE, sp, lcpl, H5P_DEFAULT,
                        H5P_DEFAULT);
  H5Sclose(sp), H5Pclose(lcpl);
  LIE_CHECK(ds >= 0, LIE_ERR_HDF5, "cannot create checkpoint dataset %s", name);
  herr_t e = n ? H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : 0;
  H5Dclose(ds);
  LIE_CHECK(e >= 0, LIE_ERR_HDF5, "cannot write checkpoint dataset %s", name);
  return LIE_OK;
}

static int read_flat(hid_t f, const char *path, const char *name, void *buf, hid_t type, size_t n) {
  hid_t ds;
  H5E_BEGIN_TRY { ds = H5Dopen2(f, name, H5P_DEFAULT); }
  H5E_END_TRY;
  LIE_CHECK(ds >= 0, LIE_ERR_FORMAT, "%s has no dataset %s (not a liereg timestep checkpoint?)", path, name);
  hid_t sp = H5Dget_space(ds);
  hssize_t m = H5Sget_simple_extent_npoints(sp);
  H5Sclose(sp);
  herr_t e = -1;
  if ((size_t)m == (n ? n : 1)) e = n ? H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : 0;
  H5Dclose(ds);
  LIE_CHECK((size_t)m == (n ? n : 1), LIE_ERR_FORMAT, "%s:%s has %lld values, this network has %zu", path, name,
            (long long)m, n);
  LIE_CHECK(e >= 0, LIE_ERR_HDF5, "cannot read %s:%s", path, name);
  return LIE_OK;
}

static int write_nets(lie_step_job *j, hid_t f) {
  size_t np, nb, ncp, n;
  float *v, *m;
  lie_nn_net_params(j->net, &np);
  lie_nn_net_buffers(j->net, &nb);
  lie_nn_net_params(j->cnet, &ncp);
  LIE_CALL(lie_nn_state_write(j->net, f, "", LIE_NN_STATE_ALL));
  LIE_CALL(lie_nn_state_write(j->cnet, f, "", LIE_NN_STATE_PARAMS));
  m = lie_nn_adamw_moments(j->opt, &v, &n);
  LIE_CALL(write_flat(f, "optimizer/stepper_exp_avg", m, H5T_NATIVE_FLOAT, n));
  LIE_CALL(write_flat(f, "optimizer/stepper_exp_avg_sq", v, H5T_NATIVE_FLOAT, n));
  m = lie_nn_adamw_moments(j->copt, &v, &n);
  LIE_CALL(write_flat(f, "optimizer/cond_exp_avg", m, H5T_NATIVE_FLOAT, n));
  LIE_CALL(write_flat(f, "optimizer/cond_exp_avg_sq", v, H5T_NATIVE_FLOAT, n));
  LIE_CALL(write_flat(f, "best/stepper_params", j->best_p, H5T_NATIVE_FLOAT, np));
  LIE_CALL(write_flat(f, "best/stepper_buffers", j->best_b, H5T_NATIVE_FLOAT, nb));
  LIE_CALL(write_flat(f, "best/cond_params", j->best_cp, H5T_NATIVE_FLOAT, ncp));
  LIE_CALL(write_flat(f, "timestep/cond_mean", j->cmean, H5T_NATIVE_DOUBLE, (size_t)j->d));
  LIE_CALL(write_flat(f, "timestep/cond_std", j->cstd, H5T_NATIVE_DOUBLE, (size_t)j->d));
  LIE_CALL(write_flat(f, "timestep/cond_proj", j->cproj, H5T_NATIVE_DOUBLE, (size_t)j->d * j->din));
  return LIE_OK;
}

/* The configuration a resumed run must share (name, value). */
#define LIE_STEP_NKEYS 10
static void config_keys(const lie_step_job *j, const char *names[LIE_STEP_NKEYS], long v[LIE_STEP_NKEYS]) {
  static const char *k[] = {"history", "future", "cond_channels", "cond_dim", "batch",
                            "nx",      "frame",  "width",         "seed",     "passes"};
  const long val[] = {j->H, j->F, j->c, j->d, j->B, j->nx, (long)j->fs, j->cfg->width, (long)j->cfg->seed, j->passes};
  for (int i = 0; i < LIE_STEP_NKEYS; i++)
    names[i] = k[i], v[i] = val[i];
}

static int write_attrs(lie_step_job *j, hid_t f) {
  hid_t g = H5Gopen2(f, "timestep", H5P_DEFAULT);
  LIE_H5(g);
  const char *names[LIE_STEP_NKEYS];
  long v[LIE_STEP_NKEYS];
  config_keys(j, names, v);
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "version", LIE_STEP_CKPT_VERSION));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "step", j->step));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "epochs_done", j->epochs_done));
  LIE_CALL_GOTO(lie_h5_attr_set_double(g, "epoch_loss", j->epoch_loss));
  LIE_CALL_GOTO(lie_h5_attr_set_double(g, "first_loss", j->first_loss));
  LIE_CALL_GOTO(lie_h5_attr_set_double(g, "last_loss", j->last_loss));
  LIE_CALL_GOTO(lie_h5_attr_set_double(g, "best_valid", j->best_valid));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "best_epoch", j->best_epoch));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "optimizer_step", lie_nn_adamw_nsteps(j->opt)));
  LIE_CALL_GOTO(lie_h5_attr_set_string(g, "model", j->cfg->model));
  LIE_CALL_GOTO(lie_h5_attr_set_string(g, "cond", lie_step_cond_name(j->cfg->cond)));
  LIE_CALL_GOTO(lie_h5_attr_set_string(g, "pde", j->pde));
  for (int i = 0; i < LIE_STEP_NKEYS; i++)
    LIE_CALL_GOTO(lie_h5_attr_set_int(g, names[i], v[i]));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "cond_inputs", j->din));
done:
  H5Gclose(g);
  return err;
}

/* Rank 0's part: PATH.tmp, renamed when complete (io's output helper). */
static int save_rank0(lie_step_job *j, const char *path) {
  lie_output o;
  int err = LIE_OK;
  LIE_CALL(lie_output_temp(&o, path));
  hid_t f = H5Fcreate(o.tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  LIE_CHECK_GOTO(f >= 0, LIE_ERR_IO, "cannot create checkpoint %s", o.tmp);
  LIE_CALL_GOTO(lie_h5_stamp(f, j->pde));
  LIE_CALL_GOTO(write_nets(j, f));
  LIE_CALL_GOTO(write_attrs(j, f));
  LIE_CALL_GOTO(lie_h5_close(&f));
done:
  lie_h5_close(&f);                          /* after an error: f still open */
  return lie_output_end_file(&o, NULL, err); /* renamed, or removed on error */
}

int lie_step_ckpt_save(lie_step_job *j, const char *path) {
  LIE_CHECK(strlen(path) + 7 < LIE_STEP_PATH + 16, LIE_ERR_ARG, "checkpoint path too long");
  PetscLogEventBegin(lie_events.io, 0, 0, 0, 0);
  int err = j->rank == 0 ? save_rank0(j, path) : 0;
  PetscLogEventEnd(lie_events.io, 0, 0, 0, 0);
  LIE_CALL(lie_ctx_agree(j->ctx, err)); /* rank 0's outcome, on every rank */
  return LIE_OK;
}

static int check_config(lie_step_job *j, hid_t g, const char *path) {
  const char *names[LIE_STEP_NKEYS];
  long v[LIE_STEP_NKEYS];
  char s[64];
  double d;
  config_keys(j, names, v);
  LIE_CALL(lie_h5_attr_get_double(g, "version", &d));
  LIE_CHECK((int)d == LIE_STEP_CKPT_VERSION, LIE_ERR_USAGE, "-step_ckpt %s has version %d; this liereg writes %d", path,
            (int)d, LIE_STEP_CKPT_VERSION);
  const char *sk[3] = {"model", "cond", "pde"}, *sv[3] = {j->cfg->model, lie_step_cond_name(j->cfg->cond), j->pde};
  for (int i = 0; i < 3; i++) {
    LIE_CALL(lie_h5_attr_get_string(g, sk[i], s, sizeof s));
    LIE_CHECK(!strcmp(s, sv[i]), LIE_ERR_USAGE,
              "-step_ckpt %s belongs to a run with %s %s; this run has %s (use another -step_ckpt)", path, sk[i], s,
              sv[i]);
  }
  for (int i = 0; i < LIE_STEP_NKEYS; i++) {
    LIE_CALL(lie_h5_attr_get_double(g, names[i], &d));
    LIE_CHECK((long)d == v[i], LIE_ERR_USAGE,
              "-step_ckpt %s belongs to a run with %s %ld; this run has %ld (use another -step_ckpt)", path, names[i],
              (long)d, v[i]);
  }
  /* written since -step_cond_pca; before it the Linear took all d values (none: 1) */
  d = j->d > 0 ? j->d : 1;
  if (H5Aexists(g, "cond_inputs") > 0) LIE_CALL(lie_h5_attr_get_double(g, "cond_inputs", &d));
  LIE_CHECK((int)d == j->din, LIE_ERR_USAGE,
            "-step_ckpt %s belongs to a run whose conditioning Linear takes %d inputs; this run's takes %d "
            "(-step_cond_pca differs; use another -step_ckpt)",
            path, (int)d, j->din);
  return LIE_OK;
}

/* /timestep's attributes: the configuration (must match) and the training progress. */
static int read_attrs(lie_step_job *j, hid_t f, const char *path, long *optimizer_step) {
  double d;
  hid_t g = H5Gopen2(f, "timestep", H5P_DEFAULT);
  LIE_CHECK(g >= 0, LIE_ERR_USAGE, "-step_ckpt %s exists but is not a liereg timestep checkpoint (no /timestep)", path);
  int err = LIE_OK;
  LIE_CALL_GOTO(check_config(j, g, path));
  LIE_CALL_GOTO(lie_h5_attr_get_double(g, "step", &d));
  j->step = (long)d;
  LIE_CALL_GOTO(lie_h5_attr_get_double(g, "epochs_done", &d));
  j->epochs_done = (int)d;
  LIE_CALL_GOTO(lie_h5_attr_get_double(g, "epoch_loss", &j->epoch_loss));
  LIE_CALL_GOTO(lie_h5_attr_get_double(g, "first_loss", &j->first_loss));
  LIE_CALL_GOTO(lie_h5_attr_get_double(g, "last_loss", &j->last_loss));
  LIE_CALL_GOTO(lie_h5_attr_get_double(g, "best_valid", &j->best_valid));
  LIE_CALL_GOTO(lie_h5_attr_get_double(g, "best_epoch", &d));
  j->best_epoch = (int)d;
  LIE_CALL_GOTO(lie_h5_attr_get_double(g, "optimizer_step", &d));
  *optimizer_step = (long)d;
done:
  H5Gclose(g);
  return err;
}

static int read_state(lie_step_job *j, hid_t f, const char *path) {
  size_t np, nb, ncp, n;
  float *v, *m;
  long nsteps = 0;
  LIE_CALL(read_attrs(j, f, path, &nsteps));
  LIE_CALL(lie_nn_state_read(j->net, f, "", LIE_NN_STATE_ALL));
  LIE_CALL(lie_nn_state_read(j->cnet, f, "", LIE_NN_STATE_PARAMS));
  LIE_CALL(lie_nn_adamw_set_nsteps(j->opt, nsteps));
  LIE_CALL(lie_nn_adamw_set_nsteps(j->copt, nsteps));
  lie_nn_net_params(j->net, &np);
  lie_nn_net_buffers(j->net, &nb);
  lie_nn_net_params(j->cnet, &ncp);
  m = lie_nn_adamw_moments(j->opt, &v, &n);
  LIE_CALL(read_flat(f, path, "optimizer/stepper_exp_avg", m, H5T_NATIVE_FLOAT, n));
  LIE_CALL(read_flat(f, path, "optimizer/stepper_exp_avg_sq", v, H5T_NATIVE_FLOAT, n));
  m = lie_nn_adamw_moments(j->copt, &v, &n);
  LIE_CALL(read_flat(f, path, "optimizer/cond_exp_avg", m, H5T_NATIVE_FLOAT, n));
  LIE_CALL(read_flat(f, path, "optimizer/cond_exp_avg_sq", v, H5T_NATIVE_FLOAT, n));
  LIE_CALL(read_flat(f, path, "best/stepper_params", j->best_p, H5T_NATIVE_FLOAT, np));
  LIE_CALL(read_flat(f, path, "best/stepper_buffers", j->best_b, H5T_NATIVE_FLOAT, nb));
  LIE_CALL(read_flat(f, path, "best/cond_params", j->best_cp, H5T_NATIVE_FLOAT, ncp));
  return LIE_OK;
}

/* Every rank reads the whole checkpoint (serial HDF5). */
static int ckpt_read(lie_step_job *j, const char *path) {
  hid_t f;
  H5E_BEGIN_TRY { f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  LIE_CHECK(f >= 0, LIE_ERR_USAGE, "-step_ckpt %s exists but is not a readable HDF5 file", path);
  int err;
  H5E_BEGIN_TRY { err = read_state(j, f, path); }
  H5E_END_TRY;
  H5Fclose(f);
  LIE_CALL(err);
  return LIE_OK;
}

/* Whether -step_ckpt exists, the same answer on every rank: a file on one node's disk only
 * would make the ranks resume from different states. */
static int ckpt_exists_all(lie_step_job *j, const char *path, int *exists) {
  int have[2] = {path[0] && access(path, F_OK) == 0, 0};
  have[1] = -have[0];
  LIE_MPI(MPI_Allreduce(MPI_IN_PLACE, have, 2, MPI_INT, MPI_MAX, lie_ctx_comm(j->ctx))); /* any, -all */
  LIE_CHECK(have[0] == -have[1], LIE_ERR_USAGE,
            "-step_ckpt %s exists on some ranks only (a node-local path? give a path every rank sees)", path);
  *exists = have[0];
  return LIE_OK;
}

int lie_step_ckpt_load(lie_step_job *j, const char *path, int *resumed) {
  int exists = 0; /* set by ckpt_exists_all on success; initialised for the compiler */
  *resumed = 0;
  LIE_CALL(ckpt_exists_all(j, path, &exists));
  if (!exists) return LIE_OK;
  LIE_CALL(lie_ctx_agree(j->ctx, ckpt_read(j, path))); /* a read that failed on one rank: on all */
  *resumed = 1;
  return LIE_OK;
}
