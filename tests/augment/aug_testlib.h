/* Test-only helpers for the augmentation tests: exact solutions (KdV two-soliton, Burgers by
 * Cole–Hopf), a small ETDRK4 spectral integrator for KS/KdV/Burgers (Kassam & Trefethen 2005,
 * full-circle contour so KdV's imaginary operator works), and the discrete PDE residual
 * (spectral or 8th-order x-derivatives, Fornberg time differences on 9 frames). */
#ifndef AUG_TESTLIB_H
#define AUG_TESTLIB_H
#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lie_test.h"

/* ---------------------------------------------------------------- exact solutions */
/* KdV u_t + u u_x + u_xxx = 0: u = 12 (log tau)_xx, tau = 1 + e^h1 + e^h2 + A e^(h1+h2),
 * h_i = k_i (x - c) - k_i^3 t + d_i, A = ((k1-k2)/(k1+k2))^2. */
static double kdv2_exact(double x, double t, double c) {
  const double k1 = 1.0, k2 = 0.75, d1 = -2.0, d2 = 3.0;
  double A = pow((k1 - k2) / (k1 + k2), 2);
  double e1 = exp(k1 * (x - c) - k1 * k1 * k1 * t + d1), e2 = exp(k2 * (x - c) - k2 * k2 * k2 * t + d2);
  double e12 = A * e1 * e2;
  double tau = 1 + e1 + e2 + e12;
  double tx = k1 * e1 + k2 * e2 + (k1 + k2) * e12;
  double txx = k1 * k1 * e1 + k2 * k2 * e2 + (k1 + k2) * (k1 + k2) * e12;
  return 12.0 * (txx / tau - (tx / tau) * (tx / tau));
}

/* Burgers u_t + u u_x = nu u_xx on [0, 2pi): u = -2 nu phi_x / phi with phi solving the heat
 * equation exactly (three Fourier modes, phi >= 0.9). */
static double burgers_exact(double x, double t, double nu) {
  double a1 = exp(-nu * t), a2 = 0.6 * exp(-4 * nu * t), a3 = 0.3 * exp(-9 * nu * t);
  double phi = 2.5 + a1 * cos(x) + a2 * cos(2 * x + 1) + a3 * sin(3 * x + 2);
  double phx = -a1 * sin(x) - 2 * a2 * sin(2 * x + 1) + 3 * a3 * cos(3 * x + 2);
  return -2.0 * nu * phx / phi;
}

/* ---------------------------------------------------------------- ETDRK4 integrator */
typedef struct {
  int pde, n;
  double L, nu, h;
  double complex *E, *E2, *Q, *f1, *f2, *f3, *g; /* g = -i k / 2 (nonlinear factor) */
  double *x;
  fftw_complex *vh;
  fftw_plan fwd, bwd;
} etd;

static double complex etd_symbol(int pde, double k, double nu) {
  if (pde == LIE_PDE_KS) return k * k - k * k * k * k;
  if (pde == LIE_PDE_KDV) return I * k * k * k;
  return -nu * k * k;
}

static void etd_init(etd *s, int pde, int n, double L, double nu, double h) {
  int nh = n / 2 + 1;
  s->pde = pde, s->n = n, s->L = L, s->nu = nu, s->h = h;
  s->E = malloc(sizeof(double complex) * nh * 7);
  s->E2 = s->E + nh, s->Q = s->E + 2 * nh, s->f1 = s->E + 3 * nh, s->f2 = s->E + 4 * nh, s->f3 = s->E + 5 * nh;
  s->g = s->E + 6 * nh;
  s->x = fftw_alloc_real(n);
  s->vh = fftw_alloc_complex(nh);
  s->fwd = fftw_plan_dft_r2c_1d(n, s->x, s->vh, FFTW_ESTIMATE);
  s->bwd = fftw_plan_dft_c2r_1d(n, s->vh, s->x, FFTW_ESTIMATE);
  const int M = 64;
  for (int j = 0; j < nh; j++) {
    double k = 2 * M_PI * j / L;
    double complex Lk = etd_symbol(pde, k, nu);
    s->E[j] = cexp(h * Lk), s->E2[j] = cexp(h * Lk / 2);
    double complex q = 0, a = 0, b = 0, c = 0;
    for (int m = 0; m < M; m++) {
      double complex r = cexp(I * M_PI * (m + 0.5) * 2.0 / M), z = h * Lk + r, ez = cexp(z);
      q += (cexp(z / 2) - 1) / z;
      a += (-4.0 - z + ez * (4.0 - 3.0 * z + z * z)) / (z * z * z);
      b += (2.0 + z + ez * (z - 2.0)) / (z * z * z);
      c += (-4.0 - 3.0 * z - z * z + ez * (4.0 - z)) / (z * z * z);
    }
    s->Q[j] = h * q / M, s->f1[j] = h * a / M, s->f2[j] = h * b / M, s->f3[j] = h * c / M;
    s->g[j] = (2 * j == n) ? 0 : -0.5 * I * k;
  }
}

