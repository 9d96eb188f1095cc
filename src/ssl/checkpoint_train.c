/* Training checkpoints: the nn state dict + AdamW moments (lie_nn_checkpoint_save, PyTorch
 * names) plus a /train group holding everything else a resumed run needs to continue the same
 * curve: step, data position, seed, normalisation, model and batch configuration, and a format
 * version. Rank 0 writes PATH.stage through the nn API, adds /train, then renames to PATH, so
 * PATH is always either the previous complete checkpoint or the new complete one. */
#include "liereg/io.h"
#include "liereg/options.h"
#include "liereg/ssl.h"

#include <hdf5.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Fields 1.. of a per-field normalisation (field 0 is norm_mean/norm_std). */
static int write_norm_fields(hid_t g, const lie_pretrain_state *st) {
  char name[32];
  LIE_CHECK(st->nnorm <= LIE_SSL_MAX_FIELDS, LIE_ERR_ARG, "%d normalised fields (max %d)", st->nnorm,
            LIE_SSL_MAX_FIELDS);
  LIE_CALL(lie_h5_attr_set_int(g, "norm_fields", st->nnorm));
  for (int c = 1; c < st->nnorm; c++) {
    snprintf(name, sizeof name, "norm_mean_%d", c);
    LIE_CALL(lie_h5_attr_set_double(g, name, st->norm_fmean[c]));
    snprintf(name, sizeof name, "norm_std_%d", c);
    LIE_CALL(lie_h5_attr_set_double(g, name, st->norm_fstd[c]));
  }
  return LIE_OK;
}

static int read_norm_fields(hid_t g, lie_pretrain_state *st) {
  char name[32];
  double v = 1;
  st->nnorm = 1;
  st->norm_fmean[0] = st->norm_mean, st->norm_fstd[0] = st->norm_std;
  if (H5Aexists(g, "norm_fields") <= 0) return LIE_OK;
  LIE_CALL(lie_h5_attr_get_double(g, "norm_fields", &v));
  LIE_CHECK(v >= 1 && v <= LIE_SSL_MAX_FIELDS, LIE_ERR_FORMAT, "checkpoint: norm_fields = %g", v);
  st->nnorm = (int)v;
  for (int c = 1; c < st->nnorm; c++) {
    snprintf(name, sizeof name, "norm_mean_%d", c);
    LIE_CALL(lie_h5_attr_get_double(g, name, &st->norm_fmean[c]));
    snprintf(name, sizeof name, "norm_std_%d", c);
    LIE_CALL(lie_h5_attr_get_double(g, name, &st->norm_fstd[c]));
  }
  return LIE_OK;
}

static int write_train_group(hid_t f, const lie_pretrain_state *st) {
  hid_t g;
  char buf[64];
  const lie_ssl_model_opts *m = &st->model;
  int err = LIE_OK;
  LIE_CALL(lie_h5_stamp(f, st->pde));
  LIE_H5(g = H5Gcreate2(f, "train", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "version", LIE_PRETRAIN_CKPT_VERSION));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "step", st->step));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "epoch", st->epoch));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "epoch_step", st->epoch_step));
  snprintf(buf, sizeof buf, "%" PRIu64, st->seed);
  LIE_CALL_GOTO(lie_h5_attr_set_string(g, "seed", buf));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "batch", st->batch));
  LIE_CALL_GOTO(lie_h5_attr_set_double(g, "norm_mean", st->norm_mean));
  LIE_CALL_GOTO(lie_h5_attr_set_double(g, "norm_std", st->norm_std));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "model_dims", m->dims));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "model_width", m->width));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "model_cin", m->cin));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "crop_t", m->crop_t));
  LIE_CALL_GOTO(lie_h5_attr_set_int(g, "crop_x", m->crop_x));
  if (m->crop_y > 0) LIE_CALL_GOTO(lie_h5_attr_set_int(g, "crop_y", m->crop_y)); /* NS only: 1D files unchanged */
  /* strided crops only: checkpoints of consecutive crops stay as they were (absent = 1) */
  if (m->crop_dt > 1) LIE_CALL_GOTO(lie_h5_attr_set_int(g, "crop_dt", m->crop_dt));
  if (st->nnorm > 1) LIE_CALL_GOTO(write_norm_fields(g, st));
  buf[0] = 0;
  for (int i = 0; i < m->nexpander; i++)
    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%d", i ? "," : "", m->expander[i]);
  LIE_CALL_GOTO(lie_h5_attr_set_string(g, "expander", buf));
  LIE_CALL_GOTO(lie_h5_attr_set_string(g, "aug_mode", st->aug_mode));
