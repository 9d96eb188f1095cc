/* Initial conditions u0(x) = sum_k A_k sin(2 pi l_k x / L + phi_k) (LPSDA). The wave
 * numbers l_k are integers, so u0 is an exact trigonometric polynomial: its Fourier
 * coefficients are set directly (no transform, no rounding from sampling). */
#include <math.h>
#include <string.h>

#include "solvers/solver1d_impl.h"

/* A sin(theta + phi) = A e^{i phi} / (2i) e^{i theta} + c.c.: mode l gets A e^{i phi} / (2i). */
void lie_ic1d_coeffs(const lie_traj1d *p, const lie_spec1d *sp, double complex *v) {
  memset(v, 0, sizeof(double complex) * (size_t)sp->nk);
  for (int w = 0; w < p->nwaves; w++) {
    const int l = p->l[w];
    if (l <= 0 || l > sp->kcut) continue; /* l = 0 adds nothing; callers keep l << kcut */
    v[l] += p->amp[w] * cexp(I * p->phase[w]) / (2 * I);
  }
}

void lie_ic1d_eval(const lie_traj1d *p, int n, double *u) {
  for (int j = 0; j < n; j++) {
    const double x = j * p->L / n;
    double s = 0;
    for (int w = 0; w < p->nwaves; w++)
      s += p->amp[w] * sin(2 * M_PI * p->l[w] * x / p->L + p->phase[w]);
    u[j] = s;
  }
}

void lie_phys1d_default(lie_pde pde, lie_phys1d *c) {
  memset(c, 0, sizeof(*c));
  switch (pde) {
  case LIE_PDE_KS:
    *c = (lie_phys1d){.L = 64, .T = 100, .jitter = 0.1, .nwaves = 10, .lmin = 1, .lmax = 3};
    break;
  case LIE_PDE_KDV:
    *c = (lie_phys1d){.L = 128, .T = 100, .jitter = 0.1, .nwaves = 10, .lmin = 1, .lmax = 3};
    break;
  default:
    *c = (lie_phys1d){
        .L = 2 * M_PI, .T = 18, .jitter = 0, .nu_min = 0.01, .nu_max = 0.1, .nwaves = 20, .lmin = 1, .lmax = 7};
    break;
  }
}

/* Draw order (part of the file format's meaning: parameters are a pure function of the
 * seed): L, T, nu (Burgers only), then all amplitudes, all phases, all wave numbers. */
void lie_ic1d_sample(const lie_phys1d *c, lie_pde pde, uint64_t seed, lie_traj1d *p) {
  lie_rng r;
  memset(p, 0, sizeof(*p));
  lie_rng_seed(&r, seed);
  p->seed = seed;
  p->L = lie_rng_range(&r, c->L * (1 - c->jitter), c->L * (1 + c->jitter));
  p->T = lie_rng_range(&r, c->T * (1 - c->jitter), c->T * (1 + c->jitter));
  p->nu = 0;
  if (pde == LIE_PDE_BURGERS) p->nu = exp(lie_rng_range(&r, log(c->nu_min), log(c->nu_max)));
  p->nwaves = c->nwaves;
  for (int w = 0; w < p->nwaves; w++)
    p->amp[w] = lie_rng_range(&r, -0.5, 0.5);
  for (int w = 0; w < p->nwaves; w++)
    p->phase[w] = lie_rng_range(&r, 0, 2 * M_PI);
  for (int w = 0; w < p->nwaves; w++)
    p->l[w] = lie_rng_int(&r, c->lmin, c->lmax);
}
