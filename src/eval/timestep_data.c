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
  double *u = NULL, *t = NULL, *x = NULL;
  int err = LIE_OK;
  LIE_ALLOC(s->u, (size_t)s->n * s->nt * s->nx);
  LIE_ALLOC(s->dx, s->n);
  LIE_ALLOC(s->dt, s->n);
  LIE_ALLOC_GOTO(u, (size_t)s->nt * s->nx);
  LIE_ALLOC_GOTO(t, s->nt);
  LIE_ALLOC_GOTO(x, s->nx);
  for (int i = 0; i < s->n; i++)
    LIE_CALL_GOTO(read_grid(ds, s, i, u, t, x));
done:
  free(u), free(t), free(x);
  return err;
}

/* NS: frame k of trajectory i = [smoke | vx | vy], each (nx, ny) row-major as stored; the
 * reader refuses NaN/Inf itself, naming the trajectory and dataset. */
static int load_all_ns(lie_datasetns ds, lie_step_split *s) {
  const size_t P = (size_t)s->nx * s->ny, m = (size_t)s->nt * P;
  double *f[3] = {NULL, NULL, NULL}, *t = NULL, *x = NULL;
  int err = LIE_OK;
  LIE_ALLOC(s->u, (size_t)s->n * s->nt * s->fs);
  LIE_ALLOC(s->dx, s->n);
  LIE_ALLOC(s->dt, s->n);
  for (int c = 0; c < 3; c++)
    LIE_ALLOC_GOTO(f[c], m);
  LIE_ALLOC_GOTO(t, s->nt);
  LIE_ALLOC_GOTO(x, s->nx);
  for (int i = 0; i < s->n; i++) {
    LIE_CALL_GOTO(lie_datasetns_read(ds, i, f[0], f[1], f[2], t, x, NULL));
    for (int k = 0; k < s->nt; k++)
      for (int c = 0; c < 3; c++)
        for (size_t q = 0; q < P; q++)
          s->u[((size_t)i * s->nt + k) * s->fs + c * P + q] = (float)f[c][k * P + q];
    s->dx[i] = (float)(x[1] - x[0]), s->dt[i] = (float)(t[1] - t[0]);
  }
done:
  for (int c = 0; c < 3; c++)
    free(f[c]);
  free(t), free(x);
  return err;
}

/* The PDE of the run: the root attribute "pde" of the files that have one (LPSDA's and
 * PDEArena's files have none and are compatible with any); they must agree. */
static int file_pde(lie_step_job *j, hid_t f, const char *path) {
  char pde[16] = "";
  if (H5Aexists(f, "pde") > 0) LIE_CALL(lie_h5_attr_get_string(f, "pde", pde, sizeof pde));
  if (!pde[0]) return LIE_OK;
  if (!j->pde[0]) {
    snprintf(j->pde, sizeof j->pde, "%s", pde);
    return LIE_OK;
  }
  LIE_CHECK(!strcmp(pde, j->pde), LIE_ERR_USAGE, "%s holds %s data but the other files hold %s", path, pde, j->pde);
  return LIE_OK;
}

static int load_1d(lie_step_job *j, const char *path, const char *mode, lie_step_split *s) {
  lie_dataset1d ds = NULL;
  LIE_CALL(lie_dataset1d_open(j->ctx, path, mode, NULL, &ds));
  snprintf(s->mode, sizeof s->mode, "%s", lie_dataset1d_mode(ds));
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_dataset1d_sizes(ds, &s->n, &s->nt, &s->nx));
  s->ny = s->nf = 1, s->fs = (size_t)s->nx;
  LIE_CALL_GOTO(file_pde(j, lie_dataset1d_file(ds), path));
  LIE_CHECK_GOTO(s->nx >= 2, LIE_ERR_FORMAT, "%s: nx = %d", path, s->nx);
  LIE_CALL_GOTO(load_all(ds, s));
done:
  lie_dataset1d_close(&ds);
  return err;
}

