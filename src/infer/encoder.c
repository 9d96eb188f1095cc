/* In-situ inference, the encoder (include/liereg/infer.h): a checkpoint's frozen encoder
 * applied to windows held in memory. The window -> input conversion is the one `liereg
 * embed` uses (lie_ssl_window1d_input / lie_ssl_window_ns_input, src/ssl/window.c), so the
 * representations are the CLI's bit for bit on the same backend, threads and batch size.
 *
 * Layering: core <- io <- {solvers, augment} <- nn <- ssl <- eval <- infer <- report <- cli.
 * infer comes after eval because a simulation wants the probe's prediction too
 * (lie_probe_*, src/eval/probe_model.c); nothing below infer calls it. */
#include "liereg/infer.h"
#include "liereg/probe_trained.h" /* lie_frozen_encoder_build */
#include "liereg/ssl.h"

#include <math.h>
#include <string.h>

struct lie_encoder_s {
  lie_ctx ctx;
  char ckpt[LIE_PRETRAIN_PATH];
  lie_pretrain_state st;
  lie_ssl_model_opts model; /* encoder only (no expander) */
  lie_nn_net net;
  int repr_id, Dr, max_batch, threads;
  size_t in_numel;
  float *x, *r;     /* input (max_batch, in_numel), representations (max_batch, Dr) */
  double dt, t_end; /* coords mode: time step and final time of the t/t_end channel */
  int time_known;
};

/* The caller's OpenMP thread count is its own: set ours for a call, then put it back. */
static int threads_enter(lie_encoder e) { return lie_nn_threads_enter(e->threads); }
static void threads_leave(int saved) { lie_nn_set_threads(saved); }

/* The t/t_end channel needs one dt and t_end: the checkpoint's when its training data had one. */
static void default_time(lie_encoder e) {
  const lie_train_grid *g = &e->st.grid;
  e->time_known = g->known && g->dt[0] == g->dt[1] && g->t_end[0] == g->t_end[1];
  e->dt = g->dt[0], e->t_end = g->t_end[0];
}

static int build(lie_encoder e) {
  e->model = e->st.model;
  e->model.nexpander = 0; /* the encoder alone; the expander's tensors in the file are not read */
  /* threads 0: the caller's are set around each call (threads_enter) */
  LIE_CALL(lie_frozen_encoder_build(e->ctx, e->ckpt, &e->model, lie_nn_backend_default(), 0, e->max_batch, &e->net,
                                    &e->repr_id, &e->Dr, &e->in_numel));
  LIE_ALLOC(e->x, (size_t)e->max_batch * e->in_numel);
  LIE_ALLOC(e->r, (size_t)e->max_batch * e->Dr);
  return LIE_OK;
}

int lie_encoder_load(lie_ctx ctx, const char *ckpt, int max_batch, lie_encoder *out) {
  LIE_CHECK(out && ckpt, LIE_ERR_ARG, "lie_encoder_load: NULL argument");
  *out = NULL;
  LIE_CHECK(max_batch >= 1 && max_batch <= 65536, LIE_ERR_USAGE, "lie_encoder_load: max_batch %d (1..65536)",
            max_batch);
  LIE_CHECK(strlen(ckpt) < LIE_PRETRAIN_PATH, LIE_ERR_USAGE, "checkpoint path too long");
  lie_encoder e;
  LIE_ALLOC(e, 1);
  e->ctx = ctx, e->max_batch = max_batch, e->threads = 1;
  snprintf(e->ckpt, sizeof e->ckpt, "%s", ckpt);
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_pretrain_ckpt_read_state(ctx, ckpt, &e->st));
  default_time(e);
  int saved = threads_enter(e);
  int built = build(e);
  threads_leave(saved);
  LIE_CALL_GOTO(built);
done:
  if (err)
    lie_encoder_destroy(&e);
  else
    *out = e;
  return err;
}

int lie_encoder_get_info(lie_encoder e, lie_encoder_info *info) {
  LIE_CHECK(e && info, LIE_ERR_ARG, "lie_encoder_get_info: NULL argument");
  const lie_train_grid *g = &e->st.grid;
  memset(info, 0, sizeof *info);
  snprintf(info->pde, sizeof info->pde, "%s", e->st.pde);
  snprintf(info->mode, sizeof info->mode, "%s", e->st.aug_mode);
  info->nfields = e->st.nnorm;
  info->crop_t = e->model.crop_t, info->crop_x = e->model.crop_x, info->crop_y = e->model.crop_y;
  info->crop_dt = e->model.crop_dt > 1 ? e->model.crop_dt : 1;
  info->repr = e->Dr, info->dims = e->model.dims, info->width = e->model.width;
  info->train_step = e->st.step;
  info->grid_known = g->known, info->nt = g->nt, info->nx = g->nx, info->ny = g->ny;
  for (int k = 0; k < 2; k++)
    info->dt[k] = g->dt[k], info->dx[k] = g->dx[k], info->L[k] = g->L[k], info->t_end[k] = g->t_end[k];
  return LIE_OK;
}

int lie_encoder_repr_size(lie_encoder e) { return e ? e->Dr : 0; }

int lie_encoder_set_threads(lie_encoder e, int n) {
  LIE_CHECK(e, LIE_ERR_ARG, "lie_encoder_set_threads: NULL encoder");
  LIE_CHECK(n <= 1024, LIE_ERR_USAGE, "lie_encoder_set_threads: %d threads is too many", n);
  e->threads = n > 0 ? n : lie_nn_cores_available();
  return LIE_OK;
}

