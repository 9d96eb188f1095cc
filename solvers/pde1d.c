/* The three 1D PDEs written as u_t = L u + N(u) in Fourier space:
 *   KS      u_t + u u_x + u_xx + u_xxxx = 0   L(k) = k^2 - k^4
 *   KdV     u_t + u u_x + u_xxx = 0           L(k) = i k^3
 *   Burgers u_t + u u_x = nu u_xx             L(k) = -nu k^2
 * and N(u) = -(1/2) (u^2)_x for all three (conservative form: the k = 0 mode of N is
 * exactly zero, so the spatial mean is conserved to rounding). */
#include <string.h>

#include "solvers/solver1d_impl.h"

void lie_pde1d_linear(const lie_pde1d *p, double complex *Lk) {
  const lie_spec1d *sp = p->sp;
  for (int j = 0; j < sp->nk; j++) {
    const double k = sp->k[j], k2 = k * k;
    switch (p->pde) {
    case LIE_PDE_KS:
      Lk[j] = k2 - k2 * k2;
      break;
    case LIE_PDE_KDV:
      Lk[j] = I * (k2 * k);
      break;
    default:
      Lk[j] = -p->nu * k2;
      break;
    }
  }
}

/* One c2r, a pointwise square and one r2c: 2 FFTs per evaluation. Modes above kcut are
 * dropped (2/3 rule), so the square of the kept modes is computed without aliasing. */
void lie_pde1d_nonlinear(const lie_pde1d *p, const double complex *v, double complex *Nv) {
  lie_spec1d *sp = p->sp;
  const int n = sp->n, nk = sp->nk, kc = sp->kcut;
  const double s = -0.5 / n;
  memcpy(sp->y, v, sizeof(double complex) * (size_t)nk);
  fftw_execute(sp->c2r);
  double *x = sp->x;
  for (int m = 0; m < n; m++)
    x[m] *= x[m];
  fftw_execute(sp->r2c);
  /* i k y in real arithmetic: complex products would go through __muldc3's NaN checks */
  const double *y = (const double *)sp->y;
  double *nv = (double *)Nv;
  for (int j = 0; j <= kc; j++) {
    const double f = s * sp->k[j];
    nv[2 * j] = -f * y[2 * j + 1];
    nv[2 * j + 1] = f * y[2 * j];
  }
  for (int j = kc + 1; j < nk; j++)
    Nv[j] = 0;
}
