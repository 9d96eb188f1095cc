/* The result files a probe or supervised job writes (lie_job_outputs): checked up front on
 * every rank, written by rank 0 once the results exist. */
#include "pipeline_impl.h"

#include <string.h>

/* Each named output: a valid, writable path, not existing unless force (io's output helper,
 * which later writes NAME.tmp and renames it). Per-rank checks, agreed before any work. */
int lie_job_outputs_check(lie_ctx ctx, const lie_job_outputs *o) {
  const char *path[3] = {o->json, o->preds, o->png};
  int e = LIE_OK;
  for (int i = 0; i < 3 && !e; i++) {
    lie_output out;
    if (path[i][0]) e = lie_output_begin(&out, path[i], o->force);
  }
  LIE_CALL(lie_ctx_agree(ctx, e));
  return LIE_OK;
}

int lie_job_sweep_check(const lie_job_sweep *sw, const char *option, int min_size) {
  LIE_CHECK(sw->nseeds >= 1 && sw->nseeds <= LIE_JOB_MAX_SWEEP, LIE_ERR_USAGE, "%s_seeds must be in 1..%d (got %d)",
            option, LIE_JOB_MAX_SWEEP, sw->nseeds);
  LIE_CHECK(sw->nsizes >= 0 && sw->nsizes <= LIE_JOB_MAX_SWEEP, LIE_ERR_USAGE, "%s takes at most %d sizes", option,
            LIE_JOB_MAX_SWEEP);
  for (int i = 0; i < sw->nsizes; i++)
    LIE_CHECK(sw->sizes[i] >= min_size, LIE_ERR_USAGE, "%s sizes must be >= %d (got %d)", option, min_size,
              sw->sizes[i]);
  return LIE_OK;
}