int lie_encoder_set_time(lie_encoder e, double dt, double t_end) {
  LIE_CHECK(e, LIE_ERR_ARG, "lie_encoder_set_time: NULL encoder");
  LIE_CHECK(dt > 0 && t_end > 0 && isfinite(dt) && isfinite(t_end), LIE_ERR_USAGE,
            "lie_encoder_set_time: dt = %g and t_end = %g must be > 0", dt, t_end);
  e->dt = dt, e->t_end = t_end, e->time_known = 1;
  return LIE_OK;
}

static int check_batch(lie_encoder e, int n, int nt, const float *z) {
  LIE_CHECK(z, LIE_ERR_ARG, "lie_encoder_embed: NULL output");
  LIE_CHECK(n >= 1 && n <= e->max_batch, LIE_ERR_USAGE, "lie_encoder_embed: %d windows, the encoder of %s takes 1..%d",
            n, e->ckpt, e->max_batch);
  LIE_CHECK(nt >= lie_ssl_model_span(&e->model), LIE_ERR_USAGE,
            "window of %d frames: the encoder of %s needs at least %d (its crop_t%s)", nt, e->ckpt,
            lie_ssl_model_span(&e->model), e->model.crop_dt > 1 ? " frames, crop_dt apart" : "");
  LIE_CHECK(!strcmp(e->st.aug_mode, "grid") || e->time_known, LIE_ERR_USAGE,
            "%s is a coords-mode checkpoint whose training data had several time steps/final times: "
            "call lie_encoder_set_time(enc, dt, t_end) first",
            e->ckpt);
  return LIE_OK;
}

/* Forward of the first n rows of e->x (the rest zero) -> z (n, Dr). */
static int forward(lie_encoder e, int n, float *z) {
  memset(e->x + (size_t)n * e->in_numel, 0, (size_t)(e->max_batch - n) * e->in_numel * sizeof(float));
  int saved = threads_enter(e), err = LIE_OK;
  LIE_CALL_GOTO(lie_nn_net_forward(e->net, e->x, 0));
  LIE_CALL_GOTO(lie_nn_net_get_activation(e->net, e->repr_id, e->r));
  memcpy(z, e->r, (size_t)n * e->Dr * sizeof(float));
done:
  threads_leave(saved);
  return err;
}

int lie_encoder_embed(lie_encoder e, int n, int nt, int nx, const double *u, double t0, double L, float *z) {
  LIE_CHECK(e && u, LIE_ERR_ARG, "lie_encoder_embed: NULL argument");
  LIE_CHECK(e->model.crop_y == 0, LIE_ERR_USAGE, "%s is a Navier-Stokes encoder (%d fields): use lie_encoder_embed_ns",
            e->ckpt, e->st.nnorm);
  LIE_CALL(check_batch(e, n, nt, z));
  lie_train_grid have = {1, nt, nx, 0, {e->dt, e->dt}, {L / nx, L / nx}, {L, L}, {0, 0}, {t0, t0}, {0, 0}};
  LIE_CALL(lie_train_grid_check(&e->st.grid, e->ckpt, &have, "the window"));
  LIE_CHECK(nx >= e->model.crop_x, LIE_ERR_USAGE, "window of %d points: the encoder of %s needs at least %d", nx,
            e->ckpt, e->model.crop_x);
  for (int i = 0; i < n; i++)
    LIE_CALL(lie_ssl_window1d_input(&e->model, e->st.norm_fmean[0], e->st.norm_fstd[0], u + (size_t)i * nt * nx, nt, nx,
                                    L, t0, e->dt, e->t_end, e->x + (size_t)i * e->in_numel));
  LIE_CALL(forward(e, n, z));
  return LIE_OK;
}

int lie_encoder_embed_ns(lie_encoder e, int n, int nt, int nx, int ny, const double *u, const double *vx,
                         const double *vy, const double *x, const double *y, const double *t, float *z) {
  LIE_CHECK(e && u && vx && vy && x && y && t, LIE_ERR_ARG, "lie_encoder_embed_ns: NULL argument");
  LIE_CHECK(e->model.crop_y > 0, LIE_ERR_USAGE, "%s is a 1D (%s) encoder: use lie_encoder_embed", e->ckpt, e->st.pde);
  LIE_CALL(check_batch(e, n, nt, z));
  LIE_CHECK(nx == e->model.crop_x && ny == e->model.crop_y && nx >= 2 && ny >= 2 && nt >= 2, LIE_ERR_USAGE,
            "NS window of %d x %d points: the encoder of %s needs %d x %d", nx, ny, e->ckpt, e->model.crop_x,
            e->model.crop_y);
  double Lx = nx * (x[1] - x[0]), Ly = ny * (y[1] - y[0]), dt = t[1] - t[0];
  lie_train_grid have = {1, nt, nx, ny, {dt, dt}, {Lx / nx, Lx / nx}, {Lx, Lx}, {Ly, Ly}, {t[0], t[0]}, {0, 0}};
  LIE_CALL(lie_train_grid_check(&e->st.grid, e->ckpt, &have, "the window"));
  const size_t len = (size_t)nt * nx * ny;
  for (int i = 0; i < n; i++)
    LIE_CALL(lie_ssl_window_ns_input(&e->model, e->st.norm_fmean, e->st.norm_fstd, u + i * len, vx + i * len,
                                     vy + i * len, nt, nx, ny, x, y, t, e->t_end, e->x + (size_t)i * e->in_numel));
  LIE_CALL(forward(e, n, z));
  return LIE_OK;
}

int lie_encoder_destroy(lie_encoder *ep) {
  if (!ep || !*ep) return LIE_OK;
  lie_encoder e = *ep;
  lie_nn_net_destroy(&e->net);
  free(e->x), free(e->r);
  LIE_FREE(*ep);
  return LIE_OK;
}
