/* Prefetch: while step s trains, one thread reads and augments the batch of step s+1.
 *
 * Views are pure functions of (seed, epoch, index), so prefetching never changes results.
 * Safety: the thread is the only user of the data object, the sample permutation, HDF5 and
 * FFTW (augment) while it runs — the main thread only computes (nn, MPI on other buffers) and
 * joins the thread before any HDF5 call of its own (checkpoints) and before building a batch
 * itself. PETSc logging is not thread-safe, so the io/augment events are switched off while
 * prefetch is on (-train_prefetch 0 restores them for -log_view). Errors are captured as text
 * (the error state is thread-local) and re-raised by the main thread when it takes the batch. */
#include "pretrain_impl.h"

#include <string.h>

static void *worker(void *arg) {
  struct lie_pretrain_s *p = arg;
  p->pf_err = lie_pretrain_build(p, p->pf_step, p->xnext);
  if (p->pf_err) snprintf(p->pf_msg, sizeof p->pf_msg, "%s", lie_error_message());
  lie_error_clear();
  return NULL;
}

int lie_pretrain_prefetch_start(struct lie_pretrain_s *p, long step) {
  if (!p->cfg.prefetch) return LIE_OK;
  lie_pretrain_prefetch_wait(p);
  p->pf_ready = 0;
  p->pf_step = step;
  p->pf_err = 0;
  int e = pthread_create(&p->pf_thread, NULL, worker, p);
  LIE_CHECK(e == 0, LIE_ERR_INTERNAL, "cannot start the prefetch thread (%s)", strerror(e));
  p->pf_pending = 1;
  return LIE_OK;
}

void lie_pretrain_prefetch_wait(struct lie_pretrain_s *p) {
  if (!p->pf_pending) return;
  pthread_join(p->pf_thread, NULL);
  p->pf_pending = 0;
  p->pf_ready = 1;
}

int lie_pretrain_prefetch_take(struct lie_pretrain_s *p, long step, int *got) {
  *got = 0;
  lie_pretrain_prefetch_wait(p);
  if (!p->pf_ready || p->pf_step != step) {
    p->pf_ready = 0;
    return LIE_OK;
  }
  p->pf_ready = 0;
  LIE_CHECK(!p->pf_err, p->pf_err, "%s", p->pf_msg);
  float *t = p->x;
  p->x = p->xnext, p->xnext = t;
  *got = 1;
  return LIE_OK;
}
