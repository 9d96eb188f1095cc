/* 2D Navier–Stokes: dataset generation. Groups of ranks_per_traj ranks take trajectories
 * round-robin (group g solves g, g+G, ...); after each round every rank of the world
 * writes its part collectively. Seeds depend only on (base seed, split, index), so the
 * file does not depend on the number of ranks or groups. */
#include "solvers/ns2d_impl.h"

#include <stdlib.h>
#include <string.h>

/* Copies the owned block of f into buf [x][y] (y fastest). */
static int store_frame(lie_ns2d ns, Vec f, double *buf) {
  const PetscScalar **a;
  LIE_PETSC(DMDAVecGetArrayRead(ns->da, f, &a));
  for (PetscInt i = 0; i < ns->xm; i++)
    for (PetscInt j = 0; j < ns->ym; j++)
      buf[(size_t)i * ns->ym + j] = a[ns->ys + j][ns->xs + i];
  LIE_PETSC(DMDAVecRestoreArrayRead(ns->da, f, &a));
  return LIE_OK;
}

/* Solves trajectory `seed` and stores frames nskip.. into buf (3 x nsave x xm x ym). */
static int solve_traj(lie_ns2d ns, uint64_t seed, double *buf, double *b, int *ok) {
  const lie_ns2d_opts *p = &ns->par;
  size_t blk = (size_t)ns->xm * ns->ym, field = (size_t)(p->nsteps - p->nskip) * blk;
  *ok = 1;
  LIE_CALL(lie_ns2d_init(ns, seed, b));
  for (int k = 0; k < p->nsteps; k++) {
    int okk = 1;
    if (*ok) LIE_CALL(lie_ns2d_step(ns, &okk));
    *ok &= okk;
    if (k < p->nskip) continue;
    double *f = buf + (size_t)(k - p->nskip) * blk;
    if (!*ok) { /* a failed trajectory is stored as NaN with success = 0 */
      for (size_t q = 0; q < blk; q++)
        f[q] = f[field + q] = f[2 * field + q] = NAN;
      continue;
    }
    LIE_CALL(store_frame(ns, ns->s, f));
    LIE_CALL(store_frame(ns, ns->u, f + field));
    LIE_CALL(store_frame(ns, ns->v, f + 2 * field));
  }
  return LIE_OK;
}

static int generate_rounds(lie_ns2d ns, lie_ns2d_io *io, const uint64_t *seeds, double *b, unsigned char *ok,
                           double *buf) {
  int n = io->n, rounds = (n + ns->ngroups - 1) / ns->ngroups;
  double t0 = lie_wtime();
  for (int r = 0; r < rounds; r++) {
    int i = r * ns->ngroups + ns->group, okt = 0;
    double bt = 0;
    LIE_CALL(lie_stop_check(ns->ctx, r * ns->ngroups, n, "trajectories")); /* together, between rounds */
    int err = LIE_OK;
    if (i < n) {
      LIE_PETSC(PetscLogEventBegin(lie_events.solve, 0, 0, 0, 0));
      err = solve_traj(ns, seeds[i], buf, &bt, &okt);
      LIE_PETSC(PetscLogEventEnd(lie_events.solve, 0, 0, 0, 0));
    }
    /* an error in one group's solve ends every rank here, before the collective write */
    LIE_CALL(lie_ctx_agree(ns->ctx, err));
    if (i < n) {
      if (ns->grank == 0) {
        b[i] = bt;
        ok[i] = (unsigned char)okt;
      }
      if (!okt)
        lie_log_warn(ns->ctx, "ns2d: trajectory %d (seed %llu) failed; stored as NaN, success = 0", i,
                     (unsigned long long)seeds[i]);
    }
    LIE_PETSC(PetscLogEventBegin(lie_events.io, 0, 0, 0, 0));
    LIE_CALL(lie_ns2d_io_write_traj(ns, io, i < n ? i : -1, buf));
    LIE_PETSC(PetscLogEventEnd(lie_events.io, 0, 0, 0, 0));
    int done = (r + 1) * ns->ngroups < n ? (r + 1) * ns->ngroups : n;
    double el = lie_wtime() - t0;
    lie_log_info(ns->ctx,
                 "{\"ns2d\":\"progress\",\"done\":%d,\"n\":%d,\"elapsed_s\":%.2f,\"traj_per_s\":%.3f,\"eta_s\":%.1f}",
                 done, n, el, done / el, el / done * (n - done));
  }
  return LIE_OK;
}

