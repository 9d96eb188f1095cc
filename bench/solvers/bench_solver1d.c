/* 1D solver benchmark: time per trajectory and achieved accuracy.
 * For each trajectory (seed = lie_seed_derive(base, 0, i)) it solves with the options given
 * (-accuracy, -nx, ...), then a reference with a 2x finer internal grid and a 1000x
 * tighter accuracy target, and prints one JSON line with the wall time, the relative L2
 * error of the stored frames against the reference and the step counts.
 *   bench_solver1d -pde ks -ntraj 4 -accuracy 1e-8 [-ks_jitter 0 -save_start 0 ...] */
#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "liereg/liereg.h"

static const char help[] = "1D solver benchmark: time per trajectory vs a converged reference.\n";

static double cpu_time(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Parameters (JSON) and reference frames (raw float64, save_n x nx) for the Python
 * reference implementations, which start from the same initial condition. */
static int dump(const char *dir, int i, const lie_traj1d *p, int nx, int nt, int ns, int s0, const double *uref) {
  char path[512];
  snprintf(path, sizeof path, "%s/traj_%d.json", dir, i);
  FILE *f = fopen(path, "w");
  LIE_CHECK(f, LIE_ERR_IO, "cannot write %s", path);
  fprintf(f, "{\"L\": %.17g, \"T\": %.17g, \"nu\": %.17g, \"nx\": %d, \"nt\": %d, \"save_n\": %d, \"save_start\": %d",
          p->L, p->T, p->nu, nx, nt, ns, s0);
  const char *names[3] = {"amp", "phase", "l"};
  for (int a = 0; a < 3; a++) {
    fprintf(f, ", \"%s\": [", names[a]);
    for (int w = 0; w < p->nwaves; w++)
      fprintf(f, a == 2 ? "%s%.0f" : "%s%.17g", w ? ", " : "",
              a == 0   ? p->amp[w]
              : a == 1 ? p->phase[w]
                       : (double)p->l[w]);
    fprintf(f, "]");
  }
  fprintf(f, "}\n");
  LIE_CHECK(fclose(f) == 0, LIE_ERR_IO, "cannot close %s", path);
  snprintf(path, sizeof path, "%s/ref_%d.bin", dir, i);
  f = fopen(path, "wb");
  LIE_CHECK(f, LIE_ERR_IO, "cannot write %s", path);
  size_t w = fwrite(uref, sizeof(double), (size_t)nx * ns, f);
  LIE_CHECK(fclose(f) == 0 && w == (size_t)nx * ns, LIE_ERR_IO, "cannot write %s", path);
  return LIE_OK;
}

static int run(lie_ctx ctx) {
  char pdename[32] = "ks";
  PetscInt ntraj = 3, seed = 1, ref = 1;
  PetscReal refacc = 1e-11;
  PetscInt refsteps = 0, refn = 0;
  LIE_PETSC(PetscOptionsGetInt(NULL, NULL, "-reference_steps", &refsteps, NULL));
  LIE_PETSC(PetscOptionsGetInt(NULL, NULL, "-reference_n", &refn, NULL));
  char dumpdir[400] = "";
  LIE_PETSC(PetscOptionsGetString(NULL, NULL, "-dump_dir", dumpdir, sizeof dumpdir, NULL));
  LIE_PETSC(PetscOptionsGetString(NULL, NULL, "-pde", pdename, sizeof pdename, NULL));
  LIE_PETSC(PetscOptionsGetInt(NULL, NULL, "-ntraj", &ntraj, NULL));
  LIE_PETSC(PetscOptionsGetInt(NULL, NULL, "-seed", &seed, NULL));
  LIE_PETSC(PetscOptionsGetInt(NULL, NULL, "-reference", &ref, NULL));
  LIE_PETSC(PetscOptionsGetReal(NULL, NULL, "-reference_accuracy", &refacc, NULL));
  lie_pde pde;
  LIE_CALL(lie_pde_from_name(pdename, &pde));
  lie_solver1d s, r;
  LIE_CALL(lie_solver1d_create(ctx, pde, &s));
  LIE_CALL(lie_solver1d_set_from_options(s));
  LIE_CALL(lie_solver1d_setup(s));
  LIE_CALL(lie_solver1d_create(ctx, pde, &r));
  LIE_CALL(lie_solver1d_set_from_options(r));
  /* by default the reference uses the one-step method ETDRK4: an independent check */
  char refmethod[32] = "etdrk4";
  PetscInt reforder = 0;
  LIE_PETSC(PetscOptionsGetString(NULL, NULL, "-reference_method", refmethod, sizeof refmethod, NULL));
  LIE_PETSC(PetscOptionsGetInt(NULL, NULL, "-reference_order", &reforder, NULL));
  LIE_CALL(lie_solver1d_set_integrator(r, refmethod, (int)reforder));
  LIE_CALL(lie_solver1d_setup(r));
  int nx, nt, ns, s0, nw;
  LIE_CALL(lie_solver1d_get_sizes(s, &nx, &nt, &ns, &s0, &nw));
  size_t sz = (size_t)nx * ns;
  double *u = malloc(sizeof(double) * sz), *uref = malloc(sizeof(double) * sz);
  double *t = malloc(sizeof(double) * ns), *x = malloc(sizeof(double) * nx);
  LIE_CHECK(u && uref && t && x, LIE_ERR_MEM, "out of memory");
  for (int i = 0; i < ntraj; i++) {
    lie_traj1d p;
    int ok, okr;
    LIE_CALL(lie_solver1d_sample(s, lie_seed_derive((uint64_t)seed, 0, (uint64_t)i), &p));
    double predicted;
    LIE_CALL(lie_solver1d_cost(s, &p, &predicted));
    double t0 = lie_wtime(), c0 = cpu_time();
    LIE_CALL(lie_solver1d_solve(s, &p, u, t, x, &ok));
    double el = lie_wtime() - t0, cpu = cpu_time() - c0;
    lie_solver1d_stats st, str = {0};
    LIE_CALL(lie_solver1d_get_stats(s, &st));
    double err = -1, elr = 0;
    if (ref) {
      LIE_CALL(lie_solver1d_set_accuracy(r, refacc));
      LIE_CALL(lie_solver1d_set_method(r, refn ? (int)refn : 2 * st.n_internal, (int)refsteps));
      t0 = lie_wtime();
      LIE_CALL(lie_solver1d_solve(r, &p, uref, t, x, &okr));
      elr = lie_wtime() - t0;
      LIE_CALL(lie_solver1d_get_stats(r, &str));
      err = lie_rel_l2(u, uref, sz);
      if (dumpdir[0]) LIE_CALL(dump(dumpdir, i, &p, nx, nt, ns, s0, uref));
    }
    printf(
        "{\"bench\":\"solver1d\",\"pde\":\"%s\",\"traj\":%d,\"L\":%.6f,\"T\":%.6f,\"nu\":%.6g,\"ok\":%d,"
        "\"time_s\":%.6f,\"cpu_s\":%.6f,\"rel_err\":%.3e,\"est_err\":%.3e,\"n_internal\":%d,\"steps_per_interval\":%d,"
        "\"steps_total\":%ld,\"tail\":%.2e,\"ref_time_s\":%.3f,\"ref_n\":%d,\"ref_steps_per_interval\":%d,"
        "\"ref_est\":%.2e,\"predicted_cost\":%.4e}\n",
        pdename, i, p.L, p.T, p.nu, ok, el, cpu, err, st.error_estimate, st.n_internal, st.steps_per_interval, st.steps,
        st.tail, elr, str.n_internal, str.steps_per_interval, str.error_estimate, predicted);
    fflush(stdout);
  }
  free(u);
  free(uref);
  free(t);
  free(x);
  LIE_CALL(lie_solver1d_destroy(&s));
  LIE_CALL(lie_solver1d_destroy(&r));
  return LIE_OK;
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  if (PetscInitialize(&argc, &argv, NULL, help)) return 1;
  int err = lie_ctx_create(PETSC_COMM_WORLD, &ctx);
  if (!err) err = run(ctx);
  if (err) lie_error_print(stderr, 0, 0.0, 1);
  lie_ctx_destroy(&ctx);
  PetscFinalize();
  return err ? 1 : 0;
}
