/* liereg embed: frozen-encoder representations of every trajectory of a dataset.
 *
 * Crop policy (deterministic): no symmetry transform; frames 0, crop_dt, ..., (crop_t - 1)
 * crop_dt (crop_dt 1: [0, crop_t)) and points [0, crop_x) of the stored trajectory, with the
 * checkpoint's crop sizes and stride, input channels and
 * normalisation. Encoder in inference mode (batch norm with running statistics), so every
 * embedding depends only on its own trajectory: the output does not depend on the rank count
 * or the batch size. Rank r embeds the block [r N/P, (r+1) N/P) of each split and writes it
 * collectively into the probe's layout (lie_emb_group_create, docs/EVAL.md). */
#include "liereg/io.h"
#include "pretrain_impl.h"

#include <petscsys.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  lie_pretrain_state st;
  lie_nn_net net;
  lie_ssl_data data;
  int repr, Dr, n;
  const char *ckpt;
  lie_ctx ctx;
} embed_job;

static int embed_block(embed_job *j, const lie_embed_opts *cfg, int first, int count, float *emb) {
  int C, H, W, err = LIE_OK;
  float *x = NULL, *r = NULL;
  lie_aug_opts aug;
  memset(&aug, 0, sizeof aug);
  LIE_CALL(lie_ssl_model_input_shape(&j->st.model, &C, &H, &W));
  size_t in = (size_t)C * H * W;
  LIE_ALLOC_GOTO(x, (size_t)cfg->batch * in);
  LIE_ALLOC_GOTO(r, (size_t)cfg->batch * j->Dr);
  LIE_CALL_GOTO(lie_aug_mode_from_name(j->st.aug_mode, &aug.mode));
  for (int b0 = 0; b0 < count; b0 += cfg->batch) {
    int nb = count - b0 < cfg->batch ? count - b0 : cfg->batch;
    memset(x, 0, (size_t)cfg->batch * in * sizeof(float)); /* padding rows of the last chunk */
    for (int i = 0; i < nb; i++)
      LIE_CALL_GOTO(lie_ssl_data_plain(j->data, &aug, &j->st.model, first + b0 + i, x + i * in));
    PetscLogEventBegin(lie_events.forward, 0, 0, 0, 0);
    int ferr = lie_nn_net_forward(j->net, x, 0);
    PetscLogEventEnd(lie_events.forward, 0, 0, 0, 0);
    LIE_CALL_GOTO(ferr);
    LIE_CALL_GOTO(lie_nn_net_get_activation(j->net, j->repr, r));
    LIE_CALL_GOTO(lie_fault(j->ctx, "embed")); /* test hook (src/core/fault.c) */
    memcpy(emb + (size_t)b0 * j->Dr, r, (size_t)nb * j->Dr * sizeof(float));
  }
done:
  free(x), free(r);
  return err;
}

/* One split: /<mode>/emb (rows of this rank's block) + the carried parameter datasets. */
static int write_split(lie_ctx ctx, hid_t f, embed_job *j, const char *data, const char *mode, int first, int count,
                       const float *emb) {
  hid_t d;
  int err = LIE_OK;
  LIE_CALL(lie_emb_group_create(ctx, f, data, mode, j->n, j->Dr, &d));
  LIE_CALL_GOTO(lie_h5_reserve(f)); /* a full disk: one clean error before the rows are written */
  LIE_CALL_GOTO(lie_h5_rows_write(d, H5T_NATIVE_FLOAT, (hsize_t)first, 1, (hsize_t)count, emb));
  LIE_CALL_GOTO(lie_h5_attr_set_string(d, "checkpoint", j->ckpt));
  const int strided = j->st.model.crop_dt > 1;
  const char *frames = strided ? "frames 0,crop_dt,...,(crop_t-1)*crop_dt" : "frames [0,crop_t)";
  char policy[128];
  snprintf(policy, sizeof policy, "no transform; %s, %s", frames,
           j->st.model.crop_y ? "the whole x-y grid" : "points [0,crop_x)");
  LIE_CALL_GOTO(lie_h5_attr_set_string(d, "crop_policy", policy));
  LIE_CALL_GOTO(lie_h5_attr_set_int(d, "crop_t", j->st.model.crop_t));
  LIE_CALL_GOTO(lie_h5_attr_set_int(d, "crop_x", j->st.model.crop_x));
  if (strided) LIE_CALL_GOTO(lie_h5_attr_set_int(d, "crop_dt", j->st.model.crop_dt));
  LIE_CALL_GOTO(lie_h5_attr_set_int(d, "train_step", j->st.step));
done:
  H5Dclose(d);
  return err;
}

