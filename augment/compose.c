/* Group elements as sequences of one-parameter maps: composition, exact inverse, and the
 * Lie–Trotter / Strang splitting of exp(sum_i eps_i X_i). */
#include "augment_impl.h"

int lie_aug_seq_init(lie_pde pde, lie_aug_seq *s) {
  LIE_CHECK(s, LIE_ERR_ARG, "lie_aug_seq_init: NULL sequence");
  s->pde = pde;
  s->n = 0;
  return 0;
}

int lie_aug_seq_push(lie_aug_seq *s, lie_aug_gen g, double eps) {
  LIE_CALL(lie_aug_gen_check(s->pde, g));
  LIE_CHECK(s->n < LIE_AUG_MAXOPS, LIE_ERR_ARG, "augmentation sequence longer than %d maps", LIE_AUG_MAXOPS);
  s->op[s->n].gen = g;
  s->op[s->n].eps = eps;
  s->n++;
  return 0;
}

int lie_aug_seq_compose(const lie_aug_seq *a, const lie_aug_seq *b, lie_aug_seq *out) {
  LIE_CHECK(a->pde == b->pde, LIE_ERR_ARG, "composing maps of different PDEs (%s, %s)", lie_aug_pde_label(a->pde),
            lie_aug_pde_label(b->pde));
  lie_aug_seq r;
  LIE_CALL(lie_aug_seq_init(a->pde, &r));
  for (int i = 0; i < a->n; i++)
    LIE_CALL(lie_aug_seq_push(&r, a->op[i].gen, a->op[i].eps));
  for (int i = 0; i < b->n; i++)
    LIE_CALL(lie_aug_seq_push(&r, b->op[i].gen, b->op[i].eps));
  *out = r;
  return 0;
}

int lie_aug_seq_inverse(const lie_aug_seq *s, lie_aug_seq *out) {
  lie_aug_seq r;
  LIE_CALL(lie_aug_seq_init(s->pde, &r));
  for (int i = s->n - 1; i >= 0; i--)
    LIE_CALL(lie_aug_seq_push(&r, s->op[i].gen, -s->op[i].eps));
  *out = r;
  return 0;
}

/* Order 1: [g_1(h_1) ... g_m(h_m)]^steps. Order 2 (Strang), per step:
 * g_1(h_1/2) ... g_{m-1}(h_{m-1}/2) g_m(h_m) g_{m-1}(h_{m-1}/2) ... g_1(h_1/2), h_i = eps_i/steps.
 * Generators with eps = 0 are dropped (they commute with everything trivially). */
int lie_aug_seq_split(lie_pde pde, int ngen, const lie_aug_gen *gens, const double *eps, int order, int steps,
                      lie_aug_seq *out) {
  LIE_CHECK(order == 1 || order == 2, LIE_ERR_USAGE, "splitting order must be 1 (Lie-Trotter) or 2 (Strang), got %d",
            order);
  LIE_CHECK(steps >= 1, LIE_ERR_USAGE, "splitting steps must be >= 1, got %d", steps);
  lie_aug_gen g[LIE_AUG_NGEN];
  double h[LIE_AUG_NGEN];
  int m = 0;
  LIE_CHECK(ngen <= LIE_AUG_NGEN, LIE_ERR_ARG, "too many generators (%d)", ngen);
  for (int i = 0; i < ngen; i++) {
    LIE_CALL(lie_aug_gen_check(pde, gens[i]));
    if (eps[i] != 0.0) g[m] = gens[i], h[m] = eps[i] / steps, m++;
  }
  lie_aug_seq r;
  LIE_CALL(lie_aug_seq_init(pde, &r));
  for (int k = 0; k < steps; k++) {
    if (order == 1 || m <= 1) { /* nothing to interleave (m = 0: identity) */
      for (int i = 0; i < m; i++)
        LIE_CALL(lie_aug_seq_push(&r, g[i], h[i]));
      continue;
    }
    for (int i = 0; i < m - 1; i++)
      LIE_CALL(lie_aug_seq_push(&r, g[i], 0.5 * h[i]));
    LIE_CALL(lie_aug_seq_push(&r, g[m - 1], h[m - 1]));
    for (int i = m - 2; i >= 0; i--)
      LIE_CALL(lie_aug_seq_push(&r, g[i], 0.5 * h[i]));
  }
  *out = r;
  return 0;
}
