/* Rank-count invariance of data-parallel VICReg: on 4 MPI ranks, train the same tiny model for
 * 5 steps on sub-communicators of 1, 2 and 4 ranks (same seed and global batch) and compare
 * the loss curves and final weights. With synchronised batch norm they must agree to float
 * rounding (tolerance 1e-5 relative); without it (-train_sync_bn 0) the 2-rank curve must
 * differ, which shows the comparison can fail. Also: a batch not divisible by the ranks is a
 * usage error. Run with mpiexec -n 4 [ref|dnnl] (the backend, default ref; both honour the
 * synchronised batch norm). */
#include "pretrain_testlib.h"

#define NSTEPS 5

/* Trains on the first `P` ranks of world; rank 0 gets the curve and the weight vector. */
static lie_nn_net keep_net; /* a net of the same architecture, for tensor names */
static lie_nn_backend backend = LIE_NN_BACKEND_REF;
static int run_on(lie_ctx world, const char *data, int P, int sync_bn, double *loss, float **w, size_t *nw) {
  MPI_Comm sub;
  int wr = lie_ctx_rank(world), err = 0;
  MPI_Comm_split(lie_ctx_comm(world), wr < P ? 0 : MPI_UNDEFINED, wr, &sub);
  if (sub != MPI_COMM_NULL) {
    lie_ctx ctx;
    lie_pretrain p;
    lie_pretrain_opts c;
    lie_pretrain_result res;
    char out[256];
    snprintf(out, sizeof out, "ranks_%s_P%d_sync%d.h5", lie_nn_backend_name(backend), P, sync_bn);
    LIE_CALL(lie_ctx_create(sub, &ctx));
    lie_test_tiny_opts(&c, data, out);
    c.steps = NSTEPS;
    c.sync_bn = sync_bn;
    c.backend = backend;
    LIE_CALL(lie_pretrain_create(ctx, &c, &p));
    LIE_CALL(lie_pretrain_run(p, &res));
    LIE_CHECK(res.steps_run == NSTEPS, LIE_ERR_INTERNAL, "ran %ld steps", res.steps_run);
    if (wr == 0) {
      memcpy(loss, res.loss, NSTEPS * sizeof(double));
      float *pw = lie_nn_net_params(lie_pretrain_net(p), nw);
      *w = malloc(*nw * sizeof(float));
      memcpy(*w, pw, *nw * sizeof(float));
    }
    lie_pretrain_destroy(&p);
    if (wr == 0 && !keep_net) {
      int r, o;
      lie_ssl_model_opts m = {2, 4, 1, 8, 32, 3, {16, 16, 16}};
      LIE_CALL(lie_nn_net_create(world, &keep_net));
      LIE_CALL(lie_nn_net_set_backend(keep_net, LIE_NN_BACKEND_REF));
      LIE_CALL(lie_ssl_model_build(keep_net, &m, &r, &o));
      LIE_CALL(lie_nn_net_setup(keep_net, 2));
    }
    lie_ctx_destroy(&ctx);
    MPI_Comm_free(&sub);
  }
  MPI_Barrier(lie_ctx_comm(world));
  return err;
}

/* Largest relative L2 difference over the state-dict tensors, skipping the biases of linear
 * layers followed by batch norm: BN cancels them, so their gradient is pure rounding noise that
 * Adam's normalisation turns into lr-sized steps in any direction (they do not affect the loss). */
static double weight_rel(lie_nn_net net, const float *a, const float *b) {
  double worst = 0;
  for (int t = 0; t < lie_nn_net_ntensors_info(net); t++) {
    const lie_nn_tensor_info *in = lie_nn_net_tensor_info(net, t);
    if (!in->trainable || (strstr(in->name, "expander/") && strstr(in->name, ".bias"))) continue;
    double d = 0, s = 0;
    for (size_t i = in->offset; i < in->offset + in->size; i++)
      d += ((double)a[i] - b[i]) * ((double)a[i] - b[i]), s += (double)b[i] * b[i];
    worst = lie_test_max(worst, sqrt(d / lie_test_max(s, 1e-30)));
    if (getenv("LIE_TEST_VERBOSE")) printf("     %-40s %.3e\n", in->name, sqrt(d / lie_test_max(s, 1e-30)));
  }
  return worst;
}

int main(int argc, char **argv) {
  lie_ctx world;
  char data[64];
  double l1[NSTEPS], l2[NSTEPS], l4[NSTEPS], l2n[NSTEPS];
  float *w1 = NULL, *w2 = NULL, *w4 = NULL, *w2n = NULL;
  size_t n;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &world));
  if (argc > 1) LIE_TEST_CALL(lie_nn_backend_from_name(argv[1], &backend));
  snprintf(data, sizeof data, "pretrain_ranks_data_%s.h5", lie_nn_backend_name(backend));
  if (lie_ctx_rank(world) == 0) printf("     backend %s\n", lie_nn_backend_name(backend));
  if (lie_ctx_size(world) != 4) {
    printf("FAIL run with 4 ranks (mpiexec -n 4)\n");
    lie_test_failures++;
    return lie_test_finish();
  }
  LIE_TEST_CALL(lie_test_write_waves(world, data, 48, 20, 64, 3));
  LIE_TEST_CALL(run_on(world, data, 1, 1, l1, &w1, &n));
  LIE_TEST_CALL(run_on(world, data, 2, 1, l2, &w2, &n));
  LIE_TEST_CALL(run_on(world, data, 4, 1, l4, &w4, &n));
  LIE_TEST_CALL(run_on(world, data, 2, 0, l2n, &w2n, &n));
  if (lie_ctx_rank(world) == 0) {
    for (int s = 0; s < NSTEPS; s++)
      printf("     step %d loss 1 rank %.9f | 2 ranks %.9f | 4 ranks %.9f | 2 ranks unsynced BN %.9f\n", s + 1, l1[s],
             l2[s], l4[s], l2n[s]);
    LIE_TEST_LE(lie_test_max_rel(l2, l1, NSTEPS), 1e-5, "loss curve 2 ranks vs 1 (max relative difference)");
    LIE_TEST_LE(lie_test_max_rel(l4, l1, NSTEPS), 1e-5, "loss curve 4 ranks vs 1 (max relative difference)");
    LIE_TEST_LE(weight_rel(keep_net, w2, w1), 1e-4, "weights after 5 steps, 2 ranks vs 1 (relative L2)");
    LIE_TEST_LE(weight_rel(keep_net, w4, w1), 1e-4, "weights after 5 steps, 4 ranks vs 1 (relative L2)");
    LIE_TEST_LE(1e-4, lie_test_max_rel(l2n, l1, NSTEPS), "without synchronised BN the curve differs (control)");
  }
  free(w1), free(w2), free(w4), free(w2n);
  lie_nn_net_destroy(&keep_net);

  /* global batch 6 on 4 ranks */
  lie_pretrain_opts c;
  lie_pretrain p = NULL;
  lie_test_tiny_opts(&c, data, "ranks_bad.h5");
  c.batch = 6;
  int e = lie_pretrain_create(world, &c, &p);
  int ok = e == LIE_ERR_USAGE && strstr(lie_error_message(), "not divisible"), all = 0;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, PETSC_COMM_WORLD);
  if (lie_ctx_rank(world) == 0) {
    LIE_TEST_TRUE(all, "batch 6 on 4 ranks refused on every rank");
    printf("     (message: %s)\n", lie_error_message());
  }
  lie_error_clear();
  lie_ctx_destroy(&world);
  return lie_test_finish();
}
