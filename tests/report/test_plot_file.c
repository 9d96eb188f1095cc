/* lie_plot_file on small 1D files written with the io writer: a normal trajectory draws; a
 * NaN in the data is drawn (magenta), not an error; a 1 x 1 grid is one clean error (no
 * overflow, no output, no .tmp); bad options are usage errors before any file is touched.
 * usage: test_plot_file DIR */
#include "lie_test.h"

#include <string.h>
#include <unistd.h>

static lie_ctx ctx;
static char dir[512];

/* n trajectories of nt x nx with u = sin(x + t), u[0][0] = bad */
static void write_file(const char *path, int n, int nt, int nx, double bad) {
  lie_writer1d w;
  LIE_TEST_CALL(lie_writer1d_create(ctx, path, LIE_SPLIT_TRAIN, LIE_PDE_KDV, n, nt, nx, 1, &w));
  for (int r = 0; r < lie_writer1d_rounds(w); r++) {
    double *u, *t, *x;
    lie_traj1d p;
    memset(&p, 0, sizeof p);
    p.L = 2 * M_PI, p.T = 1, p.nwaves = 1, p.amp[0] = 1, p.l[0] = 1, p.seed = (uint64_t)r;
    LIE_TEST_CALL(lie_writer1d_slot(w, r, &u, &t, &x));
    for (int j = 0; j < nx; j++)
      x[j] = 2 * M_PI * j / nx;
    for (int k = 0; k < nt; k++) {
      t[k] = 0.1 * k;
      for (int j = 0; j < nx; j++)
        u[k * nx + j] = sin(x[j] + t[k]);
    }
    u[0] = bad;
    LIE_TEST_CALL(lie_writer1d_set(w, r, &p, 0.1, 1));
    LIE_TEST_CALL(lie_writer1d_flush(w, r, r == lie_writer1d_rounds(w) - 1));
  }
  LIE_TEST_CALL(lie_writer1d_destroy(&w));
}

static int plot(const char *in, const char *out, int index, const char *field, int frames) {
  lie_aug_opts aug;
  lie_plot_file_opts o = {in, out, NULL, index, frames, 0, field, 1};
  LIE_TEST_CALL(lie_aug_opts_default(LIE_PDE_KDV, &aug));
  int e = lie_plot_file(ctx, LIE_PDE_KDV, &o, &aug, NULL, NULL);
  if (e) printf("  message: %s\n", lie_error_message());
  lie_error_clear();
  return e;
}

static int exists(const char *path) { return access(path, F_OK) == 0; }

int main(int argc, char **argv) {
  char in[600], in1[600], out[600], tmp[610];
  PetscInitialize(&argc, &argv, NULL, NULL);
  snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : ".");
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  int np = lie_ctx_size(ctx); /* the 1- and 2-rank runs use their own files */
  snprintf(in, sizeof in, "%s/plot8_np%d.h5", dir, np);
  snprintf(in1, sizeof in1, "%s/plot1_np%d.h5", dir, np);
  snprintf(out, sizeof out, "%s/plot_np%d.png", dir, np);
  snprintf(tmp, sizeof tmp, "%s.tmp", out);
  write_file(in, 2, 6, 8, NAN);
  write_file(in1, 1, 1, 1, 0.5);
  if (lie_ctx_rank(ctx) == 0) unlink(out);
  MPI_Barrier(PETSC_COMM_WORLD);
  LIE_TEST_TRUE(plot(in, out, 1, "u", 8) == 0 && exists(out) && !exists(tmp),
                "a trajectory with a NaN value draws (NaN in magenta), no .tmp left");
  MPI_Barrier(PETSC_COMM_WORLD); /* every rank has checked the file before rank 0 removes it */
  if (lie_ctx_rank(ctx) == 0) unlink(out);
  MPI_Barrier(PETSC_COMM_WORLD);
  int e = plot(in1, out, 0, "u", 8);
  LIE_TEST_TRUE(e && e != LIE_ERR_INTERNAL && !exists(out) && !exists(tmp), "a 1 x 1 grid: one clean error, no file");
  LIE_TEST_TRUE(plot(in, out, 2, "u", 8) == LIE_ERR_USAGE && !exists(out), "-index 2 of 2 trajectories: usage error");
  LIE_TEST_TRUE(plot(in, out, 0, "zz", 8) == LIE_ERR_USAGE && !exists(tmp), "-field zz: usage error");
  LIE_TEST_TRUE(plot(in, out, 0, "vx", 8) == LIE_ERR_USAGE, "-field vx on a 1D file: usage error");
  LIE_TEST_TRUE(plot(in, out, 0, "u", 0) == LIE_ERR_USAGE && !exists(tmp), "-frames 0: usage error");
  LIE_TEST_TRUE(plot(in, out, 0, "u", -5) == LIE_ERR_USAGE && !exists(tmp), "-frames -5: usage error");
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
