/* Checkpoint/resume and failure handling of pretraining (run on 1 and 2 ranks):
 *  - 10 steps in one run vs 5 steps, checkpoint, resume, 5 more: identical loss curve and
 *    bit-identical final weights; the same 10 steps with views built in the step (no loader
 *    thread) and with 3 loader threads (jobs finish in any order): identical;
 *  - a corrupt checkpoint, a checkpoint of another format version, and a resume with a
 *    different batch are refused with a clear message and the output file left untouched;
 *  - divergence (lr = 1e30) stops with LIE_ERR_NUMERIC and keeps the last good checkpoint. */
#include <sys/stat.h>
#include <unistd.h>

#include "pretrain_testlib.h"

static char data[128], full[128], part[128], corrupt[128], vers[128], nanck[128];

static int prefetch = 1, loaders = 1;
static int train(lie_ctx ctx, const char *out, const char *resume, long steps, double *loss, long *nrun, float **w,
                 size_t *nw) {
  lie_pretrain_opts c;
  lie_pretrain p;
  lie_pretrain_result res;
  lie_test_tiny_opts(&c, data, out);
  c.steps = steps;
  c.ckpt_every = 3;
  c.prefetch = prefetch;
  c.loader_threads = loaders;
  if (resume) snprintf(c.resume, sizeof c.resume, "%s", resume);
  LIE_CALL(lie_pretrain_create(ctx, &c, &p));
  int err = lie_pretrain_run(p, &res);
  if (!err) {
    memcpy(loss, res.loss, (size_t)res.steps_run * sizeof(double));
    *nrun = res.steps_run;
    float *pw = lie_nn_net_params(lie_pretrain_net(p), nw);
    *w = malloc(*nw * sizeof(float));
    memcpy(*w, pw, *nw * sizeof(float));
  }
  lie_pretrain_destroy(&p);
  LIE_CALL(err);
  return LIE_OK;
}

