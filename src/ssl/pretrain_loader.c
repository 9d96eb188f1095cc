/* The pretrainer's input pipeline: the views of the coming steps are built on
 * -pretrain_loader_threads worker threads (loader.c) while the network trains on the current
 * batch; with 0 threads the main thread builds each batch inside its step.
 *
 *   batch of step s (epoch e = s / steps_per_epoch, k = s mod steps_per_epoch), rank r:
 *     keys   = perm_e[k B + r B/P + j], j < B/P        (main thread, when s is queued)
 *     sample = both views of trajectory keys[j], seeds derive(seed ^ "view", e, keys[j])
 *   so a batch never depends on the number of threads or on their timing (resume stays
 *   bit-identical, rank-count invariance holds).
 *
 * No MPI off the main thread: each worker reads through its own handle on the data file
 * opened with HDF5's serial driver (lie_ssl_data_open(NULL, ...)), so its reads are plain
 * pread()s, and only HDF5 itself is serialised (HDF5 is not thread-safe): a worker holds the
 * loader's I/O lock while it reads a trajectory, the main thread while it writes a
 * checkpoint. The views are built outside the lock. Workers do not record PETSc events (not
 * thread-safe): profile views with -pretrain_loader_threads 0 -log_view. */
#include "loader.h"
#include "pretrain_impl.h"

#include <petscsys.h>
#include <string.h>

#define LIE_TAG_PERM 0x7065726dULL  /* "perm" */
#define LIE_TAG_VIEW 0x76696577ULL  /* "view" */
#define LIE_PRETRAIN_LOADER_DEPTH 2 /* the batch being trained + one being built */

/* Fisher–Yates from a stream keyed by (seed, epoch): the same order for any rank count. */
static void epoch_permutation(struct lie_pretrain_s *p, int epoch) {
  lie_rng rng;
  if (p->perm_epoch == epoch) return;
  lie_rng_seed(&rng, lie_seed_derive(p->cfg.seed, LIE_TAG_PERM, (uint64_t)epoch));
  for (int i = 0; i < p->n; i++)
    p->perm[i] = i;
  for (int i = p->n - 1; i > 0; i--) {
    int j = lie_rng_int(&rng, 0, i + 1), t = p->perm[i];
    p->perm[i] = p->perm[j], p->perm[j] = t;
  }
  p->perm_epoch = epoch;
}

/* This rank's trajectories of step `step` (main thread only: it owns perm). */
static int plan(void *ctx, long step, int *keys) {
  struct lie_pretrain_s *p = ctx;
  const int epoch = (int)(step / p->spe), nl = p->nlocal, rank = lie_ctx_rank(p->ctx);
  const long k = step % p->spe;
  epoch_permutation(p, epoch);
  for (int j = 0; j < nl; j++)
    keys[j] = p->perm[k * p->cfg.batch + (long)rank * nl + j];
  return LIE_OK;
}

/* Both views of sample j (trajectory idx) of a step into the batch x (2 nl views). */
static int views(struct lie_pretrain_s *p, lie_ssl_data d, long step, int j, int idx, float *x) {
  const int nl = p->nlocal, epoch = (int)(step / p->spe);
  uint64_t s = lie_seed_derive(p->cfg.seed ^ LIE_TAG_VIEW, (uint64_t)epoch, (uint64_t)idx);
  for (int v = 0; v < 2; v++)
    LIE_CALL(lie_ssl_data_view(d, &p->cfg.aug, &p->model, lie_seed_derive(s, 1, (uint64_t)v), idx,
                               x + ((size_t)v * nl + j) * p->in_numel));
  return LIE_OK;
}

static int job(void *ctx, int worker, long step, int j, int idx, float *x) {
  struct lie_pretrain_s *p = ctx;
  lie_ssl_data d = p->wdata[worker];
  lie_loader_io_lock(p->loader);
  int err = lie_ssl_data_load(d, idx);
  lie_loader_io_unlock(p->loader);
  LIE_CALL(err);
  LIE_CALL(views(p, d, step, j, idx, x));
  return LIE_OK;
}

int lie_pretrain_build(struct lie_pretrain_s *p, long step, float *x) {
  int *keys = p->keys;
  LIE_CALL(plan(p, step, keys));
  for (int j = 0; j < p->nlocal; j++)
    LIE_CALL(views(p, p->data, step, j, keys[j], x));
  return LIE_OK;
}

/* One handle per worker, normalised like the main one (opened on the main thread). */
static int open_workers(struct lie_pretrain_s *p, int nw) {
  LIE_ALLOC(p->wdata, nw);
  p->nworkers = nw;
  for (int w = 0; w < nw; w++) {
    LIE_CALL(lie_ssl_data_open(NULL, p->cfg.data, p->cfg.mode, p->cfg.field, &p->wdata[w]));
    lie_ssl_data_set_norm_fields(p->wdata[w], p->norm_mean, p->norm_std);
    lie_ssl_data_set_events(p->wdata[w], 0);
  }
  return LIE_OK;
}

/* Started at the first batch, so that the steps to build (up to p->stop) are known. */
static int start(struct lie_pretrain_s *p) {
  const int nw = p->cfg.loader_threads;
  LIE_CALL(open_workers(p, nw));
  lie_loader_opts c = {
      nw, LIE_PRETRAIN_LOADER_DEPTH, p->nlocal, 2 * (size_t)p->nlocal * p->in_numel, p->stop, plan, job, p};
  LIE_CALL(lie_loader_create(&c, &p->loader));
  return LIE_OK;
}

int lie_pretrain_batch(struct lie_pretrain_s *p, long step, float **x) {
  if (p->cfg.loader_threads <= 0) {
    LIE_CALL(lie_pretrain_build(p, step, p->x));
    *x = p->x;
    return LIE_OK;
  }
  if (!p->loader) LIE_CALL(start(p));
  double t0 = lie_wtime();
  int err = lie_loader_get(p->loader, step, x);
  p->batch_wait += lie_wtime() - t0;
  LIE_CALL(err);
  return LIE_OK;
}

void lie_pretrain_batch_done(struct lie_pretrain_s *p, long step) {
  if (p->loader) lie_loader_release(p->loader, step);
}

void lie_pretrain_io_lock(struct lie_pretrain_s *p) {
  if (p->loader) lie_loader_io_lock(p->loader);
}

void lie_pretrain_io_unlock(struct lie_pretrain_s *p) {
  if (p->loader) lie_loader_io_unlock(p->loader);
}

void lie_pretrain_loader_idle(struct lie_pretrain_s *p) {
  if (p->loader) lie_loader_idle(p->loader);
}

void lie_pretrain_loader_stop(struct lie_pretrain_s *p) {
  lie_loader_destroy(&p->loader);
  for (int w = 0; w < p->nworkers; w++)
    lie_ssl_data_close(&p->wdata[w]);
  free(p->wdata);
  p->wdata = NULL, p->nworkers = 0;
}
