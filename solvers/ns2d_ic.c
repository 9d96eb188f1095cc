/* 2D Navier–Stokes: per-trajectory parameters and the smoke initial condition.
 *
 * The smoke follows PhiFlow's Noise(scale=11, smoothness=6) as PDEArena samples it on the
 * cell centres, then abs():
 *   m = fftfreq index (0..n/2-1, -n/2..-1), k = m / L * scale (per axis), k2 = |k|^2,
 *   F(k) = (N(0,1) + i N(0,1)) * k2^(-smoothness) * [k2 > 0.1],
 *   a = Re(IDFT(F)), a /= std(a), a -= mean(a), s0 = |a|.
 * (so the amplitude spectrum is |k|^-12; std 1 and zero mean hold before the abs, as in
 * PhiFlow). The normals come from Philox seeded with the trajectory seed, after the
 * buoyancy draw: b = U[b_lo, b_hi) is the first number of the stream. Every rank of the
 * group computes the whole field, so it cannot depend on the decomposition. */
#include "solvers/ns2d_impl.h"

#include <string.h>

int lie_ns2d_ic_setup(lie_ns2d ns) {
  int nx = ns->par.nx, ny = ns->par.ny;
  ns->noise = fftw_malloc(sizeof(fftw_complex) * (size_t)nx * ny);
  LIE_CHECK(ns->noise, LIE_ERR_MEM, "out of memory for the %d x %d noise spectrum", nx, ny);
  ns->noise_plan = fftw_plan_dft_2d(nx, ny, ns->noise, ns->noise, FFTW_BACKWARD, FFTW_ESTIMATE);
  LIE_CHECK(ns->noise_plan, LIE_ERR_FFTW, "fftw_plan_dft_2d(%d, %d) failed", nx, ny);
  return LIE_OK;
}

int lie_ns2d_ic_destroy(lie_ns2d ns) {
  if (ns->noise_plan) fftw_destroy_plan(ns->noise_plan);
  if (ns->noise) fftw_free(ns->noise);
  ns->noise_plan = NULL;
  ns->noise = NULL;
  return LIE_OK;
}

static double draw_b(const lie_ns2d_opts *p, lie_rng *r) { return lie_rng_range(r, p->b_lo, p->b_hi); }

int lie_ns2d_sample_buoyancy(lie_ns2d ns, uint64_t seed, double *b) {
  lie_rng r;
  lie_rng_seed(&r, seed);
  *b = draw_b(&ns->par, &r);
  return LIE_OK;
}

/* numpy.fft.fftfreq(n)[i] * n */
static inline int fftfreq_index(int i, int n) { return i <= (n - 1) / 2 ? i : i - n; }

int lie_ns2d_smoke_ic(lie_ns2d ns, uint64_t seed, double *s) {
  const lie_ns2d_opts *p = &ns->par;
  int nx = p->nx, ny = p->ny;
  size_t n = (size_t)nx * ny;
  lie_rng r;
  LIE_CHECK(ns->noise_plan, LIE_ERR_STATE, "lie_ns2d_smoke_ic before setup");
  /* fftw_complex is double[2] or double _Complex depending on <complex.h>: use the
   * guaranteed interleaved (re, im) layout. */
  double *c = (double *)ns->noise;
  lie_rng_seed(&r, seed);
  (void)draw_b(p, &r);
  for (int i = 0; i < nx; i++) {
    double kx = fftfreq_index(i, nx) / p->Lx * p->noise_scale;
    for (int j = 0; j < ny; j++) {
      double ky = fftfreq_index(j, ny) / p->Ly * p->noise_scale, k2 = kx * kx + ky * ky;
      double re = lie_rng_normal(&r), im = lie_rng_normal(&r);
      double w = k2 > 0.1 ? pow(k2, -p->noise_smoothness) : 0.0; /* high-pass: drops the mean */
      c[2 * ((size_t)i * ny + j)] = re * w;
      c[2 * ((size_t)i * ny + j) + 1] = im * w;
    }
  }
  fftw_execute(ns->noise_plan);
  double mean = 0, var = 0;
  for (size_t k = 0; k < n; k++)
    mean += c[2 * k];
  mean /= n;
  for (size_t k = 0; k < n; k++)
    var += (c[2 * k] - mean) * (c[2 * k] - mean);
  double sd = sqrt(var / n);
  LIE_CHECK(sd > 0, LIE_ERR_NUMERIC, "smoke noise has zero variance (grid %d x %d too small for -ns_noise_scale %g?)",
            nx, ny, p->noise_scale);
  for (int i = 0; i < nx; i++)
    for (int j = 0; j < ny; j++)
      s[(size_t)j * nx + i] = fabs((c[2 * ((size_t)i * ny + j)] - mean) / sd);
  return LIE_OK;
}

int lie_ns2d_init(lie_ns2d ns, uint64_t seed, double *b) {
  PetscScalar **s;
  LIE_CHECK(ns->is_setup, LIE_ERR_STATE, "lie_ns2d_init before setup");
  LIE_PETSC(PetscLogEventBegin(lie_ns2d_events.ic, 0, 0, 0, 0));
  LIE_CALL(lie_ns2d_sample_buoyancy(ns, seed, &ns->b));
  LIE_CALL(lie_ns2d_smoke_ic(ns, seed, ns->fs));
  LIE_PETSC(DMDAVecGetArray(ns->da, ns->s, &s));
  for (PetscInt j = ns->ys; j < ns->ys + ns->ym; j++)
    for (PetscInt i = ns->xs; i < ns->xs + ns->xm; i++)
      s[j][i] = ns->fs[(size_t)j * ns->par.nx + i];
  LIE_PETSC(DMDAVecRestoreArray(ns->da, ns->s, &s));
  LIE_PETSC(VecSet(ns->u, 0.0));
  LIE_PETSC(VecSet(ns->v, 0.0));
  LIE_PETSC(VecSet(ns->pres, 0.0));
  LIE_PETSC(VecSet(ns->dp, 0.0));
  if (ns->par.incremental) LIE_CALL(lie_ns2d_pressure_init(ns));
  LIE_PETSC(PetscLogEventEnd(lie_ns2d_events.ic, 0, 0, 0, 0));
  if (b) *b = ns->b;
  return LIE_OK;
}