static void etd_free(etd *s) {
  free(s->E);
  fftw_free(s->x);
  fftw_free(s->vh);
  fftw_destroy_plan(s->fwd);
  fftw_destroy_plan(s->bwd);
}

/* out = N(v) = -(1/2) d_x (u^2) in Fourier space (normalised coefficients). */
static void etd_nonlin(etd *s, const double complex *v, double complex *out) {
  int n = s->n, nh = n / 2 + 1;
  memcpy(s->vh, v, sizeof(double complex) * nh);
  fftw_execute(s->bwd);
  for (int i = 0; i < n; i++)
    s->x[i] = s->x[i] * s->x[i];
  fftw_execute(s->fwd);
  for (int j = 0; j < nh; j++)
    out[j] = s->g[j] * s->vh[j] / n;
}

static void etd_step(etd *s, double complex *v, double complex *w) {
  int nh = s->n / 2 + 1;
  double complex *Nv = w, *a = w + nh, *Na = w + 2 * nh, *b = w + 3 * nh, *Nb = w + 4 * nh, *c = w + 5 * nh,
                 *Nc = w + 6 * nh;
  etd_nonlin(s, v, Nv);
  for (int j = 0; j < nh; j++)
    a[j] = s->E2[j] * v[j] + s->Q[j] * Nv[j];
  etd_nonlin(s, a, Na);
  for (int j = 0; j < nh; j++)
    b[j] = s->E2[j] * v[j] + s->Q[j] * Na[j];
  etd_nonlin(s, b, Nb);
  for (int j = 0; j < nh; j++)
    c[j] = s->E2[j] * a[j] + s->Q[j] * (2 * Nb[j] - Nv[j]);
  etd_nonlin(s, c, Nc);
  for (int j = 0; j < nh; j++)
    v[j] = s->E[j] * v[j] + s->f1[j] * Nv[j] + 2 * s->f2[j] * (Na[j] + Nb[j]) + s->f3[j] * Nc[j];
}

/* Solve from u0 (n points on [0, L)) and store the solution at times[0..nout) (times[0] = 0
 * allowed, times increasing, every interval a multiple of a step <= hmax). */
static void etd_solve(int pde, double L, double nu, int n, const double *u0, int nout, const double *times, double hmax,
                      double *out) {
  int nh = n / 2 + 1;
  double complex *v = malloc(sizeof(double complex) * nh), *w = malloc(sizeof(double complex) * nh * 7);
  double tnow = 0;
  etd s = {0};
  double hcur = -1;
  {
    etd tmp;
    etd_init(&tmp, pde, n, L, nu, hmax);
    memcpy(tmp.x, u0, sizeof(double) * n);
    fftw_execute(tmp.fwd);
    for (int j = 0; j < nh; j++)
      v[j] = tmp.vh[j] / n;
    etd_free(&tmp);
  }
  for (int m = 0; m < nout; m++) {
    double dtm = times[m] - tnow;
    if (dtm > 1e-14) {
      int steps = (int)ceil(dtm / hmax - 1e-9);
      double h = dtm / steps;
      if (fabs(h - hcur) > 1e-15 * h) {
        if (hcur > 0) etd_free(&s);
        etd_init(&s, pde, n, L, nu, h);
        hcur = h;
      }
      for (int k = 0; k < steps; k++)
        etd_step(&s, v, w);
      tnow = times[m];
    }
    etd tmp;
    etd_init(&tmp, pde, n, L, nu, 1.0);
    memcpy(tmp.vh, v, sizeof(double complex) * nh);
    fftw_execute(tmp.bwd);
    memcpy(out + (size_t)m * n, tmp.x, sizeof(double) * n);
    etd_free(&tmp);
  }
  if (hcur > 0) etd_free(&s);
  free(v), free(w);
}

