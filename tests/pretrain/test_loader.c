/* The batch loader (src/ssl/loader.c) on its own: with 1 and 3 worker threads and jobs that
 * finish in scrambled order, every batch holds exactly its own jobs' results; plan runs on
 * the calling thread only; no step at or past `end` is built; a jump restarts the queue; a
 * failing job's message comes back from lie_loader_get of its step, after good steps. */
#include "lie_test.h"
#include "ssl/loader.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#define JOBS 8
#define END 24

typedef struct {
  pthread_t main;
  int plan_off_main, fail_step, fail_job;
  long max_built;
  pthread_mutex_t mu;
} ctx_t;

static int plan(void *ctx, long step, int *keys) {
  ctx_t *c = ctx;
  if (!pthread_equal(pthread_self(), c->main)) c->plan_off_main = 1;
  for (int j = 0; j < JOBS; j++)
    keys[j] = (int)(step * 100 + j);
  return LIE_OK;
}

static int job(void *ctx, int worker, long step, int j, int key, float *x) {
  ctx_t *c = ctx;
  usleep((useconds_t)(((step * 7 + j * 3 + worker) % 5) * 200)); /* scramble the finishing order */
  pthread_mutex_lock(&c->mu);
  if (step > c->max_built) c->max_built = step;
  pthread_mutex_unlock(&c->mu);
  LIE_CHECK(!(step == c->fail_step && j == c->fail_job), LIE_ERR_NUMERIC, "job %d of step %ld failed on purpose", j,
            step);
  x[j] = (float)key + 0.5f;
  return LIE_OK;
}

/* Steps [from, to) in order: the number of wrong values. */
static int consume(lie_loader l, long from, long to) {
  int bad = 0;
  for (long s = from; s < to; s++) {
    float *x;
    if (lie_loader_get(l, s, &x)) return -1;
    for (int j = 0; j < JOBS; j++)
      bad += x[j] != (float)(s * 100 + j) + 0.5f;
    lie_loader_release(l, s);
  }
  return bad;
}

static void run(int threads) {
  ctx_t c = {pthread_self(), 0, -1, -1, -1, PTHREAD_MUTEX_INITIALIZER};
  lie_loader_opts cfg = {threads, 2, JOBS, JOBS, END, plan, job, &c};
  lie_loader l;
  char what[128];
  LIE_TEST_CALL(lie_loader_create(&cfg, &l));
  int bad = consume(l, 0, 10);
  bad += consume(l, 15, END); /* a jump forward restarts the queue there */
  lie_loader_idle(l);
  snprintf(what, sizeof what, "%d thread(s): every batch holds its own jobs (steps 0-9, 15-%d)", threads, END - 1);
  LIE_TEST_TRUE(bad == 0, what);
  snprintf(what, sizeof what, "%d thread(s): plan ran on the calling thread only", threads);
  LIE_TEST_TRUE(!c.plan_off_main, what);
  snprintf(what, sizeof what, "%d thread(s): nothing built at or past end (last built %ld)", threads, c.max_built);
  LIE_TEST_TRUE(c.max_built == END - 1, what);
  lie_loader_destroy(&l);
  LIE_TEST_TRUE(l == NULL, "destroy sets the handle to NULL");

  c.fail_step = 5, c.fail_job = 3, c.max_built = -1;
  LIE_TEST_CALL(lie_loader_create(&cfg, &l));
  bad = consume(l, 0, 5);
  float *x;
  int err = lie_loader_get(l, 5, &x);
  const char *msg = lie_error_message();
  snprintf(what, sizeof what, "%d thread(s): steps before the failing one are intact", threads);
  LIE_TEST_TRUE(bad == 0, what);
  snprintf(what, sizeof what, "%d thread(s): the failing job's error at its step (%d: %s)", threads, err, msg);
  LIE_TEST_TRUE(err == LIE_ERR_NUMERIC && strstr(msg, "job 3 of step 5 failed on purpose"), what);
  lie_error_clear();
  lie_loader_destroy(&l);
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  run(1);
  run(3);
  lie_loader_opts bad = {0, 2, JOBS, JOBS, END, plan, job, NULL};
  lie_loader l = NULL;
  LIE_TEST_TRUE(lie_loader_create(&bad, &l) == LIE_ERR_ARG && !l, "0 threads refused");
  lie_error_clear();
  return lie_test_finish();
}
