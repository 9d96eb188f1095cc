/* A batch loader: worker threads build the batches of the coming steps ahead of the consumer,
 * into a ring of `depth` batch buffers (a bounded queue). Generic over what a batch is:
 *
 *   plan(ctx, step, keys)              main thread, when step is queued: one int key per job
 *                                      (the pretrainer's sample indices of that step)
 *   job(ctx, worker, step, j, key, x)  a worker thread: job j of `step` into the batch x
 *
 * Deterministic: a batch depends only on (step, j, key), never on which worker ran a job or
 * when. Workers make no MPI call unless job does. HDF5 is not thread-safe: jobs and the main
 * thread take lie_loader_io_lock around every HDF5 call while the loader runs. Errors of a
 * job are kept as text (the error state is per thread) and returned by lie_loader_get. */
#ifndef LIEREG_LOADER_H
#define LIEREG_LOADER_H

#include <stddef.h>

typedef struct lie_loader_s *lie_loader;
typedef int (*lie_loader_plan_fn)(void *ctx, long step, int *keys);
typedef int (*lie_loader_job_fn)(void *ctx, int worker, long step, int j, int key, float *x);

typedef struct {
  int threads;   /* workers (>= 1) */
  int depth;     /* batches in the ring (>= 2: one consumed, the rest being built) */
  int jobs;      /* jobs per batch */
  size_t floats; /* floats per batch */
  long end;      /* steps >= end are never built */
  lie_loader_plan_fn plan;
  lie_loader_job_fn job;
  void *ctx;
} lie_loader_opts;

int lie_loader_create(const lie_loader_opts *cfg, lie_loader *l);
/* The batch of `step`, waiting for it; queues the steps after it as buffers free up. A step
 * that is not the next one queued restarts the queue there (after a resume or a jump). The
 * buffer stays valid until lie_loader_release(step). */
int lie_loader_get(lie_loader l, long step, float **x);
void lie_loader_release(lie_loader l, long step);
void lie_loader_io_lock(lie_loader l);
void lie_loader_io_unlock(lie_loader l);
/* Waits until every queued batch is built (no worker busy): nothing runs beside the caller. */
void lie_loader_idle(lie_loader l);
/* Stops and joins the workers (jobs in progress finish first). */
void lie_loader_destroy(lie_loader *l);

#endif