done:
  H5Gclose(g);
  return err;
}

/* Rank 0: PATH.stage (nn API, itself atomic) + /train, then rename to PATH. */
static int save_rank0(const lie_pretrain_state *st, const char *stage, const char *path) {
  int err = LIE_OK;
  hid_t f = H5Fopen(stage, H5F_ACC_RDWR, H5P_DEFAULT);
  LIE_CHECK(f >= 0, LIE_ERR_IO, "cannot reopen %s", stage);
  LIE_CALL_GOTO(write_train_group(f, st));
  LIE_CALL_GOTO(lie_train_grid_write(f, &st->grid)); /* train_grid.c */
  LIE_CALL_GOTO(lie_h5_close(&f));                   /* survives a full disk (io/h5.c) */
  LIE_CHECK_GOTO(rename(stage, path) == 0, LIE_ERR_IO, "cannot rename %s to %s", stage, path);
done:
  lie_h5_close(&f); /* after an error: f still open */
  if (err) unlink(stage);
  return err;
}

int lie_pretrain_ckpt_save(lie_ctx ctx, lie_nn_net net, lie_nn_adamw opt, const lie_pretrain_state *st,
                           const char *path) {
  char stage[LIE_PRETRAIN_PATH + 16];
  LIE_CHECK(strlen(path) + 7 < sizeof stage, LIE_ERR_ARG, "checkpoint path too long");
  snprintf(stage, sizeof stage, "%s.stage", path);
  PetscLogEventBegin(lie_events.io, 0, 0, 0, 0);
  LIE_CALL(lie_nn_checkpoint_save(net, opt, stage)); /* collective, rank 0 writes */
  int err = lie_ctx_rank(ctx) == 0 ? save_rank0(st, stage, path) : 0, all = 0;
  PetscLogEventEnd(lie_events.io, 0, 0, 0, 0);
  LIE_MPI(MPI_Allreduce(&err, &all, 1, MPI_INT, MPI_MAX, lie_ctx_comm(ctx)));
  LIE_CALL(err);
  LIE_CHECK(!all, LIE_ERR_IO, "checkpoint %s was not written (error on rank 0)", path);
  return LIE_OK;
}

/* Integer attributes are stored as doubles: range-checked before the conversion (a file may
 * hold 1e30 or NaN; casting those is undefined behaviour). */
static int get_long(hid_t g, const char *name, long lo, long hi, long *v) {
  double d;
  LIE_CALL(lie_h5_attr_get_double(g, name, &d));
  LIE_CHECK(lie_to_long(d, lo, hi, v), LIE_ERR_FORMAT,
            "checkpoint attribute train/%s = %g is not an integer in [%ld, %ld]", name, d, lo, hi);
  return LIE_OK;
}

static int get_int(hid_t g, const char *name, int lo, int hi, int *v) {
  long l;
  LIE_CALL(get_long(g, name, lo, hi, &l));
  *v = (int)l;
  return LIE_OK;
}

/* Normalisation divides by std: a 0, negative or non-finite one would feed Inf/NaN to the net. */
static int check_norm(const lie_pretrain_state *st) {
  for (int c = 0; c < st->nnorm; c++)
    LIE_CHECK(isfinite(st->norm_fmean[c]) && isfinite(st->norm_fstd[c]) && st->norm_fstd[c] > 0, LIE_ERR_FORMAT,
              "checkpoint normalisation of field %d is mean %g std %g (needs finite values and std > 0)", c,
              st->norm_fmean[c], st->norm_fstd[c]);
  return LIE_OK;
}

static int read_model(hid_t g, lie_ssl_model_opts *m) {
  char buf[64];
  LIE_CALL(get_int(g, "model_dims", 1, 2, &m->dims));
  LIE_CALL(get_int(g, "model_width", 1, 4096, &m->width));
  LIE_CALL(get_int(g, "model_cin", 1, 4096, &m->cin));
  LIE_CALL(get_int(g, "crop_t", 1, LIE_MAX_GRID, &m->crop_t));
  LIE_CALL(get_int(g, "crop_x", 1, LIE_MAX_GRID, &m->crop_x));
  if (H5Aexists(g, "crop_y") > 0) LIE_CALL(get_int(g, "crop_y", 0, LIE_MAX_GRID, &m->crop_y));
  m->crop_dt = 1; /* written before strided crops existed: consecutive frames */
  if (H5Aexists(g, "crop_dt") > 0) LIE_CALL(get_int(g, "crop_dt", 1, LIE_MAX_GRID, &m->crop_dt));
  LIE_CALL(lie_h5_attr_get_string(g, "expander", buf, sizeof buf));
  for (char *tok = strtok(buf, ","); tok && m->nexpander < LIE_PRETRAIN_MAX_EXPANDER; tok = strtok(NULL, ",")) {
    long e = strtol(tok, NULL, 10);
    LIE_CHECK(e >= 1 && e <= 65536, LIE_ERR_FORMAT, "checkpoint attribute train/expander has a layer of %ld", e);
    m->expander[m->nexpander++] = (int)e;
  }
  return LIE_OK;
}

