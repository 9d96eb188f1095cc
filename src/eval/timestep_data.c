/* Time-stepping data: every rank holds each split in memory as float (training draws random
 * trajectories and start times on every rank; the 1D splits are small: 512 x 140 x 256 floats
 * = 73 MB), with dx and dt from the stored grids (as LPSDA's HDF5Dataset) and the per-trajectory
 * conditioning vector of -step_cond:
 *   none   d = 0
 *   truth  Burgers: log nu; KS/KdV: L and dt (the parameters that vary between trajectories)
 *   ssl    the frozen encoder of -step_cond_ckpt on frames [0, crop_t), points [0, crop_x) of
 *          the ground truth, normalised with the checkpoint's statistics, batch norm in
 *          inference mode: exactly `liereg embed`'s crop. crop_t must not reach the first
 *          predicted frame of the rollout (rollout start + H), so the vector only sees frames the
 *          rollout is given. Computed once per trajectory, in rank blocks, then all-gathered. */
#include "liereg/ssl.h"
#include "timestep_impl.h"

#include <math.h>
#include <string.h>

static int read_grid(lie_dataset1d ds, lie_step_split *s, int i, double *u, double *t, double *x) {
  LIE_CALL(lie_dataset1d_read(ds, i, u, t, x));
  size_t m = (size_t)s->nt * s->nx;
  for (size_t k = 0; k < m; k++)
    LIE_CHECK(isfinite(u[k]), LIE_ERR_FORMAT,
              "%s:/%s: trajectory %d has a non-finite value (%g) at frame %zu, point %zu", s->path, s->mode, i, u[k],
              k / s->nx, k % s->nx);
  for (size_t k = 0; k < m; k++)
    s->u[(size_t)i * m + k] = (float)u[k];
  s->dx[i] = (float)(x[1] - x[0]);
  s->dt[i] = (float)(t[1] - t[0]);
  return LIE_OK;
}

static int load_all(lie_dataset1d ds, lie_step_split *s) {
  double *u, *t, *x;
  LIE_ALLOC(s->u, (size_t)s->n * s->nt * s->nx);
  LIE_ALLOC(s->dx, s->n);
  LIE_ALLOC(s->dt, s->n);
  LIE_ALLOC(u, (size_t)s->nt * s->nx);
  LIE_ALLOC(t, s->nt);
  LIE_ALLOC(x, s->nx);
  int err = LIE_OK;
  for (int i = 0; !err && i < s->n; i++)
    err = read_grid(ds, s, i, u, t, x);
  free(u), free(t), free(x);
  LIE_CALL(err);
  return LIE_OK;
}

/* The PDE of the run: the root attribute "pde" of the files that have one (LPSDA's files have
 * none and are compatible with any); they must agree. */
static int file_pde(lie_step_job *j, lie_dataset1d ds, const char *path) {
  char pde[16] = "";
  hid_t f = lie_dataset1d_file(ds);
  if (H5Aexists(f, "pde") > 0) LIE_CALL(lie_h5_attr_get_string(f, "pde", pde, sizeof pde));
  if (!pde[0]) return LIE_OK;
  if (!j->pde[0]) {
    snprintf(j->pde, sizeof j->pde, "%s", pde);
    return LIE_OK;
  }
  LIE_CHECK(!strcmp(pde, j->pde), LIE_ERR_USAGE, "%s holds %s data but the other files hold %s", path, pde, j->pde);
  return LIE_OK;
}

int lie_step_split_load(lie_step_job *j, const char *path, const char *mode, lie_step_split *s) {
  lie_dataset1d ds = NULL;
  int is_ns = 0;
  memset(s, 0, sizeof *s);
  s->path = path;
  if (mode && !mode[0]) mode = NULL; /* the first of train, valid, test the file has */
  LIE_CALL(lie_dataset_is_ns(j->ctx, path, mode, &is_ns));
  LIE_CHECK(!is_ns, LIE_ERR_NOTSUP,
            "%s holds 2D Navier-Stokes data: the unet time-stepper is not in this build yet (docs/TIMESTEP.md)", path);
  LIE_CALL(lie_dataset1d_open(j->ctx, path, mode, NULL, &ds));
  snprintf(s->mode, sizeof s->mode, "%s", lie_dataset1d_mode(ds));
  int err = lie_dataset1d_sizes(ds, &s->n, &s->nt, &s->nx);
  if (!err) err = file_pde(j, ds, path);
  if (!err && s->nx < 2) err = lie_error_set(LIE_ERR_FORMAT, __FILE__, __LINE__, __func__, "%s: nx = %d", path, s->nx);
  if (!err) err = load_all(ds, s);
  lie_dataset1d_close(&ds);
  LIE_CALL(err);
  return LIE_OK;
}

void lie_step_split_free(lie_step_split *s) {
  free(s->u), free(s->dx), free(s->dt), free(s->cond);
  memset(s, 0, sizeof *s);
}

