/* Worker threads and the bounded queue of batches (loader.h). One mutex guards the queue
 * state; workers take jobs of the oldest queued batch first, so the batch needed next is
 * finished first. */
#include "loader.h"
#include "liereg/augment.h"
#include "liereg/core.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { SLOT_FREE, SLOT_QUEUED, SLOT_READY };

typedef struct {
  long step;
  int state, next, done, err;
  char msg[1024];
  float *x;
  int *keys;
} slot;

struct lie_loader_s {
  lie_loader_opts cfg;
  pthread_mutex_t mu, io;
  pthread_cond_t work, ready;
  slot *slots;
  pthread_t *threads;
  int nstarted, running, quit;
  long next_queue; /* the next step to queue */
};

typedef struct {
  lie_loader l;
  int id;
} worker_arg;

/* The queued slot with an unassigned job and the smallest step, or NULL. */
static slot *next_work(lie_loader l) {
  slot *best = NULL;
  for (int i = 0; i < l->cfg.depth; i++) {
    slot *s = &l->slots[i];
    if (s->state == SLOT_QUEUED && s->next < l->cfg.jobs && (!best || s->step < best->step)) best = s;
  }
  return best;
}

static void run_job(lie_loader l, int id, slot *s, int j) {
  int err = l->cfg.job(l->cfg.ctx, id, s->step, j, s->keys[j], s->x);
  char msg[1024] = "";
  if (err) snprintf(msg, sizeof msg, "%s", lie_error_message());
  lie_error_clear();
  pthread_mutex_lock(&l->mu);
  l->running--;
  if (err && !s->err) s->err = err, snprintf(s->msg, sizeof s->msg, "%s", msg);
  if (++s->done == l->cfg.jobs) s->state = SLOT_READY;
  pthread_cond_broadcast(&l->ready);
}

static void *worker(void *arg) {
  worker_arg *a = arg;
  lie_loader l = a->l;
  pthread_mutex_lock(&l->mu);
  while (!l->quit) {
    slot *s = next_work(l);
    if (!s) {
      pthread_cond_wait(&l->work, &l->mu);
      continue;
    }
    int j = s->next++;
    l->running++;
    pthread_mutex_unlock(&l->mu);
    run_job(l, a->id, s, j); /* returns with mu held */
  }
  pthread_mutex_unlock(&l->mu);
  lie_aug_thread_cleanup();
  free(a);
  return NULL;
}

/* Queue steps while buffers are free (mu held). */
static int fill(lie_loader l) {
  while (l->next_queue < l->cfg.end) {
    slot *s = &l->slots[l->next_queue % l->cfg.depth];
    if (s->state != SLOT_FREE) break;
    LIE_CALL(l->cfg.plan(l->cfg.ctx, l->next_queue, s->keys));
    s->step = l->next_queue++;
    s->next = s->done = s->err = 0;
    s->msg[0] = 0;
    s->state = SLOT_QUEUED;
    pthread_cond_broadcast(&l->work);
  }
  return LIE_OK;
}

/* Drop every queued batch and wait for jobs in flight (mu held). */
static void restart(lie_loader l, long step) {
  for (int i = 0; i < l->cfg.depth; i++)
    if (l->slots[i].state == SLOT_QUEUED) l->slots[i].next = l->cfg.jobs; /* no new jobs */
  while (l->running > 0)
    pthread_cond_wait(&l->ready, &l->mu);
  for (int i = 0; i < l->cfg.depth; i++)
    l->slots[i].state = SLOT_FREE;
  l->next_queue = step;
}

int lie_loader_get(lie_loader l, long step, float **x) {
  slot *s = &l->slots[step % l->cfg.depth];
  pthread_mutex_lock(&l->mu);
  if (s->state == SLOT_FREE || s->step != step) restart(l, step);
  int err = fill(l);
  while (!err && s->state != SLOT_READY)
    pthread_cond_wait(&l->ready, &l->mu);
  pthread_mutex_unlock(&l->mu);
  LIE_CHECK(!s->err, s->err, "%s", s->msg);
  LIE_CALL(err);
  *x = s->x;
  return LIE_OK;
}

void lie_loader_release(lie_loader l, long step) {
  slot *s = &l->slots[step % l->cfg.depth];
  pthread_mutex_lock(&l->mu);
  if (s->state == SLOT_READY && s->step == step) s->state = SLOT_FREE;
  if (fill(l)) lie_error_clear(); /* a failing plan is reported by the next get */
  pthread_mutex_unlock(&l->mu);
}

void lie_loader_idle(lie_loader l) {
  pthread_mutex_lock(&l->mu);
  for (;;) {
    int queued = l->running > 0;
    for (int i = 0; i < l->cfg.depth && !queued; i++)
      queued = l->slots[i].state == SLOT_QUEUED;
    if (!queued) break;
    pthread_cond_wait(&l->ready, &l->mu);
  }
  pthread_mutex_unlock(&l->mu);
}

void lie_loader_io_lock(lie_loader l) { pthread_mutex_lock(&l->io); }
void lie_loader_io_unlock(lie_loader l) { pthread_mutex_unlock(&l->io); }

static int start(lie_loader l) {
  const lie_loader_opts *c = &l->cfg;
  LIE_ALLOC(l->slots, c->depth);
  LIE_ALLOC(l->threads, c->threads);
  for (int i = 0; i < c->depth; i++) {
    LIE_ALLOC(l->slots[i].x, c->floats);
    LIE_ALLOC(l->slots[i].keys, c->jobs);
  }
  for (int i = 0; i < c->threads; i++) {
    worker_arg *a;
    LIE_ALLOC(a, 1);
    a->l = l, a->id = i;
    int e = pthread_create(&l->threads[i], NULL, worker, a);
    if (e) free(a);
    LIE_CHECK(e == 0, LIE_ERR_INTERNAL, "cannot start loader thread %d (%s)", i, strerror(e));
    l->nstarted++;
  }
  return LIE_OK;
}

int lie_loader_create(const lie_loader_opts *cfg, lie_loader *out) {
  LIE_CHECK(cfg->threads >= 1 && cfg->depth >= 2 && cfg->jobs >= 1 && cfg->plan && cfg->job, LIE_ERR_ARG,
            "loader: %d threads, depth %d, %d jobs per batch", cfg->threads, cfg->depth, cfg->jobs);
  lie_loader l;
  LIE_ALLOC(l, 1);
  l->cfg = *cfg;
  pthread_mutex_init(&l->mu, NULL);
  pthread_mutex_init(&l->io, NULL);
  pthread_cond_init(&l->work, NULL);
  pthread_cond_init(&l->ready, NULL);
  *out = l;
  int err = start(l);
  if (err) lie_loader_destroy(out);
  LIE_CALL(err);
  return LIE_OK;
}

void lie_loader_destroy(lie_loader *lp) {
  lie_loader l = *lp;
  if (!l) return;
  pthread_mutex_lock(&l->mu);
  l->quit = 1;
  pthread_cond_broadcast(&l->work);
  pthread_mutex_unlock(&l->mu);
  for (int i = 0; i < l->nstarted; i++)
    pthread_join(l->threads[i], NULL);
  for (int i = 0; l->slots && i < l->cfg.depth; i++)
    free(l->slots[i].x), free(l->slots[i].keys);
  free(l->slots), free(l->threads);
  pthread_mutex_destroy(&l->mu), pthread_mutex_destroy(&l->io);
  pthread_cond_destroy(&l->work), pthread_cond_destroy(&l->ready);
  free(l);
  *lp = NULL;
}
