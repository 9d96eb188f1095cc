/* Exponential Adams-Bashforth methods of order q (ETD-AB q; Cox & Matthews 2002, section 2;
 * Hochbruck & Ostermann, Acta Numerica 2010, section 2.6: exponential multistep methods keep
 * their full order q for stiff problems, unlike integrating-factor methods).
 *
 * With N interpolated through the last q values by the backward-difference polynomial
 * p(theta) = sum_m binom(theta + m - 1, m) nabla^m N_n, theta = (t - t_n) / h, the exact
 * variation-of-constants step is
 *   v_{n+1} = e^{hL} v_n + h sum_m g_m(hL) nabla^m N_n,
 *   g_m(z) = int_0^1 e^{z(1 - theta)} binom(theta + m - 1, m) dtheta = sum_r c_{m,r} r! phi_{r+1}(z)
 * where binom(theta + m - 1, m) = sum_r c_{m,r} theta^r. Rewritten in the values N_{n-j}, one
 * step costs one nonlinear evaluation (2 FFTs) against four for ETDRK4. The phi functions
 * come from lie_phi_contour (phi.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solvers/solver1d_impl.h"

#define PHI_MAX LIE_PHI_MAX

int lie_etdab_create(int nk, int q, lie_etdab **out) {
  lie_etdab *e;
  *out = NULL;
  LIE_CHECK(q >= 1 && q <= LIE_ETDAB_MAX_ORDER, LIE_ERR_ARG, "ETD-AB order %d not in [1, %d]", q, LIE_ETDAB_MAX_ORDER);
  LIE_ALLOC(e, 1);
  e->nk = nk;
  e->q = q;
  e->h = -1;
  e->E = fftw_alloc_complex((size_t)nk);
  e->Elo = fftw_alloc_complex((size_t)nk);
  e->w = fftw_alloc_complex((size_t)nk * q);
  e->hist = fftw_alloc_complex((size_t)nk * q);
  if (!e->E || !e->Elo || !e->w || !e->hist) {
    lie_etdab_destroy(&e);
    LIE_ERROR(LIE_ERR_MEM, "out of memory for ETD-AB%d with %d modes", q, nk);
  }
  *out = e;
  return LIE_OK;
}

int lie_etdab_destroy(lie_etdab **e) {
  if (!e || !*e) return LIE_OK;
  if ((*e)->E) fftw_free((*e)->E);
  if ((*e)->Elo) fftw_free((*e)->Elo);
  if ((*e)->w) fftw_free((*e)->w);
  if ((*e)->hist) fftw_free((*e)->hist);
  LIE_FREE(*e);
  return LIE_OK;
}

/* Backward-difference weights: coefficient c[m][r] of theta^r in binom(theta + m - 1, m). */
static void binom_poly(int q, double c[][LIE_ETDAB_MAX_ORDER + 1]) {
  memset(c, 0, sizeof(double) * (size_t)q * (LIE_ETDAB_MAX_ORDER + 1));
  c[0][0] = 1;
  for (int m = 1; m < q; m++) {
    /* binom(theta + m - 1, m) = binom(theta + m - 2, m - 1) * (theta + m - 1) / m */
    for (int r = 0; r <= m; r++) {
      double a = (r > 0 ? c[m - 1][r - 1] : 0) + (m - 1) * c[m - 1][r];
      c[m][r] = a / m;
    }
  }
}

void lie_etdab_coeffs(lie_etdab *e, const double complex *Lk, double h, int M) {
  const int q = e->q;
  double c[LIE_ETDAB_MAX_ORDER][LIE_ETDAB_MAX_ORDER + 1];
  double binom[LIE_ETDAB_MAX_ORDER][LIE_ETDAB_MAX_ORDER];
  binom_poly(q, c);
  for (int m = 0; m < q; m++)
    for (int j = 0; j <= m; j++)
      binom[m][j] = j == 0 ? 1 : binom[m][j - 1] * (m - j + 1) / j;
  e->h = h;
  for (int jk = 0; jk < e->nk; jk++) {
    const double complex z = h * Lk[jk];
    double complex phi[PHI_MAX + 1];
    lie_phi_contour(z, q, M, phi);
    lie_exp_split(h, Lk[jk], &e->E[jk], &e->Elo[jk]);
    double complex g[LIE_ETDAB_MAX_ORDER];
    for (int m = 0; m < q; m++) {
      double complex s = 0;
      double fr = 1;
      for (int r = 0; r <= m; r++) {
        s += c[m][r] * fr * phi[r + 1];
        fr *= (r + 1);
      }
      g[m] = s;
    }
    /* nabla^m N_n = sum_j (-1)^j binom(m, j) N_{n-j} */
    for (int j = 0; j < q; j++) {
      double complex s = 0;
      for (int m = j; m < q; m++)
        s += ((j & 1) ? -1.0 : 1.0) * binom[m][j] * g[m];
      e->w[(size_t)j * e->nk + jk] = h * s;
    }
  }
}

/* One step: evaluates N(v_n) into the history ring, then v <- E v + sum_j w_j N_{n-j}.
 * The caller has filled the q - 1 previous values (lie_etdab_push). */
void lie_etdab_step(lie_etdab *e, const lie_pde1d *p, double complex *v) {
  const int nk = e->nk, q = e->q;
  double complex *Nn = e->hist + (size_t)e->head * nk;
  lie_pde1d_nonlinear(p, v, Nn);
  double *vr = (double *)v;
  const double *Er = (const double *)e->E, *El = (const double *)e->Elo;
  for (int j = 0; j < nk; j++) {
    const double a = vr[2 * j], b = vr[2 * j + 1], c = Er[2 * j], d = Er[2 * j + 1];
    const double cl = El[2 * j], dl = El[2 * j + 1];
    vr[2 * j] = (a * cl - b * dl) + (a * c - b * d);
    vr[2 * j + 1] = (a * dl + b * cl) + (a * d + b * c);
  }
  for (int i = 0; i < q; i++) {
    const int slot = (e->head - i + q) % q;
    const double *wr = (const double *)(e->w + (size_t)i * nk), *nr = (const double *)(e->hist + (size_t)slot * nk);
    for (int j = 0; j < nk; j++) {
      const double a = wr[2 * j], b = wr[2 * j + 1], c = nr[2 * j], d = nr[2 * j + 1];
      vr[2 * j] += a * c - b * d;
      vr[2 * j + 1] += a * d + b * c;
    }
  }
  e->head = (e->head + 1) % q;
}

/* Record N(v) of a starting step (taken by another method) as the newest history value. */
void lie_etdab_push(lie_etdab *e, const lie_pde1d *p, const double complex *v) {
  lie_pde1d_nonlinear(p, v, e->hist + (size_t)e->head * e->nk);
  e->head = (e->head + 1) % e->q;
}