static int load_ns(lie_step_job *j, const char *path, const char *mode, lie_step_split *s) {
  lie_datasetns ds = NULL;
  LIE_CALL(lie_datasetns_open(j->ctx, path, mode, &ds));
  snprintf(s->mode, sizeof s->mode, "%s", lie_datasetns_mode(ds));
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_datasetns_sizes(ds, &s->n, &s->nt, &s->nx, &s->ny));
  s->nf = 3, s->fs = (size_t)3 * s->nx * s->ny;
  LIE_CALL_GOTO(file_pde(j, lie_datasetns_file(ds), path));
  if (!j->pde[0]) snprintf(j->pde, sizeof j->pde, "ns");
  LIE_CALL_GOTO(load_all_ns(ds, s));
done:
  lie_datasetns_close(&ds);
  return err;
}

int lie_step_split_load(lie_step_job *j, const char *path, const char *mode, lie_step_split *s) {
  int is_ns = 0;
  memset(s, 0, sizeof *s);
  s->path = path;
  if (mode && !mode[0]) mode = NULL; /* the first of train, valid, test the file has */
  LIE_CALL(lie_dataset_is_ns(j->ctx, path, mode, &is_ns));
  if (is_ns)
    LIE_CALL(load_ns(j, path, mode, s));
  else
    LIE_CALL(load_1d(j, path, mode, s));
  return LIE_OK;
}

void lie_step_split_free(lie_step_split *s) {
  free(s->u), free(s->dx), free(s->dt), free(s->cond);
  memset(s, 0, sizeof *s);
}

/* ---------------------------------------------------------------- truth */
static int read_param(lie_step_job *j, lie_step_split *s, const char *name, double *v) {
  int found = 0, err;
  if (s->nf == 3) {
    lie_datasetns ds;
    LIE_CALL(lie_datasetns_open(j->ctx, s->path, s->mode, &ds));
    err = lie_datasetns_read_param(ds, name, v, &found);
    lie_datasetns_close(&ds);
  } else {
    lie_dataset1d ds;
    LIE_CALL(lie_dataset1d_open(j->ctx, s->path, s->mode, NULL, &ds));
    err = lie_dataset1d_read_param(ds, name, v, &found);
    lie_dataset1d_close(&ds);
  }
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
    LIE_CALL_GOTO(read_param(j, s, "nu", v));
    for (int i = 0; i < s->n; i++) {
      LIE_CHECK_GOTO(v[i] > 0, LIE_ERR_FORMAT, "%s:/%s/nu[%d] = %g (must be > 0)", s->path, s->mode, i, v[i]);
      s->cond[i] = log(v[i]);
    }
  } else if (!strcmp(j->pde, "ks") || !strcmp(j->pde, "kdv")) {
    j->d = 2;
    LIE_CALL_GOTO(read_param(j, s, "L", v));
    for (int i = 0; i < s->n; i++)
      s->cond[2 * i] = v[i], s->cond[2 * i + 1] = s->dt[i];
  } else if (s->nf == 3) {
    j->d = 1;
    LIE_CALL_GOTO(read_param(j, s, "buo_y", v));
    for (int i = 0; i < s->n; i++)
      s->cond[i] = v[i];
  } else
    LIE_SET(LIE_ERR_USAGE, "-step_cond truth: no true parameters are known for %s data (%s)", j->pde, s->path);
done:
  free(v);
  return err;
}

/* ---------------------------------------------------------------- ssl */
typedef struct {
  lie_pretrain_state st;
  lie_nn_net net;
  lie_ssl_data data;
  int repr, Dr, batch;
  lie_ctx ctx;
} step_encoder;

