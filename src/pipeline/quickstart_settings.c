/* The quickstart's settings in one place: sizes per scale, per PDE the target and the
 * augmentation strengths, the data splits, and the `liereg augsearch` command that chose the
 * strengths on the quickstart's own validation split (docs/QUICKSTART.md, docs/AUGSEARCH.md). */
#include "quickstart_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const qs_scale scales[] = {
    {"tiny", 24, 16, 12, 64, 4, 16, 8, 8, 2, 1e-3, 1.0, 2, 2, 8, 1, {1e-3}, 1, {10}, 2, 8, 1, 2, 2, 2, 2},
    /* 60 pretraining epochs and a 3-lr, 30-epoch supervised search: docs/EVAL_STUDY.md (20
     * epochs left SSL behind; the shorter supervised search under-tuned the baseline at 32 labels) */
    {"small", 384,           128, 128, 0, 8,  128, 16, 32, 60, 1e-3, 1.1, 30, 8, 16, 3, {1e-3, 3e-4, 1e-4},
     3,       {32, 64, 128}, 3,   32,  8, 10, 6,   2,  60},
};

const qs_scale *qs_scale_find(const char *name) {
  for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++)
    if (!strcmp(name, scales[i].name)) return &scales[i];
  return NULL;
}

/* Strengths in the order of lie_aug_group: Burgers t_shift, x_shift, galilean, scale,
 * projective; KS t_shift, x_shift, galilean (nstrength = 0 would keep the PDE's defaults).
 * Chosen by the augsearch commands of lie_quickstart_augsearch_command at the small scale,
 * scored on the validation split only; the -aug_strengths of the options files they wrote
 * (tables: docs/AUGSEARCH.md, "The quickstart's strengths"). Defaults for comparison:
 * Burgers 1, 3.14, 0.2, 0.1, 0.01; KS 2, 32, 0.4. */
const qs_task qs_tasks[QS_NTASKS] = {
    /* x 1.45, 0.33, 0.35, 0.36, 0.36 of the defaults: validation relerr 35.5 % vs 36.4 % */
    {LIE_PDE_BURGERS, "nu", 1, 5, {1.45088399, 1.02322577, 0.0689674752, 0.0358893495, 0.00356866887}},
    /* x 1.45, 1.19, 0.26 of the defaults: validation NMSE 0.088 vs 0.136 */
    {LIE_PDE_KS, "ic_mode", 0, 3, {2.90510373, 37.9746347, 0.102449962}},
};

int qs_task_aug(const qs_task *t, const qs_scale *sc, int default_strengths, lie_aug_opts *aug) {
  LIE_CALL(lie_aug_opts_default(t->pde, aug));
  if (!default_strengths && t->nstrength) {
    LIE_CHECK(t->nstrength == aug->ngen, LIE_ERR_STATE, "quickstart: %d strengths for the %d generators of %s",
              t->nstrength, aug->ngen, lie_pde_name(t->pde));
    for (int i = 0; i < aug->ngen; i++)
      aug->strength[i] = t->strength[i];
  }
  aug->crop_t = sc->crop_t;
  return LIE_OK;
}

static const char *const role_names[LIE_QS_NROLES] = {"unlabelled", "labelled", "valid", "test"};

const char *lie_quickstart_role_name(lie_quickstart_role role) {
  return role >= 0 && role < LIE_QS_NROLES ? role_names[role] : "unknown";
}

/* Unlabelled and labelled trajectories are disjoint slices (global indices) of one train
 * stream; the validation and test splits are their own streams (the split seeds each
 * trajectory, lie_generate1d), so no trajectory is in two splits. */
