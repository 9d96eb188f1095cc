/* Generation: the file has PDEArena's layout and reads back; every trajectory stores the
 * buoyancy it was solved with (they differ: the upstream generator once wrote the same b
 * for all); and the data do not depend on the decomposition: one group over all ranks,
 * one group per rank and (4 ranks) two groups of two agree to 1e-8. 5 trajectories so the
 * last round leaves groups idle (empty collective writes). */
#include "ns2d_test_util.h"

#include <hdf5.h>
#include <string.h>
#include <unistd.h>

enum { N = 5, NX = 32, STEPS = 10, SKIP = 2, NSAVE = STEPS - SKIP };
static const uint64_t SEED = 2024;

static void gen(lie_ctx ctx, int P, lie_ns2d_pc pc, const char *path) {
  lie_ns2d_opts p;
  lie_ns2d_opts_default(&p);
  p.nx = p.ny = NX;
  p.nsteps = STEPS;
  p.nskip = SKIP;
  p.ranks_per_traj = P;
  p.pressure_pc = pc;
  lie_ns2d ns = ns2d_test_make(ctx, &p);
  LIE_TEST_CALL(lie_ns2d_generate(ns, path, LIE_SPLIT_VALID, N, SEED));
  lie_ns2d_destroy(&ns);
}

static int read_ds(hid_t f, const char *name, hid_t mtype, void *buf, int rank, const hsize_t *want) {
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  if (d < 0) return 0;
  hid_t s = H5Dget_space(d);
  hsize_t dims[4] = {0};
  int r = H5Sget_simple_extent_ndims(s), good = r == rank;
  H5Sget_simple_extent_dims(s, dims, NULL);
  for (int k = 0; k < rank && good; k++)
    good = dims[k] == want[k];
  if (good) good = H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
  H5Sclose(s);
  H5Dclose(d);
  return good;
}

typedef struct {
  double *u, *vx, *vy, b[N], t[N * NSAVE], x[N * NX];
  uint64_t seed[N];
  unsigned char ok[N];
} data;

/* Reads a file of nn (<= N) trajectories. */
static int load_n(const char *path, data *d, int nn) {
  size_t big = (size_t)nn * NSAVE * NX * NX;
  hsize_t d4[4] = {nn, NSAVE, NX, NX}, d1[1] = {nn}, dt[2] = {nn, NSAVE}, dx[2] = {nn, NX};
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return 0;
  d->u = malloc(big * sizeof(double));
  d->vx = malloc(big * sizeof(double));
  d->vy = malloc(big * sizeof(double));
  int good = read_ds(f, "/valid/u", H5T_NATIVE_DOUBLE, d->u, 4, d4) &&
             read_ds(f, "/valid/vx", H5T_NATIVE_DOUBLE, d->vx, 4, d4) &&
             read_ds(f, "/valid/vy", H5T_NATIVE_DOUBLE, d->vy, 4, d4) &&
             read_ds(f, "/valid/buo_y", H5T_NATIVE_DOUBLE, d->b, 1, d1) &&
             read_ds(f, "/valid/seed", H5T_NATIVE_UINT64, d->seed, 1, d1) &&
             read_ds(f, "/valid/success", H5T_NATIVE_UCHAR, d->ok, 1, d1) &&
             read_ds(f, "/valid/t", H5T_NATIVE_DOUBLE, d->t, 2, dt) &&
             read_ds(f, "/valid/x", H5T_NATIVE_DOUBLE, d->x, 2, dx) &&
             read_ds(f, "/valid/y", H5T_NATIVE_DOUBLE, d->x, 2, dx);
  int schema = 0;
  hid_t a = H5Aopen(f, "liereg_schema", H5P_DEFAULT);
  if (a >= 0) {
    H5Aread(a, H5T_NATIVE_INT, &schema);
    H5Aclose(a);
  }
  good = good && schema == 1 && H5Aexists(f, "pde") > 0 && H5Aexists(f, "options") > 0 &&
         H5Aexists(f, "generator") > 0 && H5Aexists(f, "created") > 0;
  H5Fclose(f);
  return good;
}

static int load(const char *path, data *d) { return load_n(path, d, N); }

static double maxdiff(const double *a, const double *b, size_t n) {
  double m = 0;
  for (size_t k = 0; k < n; k++)
    m = lie_test_max(m, fabs(a[k] - b[k]));
  return m;
}