int lie_ns2d_generate(lie_ns2d ns, const char *path, lie_split split, int n, uint64_t seed) {
  return lie_ns2d_generate_range(ns, path, split, n, seed, 0, NULL);
}

int lie_ns2d_generate_range(lie_ns2d ns, const char *path, lie_split split, int n, uint64_t seed, uint64_t offset,
                            int *nfailed) {
  const lie_ns2d_opts *p = &ns->par;
  lie_ns2d_io io = {0};
  uint64_t *seeds = NULL;
  double *b = NULL, *buf = NULL;
  unsigned char *ok = NULL;
  int nfail = 0, err = LIE_OK;
  LIE_CHECK(ns->is_setup, LIE_ERR_STATE, "lie_ns2d_generate before setup");
  LIE_CHECK(n >= 1, LIE_ERR_USAGE, "-n must be >= 1 (got %d)", n);
  char what[96];
  snprintf(what, sizeof what, "a trajectory of %d frames of %d x %d cells", p->nsteps - p->nskip, p->nx, p->ny);
  /* the frame buffer plus the solver's work fields; local sizes differ between ranks: agreed */
  LIE_CALL(lie_ctx_agree(ns->ctx, lie_check_memory(8.0 * 3 * (p->nsteps - p->nskip + 16) * ns->xm * ns->ym, what)));
  LIE_ALLOC_GOTO(seeds, n);
  LIE_ALLOC_GOTO(b, n);
  LIE_ALLOC_GOTO(ok, n);
  LIE_ALLOC_GOTO(buf, 3 * (size_t)(p->nsteps - p->nskip) * ns->xm * ns->ym);
  for (int i = 0; i < n; i++)
    seeds[i] = lie_seed_derive(seed, (uint64_t)split, offset + (uint64_t)i);
  lie_log_info(ns->ctx, "ns2d: %d trajectories, %dx%d, %d steps of %g (%d stored), %d group(s) of %d rank(s) -> %s", n,
               p->nx, p->ny, p->nsteps, p->dt, p->nsteps - p->nskip, ns->ngroups, ns->gsize, path);
  LIE_CALL_GOTO(lie_ns2d_io_open(ns, path, split, n, &io));
  LIE_CALL_GOTO(generate_rounds(ns, &io, seeds, b, ok, buf));
  /* Only group rank 0 filled its trajectories' entries: a sum gathers them everywhere. */
  LIE_CHECK_GOTO(MPI_Allreduce(MPI_IN_PLACE, b, n, MPI_DOUBLE, MPI_SUM, lie_ctx_comm(ns->ctx)) == MPI_SUCCESS &&
                     MPI_Allreduce(MPI_IN_PLACE, ok, n, MPI_UNSIGNED_CHAR, MPI_SUM, lie_ctx_comm(ns->ctx)) ==
                         MPI_SUCCESS,
                 LIE_ERR_MPI, "gathering per-trajectory buoyancy/success failed");
  LIE_CALL_GOTO(lie_ns2d_io_write_meta(ns, &io, seeds, b, ok));
  LIE_CALL_GOTO(lie_ns2d_io_close(&io));
  LIE_CALL_GOTO(lie_ns2d_xdmf_write(ns, path, split, n));
  for (int i = 0; i < n; i++)
    nfail += !ok[i];
  if (nfail) lie_log_warn(ns->ctx, "ns2d: %d of %d trajectories failed (success = 0)", nfail, n);
  if (nfailed) *nfailed = nfail;
done:
  lie_ns2d_io_close(&io); /* after an error: still open */
  free(seeds);
  free(b);
  free(ok);
  free(buf);
  return err;
}

int lie_ns2d_generate_file(lie_ctx ctx, const char *path, lie_split split, int n, uint64_t seed) {
  lie_ns2d ns;
  int err = LIE_OK;
  LIE_CALL(lie_ns2d_create(ctx, &ns));
  LIE_CALL_GOTO(lie_ns2d_set_from_options(ns));
  LIE_CALL_GOTO(lie_ns2d_generate(ns, path, split, n, seed));
done:
  lie_ns2d_destroy(&ns);
  return err;
}
