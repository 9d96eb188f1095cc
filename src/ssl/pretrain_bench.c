/* lie_pretrain_bench: does the input pipeline keep up with the network? The same model, batch
 * and threads timed two ways in one run, in alternating blocks (a change of machine load hits
 * both): whole steps (lie_pretrain_step: batch from the loader, then the network) and
 * network-only steps on a fixed batch (lie_pretrain_compute). Before each network block the
 * loader threads finish what they were building, so they take no CPU from it; each whole-step
 * block starts after `warmup` untimed steps, so it is timed in the steady state of the queue.
 * views_s_per_batch is one batch built by the main thread alone (the pipeline's CPU cost,
 * measured outside the timed blocks: the main thread builds nothing in a whole step when the
 * loader has threads); wait_s_per_step is how long a whole step waited for its batch (0 when the
 * loader keeps ahead: what is then lost is the CPU the loader takes from the network's threads).
 * Each block is also timed in CPU seconds of the process (every thread: network, loader):
 * on a shared machine wall time measures the load as much as the code, CPU time much less. */
#include "pretrain_impl.h"

#include <limits.h>
#include <string.h>
#include <time.h>

static double process_cpu(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* n steps; *seconds wall, *cpu CPU seconds of the process (cpu may be NULL). */
static int timed_steps(struct lie_pretrain_s *p, int n, int whole, double *seconds, double *cpu) {
  lie_vicreg_terms t;
  double t0 = lie_wtime(), c0 = process_cpu();
  for (int i = 0; i < n; i++)
    if (whole)
      LIE_CALL(lie_pretrain_step(p, &t, 0, NULL, NULL));
    else
      LIE_CALL(lie_pretrain_compute(p, p->x, &t, 0, NULL, NULL));
  *seconds = lie_wtime() - t0;
  if (cpu) *cpu = process_cpu() - c0;
  return LIE_OK;
}

static int views_cost(struct lie_pretrain_s *p, double *seconds) {
  double t0 = lie_wtime();
  lie_pretrain_io_lock(p);
  int err = lie_pretrain_build(p, p->step, p->x);
  lie_pretrain_io_unlock(p);
  *seconds = lie_wtime() - t0;
  LIE_CALL(err);
  return LIE_OK;
}

int lie_pretrain_bench(lie_pretrain p, int warmup, int steps, int rounds, lie_pretrain_bench_result *r) {
  LIE_CHECK(warmup >= 0 && steps >= 1 && rounds >= 1, LIE_ERR_ARG, "bench: %d warmup, %d steps, %d rounds", warmup,
            steps, rounds);
  memset(r, 0, sizeof *r);
  long need = 2L * rounds * (warmup + steps) + 1;
  LIE_CHECK(p->step < LONG_MAX - need, LIE_ERR_ARG, "bench: step counter overflow");
  p->stop = p->step + need; /* the loader builds up to here */
  double tw = 0, tn = 0, tv = 0, cw = 0, cn = 0, s = 0, c = 0, wait = 0;
  for (int k = 0; k < rounds; k++) {
    lie_pretrain_loader_idle(p);
    LIE_CALL(views_cost(p, &s)); /* also the fixed batch of the network-only block */
    tv += s;
    LIE_CALL(timed_steps(p, warmup, 0, &s, NULL));
    LIE_CALL(timed_steps(p, steps, 0, &s, &c));
    tn += s, cn += c;
    LIE_CALL(timed_steps(p, warmup, 1, &s, NULL));
    double w0 = p->batch_wait;
    LIE_CALL(timed_steps(p, steps, 1, &s, &c));
    tw += s, cw += c, wait += p->batch_wait - w0;
  }
  const double samples = (double)rounds * steps * p->cfg.batch;
  r->steps = (long)rounds * steps;
  r->pipeline_samples_per_s = samples / tw;
  r->network_samples_per_s = samples / tn;
  r->pipeline_samples_per_cpu_s = samples / cw;
  r->network_samples_per_cpu_s = samples / cn;
  r->views_s_per_batch = tv / rounds;
  r->wait_s_per_step = wait / r->steps;
  r->nlocal = p->nlocal;
  LIE_CALL(lie_ssl_model_input_shape(&p->model, &r->in_c, &r->in_h, &r->in_w));
  return LIE_OK;
}
