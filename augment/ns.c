/* The incompressible Navier–Stokes group with a passive/buoyant smoke s (DESIGN §6):
 *   v_t + (v.grad) v = -grad p + nu lap v + (0, b s),  div v = 0,  s_t + v.grad s = 0.
 * Shifts in t, x, y; scaling (lambda x, lambda y, lambda^2 t, v/lambda, s/lambda^3,
 * p/lambda^2); rotation of (x, y) and v about the origin (broken by gravity, b != 0);
 * linear boosts (x + eps t, vx + eps); quadratic boosts (x + eps t^2, vx + 2 eps t, p - ...).
 *
 * The quadratic boost is the flow of X = t^2 d_x + 2t d_vx - 2x d_p, so its pressure part is
 * p - 2 eps x - eps^2 t^2 (x the original coordinate): the eps^2 t^2 term is a pure function of
 * time (no force), but without it g(a) g(b) != g(a+b) for p. The reference code's quadratic
 * x-boost is the linear one and its y-boost adds eps instead of 2 eps t to vy: not here. */
#include <math.h>

#include "augment_impl.h"

static void rotate(double c, double s, double *a, double *b) {
  double a0 = *a, b0 = *b;
  *a = c * a0 - s * b0;
  *b = s * a0 + c * b0;
}

int lie_aug_ns_point(lie_aug_gen g, double eps, lie_ns_point *q) {
  switch (g) {
  case LIE_AUG_T_SHIFT:
    q->t += eps;
    return 0;
  case LIE_AUG_X_SHIFT:
    q->x += eps;
    return 0;
  case LIE_AUG_Y_SHIFT:
    q->y += eps;
    return 0;
  case LIE_AUG_SCALE: {
    double lam = exp(eps);
    q->x *= lam;
    q->y *= lam;
    q->t *= lam * lam;
    q->vx /= lam;
    q->vy /= lam;
    q->s /= lam * lam * lam;
    q->p /= lam * lam;
    return 0;
  }
  case LIE_AUG_ROTATE: {
    double c = cos(eps), s = sin(eps);
    rotate(c, s, &q->x, &q->y);
    rotate(c, s, &q->vx, &q->vy);
    return 0;
  }
  case LIE_AUG_BOOST_X:
    q->x += eps * q->t;
    q->vx += eps;
    return 0;
  case LIE_AUG_BOOST_Y:
    q->y += eps * q->t;
    q->vy += eps;
    return 0;
  case LIE_AUG_QUAD_X:
    q->p -= 2.0 * eps * q->x + eps * eps * q->t * q->t;
    q->x += eps * q->t * q->t;
    q->vx += 2.0 * eps * q->t;
    return 0;
  case LIE_AUG_QUAD_Y:
    q->p -= 2.0 * eps * q->y + eps * eps * q->t * q->t;
    q->y += eps * q->t * q->t;
    q->vy += 2.0 * eps * q->t;
    return 0;
  default:
    LIE_ERROR(LIE_ERR_ARG, "generator %s is not a symmetry of ns", lie_aug_gen_name(g));
  }
}
