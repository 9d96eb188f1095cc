/* The Korteweg–de Vries group u_t + u u_x + u_xxx = 0: the KS group plus the scaling
 * (lambda x, lambda^3 t, u / lambda^2), lambda = e^eps (every term scales as lambda^-5). */
#include <math.h>

#include "augment_impl.h"

int lie_aug_kdv_point(lie_aug_gen g, double eps, double *x, double *t, double *u) {
  if (g != LIE_AUG_SCALE) return lie_aug_ks_point(g, eps, x, t, u);
  double lam = exp(eps);
  *x *= lam;
  *t *= lam * lam * lam;
  *u /= lam * lam;
  return 0;
}
