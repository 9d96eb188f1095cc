/* Candidates of the search: pure functions of (-augsearch_seed, candidate index), so a restarted
 * or differently parallelised search draws the same ones. Multipliers are log-uniform because
 * strengths matter by ratio (EVAL_STUDY's ×0.5 and ×2 are equally far from ×1). */
#include "augsearch_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define LIE_TAG_CAND 0x63616e64ULL /* "cand" */
#define LIE_AUGSEARCH_CROP_RANGE 1.5

static int t_shift_index(const lie_aug_opts *a) {
  for (int g = 0; g < a->ngen; g++)
    if (a->gens[g] == LIE_AUG_T_SHIFT) return g;
  return -1;
}

/* A view is a crop of crop_t frames crop_dt apart (spanning (crop_t - 1) crop_dt + 1) out of
 * what remains after a time shift of up to the t_shift strength (rounded up to whole frames,
 * + 1 as the sampler's pre-window counts): keep span + frames(shift) + 1 <= nt by shrinking
 * the crop when it is searched, else the shift. */
static void fit_window(const lie_augsearch_job *s, lie_augsearch_cand *c, int search_crop) {
  int g = t_shift_index(&c->aug), crop = c->aug.crop_t ? c->aug.crop_t : s->base_crop;
  int stride = c->aug.crop_dt > 1 ? c->aug.crop_dt : 1, span = lie_aug_crop_span(crop, stride);
  if (g < 0 || !(s->dt > 0)) return;
  int shift = (int)ceil(c->aug.strength[g] / s->dt);
  if (span <= s->nt - shift - 1) return;
  int fit = (s->nt - shift - 2) / stride + 1; /* the largest crop whose span fits */
  if (search_crop && s->nt - shift - 2 >= 0 && fit >= 2) {
    c->aug.crop_t = fit;
    return;
  }
  double smax = (s->nt - span - 1) * s->dt;
  c->aug.strength[g] = smax > 0 ? smax : 0;
  double base = s->cfg->pre.aug.strength[g];
  c->mult[g] = base > 0 ? c->aug.strength[g] / base : 0;
}

void lie_augsearch_candidate(const lie_augsearch_job *s, int i, lie_augsearch_cand *c) {
  const lie_augsearch_opts *cfg = s->cfg;
  memset(c, 0, sizeof *c);
  c->aug = cfg->pre.aug;
  c->rung = -1;
  for (int r = 0; r < LIE_AUGSEARCH_MAX_RUNGS; r++)
    c->score[r] = NAN;
  for (int g = 0; g < c->aug.ngen; g++)
    c->mult[g] = 1.0;
  if (i == 0) return; /* the defaults, exactly as pretrain would run them */
  lie_rng r;
  lie_rng_seed(&r, lie_seed_derive(cfg->seed, LIE_TAG_CAND, (uint64_t)i));
  const double lr = log(cfg->range), lc = log(LIE_AUGSEARCH_CROP_RANGE);
  for (int g = 0; g < c->aug.ngen; g++) {
    c->mult[g] = exp(lie_rng_range(&r, -lr, lr));
    c->aug.strength[g] = cfg->pre.aug.strength[g] * c->mult[g];
  }
  double cm = exp(lie_rng_range(&r, -lc, lc)); /* drawn even when unused: the same strengths either way */
  if (cfg->crop) {
    int crop = (int)lround(s->base_crop * cm);
    int most = (s->nt - 1) / (c->aug.crop_dt > 1 ? c->aug.crop_dt : 1) + 1; /* the span fits the frames */
    c->aug.crop_t = crop < 2 ? 2 : crop > most ? most : crop;
  }
  fit_window(s, c, cfg->crop);
}

void lie_augsearch_path(const lie_augsearch_job *s, int i, const char *suffix, char *path, size_t n) {
  snprintf(path, n, "%s/cand%03d%s", s->cfg->work, i, suffix);
}