/* ---------------------------------------------------------------- truth */
static int read_param(lie_step_job *j, lie_step_split *s, const char *name, double *v) {
  lie_dataset1d ds;
  int found = 0;
  LIE_CALL(lie_dataset1d_open(j->ctx, s->path, s->mode, NULL, &ds));
  int err = lie_dataset1d_read_param(ds, name, v, &found);
  lie_dataset1d_close(&ds);
  LIE_CALL(err);
  LIE_CHECK(found, LIE_ERR_USAGE,
            "-step_cond truth needs the per-trajectory dataset /%s/%s in %s (%s data); it is missing", s->mode, name,
            s->path, j->pde);
  return LIE_OK;
}

static int truth_vectors(lie_step_job *j, lie_step_split *s) {
  double *v;
  LIE_ALLOC(v, s->n);
  int err = LIE_OK;
  if (!strcmp(j->pde, "burgers")) {
    j->d = 1;
    err = read_param(j, s, "nu", v);
    for (int i = 0; !err && i < s->n; i++) {
      if (!(v[i] > 0))
        err = lie_error_set(LIE_ERR_FORMAT, __FILE__, __LINE__, __func__, "%s:/%s/nu[%d] = %g (must be > 0)", s->path,
                            s->mode, i, v[i]);
      else
        s->cond[i] = log(v[i]);
    }
  } else if (!strcmp(j->pde, "ks") || !strcmp(j->pde, "kdv")) {
    j->d = 2;
    err = read_param(j, s, "L", v);
    for (int i = 0; !err && i < s->n; i++)
      s->cond[2 * i] = v[i], s->cond[2 * i + 1] = s->dt[i];
  } else
    err = lie_error_set(LIE_ERR_USAGE, __FILE__, __LINE__, __func__,
                        "-step_cond truth: no true parameters are known for %s data (%s)", j->pde, s->path);
  free(v);
  LIE_CALL(err);
  return LIE_OK;
}

/* ---------------------------------------------------------------- ssl */
typedef struct {
  lie_pretrain_state st;
  lie_nn_net net;
  lie_ssl_data data;
  int repr, Dr, batch;
} step_encoder;

static int encoder_open(lie_step_job *j, const lie_step_split *s, step_encoder *e) {
  const char *ck = j->cfg->cond_ckpt;
  int out, t0 = j->cfg->rollout_start < 0 ? j->H : j->cfg->rollout_start;
  LIE_CALL(lie_pretrain_ckpt_read_state(j->ctx, ck, &e->st));
  LIE_CHECK(!strcmp(e->st.pde, j->pde), LIE_ERR_USAGE, "-step_cond_ckpt %s was pretrained on %s data; %s holds %s data",
            ck, e->st.pde, s->path, j->pde);
  LIE_CHECK(e->st.model.crop_y == 0, LIE_ERR_USAGE, "-step_cond_ckpt %s is a Navier-Stokes encoder", ck);
  LIE_CHECK(e->st.model.crop_x <= s->nx, LIE_ERR_USAGE,
            "-step_cond_ckpt %s takes %d points per frame; %s has %d (an encoder for another grid width)", ck,
            e->st.model.crop_x, s->path, s->nx);
  LIE_CHECK(e->st.model.crop_t <= t0 + j->H && e->st.model.crop_t <= s->nt, LIE_ERR_USAGE,
            "-step_cond_ckpt %s reads %d frames, but the rollout predicts from frame %d on (%s: %d frames): the "
            "representation would see predicted frames; use a shorter pretraining crop or a later "
            "-step_rollout_start",
            ck, e->st.model.crop_t, t0 + j->H, s->path, s->nt);
  e->batch = 16;
  lie_ssl_model_cfg enc = e->st.model;
  enc.nexpander = 0; /* the encoder alone, as liereg embed */
  LIE_CALL(lie_nn_net_create(j->ctx, &e->net));
  LIE_CALL(lie_nn_net_set_backend(e->net, j->cfg->backend));
  LIE_CALL(lie_ssl_model_build(e->net, &enc, &e->repr, &out));
  LIE_CALL(lie_nn_net_setup(e->net, e->batch));
  LIE_CALL(lie_pretrain_ckpt_load(j->ctx, e->net, NULL, ck));
  LIE_CALL(lie_nn_net_tensor_shape(e->net, e->repr, &e->Dr, NULL, NULL));
  LIE_CHECK(e->Dr <= (int)(sizeof j->cmean / sizeof j->cmean[0]), LIE_ERR_NOTSUP,
            "representation of %d > 1024 features", e->Dr);
  LIE_CALL(lie_ssl_data_open(j->ctx, s->path, s->mode, "", &e->data));
  LIE_CHECK(lie_ssl_data_nfields(e->data) == e->st.nnorm, LIE_ERR_USAGE, "%s normalises %d field(s); %s has %d", ck,
            e->st.nnorm, s->path, lie_ssl_data_nfields(e->data));
  lie_ssl_data_set_norm_fields(e->data, e->st.norm_fmean, e->st.norm_fstd);
  return LIE_OK;
}

