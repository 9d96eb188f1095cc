/* 2D Navier–Stokes: one time step in PDEArena's order (advect smoke; buoyancy from the new
 * smoke; advect velocity + dt force; diffuse; project), with timings and log events. */
#include "solvers/ns2d_impl.h"

lie_ns2d_events_t lie_ns2d_events;

int lie_ns2d_events_register(void) {
  static int done = 0;
  PetscClassId cid;
  PetscLogEvent e;
  if (done) return LIE_OK;
  LIE_PETSC(PetscClassIdRegister("liereg NS2D", &cid));
  LIE_PETSC(PetscLogEventRegister("NS2DAdvect", cid, &e));
  lie_ns2d_events.advect = (int)e;
  LIE_PETSC(PetscLogEventRegister("NS2DDiffuse", cid, &e));
  lie_ns2d_events.diffuse = (int)e;
  LIE_PETSC(PetscLogEventRegister("NS2DProject", cid, &e));
  lie_ns2d_events.project = (int)e;
  LIE_PETSC(PetscLogEventRegister("NS2DInit", cid, &e));
  lie_ns2d_events.ic = (int)e;
  done = 1;
  return LIE_OK;
}

static int all_finite(lie_ns2d ns, int *ok) {
  PetscReal n[3];
  LIE_PETSC(VecNorm(ns->u, NORM_INFINITY, &n[0]));
  LIE_PETSC(VecNorm(ns->v, NORM_INFINITY, &n[1]));
  LIE_PETSC(VecNorm(ns->s, NORM_INFINITY, &n[2]));
  *ok = isfinite(n[0]) && isfinite(n[1]) && isfinite(n[2]);
  return LIE_OK;
}

int lie_ns2d_step(lie_ns2d ns, int *ok) {
  int okd = 0, okp = 0, okf = 0;
  LIE_CHECK(ns->is_setup, LIE_ERR_STATE, "lie_ns2d_step before setup");
  double t0 = lie_wtime();
  LIE_PETSC(PetscLogEventBegin(lie_ns2d_events.advect, 0, 0, 0, 0));
  LIE_CALL(lie_ns2d_advect_all(ns));
  LIE_PETSC(PetscLogEventEnd(lie_ns2d_events.advect, 0, 0, 0, 0));
  double t1 = lie_wtime();
  LIE_PETSC(PetscLogEventBegin(lie_ns2d_events.diffuse, 0, 0, 0, 0));
  /* Incremental pressure correction: diffuse v* - grad p^n, which is already nearly
   * solenoidal. PhiFlow diffuses the raw v*, so a force balanced by pressure (uniform smoke
   * in a box) leaks into vorticity at the walls. */
  if (ns->par.incremental) LIE_CALL(lie_ns2d_subtract_gradient(ns, ns->pres));
  LIE_CALL(lie_ns2d_diffuse_step(ns, &okd));
  LIE_PETSC(PetscLogEventEnd(lie_ns2d_events.diffuse, 0, 0, 0, 0));
  double t2 = lie_wtime();
  LIE_PETSC(PetscLogEventBegin(lie_ns2d_events.project, 0, 0, 0, 0));
  LIE_CALL(lie_ns2d_project(ns, &okp));
  LIE_PETSC(PetscLogEventEnd(lie_ns2d_events.project, 0, 0, 0, 0));
  double t3 = lie_wtime();
  LIE_CALL(all_finite(ns, &okf));
  ns->st.t_advect += t1 - t0;
  ns->st.t_diffuse += t2 - t1;
  ns->st.t_project += t3 - t2;
  ns->st.t_total += t3 - t0;
  *ok = okd && okp && okf;
  return LIE_OK;
}
