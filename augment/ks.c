/* The Kuramoto–Sivashinsky group u_t + u u_x + u_xx + u_xxxx = 0 (DESIGN §6): time shift,
 * space shift and the Galilean boost. These three are shared by KdV and Burgers, whose
 * files call lie_aug_ks_point for them. */
#include "augment_impl.h"

int lie_aug_ks_point(lie_aug_gen g, double eps, double *x, double *t, double *u) {
  switch (g) {
  case LIE_AUG_T_SHIFT:
    *t += eps;
    return 0;
  case LIE_AUG_X_SHIFT:
    *x += eps;
    return 0;
  case LIE_AUG_GALILEAN: /* x + eps t, u + eps: u_t - eps u_x + (u + eps) u_x = u_t + u u_x */
    *x += eps * *t;
    *u += eps;
    return 0;
  default:
    LIE_ERROR(LIE_ERR_ARG, "generator %s is not a symmetry of ks", lie_aug_gen_name(g));
  }
}