/* ---------------------------------------------------------------- residual */
/* Fornberg (1988): weights c[0..n) of the m-th derivative at z from nodes x[0..n). */
static void fornberg(double z, const double *x, int n, int m, double *cw) {
  double c[16][16];
  memset(c, 0, sizeof c);
  double c1 = 1, c4 = x[0] - z;
  c[0][0] = 1;
  for (int i = 1; i < n; i++) {
    int mn = i < m ? i : m;
    double c2 = 1, c5 = c4;
    c4 = x[i] - z;
    for (int j = 0; j < i; j++) {
      double c3 = x[i] - x[j];
      c2 *= c3;
      if (j == i - 1) {
        for (int k = mn; k >= 1; k--)
          c[i][k] = c1 * (k * c[i - 1][k - 1] - c5 * c[i - 1][k]) / c2;
        c[i][0] = -c1 * c5 * c[i - 1][0] / c2;
      }
      for (int k = mn; k >= 1; k--)
        c[j][k] = (c4 * c[j][k] - k * c[j][k - 1]) / c3;
      c[j][0] = c4 * c[j][0] / c3;
    }
    c1 = c2;
  }
  for (int i = 0; i < n; i++)
    cw[i] = c[i][m];
}

/* x-derivatives of one row: spectral when periodic (period L), else 9-point central
 * differences (points within 4 of the edges are marked invalid in ok[]). */
static void xderivs(const double *u, int n, double L, int periodic, double *d1, double *d2, double *d3, double *d4,
                    int *ok) {
  if (periodic) {
    int nh = n / 2 + 1;
    double *b = fftw_alloc_real(n);
    fftw_complex *h = fftw_alloc_complex(nh), *w = fftw_alloc_complex(nh);
    fftw_plan f = fftw_plan_dft_r2c_1d(n, b, h, FFTW_ESTIMATE), g = fftw_plan_dft_c2r_1d(n, w, b, FFTW_ESTIMATE);
    memcpy(b, u, sizeof(double) * n);
    fftw_execute(f);
    double *dst[4] = {d1, d2, d3, d4};
    for (int m = 1; m <= 4; m++) {
      for (int j = 0; j < nh; j++) {
        double k = 2 * M_PI * j / L;
        double complex ik = (2 * j == n && (m % 2)) ? 0 : I * k;
        w[j] = h[j] * cpow(ik, m) / n;
      }
      fftw_execute(g);
      memcpy(dst[m - 1], b, sizeof(double) * n);
    }
    for (int j = 0; j < n; j++)
      ok[j] = 1;
    fftw_destroy_plan(f), fftw_destroy_plan(g);
    fftw_free(b), fftw_free(h), fftw_free(w);
    return;
  }
  double dx = L / n, xs[9], w1[9], w2[9];
  for (int i = 0; i < 9; i++)
    xs[i] = (i - 4) * dx;
  fornberg(0, xs, 9, 1, w1);
  fornberg(0, xs, 9, 2, w2);
  memset(d1, 0, sizeof(double) * n), memset(d2, 0, sizeof(double) * n);
  memset(d3, 0, sizeof(double) * n), memset(d4, 0, sizeof(double) * n);
  for (int j = 0; j < n; j++)
    ok[j] = j >= 4 && j < n - 4;
  for (int j = 4; j < n - 4; j++) {
    double a = 0, b = 0;
    for (int i = 0; i < 9; i++)
      a += w1[i] * u[j + i - 4], b += w2[i] * u[j + i - 4];
    d1[j] = a, d2[j] = b;
  }
}