/* Representations of trajectories [first, first + count) into r (count, Dr). */
static int encode_block(step_encoder *e, int first, int count, double *r) {
  int C, H, W;
  LIE_CALL(lie_ssl_model_input_shape(&e->st.model, &C, &H, &W));
  size_t in = (size_t)C * H * W;
  float *x, *z;
  LIE_ALLOC(x, (size_t)e->batch * in);
  LIE_ALLOC(z, (size_t)e->batch * e->Dr);
  lie_aug_cfg aug;
  memset(&aug, 0, sizeof aug);
  int err = lie_aug_mode_from_name(e->st.aug_mode, &aug.mode);
  for (int b0 = 0; !err && b0 < count; b0 += e->batch) {
    int nb = count - b0 < e->batch ? count - b0 : e->batch;
    memset(x, 0, (size_t)e->batch * in * sizeof(float));
    for (int i = 0; !err && i < nb; i++)
      err = lie_ssl_data_plain(e->data, &aug, &e->st.model, first + b0 + i, x + i * in);
    if (!err) err = lie_nn_net_forward(e->net, x, 0);
    if (!err) err = lie_nn_net_get_activation(e->net, e->repr, z);
    for (size_t k = 0; !err && k < (size_t)nb * e->Dr; k++)
      r[(size_t)b0 * e->Dr + k] = z[k];
  }
  free(x), free(z);
  LIE_CALL(err);
  return LIE_OK;
}

static int ssl_vectors(lie_step_job *j, lie_step_split *s) {
  step_encoder e;
  memset(&e, 0, sizeof e);
  int err = encoder_open(j, s, &e);
  if (!err && j->d && j->d != e.Dr) err = lie_error_set(LIE_ERR_INTERNAL, __FILE__, __LINE__, __func__, "Dr changed");
  if (!err) {
    j->d = e.Dr;
    free(s->cond);
    s->cond = calloc((size_t)s->n * e.Dr + 1, sizeof(double));
    if (!s->cond) err = lie_error_set(LIE_ERR_MEM, __FILE__, __LINE__, __func__, "out of memory");
  }
  int first = (int)((long)s->n * j->rank / j->P), cnt = (int)((long)s->n * (j->rank + 1) / j->P) - first;
  if (!err) err = encode_block(&e, first, cnt, s->cond + (size_t)first * e.Dr);
  lie_nn_net_destroy(&e.net);
  lie_ssl_data_close(&e.data);
  int any = 0;
  MPI_Allreduce(&err, &any, 1, MPI_INT, MPI_MAX, lie_ctx_comm(j->ctx));
  if (err) return lie_error_trace(err, __FILE__, __LINE__, __func__);
  LIE_CHECK(!any, LIE_ERR_IO, "the ssl representation failed on another rank");
  int *counts, *displs;
  LIE_ALLOC(counts, j->P);
  LIE_ALLOC(displs, j->P);
  for (int r = 0; r < j->P; r++) {
    int f = (int)((long)s->n * r / j->P);
    counts[r] = ((int)((long)s->n * (r + 1) / j->P) - f) * e.Dr, displs[r] = f * e.Dr;
  }
  int m = MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, s->cond, counts, displs, MPI_DOUBLE, lie_ctx_comm(j->ctx));
  free(counts), free(displs);
  LIE_CHECK(m == MPI_SUCCESS, LIE_ERR_MPI, "MPI_Allgatherv of the representations failed");
  return LIE_OK;
}

int lie_step_cond_vectors(lie_step_job *j, lie_step_split *s) {
  LIE_ALLOC(s->cond, (size_t)s->n * 2 + 1); /* truth: at most 2 values; ssl reallocates */
  switch (j->cfg->cond) {
  case LIE_STEP_COND_NONE:
    j->d = 0;
    break;
  case LIE_STEP_COND_TRUTH:
    LIE_CALL(truth_vectors(j, s));
    break;
  case LIE_STEP_COND_SSL:
    LIE_CALL(ssl_vectors(j, s));
    break;
  }
  for (size_t k = 0; k < (size_t)s->n * j->d; k++)
    LIE_CHECK(isfinite(s->cond[k]), LIE_ERR_NUMERIC, "%s: non-finite %s conditioning value for trajectory %zu", s->path,
              lie_step_cond_name(j->cfg->cond), k / (size_t)j->d);
  return LIE_OK;
}

void lie_step_cond_standardise(lie_step_job *j) {
  const lie_step_split *s = &j->tr;
  for (int k = 0; k < j->d; k++) {
    double m = 0, v = 0;
    for (int i = 0; i < s->n; i++)
      m += s->cond[(size_t)i * j->d + k];
    m /= s->n;
    for (int i = 0; i < s->n; i++) {
      double e = s->cond[(size_t)i * j->d + k] - m;
      v += e * e;
    }
    double sd = sqrt(v / s->n);
    j->cmean[k] = m, j->cstd[k] = sd > 1e-12 * (fabs(m) + 1) ? sd : 1.0; /* a constant value: centred only */
  }
}
