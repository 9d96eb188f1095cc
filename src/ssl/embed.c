/* liereg embed: frozen-encoder representations of every trajectory of a dataset.
 *
 * Crop policy (deterministic): no symmetry transform; frames [0, crop_t) and points
 * [0, crop_x) of the stored trajectory, with the checkpoint's crop sizes, input channels and
 * normalisation. Encoder in inference mode (batch norm with running statistics), so every
 * embedding depends only on its own trajectory: the output does not depend on the rank count
 * or the batch size. Rank r embeds the block [r N/P, (r+1) N/P) and writes it collectively. */
#include "pretrain_impl.h"

#include <petscsys.h>
#include <string.h>

/* Per-trajectory datasets copied next to emb, in their stored types, for probes. */
static const char *lie_embed_params[] = {"nu", "L", "T", "ic_amp", "ic_phase", "ic_l", "seed", "buo_y", "dt",
                                         "success", NULL};

/* Copies one attribute (units, description) verbatim; every rank writes the same bytes. */
static herr_t copy_attr(hid_t src, const char *name, const H5A_info_t *info, void *dst) {
  hid_t a = H5Aopen(src, name, H5P_DEFAULT), type = H5Aget_type(a), space = H5Aget_space(a);
  size_t bytes = H5Tget_size(type) * (size_t)H5Sget_simple_extent_npoints(space);
  char *buf = calloc(bytes + 1, 1);
  herr_t e = buf ? H5Aread(a, type, buf) : -1;
  if (e >= 0) {
    hid_t b = H5Acreate2(*(hid_t *)dst, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    e = b >= 0 ? H5Awrite(b, type, buf) : -1;
    if (b >= 0) H5Aclose(b);
  }
  free(buf);
  H5Sclose(space), H5Tclose(type), H5Aclose(a);
  return e < 0 ? -1 : 0;
}

static int copy_param(lie_ctx ctx, hid_t src, hid_t dst, const char *name, int n) {
  int rank;
  hsize_t dims[8];
  if (!lie_h5_exists(src, name)) return LIE_OK;
  LIE_CALL(lie_h5_dims(src, name, &rank, dims));
  if ((int)dims[0] != n) return LIE_OK; /* not per-trajectory */
  hid_t d, ftype, mtype, out;
  LIE_H5(d = H5Dopen2(src, name, H5P_DEFAULT));
  ftype = H5Dget_type(d);
  mtype = H5Tget_native_type(ftype, H5T_DIR_ASCEND);
  size_t row = H5Tget_size(mtype);
  for (int i = 1; i < rank; i++) row *= dims[i];
  char *buf = malloc(row * (size_t)n + 1);
  int err = buf ? 0 : lie_error_set(LIE_ERR_MEM, __FILE__, __LINE__, __func__, "out of memory copying %s", name);
  if (!err) err = lie_h5_rows_read(d, mtype, 0, (hsize_t)n, buf);
  if (!err) err = lie_h5_dataset_create(dst, name, ftype, rank, dims, &out);
  if (!err) { /* one writer, the others join the collective call with nothing */
    err = lie_h5_rows_write(out, mtype, 0, 1, lie_ctx_rank(ctx) == 0 ? (hsize_t)n : 0, buf);
    hsize_t idx = 0;
    if (!err && H5Aiterate2(d, H5_INDEX_NAME, H5_ITER_INC, &idx, copy_attr, &out) < 0)
      err = lie_error_set(LIE_ERR_HDF5, __FILE__, __LINE__, __func__, "copying the attributes of %s", name);
    H5Dclose(out);
  }
  H5Dclose(d);
  free(buf);
  H5Tclose(mtype), H5Tclose(ftype);
  LIE_CALL(err);
  return LIE_OK;
}

typedef struct {
  lie_pretrain_state st;
  lie_nn_net net;
  lie_ssl_data data;
  int repr, Dr, n;
} embed_job;

static int embed_block(embed_job *j, const lie_embed_cfg *cfg, int first, int count, float *emb) {
  int C, H, W;
  LIE_CALL(lie_ssl_model_input_shape(&j->st.model, &C, &H, &W));
  size_t in = (size_t)C * H * W;
  float *x, *r;
  LIE_ALLOC(x, (size_t)cfg->batch * in);
  LIE_ALLOC(r, (size_t)cfg->batch * j->Dr);
  lie_aug_cfg aug;
  memset(&aug, 0, sizeof aug);
  int err = lie_aug_mode_from_name(j->st.aug_mode, &aug.mode);
  for (int b0 = 0; !err && b0 < count; b0 += cfg->batch) {
    int nb = count - b0 < cfg->batch ? count - b0 : cfg->batch;
    memset(x, 0, (size_t)cfg->batch * in * sizeof(float)); /* padding rows of the last chunk */
    for (int i = 0; !err && i < nb; i++) err = lie_ssl_data_plain(j->data, &aug, &j->st.model, first + b0 + i, x + i * in);
    PetscLogEventBegin(lie_events.forward, 0, 0, 0, 0);
    if (!err) err = lie_nn_net_forward(j->net, x, 0);
    PetscLogEventEnd(lie_events.forward, 0, 0, 0, 0);
    if (!err) err = lie_nn_net_get_activation(j->net, j->repr, r);
    if (!err) memcpy(emb + (size_t)b0 * j->Dr, r, (size_t)nb * j->Dr * sizeof(float));
  }
  free(x), free(r);
  LIE_CALL(err);
  return LIE_OK;
}

static int write_output(lie_ctx ctx, embed_job *j, const lie_embed_cfg *cfg, int first, int count, const float *emb) {
  hid_t f, g, d;
  const char *mode = lie_dataset1d_mode(lie_ssl_data_dataset(j->data));
  LIE_CALL(lie_h5_create(ctx, cfg->out, &f));
  LIE_CALL(lie_h5_stamp(f, j->st.pde));
  LIE_H5(g = H5Gcreate2(f, mode, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  hsize_t dims[2] = {(hsize_t)j->n, (hsize_t)j->Dr};
  LIE_CALL(lie_h5_dataset_create(g, "emb", H5T_IEEE_F32LE, 2, dims, &d));
  int err = lie_h5_rows_write(d, H5T_NATIVE_FLOAT, (hsize_t)first, 1, (hsize_t)count, emb);
  if (!err) err = lie_h5_attr_set_string(d, "axes", "trajectory, feature");
  if (!err) err = lie_h5_attr_set_string(d, "checkpoint", cfg->ckpt);
  if (!err) err = lie_h5_attr_set_string(d, "source", cfg->data);
  if (!err) err = lie_h5_attr_set_string(d, "crop_policy", "no transform; frames [0,crop_t), points [0,crop_x)");
  if (!err) err = lie_h5_attr_set_int(d, "crop_t", j->st.model.crop_t);
  if (!err) err = lie_h5_attr_set_int(d, "crop_x", j->st.model.crop_x);
  if (!err) err = lie_h5_attr_set_int(d, "train_step", j->st.step);
  H5Dclose(d);
  hid_t src = H5Gopen2(lie_dataset1d_file(lie_ssl_data_dataset(j->data)), mode, H5P_DEFAULT);
  if (!err && src < 0) err = lie_error_set(LIE_ERR_HDF5, __FILE__, __LINE__, __func__, "cannot open /%s", mode);
  for (int i = 0; !err && lie_embed_params[i]; i++) err = copy_param(ctx, src, g, lie_embed_params[i], j->n);
  if (src >= 0) H5Gclose(src);
  H5Gclose(g);
  int cerr = lie_h5_close(&f);
  LIE_CALL(err);
  LIE_CALL(cerr);
  return LIE_OK;
}

static int run(lie_ctx ctx, const lie_embed_cfg *cfg, embed_job *j) {
  int out, nt, nx;
  LIE_CALL(lie_pretrain_ckpt_read_state(ctx, cfg->ckpt, &j->st));
  LIE_CALL(lie_ssl_data_open(ctx, cfg->data, cfg->mode, cfg->field, &j->data));
  LIE_CALL(lie_ssl_data_sizes(j->data, &j->n, &nt, &nx));
  lie_ssl_data_set_norm(j->data, j->st.norm_mean, j->st.norm_std);
  lie_ssl_model_cfg enc = j->st.model;
  enc.nexpander = 0; /* the encoder alone; the expander's tensors in the file are not read */
  LIE_CALL(lie_nn_net_create(ctx, &j->net));
  LIE_CALL(lie_nn_net_set_backend(j->net, cfg->backend));
  LIE_CALL(lie_ssl_model_build(j->net, &enc, &j->repr, &out));
  LIE_CALL(lie_nn_net_setup(j->net, cfg->batch));
  LIE_CALL(lie_pretrain_ckpt_load(ctx, j->net, NULL, cfg->ckpt));
  LIE_CALL(lie_nn_net_tensor_shape(j->net, j->repr, &j->Dr, NULL, NULL));
  const int P = lie_ctx_size(ctx), r = lie_ctx_rank(ctx);
  int first = (int)((long)j->n * r / P), count = (int)((long)j->n * (r + 1) / P) - first;
  float *emb;
  LIE_ALLOC(emb, (size_t)(count ? count : 1) * j->Dr);
  int err = embed_block(j, cfg, first, count, emb), any = 0;
  /* a read error on one rank must not leave the others in the collective file creation */
  MPI_Allreduce(&err, &any, 1, MPI_INT, MPI_MAX, lie_ctx_comm(ctx));
  if (!err && any) err = lie_error_set(LIE_ERR_IO, __FILE__, __LINE__, __func__, "embedding failed on another rank");
  if (!err) err = write_output(ctx, j, cfg, first, count, emb);
  free(emb);
  LIE_CALL(err);
  lie_log_info(ctx, "embedded %d trajectories of %s (/%s) with %s (step %ld): %d x %d float32", j->n, cfg->data,
               lie_dataset1d_mode(lie_ssl_data_dataset(j->data)), cfg->ckpt, j->st.step, j->n, j->Dr);
  return LIE_OK;
}

int lie_embed_run(lie_ctx ctx, const lie_embed_cfg *cfg) {
  embed_job j;
  memset(&j, 0, sizeof j);
  LIE_CHECK(cfg->batch >= 1, LIE_ERR_USAGE, "-embed_batch must be >= 1");
  int err = run(ctx, cfg, &j);
  lie_nn_net_destroy(&j.net);
  lie_ssl_data_close(&j.data);
  LIE_CALL(err);
  return LIE_OK;
}