/* Relative residual max|R| / max(|u_t| + |u u_x| + |linear terms|) of a grid-mode 1D field,
 * frames 4..nt-5 (9-point Fornberg weights on the possibly non-uniform times). */
static double residual1d(int pde, double nu, const lie_field1d *f) {
  int nt = f->nt, n = f->nx;
  double *d1 = malloc(sizeof(double) * n * 4), *d2 = d1 + n, *d3 = d1 + 2 * n, *d4 = d1 + 3 * n;
  int *ok = malloc(sizeof(int) * n);
  double rmax = 0, smax = 0;
  for (int m = 4; m < nt - 4; m++) {
    double w[9];
    fornberg(f->t[m], f->t + m - 4, 9, 1, w);
    const double *u = f->u + (size_t)m * n;
    xderivs(u, n, f->L, f->periodic, d1, d2, d3, d4, ok);
    for (int j = 0; j < n; j++) {
      if (!ok[j]) continue;
      double ut = 0;
      for (int i = 0; i < 9; i++)
        ut += w[i] * f->u[(size_t)(m + i - 4) * n + j];
      double adv = u[j] * d1[j], lin;
      if (pde == LIE_PDE_KS)
        lin = d2[j] + d4[j];
      else if (pde == LIE_PDE_KDV)
        lin = d3[j];
      else
        lin = -nu * d2[j];
      double r = fabs(ut + adv + lin), s = fabs(ut) + fabs(adv) + fabs(lin);
      rmax = lie_test_max(rmax, r);
      smax = lie_test_max(smax, s);
    }
  }
  free(d1), free(ok);
  return rmax / smax;
}

/* Relative L2 difference. */
/* ---------------------------------------------------------------- test trajectories */
/* KdV two-soliton on [0, 80), 256 points, frames t0 + n dt. */
static void make_kdv(lie_field1d *f, int nt, double t0, double dt) {
  int nx = 256;
  double L = 80;
  LIE_TEST_CALL(lie_field1d_alloc(nt, nx, 0, f));
  LIE_TEST_CALL(lie_field1d_set_grid(f, L, t0, dt));
  for (int n = 0; n < nt; n++)
    for (int j = 0; j < nx; j++)
      f->u[(size_t)n * nx + j] = kdv2_exact(f->x[j], f->t[n], 0.5 * L);
}

static void make_burgers(lie_field1d *f, int nt, double t0, double dt, double nu) {
  int nx = 256;
  LIE_TEST_CALL(lie_field1d_alloc(nt, nx, 0, f));
  LIE_TEST_CALL(lie_field1d_set_grid(f, 2 * M_PI, t0, dt));
  for (int n = 0; n < nt; n++)
    for (int j = 0; j < nx; j++)
      f->u[(size_t)n * nx + j] = burgers_exact(f->x[j], f->t[n], nu);
}

/* KS on [0, 32), 256 points, smooth initial data, ETDRK4 with h = dt/10. */
static void make_ks(lie_field1d *f, int nt, double t0, double dt) {
  int nx = 256;
  double L = 32;
  LIE_TEST_CALL(lie_field1d_alloc(nt, nx, 0, f));
  LIE_TEST_CALL(lie_field1d_set_grid(f, L, t0, dt));
  double *u0 = malloc(sizeof(double) * nx), *times = malloc(sizeof(double) * (nt + 1)), *tmp;
  for (int j = 0; j < nx; j++) {
    double y = 2 * M_PI * f->x[j] / L;
    u0[j] = cos(y) * (1 + sin(y)) + 0.4 * sin(3 * y + 1) - 0.3 * cos(2 * y + 0.5);
  }
  times[0] = 0;
  for (int n = 0; n < nt; n++)
    times[n + 1] = f->t[n];
  tmp = malloc(sizeof(double) * nx * (nt + 1));
  etd_solve(LIE_PDE_KS, L, 0, nx, u0, nt + 1, times, dt / 10, tmp);
  memcpy(f->u, tmp + nx, sizeof(double) * nx * nt);
  free(u0), free(times), free(tmp);
}
#endif
