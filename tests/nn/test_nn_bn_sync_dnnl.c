/* Synchronised batch norm on the oneDNN backend. Each of P ranks holds a slice of a global
 * batch of 8 and runs one training step (forward, backward) of the 1D ResNet-18 width 4 +
 * expander with the BN reduce hook (MPI sum). Checks, as max relative differences over ranks:
 *  - oneDNN sync vs reference-backend sync (same slice): output, input gradient, parameter
 *    gradients summed over ranks (what lie_ssl_allreduce_grads does), running statistics;
 *  - oneDNN sync on P ranks vs oneDNN WITHOUT sync on the whole global batch (what one rank
 *    computes): the same quantities (the slice of the output/input gradient);
 *  - control (P > 1): oneDNN without the hook on the slice alone gives a different output.
 * Tolerance 1e-4 everywhere (measured ≤ 1.7e-5 on 2 and 4 ranks). Gradients use a floor of
 * 1e-2 × the largest gradient in the denominator, as test_nn_dnnl. Also run with the ReLU
 * fusion off (LIE_NN_DNNL_NOFUSE) and with nhwc tensors (LIE_NN_DNNL_LAYOUT=nhwc): the
 * default covers nchw (4 channels), nChw8c and nc (expander) layouts and BN+ReLU fusion. */
#include "nn_models.h"

#include <string.h>

enum { GB = 8 };

static int mpi_sum(double *buf, int n, void *user) {
  return MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_DOUBLE, MPI_SUM, *(MPI_Comm *)user) == MPI_SUCCESS ? 0 : LIE_ERR_MPI;
}

/* worst over the trainable tensors of max|a − b| / max(max|b|, 1e-2 max|b_all|): the floor
 * because the bias of a Linear before BN has an analytically zero gradient (rounding noise) */
static double grad_rel(lie_nn_net net, const float *a, const float *b, size_t np, const char **worst_name) {
  double gmax = 0, worst = 0;
  for (size_t i = 0; i < np; i++)
    gmax = lie_test_max(gmax, fabs(b[i]));
  for (int t = 0; t < lie_nn_net_ntensors_info(net); t++) {
    const lie_nn_tensor_info *in = lie_nn_net_tensor_info(net, t);
    if (!in->trainable) continue;
    double d = 0, m = 1e-2 * gmax;
    for (size_t j = in->offset; j < in->offset + in->size; j++)
      d = lie_test_max(d, fabs((double)a[j] - b[j])), m = lie_test_max(m, fabs((double)b[j]));
    if (d / m > worst || isnan(d / m)) worst = d / m, *worst_name = in->name; /* NaN sticks */
  }
  return worst;
}

typedef struct {
  lie_nn_net net;
  float *y, *dx, *g, *buf; /* output, input gradient, grads summed over ranks, buffers */
} run;

/* One training step on (B, input) with dy; grads summed over comm when `sum`. */
static int step(run *r, const float *x, const float *dy, size_t nx, size_t ny, MPI_Comm comm, int sum) {
  size_t np, nb;
  LIE_CALL(lie_nn_net_forward(r->net, x, 1));
  r->y = malloc(ny * 4), r->dx = malloc(nx * 4);
  memcpy(r->y, lie_nn_net_output(r->net), ny * 4);
  LIE_CALL(lie_nn_net_backward(r->net, dy, r->dx));
  float *g = lie_nn_net_grads(r->net, &np), *b = lie_nn_net_buffers(r->net, &nb);
  r->g = malloc(np * 4), r->buf = malloc(nb * 4);
  memcpy(r->g, g, np * 4), memcpy(r->buf, b, nb * 4);
  if (sum) LIE_MPI(MPI_Allreduce(MPI_IN_PLACE, r->g, (int)np, MPI_FLOAT, MPI_SUM, comm));
  return LIE_OK;
}

static int make(lie_ctx ctx, lie_nn_backend be, int B, MPI_Comm *sync, const float *params, run *r) {
  model_cfg c = {1, 8, 4, 1, 64, B, 3, {32, 32, 16}, be};
  int rep;
  size_t np;
  memset(r, 0, sizeof *r);
  LIE_CALL(build_model(ctx, &c, &r->net, &rep));
  float *dst = lie_nn_net_params(r->net, &np);
  memcpy(dst, params, np * 4);
  if (sync) LIE_CALL(lie_nn_net_set_bn_reduce(r->net, mpi_sum, sync));
  return LIE_OK;
}

static void drop(run *r) {
  lie_nn_net_destroy(&r->net);
  free(r->y), free(r->dx), free(r->g), free(r->buf);
}