static int encoder_open(lie_step_job *j, const lie_step_split *s, step_encoder *e) {
  const char *ck = j->cfg->cond_ckpt;
  int out, t0 = j->cfg->rollout_start < 0 ? j->H : j->cfg->rollout_start;
  LIE_CALL(lie_pretrain_ckpt_read_state(j->ctx, ck, &e->st));
  LIE_CHECK(!strcmp(e->st.pde, j->pde), LIE_ERR_USAGE, "-step_cond_ckpt %s was pretrained on %s data; %s holds %s data",
            ck, e->st.pde, s->path, j->pde);
  LIE_CHECK((e->st.model.crop_y > 0) == (s->nf == 3), LIE_ERR_USAGE,
            "-step_cond_ckpt %s is a %s encoder; %s holds %s data", ck, e->st.model.crop_y ? "Navier-Stokes" : "1D",
            s->path, s->nf == 3 ? "Navier-Stokes" : "1D");
  LIE_CHECK(!e->st.model.crop_y || (e->st.model.crop_x == s->nx && e->st.model.crop_y == s->ny), LIE_ERR_USAGE,
            "-step_cond_ckpt %s takes %d x %d grids; %s has %d x %d", ck, e->st.model.crop_x, e->st.model.crop_y,
            s->path, s->nx, s->ny);
  LIE_CHECK(e->st.model.crop_x <= s->nx, LIE_ERR_USAGE,
            "-step_cond_ckpt %s takes %d points per frame; %s has %d (an encoder for another grid width)", ck,
            e->st.model.crop_x, s->path, s->nx);
  const int span = lie_ssl_model_span(&e->st.model); /* crop_t frames crop_dt apart */
  LIE_CHECK(span <= t0 + j->H && span <= s->nt, LIE_ERR_USAGE,
            "-step_cond_ckpt %s reads %d frames, but the rollout predicts from frame %d on (%s: %d frames): the "
            "representation would see predicted frames; use a shorter pretraining crop or a later "
            "-step_rollout_start",
            ck, span, t0 + j->H, s->path, s->nt);
  e->batch = 16;
  lie_ssl_model_opts enc = e->st.model;
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
  float *x = NULL, *z = NULL;
  lie_aug_opts aug;
  memset(&aug, 0, sizeof aug);
  int err = LIE_OK;
  LIE_ALLOC_GOTO(x, (size_t)e->batch * in);
  LIE_ALLOC_GOTO(z, (size_t)e->batch * e->Dr);
  LIE_CALL_GOTO(lie_aug_mode_from_name(e->st.aug_mode, &aug.mode));
  for (int b0 = 0; b0 < count; b0 += e->batch) {
    int nb = count - b0 < e->batch ? count - b0 : e->batch;
    memset(x, 0, (size_t)e->batch * in * sizeof(float));
    for (int i = 0; i < nb; i++)
      LIE_CALL_GOTO(lie_ssl_data_plain(e->data, &aug, &e->st.model, first + b0 + i, x + i * in));
    LIE_CALL_GOTO(lie_nn_net_forward(e->net, x, 0));
    LIE_CALL_GOTO(lie_fault(e->ctx, "timestep_cond")); /* test hook (src/core/fault.c) */
    LIE_CALL_GOTO(lie_nn_net_get_activation(e->net, e->repr, z));
    for (size_t k = 0; k < (size_t)nb * e->Dr; k++)
      r[(size_t)b0 * e->Dr + k] = z[k];
  }
done:
  free(x), free(z);
  return err;
}

/* This rank's share of the representations, into s->cond (allocated for all n rows); sets j->d. */
static int ssl_vectors_local(lie_step_job *j, lie_step_split *s) {
  step_encoder e;
  memset(&e, 0, sizeof e);
  e.ctx = j->ctx;
  int err = LIE_OK, first = (int)((long)s->n * j->rank / j->P), cnt = (int)((long)s->n * (j->rank + 1) / j->P) - first;
  LIE_CALL_GOTO(encoder_open(j, s, &e));
  LIE_CHECK_GOTO(!j->d || j->d == e.Dr, LIE_ERR_INTERNAL, "Dr changed");
  j->d = e.Dr;
  free(s->cond);
  s->cond = calloc((size_t)s->n * e.Dr + 1, sizeof(double));
  LIE_CHECK_GOTO(s->cond, LIE_ERR_MEM, "out of memory");
  LIE_CALL_GOTO(encode_block(&e, first, cnt, s->cond + (size_t)first * e.Dr));
done:
  lie_nn_net_destroy(&e.net);
  lie_ssl_data_close(&e.data);
  return err;
}

static int ssl_vectors(lie_step_job *j, lie_step_split *s) {
  LIE_CALL(lie_ctx_agree(j->ctx, ssl_vectors_local(j, s))); /* one rank's error, on all before the gather */
  int *counts, *displs;
  LIE_ALLOC(counts, j->P);
  LIE_ALLOC(displs, j->P);
  for (int r = 0; r < j->P; r++) {
    int f = (int)((long)s->n * r / j->P);
    counts[r] = ((int)((long)s->n * (r + 1) / j->P) - f) * j->d, displs[r] = f * j->d;
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
