/* Shared by the pipeline module's files. */
#ifndef LIEREG_PIPELINE_IMPL_H
#define LIEREG_PIPELINE_IMPL_H

#include "liereg/io.h"
#include "liereg/pipeline.h"

/* Checks every output path of o on every rank and agrees on the outcome. Collective. */
int lie_job_outputs_check(lie_ctx ctx, const lie_job_outputs *o);
/* Seeds in 1..LIE_JOB_MAX_SWEEP, sizes >= min_size; messages name `option` (e.g. -probe_sweep). */
int lie_job_sweep_check(const lie_job_sweep *sw, const char *option, int min_size);

/* The paper's target for the PDE recorded in file (default_target.c). Per rank, not collective. */
int lie_job_default_target(const char *file, char *target, size_t n);

#endif