/* max over ranks; every rank returns it */
static double gmax(double v, MPI_Comm comm) { return lie_test_allmax(v, comm); }

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  MPI_Comm comm = PETSC_COMM_WORLD;
  lie_ctx ctx;
  int P, rk;
  LIE_TEST_CALL(lie_ctx_create(comm, &ctx));
  MPI_Comm_size(comm, &P);
  MPI_Comm_rank(comm, &rk);
  LIE_TEST_CALL(lie_nn_set_threads(1)); /* oversubscribed ranks: spinning OpenMP threads would crawl */
  const int bl = GB / P;
  const size_t sx = 8 * 64, sy = 16, nx = (size_t)GB * sx, ny = (size_t)GB * sy, nxl = bl * sx, nyl = bl * sy;
  /* the same global input, output gradient and parameters on every rank */
  lie_rng rng;
  lie_rng_seed(&rng, 5);
  float *x = malloc(nx * 4), *dy = malloc(ny * 4);
  for (size_t i = 0; i < nx; i++)
    x[i] = (float)(lie_rng_normal(&rng) + 0.3);
  for (size_t i = 0; i < ny; i++)
    dy[i] = (float)lie_rng_range(&rng, -1, 1);
  run rf, dn, full, ctl;
  size_t np, nb;
  {
    lie_nn_net tmp;
    int rep;
    model_cfg c = {1, 8, 4, 1, 64, 1, 3, {32, 32, 16}, LIE_NN_BACKEND_REF};
    LIE_TEST_CALL(build_model(ctx, &c, &tmp, &rep));
    float *p = lie_nn_net_params(tmp, &np);
    for (size_t i = 0; i < np; i++) /* BN weights away from 0, mixed signs (as test_nn_dnnl) */
      p[i] = (float)lie_rng_range(&rng, 0.2, 1.0) * (lie_rng_uniform(&rng) < 0.5 ? -1 : 1) * 0.5f;
    LIE_TEST_CALL(make(ctx, LIE_NN_BACKEND_REF, bl, &comm, p, &rf));
    LIE_TEST_CALL(make(ctx, LIE_NN_BACKEND_DNNL, bl, &comm, p, &dn));
    LIE_TEST_CALL(make(ctx, LIE_NN_BACKEND_DNNL, GB, NULL, p, &full));
    LIE_TEST_CALL(make(ctx, LIE_NN_BACKEND_DNNL, bl, NULL, p, &ctl));
    lie_nn_net_destroy(&tmp);
  }
  lie_nn_net_buffers(dn.net, &nb);
  const float *xs = x + rk * nxl, *dys = dy + rk * nyl;
  LIE_TEST_CALL(step(&rf, xs, dys, nxl, nyl, comm, 1));
  LIE_TEST_CALL(step(&dn, xs, dys, nxl, nyl, comm, 1));
  LIE_TEST_CALL(step(&full, x, dy, nx, ny, comm, 0));
  LIE_TEST_CALL(step(&ctl, xs, dys, nxl, nyl, comm, 0));

  const char *w1 = "", *w2 = "";
  double e_y = gmax(rel_maxdiff(dn.y, rf.y, nyl), comm), e_dx = gmax(rel_maxdiff(dn.dx, rf.dx, nxl), comm);
  double e_g = gmax(grad_rel(dn.net, dn.g, rf.g, np, &w1), comm), e_b = gmax(rel_maxdiff(dn.buf, rf.buf, nb), comm);
  double f_y = gmax(rel_maxdiff(dn.y, full.y + rk * nyl, nyl), comm);
  double f_dx = gmax(rel_maxdiff(dn.dx, full.dx + rk * nxl, nxl), comm);
  double f_g = gmax(grad_rel(dn.net, dn.g, full.g, np, &w2), comm), f_b = gmax(rel_maxdiff(dn.buf, full.buf, nb), comm);
  double c_y = gmax(rel_maxdiff(ctl.y, full.y + rk * nyl, nyl), comm);
  if (rk == 0) {
    char what[200];
    printf("     %d ranks, %d samples each; 1D ResNet-18 w4 8x64 + expander 32-32-16\n", P, bl);
    LIE_TEST_LE(e_y, 1e-4, "oneDNN sync vs ref sync: output");
    LIE_TEST_LE(e_dx, 1e-4, "oneDNN sync vs ref sync: input gradient");
    snprintf(what, sizeof what, "oneDNN sync vs ref sync: parameter gradients summed over ranks (rank 0 worst: %s)",
             w1);
    LIE_TEST_LE(e_g, 1e-4, what);
    LIE_TEST_LE(e_b, 1e-4, "oneDNN sync vs ref sync: running statistics");
    LIE_TEST_LE(f_y, 1e-4, "oneDNN sync on P ranks vs oneDNN on the global batch: output");
    LIE_TEST_LE(f_dx, 1e-4, "oneDNN sync on P ranks vs oneDNN on the global batch: input gradient");
    snprintf(what, sizeof what, "oneDNN sync on P ranks vs oneDNN on the global batch: summed gradients (worst: %s)",
             w2);
    LIE_TEST_LE(f_g, 1e-4, what);
    LIE_TEST_LE(f_b, 1e-4, "oneDNN sync on P ranks vs oneDNN on the global batch: running statistics");
    if (P > 1) LIE_TEST_LE(1e-2, c_y, "control: oneDNN without sync on the slice differs from the global batch");
  }
  drop(&rf), drop(&dn), drop(&full), drop(&ctl);
  free(x), free(dy);
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