/* Embeds split `mode` of `data` into group /<mode> of f. */
static int embed_split(lie_ctx ctx, hid_t f, embed_job *j, const lie_embed_opts *cfg, const char *data,
                       const char *mode) {
  int nt, nx;
  LIE_CALL(lie_ssl_data_open(ctx, data, mode, cfg->field, &j->data));
  LIE_CALL(lie_ssl_data_sizes(j->data, &j->n, &nt, &nx));
  LIE_CHECK(lie_ssl_data_nfields(j->data) == j->st.nnorm, LIE_ERR_USAGE,
            "%s normalises %d field(s) (%s data); %s has %d (wrong data for this checkpoint?)", j->ckpt, j->st.nnorm,
            j->st.pde, data, lie_ssl_data_nfields(j->data));
  lie_ssl_data_set_norm_fields(j->data, j->st.norm_fmean, j->st.norm_fstd);
  lie_train_grid g;
  char what[LIE_PRETRAIN_PATH + 32];
  snprintf(what, sizeof what, "%s:/%s", data, mode);
  LIE_CALL(lie_ssl_data_train_grid(j->data, &g));
  LIE_CALL(lie_train_grid_check(&j->st.grid, j->ckpt, &g, what)); /* the same on every rank */
  const int P = lie_ctx_size(ctx), r = lie_ctx_rank(ctx);
  int first = (int)((long)j->n * r / P), count = (int)((long)j->n * (r + 1) / P) - first;
  float *emb = calloc((size_t)(count ? count : 1) * j->Dr, sizeof(float));
  int err = LIE_OK;
  int berr =
      emb ? embed_block(j, cfg, first, count, emb) : LIE_RECORD(LIE_ERR_MEM, "out of memory (%d embeddings)", count);
  /* a read error on one rank must not leave the others in the collective writes */
  LIE_CALL_GOTO(lie_ctx_agree(ctx, berr));
  /* a write that failed on one rank, on every rank before the next split's */
  LIE_CALL_GOTO(lie_ctx_agree(ctx, write_split(ctx, f, j, data, mode, first, count, emb)));
  lie_log_info(ctx, "embedded %s:/%s: %d trajectories -> /%s/emb (%d x %d float32)", data, mode, j->n, mode, j->n,
               j->Dr);
  LIE_CALL_GOTO(lie_ssl_data_close(&j->data));
done:
  free(emb);
  lie_ssl_data_close(&j->data); /* after an error: still open */
  return err;
}

/* The splits a file contributes: -data_mode, else each of train/valid/test it has. */
/* A file that records its PDE must hold the checkpoint's: KS data through a Burgers encoder
 * gives numbers that mean nothing. (LPSDA files record none and are taken as they are.) */
static int check_pde(hid_t f, const char *path, const char *ckpt_pde) {
  char pde[32] = "";
  if (H5Aexists(f, "pde") > 0 && lie_h5_attr_get_string(f, "pde", pde, sizeof pde)) pde[0] = 0, lie_error_clear();
  LIE_CHECK(!pde[0] || !ckpt_pde[0] || !strcmp(pde, ckpt_pde), LIE_ERR_USAGE,
            "%s holds %s data but the checkpoint was trained on %s", path, pde, ckpt_pde);
  return LIE_OK;
}