int lie_quickstart_data_plan(const lie_quickstart_opts *o, lie_pde pde, lie_quickstart_role role,
                             lie_quickstart_data *d) {
  const qs_scale *sc = qs_scale_find(o->scale);
  LIE_CHECK(sc, LIE_ERR_USAGE, "-quickstart_scale must be tiny or small (got '%s')", o->scale);
  LIE_CHECK(pde == LIE_PDE_BURGERS || pde == LIE_PDE_KS, LIE_ERR_USAGE, "the quickstart has no %s data",
            lie_pde_name(pde));
  LIE_CHECK(role >= 0 && role < LIE_QS_NROLES, LIE_ERR_ARG, "unknown quickstart split %d", (int)role);
  memset(d, 0, sizeof *d);
  int len = snprintf(d->path, sizeof d->path, "%s/data/%s_%s.h5", o->dir, lie_pde_name(pde), role_names[role]);
  LIE_CHECK(len < (int)sizeof d->path, LIE_ERR_USAGE, "-quickstart_dir is too long");
  switch (role) {
  case LIE_QS_UNLABELLED:
    d->split = LIE_SPLIT_TRAIN, d->n = sc->n_unlab, d->offset = 0;
    break;
  case LIE_QS_LABELLED:
    d->split = LIE_SPLIT_TRAIN, d->n = sc->n_lab, d->offset = (uint64_t)sc->n_unlab;
    break;
  case LIE_QS_VALID:
    d->split = LIE_SPLIT_VALID, d->n = sc->n_lab, d->offset = 0;
    break;
  default:
    d->split = LIE_SPLIT_TEST, d->n = sc->n_test, d->offset = 0;
  }
  return LIE_OK;
}

/* Appends to buf; LIE_ERR_ARG when it would not fit. */
static int append(char *buf, size_t n, size_t *used, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(buf + *used, n - *used, fmt, ap);
  va_end(ap);
  LIE_CHECK(len >= 0 && (size_t)len < n - *used, LIE_ERR_ARG, "augsearch command longer than %zu characters", n);
  *used += (size_t)len;
  return LIE_OK;
}

/* The pretraining options are those quickstart.c's pretrain stage sets (the rest are
 * pretrain's defaults in both); the search starts from the PDE's default strengths, not the
 * shipped ones, so it reproduces the search that chose them. */
int lie_quickstart_augsearch_command(const lie_quickstart_opts *o, lie_pde pde, char *buf, size_t n) {
  lie_quickstart_data unl, valid;
  size_t used = 0;
  LIE_CALL(lie_quickstart_data_plan(o, pde, LIE_QS_UNLABELLED, &unl));
  LIE_CALL(lie_quickstart_data_plan(o, pde, LIE_QS_VALID, &valid));
  const qs_scale *sc = qs_scale_find(o->scale);
  const char *name = lie_pde_name(pde);
  LIE_CHECK(n > 0, LIE_ERR_ARG, "empty buffer");
  buf[0] = 0;
  LIE_CALL(
      append(buf, n, &used, "mpiexec -n 2 liereg augsearch -data %s -augsearch_valid_data %s", unl.path, valid.path));
  LIE_CALL(append(buf, n, &used, " -augsearch_valid_mode %s", lie_split_name(valid.split)));
  LIE_CALL(append(buf, n, &used, " -o %s/%s_augsearch.opts -augsearch_table %s/%s_augsearch.json", o->dir, name, o->dir,
                  name));
  LIE_CALL(append(buf, n, &used, " -threads %d -model_dims 1 -model_width %d -model_expander %d,%d,%d", o->threads,
                  sc->width, sc->expander, sc->expander, sc->expander));
  LIE_CALL(append(buf, n, &used, " -aug_crop_t %d -train_batch %d -train_epochs %d -train_lr %g -train_warmup 0",
                  sc->crop_t, sc->pre_batch, sc->pre_epochs, sc->pre_lr));
  LIE_CALL(append(buf, n, &used, " -train_min_rankme %g", sc->min_rankme));
  LIE_CALL(append(buf, n, &used,
                  " -augsearch_candidates %d -augsearch_rungs %d -augsearch_steps %d -augsearch_crop false"
                  " -augsearch_group_size 2",
                  sc->search_candidates, sc->search_rungs, sc->search_steps));
  return LIE_OK;
}
