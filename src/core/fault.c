/* Test hook: fault injection for the collective-error tests (tests/fuzz/fuzz.sh, fault_*).
 * LIEREG_FAULT=WHERE:RANK makes lie_fault(ctx, WHERE) fail on rank RANK only, as a real error
 * inside a per-rank computation would (a solver, a training step, a batch of the encoder), so
 * that the test can show every rank ending with the same one-line error instead of hanging in
 * the next collective. Unset (always, outside tests) it costs one getenv per call. */
#include "liereg/core.h"

#include <stdlib.h>
#include <string.h>

/* Every point, one per loop body that alternates local work and collectives (where it sits:
 * docs/TESTING.md "Test hooks"). A WHERE that is not here is refused, so that a misspelt test
 * cannot pass by never failing. */
static const char *const fault_points[] = {
    "generate",         /* solvers/generate1d.c: each block of trajectories between collective writes */
    "pretrain_step",    /* src/ssl/pretrain_step.c: after each forward */
    "pretrain_batch",   /* src/ssl/pretrain_step.c: after each batch is built, before the forward */
    "bn_sync",          /* src/nn/batchnorm_sync.c: before a synchronised batch norm's reduction */
    "embed",            /* src/ssl/embed.c: each batch of the encoder */
    "timestep_step",    /* src/eval/timestep_model.c: each training step, after the forward */
    "timestep_rollout", /* src/eval/timestep_rollout.c: each rollout window */
    "timestep_cond",    /* src/eval/timestep_data.c: each batch of the ssl conditioning encoder */
    "probe_ridge",      /* src/eval/probe.c: the ridge fit of each probe */
    "probe_trained",    /* src/eval/probe_trained.c: each batch of the trained head */
    "probe_features",   /* src/eval/probe_trained.c: each batch of the plain-crop features */
    "supervised",       /* src/eval/supervised.c: each training step, after the forward */
    "supervised_eval",  /* src/eval/supervised.c: each batch of the predictions */
    "augsearch",        /* src/augsearch/augsearch.c: each candidate evaluation of a group */
    NULL};

static int known(const char *where, size_t len) {
  for (int i = 0; fault_points[i]; i++)
    if (strlen(fault_points[i]) == len && strncmp(fault_points[i], where, len) == 0) return 1;
  return 0;
}

int lie_fault(lie_ctx ctx, const char *where) {
  const char *f = getenv("LIEREG_FAULT");
  if (!f || !*f) return LIE_OK;
  LIE_CHECK(known(where, strlen(where)), LIE_ERR_INTERNAL, "lie_fault(%s): not a registered fault point", where);
  const char *colon = strrchr(f, ':');
  size_t len = colon ? (size_t)(colon - f) : strlen(f);
  LIE_CHECK(known(f, len), LIE_ERR_USAGE, "LIEREG_FAULT=%s: no such fault point (see src/core/fault.c)", f);
  if (len != strlen(where) || strncmp(f, where, len) != 0) return LIE_OK;
  int rank = colon ? atoi(colon + 1) : 0;
  LIE_CHECK(lie_ctx_rank(ctx) != rank, LIE_ERR_INTERNAL, "injected fault in %s on rank %d (LIEREG_FAULT=%s)", where,
            rank, f);
  return LIE_OK;
}
