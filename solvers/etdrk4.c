/* ETDRK4 of Cox & Matthews (2002) with the phi-function coefficients computed by the
 * contour integrals of Kassam & Trefethen (2005): for each mode, z = h L_k and
 * f(z) = mean over r on the circle |r - z| = 1 of f(r). This avoids the cancellation of
 * (e^z - 1 - z ...)/z^3 near z = 0. The full circle is used because KdV's L_k = i k^3 is
 * imaginary (the half-circle real-part trick only holds for real z). */
#include <math.h>
#include <stdlib.h>

#include "solvers/solver1d_impl.h"

static int etd4_alloc(int nk, double complex **p) {
  *p = fftw_alloc_complex((size_t)nk);
  LIE_CHECK(*p, LIE_ERR_MEM, "out of memory for %d ETDRK4 coefficients", nk);
  return LIE_OK;
}

int lie_etd4_create(int nk, lie_etd4 **out) {
  lie_etd4 *e;
  *out = NULL;
  LIE_ALLOC(e, 1);
  e->nk = nk;
  e->h = -1;
  double complex **arr[] = {&e->E, &e->E2, &e->Q, &e->f1, &e->f2, &e->f3, &e->a,
                            &e->b, &e->c, &e->Nv, &e->Na, &e->Nb, &e->Nc};
  for (size_t i = 0; i < sizeof(arr) / sizeof(arr[0]); i++) {
    int err = etd4_alloc(nk, arr[i]);
    if (err) {
      lie_etd4_destroy(&e);
      return lie_error_trace(err, __FILE__, __LINE__, __func__);
    }
  }
  *out = e;
  return LIE_OK;
}

int lie_etd4_destroy(lie_etd4 **e) {
  if (!e || !*e) return LIE_OK;
  lie_etd4 *s = *e;
  double complex *arr[] = {s->E, s->E2, s->Q, s->f1, s->f2, s->f3, s->a, s->b, s->c, s->Nv, s->Na, s->Nb, s->Nc};
  for (size_t i = 0; i < sizeof(arr) / sizeof(arr[0]); i++)
    if (arr[i]) fftw_free(arr[i]);
  LIE_FREE(*e);
  return LIE_OK;
}

void lie_etd4_coeffs(lie_etd4 *e, const double complex *Lk, double h, int M) {
  e->h = h;
  for (int j = 0; j < e->nk; j++) {
    const double complex z = h * Lk[j];
    double complex q = 0, a1 = 0, a2 = 0, a3 = 0;
    for (int m = 0; m < M; m++) {
      /* Points at angles (m + 1/2) 2 pi / M: never exactly on the real axis. */
      const double complex r = z + cexp(I * (2 * M_PI * (m + 0.5) / M));
      const double complex er = cexp(r), r3 = r * r * r;
      q += (cexp(r / 2) - 1) / r;
      a1 += (-4 - r + er * (4 - 3 * r + r * r)) / r3;
      a2 += (2 + r + er * (r - 2)) / r3;
      a3 += (-4 - 3 * r - r * r + er * (4 - r)) / r3;
    }
    e->E[j] = cexp(z);
    e->E2[j] = cexp(z / 2);
    e->Q[j] = h * q / M;
    e->f1[j] = h * a1 / M;
    e->f2[j] = h * a2 / M;
    e->f3[j] = h * a3 / M;
  }
}

/* One step v(t) -> v(t + h); four nonlinear evaluations (8 FFTs), no allocation. */
void lie_etd4_step(lie_etd4 *e, const lie_pde1d *p, double complex *v) {
  const int nk = e->nk;
  const double complex *E = e->E, *E2 = e->E2, *Q = e->Q;
  double complex *a = e->a, *b = e->b, *c = e->c;
  lie_pde1d_nonlinear(p, v, e->Nv);
  for (int j = 0; j < nk; j++) a[j] = E2[j] * v[j] + Q[j] * e->Nv[j];
  lie_pde1d_nonlinear(p, a, e->Na);
  for (int j = 0; j < nk; j++) b[j] = E2[j] * v[j] + Q[j] * e->Na[j];
  lie_pde1d_nonlinear(p, b, e->Nb);
  for (int j = 0; j < nk; j++) c[j] = E2[j] * a[j] + Q[j] * (2 * e->Nb[j] - e->Nv[j]);
  lie_pde1d_nonlinear(p, c, e->Nc);
  for (int j = 0; j < nk; j++)
    v[j] = E[j] * v[j] + e->Nv[j] * e->f1[j] + 2 * (e->Na[j] + e->Nb[j]) * e->f2[j] + e->Nc[j] * e->f3[j];
}