static int read_attrs(hid_t f, hid_t g, const char *path, lie_pretrain_state *st) {
  char buf[64];
  LIE_CALL(get_int(g, "version", 0, 1 << 20, &st->version));
  LIE_CHECK(st->version == LIE_PRETRAIN_CKPT_VERSION, LIE_ERR_FORMAT,
            "%s has training-checkpoint version %d; this liereg reads version %d", path, st->version,
            LIE_PRETRAIN_CKPT_VERSION);
  LIE_CALL(get_long(g, "step", 0, 1L << 50, &st->step));
  LIE_CALL(get_int(g, "epoch", 0, INT_MAX, &st->epoch));
  LIE_CALL(get_long(g, "epoch_step", 0, 1L << 50, &st->epoch_step));
  LIE_CALL(lie_h5_attr_get_string(g, "seed", buf, sizeof buf));
  st->seed = strtoull(buf, NULL, 10);
  LIE_CALL(get_int(g, "batch", 1, 1 << 24, &st->batch));
  LIE_CALL(lie_h5_attr_get_double(g, "norm_mean", &st->norm_mean));
  LIE_CALL(lie_h5_attr_get_double(g, "norm_std", &st->norm_std));
  LIE_CALL(read_model(g, &st->model));
  LIE_CALL(read_norm_fields(g, st));
  LIE_CALL(check_norm(st));
  LIE_CALL(lie_h5_attr_get_string(g, "aug_mode", st->aug_mode, sizeof st->aug_mode));
  LIE_CALL(lie_h5_attr_get_string(f, "pde", st->pde, sizeof st->pde));
  return LIE_OK;
}

static int read_group(hid_t f, const char *path, lie_pretrain_state *st) {
  memset(st, 0, sizeof *st);
  LIE_CHECK(lie_h5_exists(f, "train"), LIE_ERR_FORMAT,
            "%s is not a liereg training checkpoint (no /train group; an nn state dict only?)", path);
  hid_t g = H5Gopen2(f, "train", H5P_DEFAULT);
  LIE_H5(g);
  int err = LIE_OK;
  /* a data file has a /train group too */
  LIE_CHECK_GOTO(H5Aexists(g, "version") > 0, LIE_ERR_FORMAT,
                 "%s is not a liereg training checkpoint (/train has no version: a data file?)", path);
  LIE_CALL_GOTO(read_attrs(f, g, path, st));
done:
  H5Gclose(g);
  return err;
}

int lie_pretrain_ckpt_read_state(lie_ctx ctx, const char *path, lie_pretrain_state *st) {
  hid_t f;
  LIE_CHECK(access(path, R_OK) == 0, LIE_ERR_USAGE, "cannot read checkpoint %s", path);
  H5E_BEGIN_TRY { f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  LIE_CHECK(f >= 0, LIE_ERR_FORMAT, "%s is not a readable HDF5 checkpoint (corrupt or truncated?)", path);
  int err = LIE_OK;
  LIE_CALL_GOTO(read_group(f, path, st));
  LIE_CALL_GOTO(lie_train_grid_read(f, path, &st->grid)); /* train_grid.c */
done:
  H5Fclose(f);
  return err;
}

int lie_pretrain_ckpt_load(lie_ctx ctx, lie_nn_net net, lie_nn_adamw opt, const char *path) {
  int err;
  PetscLogEventBegin(lie_events.io, 0, 0, 0, 0);
  H5E_BEGIN_TRY { err = lie_nn_checkpoint_load(net, opt, path); }
  H5E_END_TRY;
  PetscLogEventEnd(lie_events.io, 0, 0, 0, 0);
  LIE_CALL(err);
  /* a diverged run's weights embed everything as NaN or 0: refuse them here, for every user */
  size_t nw, nb;
  const float *w = lie_nn_net_params(net, &nw), *b = lie_nn_net_buffers(net, &nb);
  LIE_CHECK(lie_all_finite_f(w, nw) && lie_all_finite_f(b, nb), LIE_ERR_FORMAT,
            "%s holds non-finite weights or batch-norm statistics (a diverged run?)", path);
  return LIE_OK;
}
