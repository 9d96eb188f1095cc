/* Test hook: fault injection for the collective-error tests (tests/cli/one_rank_compute.sh).
 * LIEREG_FAULT=WHERE:RANK makes lie_fault(ctx, WHERE) fail on rank RANK only, as a real error
 * inside a per-rank computation would (a solver, a training step, a batch of the encoder), so
 * that the test can show every rank ending with the same one-line error instead of hanging in
 * the next collective. Unset (always, outside tests) it costs one getenv per call. */
#include "liereg/core.h"

#include <stdlib.h>
#include <string.h>

int lie_fault(lie_ctx ctx, const char *where) {
  const char *f = getenv("LIEREG_FAULT");
  if (!f || !*f) return LIE_OK;
  const char *colon = strrchr(f, ':');
  size_t len = colon ? (size_t)(colon - f) : strlen(f);
  if (len != strlen(where) || strncmp(f, where, len) != 0) return LIE_OK;
  int rank = colon ? atoi(colon + 1) : 0;
  LIE_CHECK(lie_ctx_rank(ctx) != rank, LIE_ERR_INTERNAL, "injected fault in %s on rank %d (LIEREG_FAULT=%s)", where,
            rank, f);
  return LIE_OK;
}