static int file_modes(lie_ctx ctx, const char *path, const char *want, const char *ckpt_pde, char modes[3][16],
                      int *n) {
  static const char *all[] = {"train", "valid", "test"};
  hid_t f;
  *n = 0;
  int err = LIE_OK;
  LIE_CALL(lie_h5_open(ctx, path, &f));
  LIE_CALL_GOTO(check_pde(f, path, ckpt_pde));
  if (want[0] && lie_h5_exists(f, want)) snprintf(modes[(*n)++], 16, "%s", want);
  for (int i = 0; !want[0] && i < 3; i++)
    if (lie_h5_exists(f, all[i])) snprintf(modes[(*n)++], 16, "%s", all[i]);
  LIE_CHECK_GOTO(*n > 0, LIE_ERR_FORMAT, "%s has no group %s%s", path, want[0] ? "/" : "/train, /valid or /test",
                 want[0] ? want : "");
done:
  lie_h5_close(&f);
  return err;
}

static int build_encoder(lie_ctx ctx, const lie_embed_opts *cfg, embed_job *j) {
  int out;
  lie_ssl_model_opts enc = j->st.model;
  enc.nexpander = 0; /* the encoder alone; the expander's tensors in the file are not read */
  LIE_CALL(lie_ssl_model_check_memory(&enc, cfg->batch, 0));
  LIE_CALL(lie_nn_net_create(ctx, &j->net));
  LIE_CALL(lie_nn_net_set_backend(j->net, cfg->backend));
  LIE_CALL(lie_ssl_model_build(j->net, &enc, &j->repr, &out));
  LIE_CALL(lie_nn_net_setup(j->net, cfg->batch));
  LIE_CALL(lie_pretrain_ckpt_load(ctx, j->net, NULL, cfg->ckpt));
  LIE_CALL(lie_nn_net_tensor_shape(j->net, j->repr, &j->Dr, NULL, NULL));
  return LIE_OK;
}

static int run(lie_ctx ctx, const lie_embed_opts *cfg, embed_job *j, hid_t *f) {
  char modes[3][16], done[3 * LIE_EMBED_MAX_FILES][16];
  int ndone = 0, nm;
  LIE_CHECK(cfg->ndata >= 1 && cfg->ndata <= LIE_EMBED_MAX_FILES, LIE_ERR_USAGE, "-data: 1 to %d files",
            LIE_EMBED_MAX_FILES);
  LIE_CALL(lie_pretrain_ckpt_read_state(ctx, cfg->ckpt, &j->st));
  j->ckpt = cfg->ckpt;
  LIE_CALL(build_encoder(ctx, cfg, j));
  for (int i = 0; i < cfg->ndata; i++) { /* check every split before writing anything */
    LIE_CALL(file_modes(ctx, cfg->data[i], cfg->mode, j->st.pde, modes, &nm));
    for (int k = 0; k < nm; k++) {
      for (int q = 0; q < ndone; q++)
        LIE_CHECK(strcmp(done[q], modes[k]), LIE_ERR_USAGE, "split /%s appears in two -data files", modes[k]);
      memcpy(done[ndone++], modes[k], sizeof done[0]);
    }
  }
  LIE_CALL(lie_h5_create(ctx, cfg->out, f));
  LIE_CALL(lie_h5_stamp(*f, j->st.pde));
  LIE_CALL(lie_h5_attr_set_string(*f, "ckpt", cfg->ckpt));
  LIE_CALL(lie_h5_attr_set_string(*f, "source", cfg->data[0]));
  for (int i = 0; i < cfg->ndata; i++) {
    LIE_CALL(file_modes(ctx, cfg->data[i], cfg->mode, j->st.pde, modes, &nm));
    for (int k = 0; k < nm; k++)
      LIE_CALL(embed_split(ctx, *f, j, cfg, cfg->data[i], modes[k]));
  }
  return LIE_OK;
}

int lie_embed_run(lie_ctx ctx, const lie_embed_opts *cfg) {
  embed_job j;
  hid_t f = -1;
  memset(&j, 0, sizeof j);
  j.ctx = ctx;
  LIE_CHECK(cfg->batch >= 1, LIE_ERR_USAGE, "-embed_batch must be >= 1");
  int err = LIE_OK;
  LIE_CALL_GOTO(run(ctx, cfg, &j, &f));
  LIE_CALL_GOTO(lie_h5_close(&f)); /* a failed close (disk full) fails the run */
done:
  lie_h5_close(&f); /* after an error: f still open */
  lie_nn_net_destroy(&j.net);
  lie_ssl_data_close(&j.data);
  return err;
}