static long file_bytes(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Expects lie_pretrain_create with this resume file to fail with code and a message with `what`. */
static void expect_refused(lie_ctx ctx, const char *resume, int batch, int code, const char *what, const char *label) {
  lie_pretrain_opts c;
  lie_pretrain p = NULL;
  lie_test_tiny_opts(&c, data, part);
  snprintf(c.resume, sizeof c.resume, "%s", resume);
  c.batch = batch;
  c.steps = 10;
  long before = file_bytes(part);
  int e = lie_pretrain_create(ctx, &c, &p);
  LIE_TEST_TRUE(e == code && strstr(lie_error_message(), what), label);
  if (lie_ctx_rank(ctx) == 0) printf("     (message: %s)\n", lie_error_message());
  lie_error_clear();
  LIE_TEST_TRUE(file_bytes(part) == before, "  ... and the output checkpoint is untouched");
  lie_pretrain_destroy(&p);
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  double la[10], lb[10], lc[10];
  long na, nb, nc;
  float *wa, *wb, *wc;
  size_t n;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  int P = lie_ctx_size(ctx), rank = lie_ctx_rank(ctx);
  snprintf(data, sizeof data, "resume_np%d_data.h5", P);
  snprintf(full, sizeof full, "resume_np%d_full.h5", P);
  snprintf(part, sizeof part, "resume_np%d_part.h5", P);
  snprintf(corrupt, sizeof corrupt, "resume_np%d_corrupt.h5", P);
  snprintf(vers, sizeof vers, "resume_np%d_version.h5", P);
  snprintf(nanck, sizeof nanck, "resume_np%d_nan.h5", P);
  LIE_TEST_CALL(lie_test_write_waves(ctx, data, 24, 20, 64, 5)); /* 3 steps per epoch: resume crosses epochs */

  LIE_TEST_CALL(train(ctx, full, NULL, 10, la, &na, &wa, &n));
  LIE_TEST_CALL(train(ctx, part, NULL, 5, lb, &nb, &wb, &n));
  free(wb);
  LIE_TEST_CALL(train(ctx, part, part, 10, lc, &nc, &wc, &n));
  LIE_TEST_TRUE(na == 10 && nb == 5 && nc == 5, "10 steps; 5 steps; resumed 5 steps");
  double d = lie_test_max(lie_test_max_rel(lb, la, 5), lie_test_max_rel(lc, la + 5, 5));
  if (rank == 0)
    for (int s = 0; s < 10; s++)
      printf("     step %2d: one run %.9f | split run %.9f\n", s + 1, la[s], s < 5 ? lb[s] : lc[s - 5]);
  LIE_TEST_NEAR(d, 0.0, 0.0, "split + resumed loss curve equals the one-run curve (max relative difference)");
  int same = !memcmp(wa, wc, n * sizeof(float));
  LIE_TEST_TRUE(same, "final weights bit-identical");
  free(wc);

  /* the prefetch thread does not change the result */
  double ld[10];
  long nd;
  float *wd;
  prefetch = 0;
  LIE_TEST_CALL(train(ctx, full, NULL, 10, ld, &nd, &wd, &n));
  prefetch = 1;
  LIE_TEST_TRUE(nd == 10 && !memcmp(ld, la, sizeof ld) && !memcmp(wd, wa, n * sizeof(float)),
                "without prefetch: bit-identical loss curve and weights");
  free(wd);
  loaders = 3;
  LIE_TEST_CALL(train(ctx, full, NULL, 10, ld, &nd, &wd, &n));
  loaders = 1;
  LIE_TEST_TRUE(nd == 10 && !memcmp(ld, la, sizeof ld) && !memcmp(wd, wa, n * sizeof(float)),
                "3 loader threads: bit-identical loss curve and weights");
  free(wa), free(wd);

  /* refusals */
  if (rank == 0) {
    FILE *f = fopen(corrupt, "w");
    fprintf(f, "this is not an HDF5 file\n");
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp %s %s", part, vers);
    if (system(cmd) != 0) printf("FAIL cp\n");
    hid_t h = H5Fopen(vers, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t g = H5Gopen2(h, "train", H5P_DEFAULT);
    H5Adelete(g, "version");
    lie_h5_attr_set_int(g, "version", 99);
    H5Gclose(g);
    H5Fclose(h);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  expect_refused(ctx, corrupt, 8, LIE_ERR_FORMAT, "not a readable HDF5", "corrupt checkpoint refused");
  expect_refused(ctx, vers, 8, LIE_ERR_FORMAT, "version 99", "checkpoint of another format version refused");
  expect_refused(ctx, part, 4, LIE_ERR_USAGE, "-train_batch", "resume with another global batch refused");

  /* divergence */
  {
    lie_pretrain_opts c;
    lie_pretrain p;
    lie_pretrain_result res;
    lie_pretrain_state st;
    lie_test_tiny_opts(&c, data, nanck);
    c.lr = 1e30;
    c.warmup = 0;
    c.cosine = 0;
    c.steps = 10;
    c.ckpt_every = 1;
    LIE_TEST_CALL(lie_pretrain_create(ctx, &c, &p));
    int e = lie_pretrain_run(p, &res);
    LIE_TEST_TRUE(e == LIE_ERR_NUMERIC && strstr(lie_error_message(), "diverged"), "lr 1e30: divergence detected");
    if (rank == 0) printf("     (message: %s)\n", lie_error_message());
    lie_error_clear();
    lie_pretrain_destroy(&p);
    LIE_TEST_CALL(lie_pretrain_ckpt_read_state(ctx, nanck, &st));
    LIE_TEST_TRUE(st.step >= 1 && st.step < 10, "the last good checkpoint is kept (a step before the divergence)");
    if (rank == 0) printf("     (checkpoint step %ld)\n", st.step);
    LIE_TEST_TRUE(access(nanck, R_OK) == 0, "checkpoint file still readable");
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  if (rank == 0) {
    const char *files[] = {data, full, part, corrupt, vers, nanck};
    for (int i = 0; i < 6; i++)
      unlink(files[i]);
  }
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
