/* Names of generators and modes, which generators belong to which PDE's group, and the
 * dispatch of 1D point maps to the per-PDE files. */
#include <string.h>

#include "augment_impl.h"

static const char *gen_names[LIE_AUG_NGEN] = {"t_shift", "x_shift", "galilean", "scale",  "projective", "y_shift",
                                              "rotate",  "boost_x", "boost_y",  "quad_x", "quad_y"};

/* Canonical generator lists; the time shift comes first because DESIGN §6 samples
 * eps_1 ~ U[0, s_1] for the first generator. */
static const lie_aug_gen ks_group[] = {LIE_AUG_T_SHIFT, LIE_AUG_X_SHIFT, LIE_AUG_GALILEAN};
static const lie_aug_gen kdv_group[] = {LIE_AUG_T_SHIFT, LIE_AUG_X_SHIFT, LIE_AUG_GALILEAN, LIE_AUG_SCALE};
static const lie_aug_gen burgers_group[] = {LIE_AUG_T_SHIFT, LIE_AUG_X_SHIFT, LIE_AUG_GALILEAN, LIE_AUG_SCALE,
                                            LIE_AUG_PROJECTIVE};
static const lie_aug_gen ns_group[] = {LIE_AUG_T_SHIFT, LIE_AUG_X_SHIFT, LIE_AUG_Y_SHIFT, LIE_AUG_SCALE, LIE_AUG_ROTATE,
                                       LIE_AUG_BOOST_X, LIE_AUG_BOOST_Y, LIE_AUG_QUAD_X,  LIE_AUG_QUAD_Y};

const char *lie_aug_gen_name(lie_aug_gen g) { return (g >= 0 && g < LIE_AUG_NGEN) ? gen_names[g] : "unknown"; }

int lie_aug_gen_from_name(const char *name, lie_aug_gen *g) {
  for (int i = 0; i < LIE_AUG_NGEN; i++)
    if (name && !strcmp(name, gen_names[i])) {
      *g = (lie_aug_gen)i;
      return 0;
    }
  LIE_ERROR(LIE_ERR_USAGE,
            "unknown symmetry generator '%s' (expected t_shift, x_shift, galilean, scale, projective, y_shift, "
            "rotate, boost_x, boost_y, quad_x, quad_y)",
            name ? name : "(null)");
}

int lie_aug_mode_from_name(const char *name, lie_aug_mode *mode) {
  if (name && !strcmp(name, "grid"))
    *mode = LIE_AUG_GRID;
  else if (name && !strcmp(name, "coords"))
    *mode = LIE_AUG_COORDS;
  else
    LIE_ERROR(LIE_ERR_USAGE, "unknown augmentation mode '%s' (expected grid or coords)", name ? name : "(null)");
  return 0;
}

const char *lie_aug_mode_name(lie_aug_mode mode) { return mode == LIE_AUG_COORDS ? "coords" : "grid"; }

const char *lie_aug_pde_label(lie_pde pde) {
  switch (pde) {
  case LIE_PDE_KS:
    return "ks";
  case LIE_PDE_KDV:
    return "kdv";
  case LIE_PDE_BURGERS:
    return "burgers";
  case LIE_PDE_NS:
    return "ns";
  }
  return "unknown";
}

int lie_aug_group(lie_pde pde, lie_aug_gen gens[LIE_AUG_NGEN]) {
  const lie_aug_gen *list = NULL;
  int n = 0;
  switch (pde) {
  case LIE_PDE_KS:
    list = ks_group, n = 3;
    break;
  case LIE_PDE_KDV:
    list = kdv_group, n = 4;
    break;
  case LIE_PDE_BURGERS:
    list = burgers_group, n = 5;
    break;
  case LIE_PDE_NS:
    list = ns_group, n = 9;
    break;
  }
  for (int i = 0; i < n; i++)
    gens[i] = list[i];
  return n;
}

int lie_aug_pde_has(lie_pde pde, lie_aug_gen g) {
  lie_aug_gen gens[LIE_AUG_NGEN];
  int n = lie_aug_group(pde, gens);
  for (int i = 0; i < n; i++)
    if (gens[i] == g) return 1;
  return 0;
}

int lie_aug_gen_check(lie_pde pde, lie_aug_gen g) {
  LIE_CHECK(g >= 0 && g < LIE_AUG_NGEN, LIE_ERR_ARG, "invalid generator id %d", (int)g);
  LIE_CHECK(lie_aug_pde_has(pde, g), LIE_ERR_USAGE,
            "generator %s is not a symmetry of %s (its group: see docs/AUGMENT.md)", lie_aug_gen_name(g),
            lie_aug_pde_label(pde));
  return 0;
}

int lie_aug1d_point(lie_pde pde, lie_aug_gen g, double eps, double *x, double *t, double *u) {
  switch (pde) {
  case LIE_PDE_KS:
    LIE_CALL(lie_aug_gen_check(pde, g));
    LIE_CALL(lie_aug_ks_point(g, eps, x, t, u));
    return 0;
  case LIE_PDE_KDV:
    LIE_CALL(lie_aug_gen_check(pde, g));
    LIE_CALL(lie_aug_kdv_point(g, eps, x, t, u));
    return 0;
  case LIE_PDE_BURGERS:
    LIE_CALL(lie_aug_gen_check(pde, g));
    LIE_CALL(lie_aug_burgers_point(g, eps, x, t, u));
    return 0;
  default:
    LIE_ERROR(LIE_ERR_ARG, "lie_aug1d_point: %s is not a 1D PDE", lie_aug_pde_label(pde));
  }
}