static void check_reference(lie_ctx ctx, const data *d, const char *path) {
  /* Buoyancy: in range, all different, and the value the solver used for that seed. */
  lie_ns2d_opts p;
  lie_ns2d_opts_default(&p);
  p.nx = p.ny = NX;
  lie_ns2d ns;
  MPI_Comm self = MPI_COMM_SELF;
  lie_ctx sctx;
  LIE_TEST_CALL(lie_ctx_create(self, &sctx));
  ns = ns2d_test_make(sctx, &p);
  int distinct = 1, match = 1, inrange = 1, seeds = 1, ok = 1;
  for (int i = 0; i < N; i++) {
    double b;
    lie_ns2d_sample_buoyancy(ns, d->seed[i], &b);
    match &= b == d->b[i];
    inrange &= d->b[i] >= 0.2 && d->b[i] < 0.5;
    seeds &= d->seed[i] == lie_seed_derive(SEED, LIE_SPLIT_VALID, i);
    ok &= d->ok[i] == 1;
    for (int k = 0; k < i; k++)
      distinct &= d->b[i] != d->b[k];
  }
  LIE_TEST_TRUE(seeds, "file: seed[i] = lie_seed_derive(seed, valid, i)");
  LIE_TEST_TRUE(ok, "file: success = 1 for every trajectory");
  LIE_TEST_TRUE(inrange, "file: buo_y in [0.2, 0.5)");
  LIE_TEST_TRUE(distinct, "file: buo_y differs between trajectories");
  LIE_TEST_TRUE(match, "file: buo_y equals the buoyancy drawn from the stored seed");
  /* The stored run really used that b: re-solve trajectory 3 serially and compare. */
  double b3;
  LIE_TEST_CALL(lie_ns2d_init(ns, d->seed[3], &b3));
  for (int k = 0; k < STEPS; k++) {
    int okk;
    LIE_TEST_CALL(lie_ns2d_step(ns, &okk));
  }
  double *s = malloc(sizeof(double) * NX * NX), *vy = malloc(sizeof(double) * NX * NX);
  Vec vs, vv;
  lie_ns2d_get_fields(ns, NULL, NULL, &vv, &vs, NULL);
  lie_ns2d_gather_xy(ns, vs, s);
  lie_ns2d_gather_xy(ns, vv, vy);
  size_t off = ((size_t)3 * NSAVE + NSAVE - 1) * NX * NX;
  LIE_TEST_LE(lie_test_max(maxdiff(s, d->u + off, NX * NX), maxdiff(vy, d->vy + off, NX * NX)), 1e-8,
              "file: last frame of trajectory 3 equals a serial re-solve with its stored seed");
  LIE_TEST_CALL(lie_ns2d_init(ns, d->seed[3], &b3));
  lie_ns2d_set_buoyancy(ns, b3 + 0.05);
  for (int k = 0; k < STEPS; k++) {
    int okk;
    LIE_TEST_CALL(lie_ns2d_step(ns, &okk));
  }
  lie_ns2d_gather_xy(ns, vv, vy);
  LIE_TEST_LE(1e-3, maxdiff(vy, d->vy + off, NX * NX),
              "file: a different b gives a visibly different vy (the test can fail)");
  free(s);
  free(vy);
  lie_ns2d_destroy(&ns);
  lie_ctx_destroy(&sctx);
  /* Layout: wall faces zero, t and x as documented. */
  double wall = 0;
  for (int i = 0; i < N; i++)
    for (int k = 0; k < NSAVE; k++)
      for (int q = 0; q < NX; q++) {
        size_t base = ((size_t)i * NSAVE + k) * NX * NX;
        wall = lie_test_max(wall, fabs(d->vx[base + 0 * NX + q]) + fabs(d->vy[base + (size_t)q * NX + 0]));
      }
  LIE_TEST_LE(wall, 0.0, "file: vx[:, :, 0, :] and vy[:, :, :, 0] (wall faces) are zero");
  LIE_TEST_NEAR(d->t[0], (SKIP + 1) * 1.5, 1e-12, "file: t[0][0] = (skip + 1) dt");
  LIE_TEST_NEAR(d->x[1], 1.5 * 32.0 / NX, 1e-12, "file: x[0][1] = 1.5 dx (cell centres)");
  char xmf[512];
  snprintf(xmf, sizeof xmf, "%s", path);
  strcpy(strstr(xmf, ".h5"), ".xmf");
  LIE_TEST_TRUE(access(xmf, R_OK) == 0, "file: XDMF sidecar written next to it");
  (void)ctx;
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  int size, rank;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  size = lie_ctx_size(ctx);
  rank = lie_ctx_rank(ctx);
  /* Reference: one rank per trajectory, geometric multigrid. Then the exact
   * FFT preconditioner with all ranks in one group, all ranks with geometric multigrid, and
   * two groups of two with algebraic multigrid. */
  int Ps[4] = {1, size, size, 2}, nP = size == 4 ? 4 : 3;
  lie_ns2d_pc pcs[4] = {LIE_NS2D_PC_MG, LIE_NS2D_PC_FFT, LIE_NS2D_PC_MG, LIE_NS2D_PC_AMG};
  const char *pn[] = {"mg", "amg", "fft"};
  char path[4][256];
  for (int k = 0; k < nP; k++) {
    snprintf(path[k], sizeof path[k], "ns2d_gen_np%d_P%d_%s.h5.tmp", size, Ps[k], pn[pcs[k]]);
    double t0 = lie_wtime();
    gen(ctx, Ps[k], pcs[k], path[k]);
    lie_log_info(ctx, "generated %d trajectories with %d rank(s), ranks_per_traj %d in %.2f s", N, size, Ps[k],
                 lie_wtime() - t0);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  if (rank == 0) {
    data ref, other;
    LIE_TEST_TRUE(load(path[0], &ref),
                  "file (ranks_per_traj 1) reads back with the expected shapes and root attributes");
    check_reference(ctx, &ref, path[0]);
    for (int k = 1; k < nP; k++) {
      char what[160];
      LIE_TEST_TRUE(load(path[k], &other), "file reads back");
      size_t big = (size_t)N * NSAVE * NX * NX;
      double m = lie_test_max(maxdiff(ref.u, other.u, big),
                              lie_test_max(maxdiff(ref.vx, other.vx, big), maxdiff(ref.vy, other.vy, big)));
      snprintf(what, sizeof what, "%d ranks: ranks_per_traj %d, %s vs 1, mg: max |difference| of u, vx, vy", size,
               Ps[k], pn[pcs[k]]);
      LIE_TEST_LE(m, 1e-8, what);
      LIE_TEST_LE(maxdiff(ref.b, other.b, N), 0.0, "same buo_y");
      free(other.u);
      free(other.vx);
      free(other.vy);
    }
    free(ref.u), free(ref.vx), free(ref.vy);
  }
  /* A shard: offset 3, two trajectories = rows 3 and 4 of the whole set. */
  lie_ns2d_opts sp;
  lie_ns2d_opts_default(&sp);
  sp.nx = sp.ny = NX;
  sp.nsteps = STEPS;
  sp.nskip = SKIP;
  sp.ranks_per_traj = size > 1 ? 2 : 1;
  lie_ns2d sh = ns2d_test_make(ctx, &sp);
  char spath[256];
  int nfailed = -1;
  snprintf(spath, sizeof spath, "ns2d_gen_np%d_shard.h5.tmp", size);
  LIE_TEST_CALL(lie_ns2d_generate_range(sh, spath, LIE_SPLIT_VALID, 2, SEED, 3, &nfailed));
  lie_ns2d_destroy(&sh);
  MPI_Barrier(PETSC_COMM_WORLD);
  if (rank == 0) {
    data ref, shard;
    LIE_TEST_TRUE(nfailed == 0, "shard: no failed trajectories reported");
    LIE_TEST_TRUE(load(path[0], &ref) && load_n(spath, &shard, 2), "shard and reference read back");
    size_t fr = (size_t)NSAVE * NX * NX;
    double m = lie_test_max(
        maxdiff(ref.u + 3 * fr, shard.u, 2 * fr),
        lie_test_max(maxdiff(ref.vx + 3 * fr, shard.vx, 2 * fr), maxdiff(ref.vy + 3 * fr, shard.vy, 2 * fr)));
    LIE_TEST_LE(m, 1e-8, "shard (offset 3, n 2): rows equal rows 3..4 of the whole set");
    LIE_TEST_TRUE(shard.seed[0] == ref.seed[3] && shard.seed[1] == ref.seed[4] && shard.b[0] == ref.b[3] &&
                      shard.b[1] == ref.b[4],
                  "shard: seeds and buo_y equal those of global rows 3, 4");
    free(ref.u), free(ref.vx), free(ref.vy), free(shard.u), free(shard.vx), free(shard.vy);
  }
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
