/* ETDRK4 of Cox & Matthews (2002) with the coefficients of Kassam & Trefethen (2005),
 * computed from phi-functions by the contour integral (phi.c): for each mode z = h L_k, the
 * mean over the full circle |r - z| = 1 (full, because KdV's L_k = i k^3 is imaginary and the
 * half-circle real-part trick only holds for real z). */
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
  double complex **arr[] = {&e->E, &e->Elo, &e->E2, &e->Q,  &e->f1, &e->f2, &e->f3,
                            &e->a, &e->b,   &e->c,  &e->Nv, &e->Na, &e->Nb, &e->Nc};
  for (size_t i = 0; i < sizeof(arr) / sizeof(arr[0]); i++) {
    int err = etd4_alloc(nk, arr[i]);
    if (err) lie_etd4_destroy(&e);
    LIE_CALL(err);
  }
  *out = e;
  return LIE_OK;
}

int lie_etd4_destroy(lie_etd4 **e) {
  if (!e || !*e) return LIE_OK;
  lie_etd4 *s = *e;
  double complex *arr[] = {s->E, s->Elo, s->E2, s->Q,  s->f1, s->f2, s->f3,
                           s->a, s->b,   s->c,  s->Nv, s->Na, s->Nb, s->Nc};
  for (size_t i = 0; i < sizeof(arr) / sizeof(arr[0]); i++)
    if (arr[i]) fftw_free(arr[i]);
  LIE_FREE(*e);
  return LIE_OK;
}

/* Kassam & Trefethen's f1, f2, f3, Q in phi-functions (Cox & Matthews' b_i):
 *   Q = h phi1(z/2) / 2,  f1 = h (phi1 - 3 phi2 + 4 phi3),  f2 = h (phi2 - 2 phi3),
 *   f3 = h (4 phi3 - phi2). */
void lie_etd4_coeffs(lie_etd4 *e, const double complex *Lk, double h, int M) {
  e->h = h;
  for (int j = 0; j < e->nk; j++) {
    const double complex z = h * Lk[j];
    double complex p[4], ph[2];
    lie_phi_contour(z, 3, M, p);
    lie_phi_contour(z / 2, 1, M, ph);
    lie_exp_split(h, Lk[j], &e->E[j], &e->Elo[j]);
    e->E2[j] = ph[0];
    e->Q[j] = 0.5 * h * ph[1];
    e->f1[j] = h * (p[1] - 3 * p[2] + 4 * p[3]);
    e->f2[j] = h * (p[2] - 2 * p[3]);
    e->f3[j] = h * (4 * p[3] - p[2]);
  }
}

/* One step v(t) -> v(t + h); four nonlinear evaluations (8 FFTs), no allocation. */
void lie_etd4_step(lie_etd4 *e, const lie_pde1d *p, double complex *v) {
  const int nk = e->nk;
  const double complex *E = e->E, *E2 = e->E2, *Q = e->Q;
  double complex *a = e->a, *b = e->b, *c = e->c;
  lie_pde1d_nonlinear(p, v, e->Nv);
  for (int j = 0; j < nk; j++)
    a[j] = E2[j] * v[j] + Q[j] * e->Nv[j];
  lie_pde1d_nonlinear(p, a, e->Na);
  for (int j = 0; j < nk; j++)
    b[j] = E2[j] * v[j] + Q[j] * e->Na[j];
  lie_pde1d_nonlinear(p, b, e->Nb);
  for (int j = 0; j < nk; j++)
    c[j] = E2[j] * a[j] + Q[j] * (2 * e->Nb[j] - e->Nv[j]);
  lie_pde1d_nonlinear(p, c, e->Nc);
  for (int j = 0; j < nk; j++)
    v[j] = e->Elo[j] * v[j] + E[j] * v[j] + e->Nv[j] * e->f1[j] + 2 * (e->Na[j] + e->Nb[j]) * e->f2[j] +
           e->Nc[j] * e->f3[j];
}
