/* NS2D benchmark: seconds per trajectory (PDEArena defaults: 128^2, 64 steps) on the ranks
 * it is started with (one group over all of them), the split of a step into advection,
 * diffusion and projection, KSP iterations per step, and the per-step cost of an exact
 * FFT (DCT-II/III) Neumann Poisson solve on this machine as a lower bound for the pressure
 * solve. Prints JSON lines. Any -ns_ option applies (e.g. -ns_pc_type, -ns_advect), and
 * -log_view shows the PETSc events (KSPSolve, PCApply, NS2DAdvect, ...).
 *   mpiexec -n R ./bench_ns2d [-trajs 3] [-ns_...] */
#include <fftw3.h>
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "liereg/liereg.h"

#define CHK(x)                                                                                                         \
  do {                                                                                                                 \
    if (x) {                                                                                                           \
      lie_error_print(stderr, 0, 0.0, 1);                                                                              \
      return 1;                                                                                                        \
    }                                                                                                                  \
  } while (0)

/* Seconds per exact Neumann Poisson solve by DCT-II -> divide -> DCT-III (serial). */
static double fft_poisson_seconds(int n) {
  double *a = fftw_malloc(sizeof(double) * n * n), *b = fftw_malloc(sizeof(double) * n * n);
  fftw_plan f = fftw_plan_r2r_2d(n, n, a, b, FFTW_REDFT10, FFTW_REDFT10, FFTW_MEASURE);
  fftw_plan g = fftw_plan_r2r_2d(n, n, b, a, FFTW_REDFT01, FFTW_REDFT01, FFTW_MEASURE);
  for (int k = 0; k < n * n; k++)
    a[k] = sin(0.1 * k);
  int reps = 200;
  double t0 = lie_wtime();
  for (int r = 0; r < reps; r++) {
    fftw_execute(f);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        double l = 2 * cos(M_PI * i / n) + 2 * cos(M_PI * j / n) - 4;
        b[i * n + j] = (i + j) ? b[i * n + j] / (l * 4.0 * n * n) : 0.0;
      }
    fftw_execute(g);
  }
  double t = (lie_wtime() - t0) / reps;
  fftw_destroy_plan(f);
  fftw_destroy_plan(g);
  fftw_free(a);
  fftw_free(b);
  return t;
}

/* Process CPU time: on a shared, loaded machine wall time overstates the cost. */
static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + 1e-6 * ru.ru_utime.tv_usec + ru.ru_stime.tv_sec + 1e-6 * ru.ru_stime.tv_usec;
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  lie_ns2d ns;
  PetscInt trajs = 3;
  PetscInitialize(&argc, &argv, NULL, NULL);
  PetscOptionsGetInt(NULL, NULL, "-trajs", &trajs, NULL);
  CHK(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  CHK(lie_ns2d_create(ctx, &ns));
  lie_ns2d_opts p;
  lie_ns2d_get_opts(ns, &p);
  p.ranks_per_traj = 0; /* one group over every rank: measures the distributed solve */
  CHK(lie_ns2d_set_opts(ns, &p));
  CHK(lie_ns2d_set_from_options(ns));
  lie_ns2d_get_opts(ns, &p);
  int size = lie_ctx_size(ctx);
  double best = 1e30, sum = 0;
  lie_ns2d_stats st;
  for (int t = 0; t < trajs; t++) {
    double b;
    lie_ns2d_reset_stats(ns);
    MPI_Barrier(PETSC_COMM_WORLD);
    double t0 = lie_wtime(), c0 = cpu_seconds();
    CHK(lie_ns2d_init(ns, lie_seed_derive(1, 0, (uint64_t)t), &b));
    for (int k = 0; k < p.nsteps; k++) {
      int ok;
      CHK(lie_ns2d_step(ns, &ok));
      if (!ok) fprintf(stderr, "step %d failed\n", k);
    }
    MPI_Barrier(PETSC_COMM_WORLD);
    double el = lie_wtime() - t0, cpu = cpu_seconds() - c0;
    lie_ns2d_get_stats(ns, &st);
    best = fmin(best, el);
    sum += el;
    lie_log_info(
        ctx,
        "{\"bench\":\"ns2d_traj\",\"ranks\":%d,\"n\":%d,\"steps\":%d,\"advect\":%d,\"b\":%.4f,\"s_per_traj\":%.4f,"
        "\"cpu_s_per_traj_rank0\":%.4f,"
        "\"ms_per_step\":%.3f,\"ms_advect\":%.3f,\"ms_diffuse\":%.3f,\"ms_project\":%.3f,\"ksp_its_per_step\":%.2f}",
        size, p.nx, p.nsteps, (int)p.advect, b, el, cpu, 1e3 * el / p.nsteps, 1e3 * st.t_advect / p.nsteps,
        1e3 * st.t_diffuse / p.nsteps, 1e3 * st.t_project / p.nsteps, (double)st.ksp_its / st.ksp_solves);
  }
  double tfft = fft_poisson_seconds(p.nx);
  lie_log_info(ctx,
               "{\"bench\":\"ns2d_summary\",\"ranks\":%d,\"n\":%d,\"trajs\":%d,\"best_s_per_traj\":%.4f,\"mean_s_per_"
               "traj\":%.4f,"
               "\"ms_project_per_step\":%.3f,\"ms_fft_poisson_lower_bound\":%.3f,\"project_over_fft\":%.1f}",
               size, p.nx, (int)trajs, best, sum / trajs, 1e3 * st.t_project / p.nsteps, 1e3 * tfft,
               st.t_project / p.nsteps / tfft);
  lie_ns2d_destroy(&ns);
  lie_ctx_destroy(&ctx);
  PetscFinalize();
  return 0;
}
