/* Every 1D generator in grid mode keeps the discrete PDE residual at the level of the
 * untransformed data, and a deliberately wrong version of the map raises it by orders of
 * magnitude. Data: KdV two-soliton and Burgers (Cole–Hopf) exact solutions, KS from a
 * fine ETDRK4 solve. */
#include "aug_testlib.h"

typedef void (*wrong_fn)(lie_field1d *f, double eps);

/* Galilean without the +eps on u. */
static void wrong_galilean(lie_field1d *f, double eps) {
  for (size_t i = 0; i < (size_t)f->nt * f->nx; i++)
    f->u[i] -= eps;
}
/* Scaling with u/lambda^(k-1) instead of u/lambda^k. */
static void wrong_scale(lie_field1d *f, double eps) {
  for (size_t i = 0; i < (size_t)f->nt * f->nx; i++)
    f->u[i] *= exp(eps);
}
/* Projective without the + eps x term (x = x~ / (1 + eps t~)). */
static void wrong_projective(lie_field1d *f, double eps) {
  for (int m = 0; m < f->nt; m++)
    for (int j = 0; j < f->nx; j++)
      f->u[(size_t)m * f->nx + j] -= eps * f->x[j] / (1 + eps * f->t[m]);
}

static void check(const char *pde_name, lie_pde pde, double nu, const lie_field1d *base, lie_aug_gen g, double eps,
                  wrong_fn wrong, double factor) {
  lie_aug_seq s;
  lie_field1d out;
  lie_aug_info info;
  char what[256];
  LIE_TEST_CALL(lie_aug_seq_init(pde, &s));
  LIE_TEST_CALL(lie_aug_seq_push(&s, g, eps));
  LIE_TEST_CALL(lie_aug1d_apply(&s, LIE_AUG_GRID, base, &out, &info));
  /* Non-periodic outputs (projective) are differentiated by finite differences: measure the
   * untransformed level with the same differences. */
  lie_field1d ref = *base;
  ref.periodic = out.periodic;
  double r0 = residual1d(pde, nu, &ref), r1 = residual1d(pde, nu, &out);
  printf("%s %s eps=%g: residual base %.3e transformed %.3e (nt %d -> %d, L %g -> %g)\n", pde_name, lie_aug_gen_name(g),
         eps, r0, r1, base->nt, out.nt, base->L, out.L);
  snprintf(what, sizeof what, "%s %s: transformed residual within %gx of the untransformed one", pde_name,
           lie_aug_gen_name(g), factor);
  LIE_TEST_LE(r1, factor * r0, what);
  if (wrong) {
    wrong(&out, eps);
    double r2 = residual1d(pde, nu, &out);
    snprintf(what, sizeof what, "%s %s: wrong map raises the residual >= 100x", pde_name, lie_aug_gen_name(g));
    LIE_TEST_LE(100 * r0, r2, what);
  }
  lie_field1d_free(&out);
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  lie_field1d kdv, bur, ks;
  make_kdv(&kdv, 40, 0.0, 0.01);
  make_burgers(&bur, 40, 0.5, 0.02, 0.1);
  make_ks(&ks, 40, 1.0, 0.01);

  check("kdv", LIE_PDE_KDV, 0, &kdv, LIE_AUG_T_SHIFT, 0.05, NULL, 3);
  check("kdv", LIE_PDE_KDV, 0, &kdv, LIE_AUG_X_SHIFT, 3.7, NULL, 3);
  check("kdv", LIE_PDE_KDV, 0, &kdv, LIE_AUG_GALILEAN, 0.4, wrong_galilean, 3);
  check("kdv", LIE_PDE_KDV, 0, &kdv, LIE_AUG_SCALE, 0.3, wrong_scale, 3);
  check("kdv", LIE_PDE_KDV, 0, &kdv, LIE_AUG_SCALE, -0.2, wrong_scale, 3);

  check("burgers", LIE_PDE_BURGERS, 0.1, &bur, LIE_AUG_T_SHIFT, -0.1, NULL, 3);
  check("burgers", LIE_PDE_BURGERS, 0.1, &bur, LIE_AUG_X_SHIFT, 1.3, NULL, 3);
  check("burgers", LIE_PDE_BURGERS, 0.1, &bur, LIE_AUG_GALILEAN, 0.5, wrong_galilean, 3);
  check("burgers", LIE_PDE_BURGERS, 0.1, &bur, LIE_AUG_SCALE, 0.4, wrong_scale, 3);
  check("burgers", LIE_PDE_BURGERS, 0.1, &bur, LIE_AUG_PROJECTIVE, 0.3, wrong_projective, 30);
  check("burgers", LIE_PDE_BURGERS, 0.1, &bur, LIE_AUG_PROJECTIVE, -0.3, wrong_projective, 30);

  check("ks", LIE_PDE_KS, 0, &ks, LIE_AUG_T_SHIFT, 0.1, NULL, 3);
  check("ks", LIE_PDE_KS, 0, &ks, LIE_AUG_X_SHIFT, 5.1, NULL, 3);
  check("ks", LIE_PDE_KS, 0, &ks, LIE_AUG_GALILEAN, 0.7, wrong_galilean, 3);

  lie_field1d_free(&kdv);
  lie_field1d_free(&bur);
  lie_field1d_free(&ks);
  return lie_test_finish();
}
