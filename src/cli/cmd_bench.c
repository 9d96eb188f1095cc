/* liereg bench train: throughput of one pretraining step of the NN engine.
 * A sample is two views through encoder + expander (the views are concatenated into one
 * batch of 2B), a VICReg-shaped loss on the embeddings, backward and an AdamW step.
 * Prints one JSON line; bench/nn/compare.sh runs the same model in PyTorch beside it.
 *
 * liereg bench pretrain -data FILE.h5 [pretrain options]: the real pretraining step (views
 * from the input pipeline + network) against its network part alone, same model, batch and
 * threads, in one run (lie_pretrain_bench); one JSON line with both rates and their ratio. */
#include "cli.h"
#include "liereg/options.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

typedef struct {
  char what[32], model[32], input[64], expander[64], backend[16];
  PetscInt batch, threads, steps, warmup, width;
  PetscBool backend_set;
  lie_nn_backend be;
} bench_opts;

static PetscErrorCode read_options(bench_opts *o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "liereg bench train: NN engine training-step throughput", NULL);
  PetscCall(
      PetscOptionsString("-model", "resnet18_2d or resnet18_1d", NULL, o->model, o->model, sizeof o->model, NULL));
  PetscCall(PetscOptionsString("-input", "sample shape CxHxW (2D) or CxL (1D)", NULL, o->input, o->input,
                               sizeof o->input, NULL));
  PetscCall(LIE_OPTIONS_INT("-batch", "samples per step (each = two views)", NULL, o->batch, &o->batch, NULL));
  PetscCall(LIE_OPTIONS_INT("-threads", "threads per rank (0 = cores available)", NULL, o->threads, &o->threads, NULL));
  PetscCall(LIE_OPTIONS_INT("-steps", "timed steps", NULL, o->steps, &o->steps, NULL));
  PetscCall(LIE_OPTIONS_INT("-warmup", "untimed steps first", NULL, o->warmup, &o->warmup, NULL));
  PetscCall(LIE_OPTIONS_INT("-width", "ResNet base width", NULL, o->width, &o->width, NULL));
  PetscCall(PetscOptionsString("-expander", "expander sizes, e.g. 512-512-512", NULL, o->expander, o->expander,
                               sizeof o->expander, NULL));
  PetscCall(PetscOptionsString("-nn_backend", "dnnl or ref", NULL, o->backend, o->backend, sizeof o->backend,
                               &o->backend_set));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/* "3x128x256" -> dims; returns the count */
static int parse_dims(const char *s, int *d, int max) {
  int n = 0;
  char *end;
  while (*s && n < max) {
    long v = strtol(s, &end, 10);
    if (end == s || v <= 0 || v > 1 << 20) return -1;
    d[n++] = (int)v;
    s = end;
    if (*s == 'x' || *s == 'X' || *s == '-')
      s++;
    else if (*s)
      return -1;
  }
  return *s ? -1 : n;
}

/* VICReg (Bardes et al. 2022) on z = [z1; z2] (2N x D): 25 MSE(z1,z2) + 25 mean_v mean_j
 * relu(1 - std_j) + 1 sum_v sum_{i!=j} C_ij^2 / D. Writes dL/dz into g, returns L. */
static double vicreg_like(const float *z, float *g, int N, int D, float *zc, float *cov) {
  double L = 0;
  const float *z1 = z, *z2 = z + (size_t)N * D;
  for (size_t i = 0; i < (size_t)N * D; i++) {
    double d = z1[i] - z2[i];
    L += 25.0 * d * d / ((double)N * D);
    g[i] = (float)(25.0 * 2 * d / ((double)N * D));
    g[(size_t)N * D + i] = -g[i];
  }
  for (int v = 0; v < 2; v++) {
    const float *zv = z + (size_t)v * N * D;
    float *gv = g + (size_t)v * N * D;
    for (int j = 0; j < D; j++) {
      double m = 0, var = 0;
      for (int i = 0; i < N; i++)
        m += zv[(size_t)i * D + j];
      m /= N;
      for (int i = 0; i < N; i++)
        zc[(size_t)i * D + j] = (float)(zv[(size_t)i * D + j] - m);
      for (int i = 0; i < N; i++)
        var += (double)zc[(size_t)i * D + j] * zc[(size_t)i * D + j];
      var /= (N - 1);
      double sd = sqrt(var + 1e-4);
      if (sd < 1) {
        L += 25.0 * 0.5 * (1 - sd) / D;
        for (int i = 0; i < N; i++)
          gv[(size_t)i * D + j] -= (float)(25.0 * 0.5 / D * zc[(size_t)i * D + j] / ((N - 1) * sd));
      }
    }
    /* C = Zc^T Zc / (N-1); off-diagonal part drives the gradient 4/(D (N-1)) Zc Coff */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, D, D, N, 1.0f / (N - 1), zc, D, zc, D, 0.0f, cov, D);
    for (int j = 0; j < D; j++) {
      for (int k = 0; k < D; k++)
        if (k != j) L += (double)cov[(size_t)j * D + k] * cov[(size_t)j * D + k] / D;
      cov[(size_t)j * D + j] = 0;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, D, D, 4.0f / ((float)D * (N - 1)), zc, D, cov, D, 1.0f,
                gv, D);
  }
  return L;
}

static int build(lie_ctx ctx, const bench_opts *o, const int *dims, int nd, const int *exp, int nexp, lie_nn_net *net) {
  int x, h, z, sizes[8];
  int two_d = !strcmp(o->model, "resnet18_2d");
  lie_nn_resnet_opts ro = {two_d ? 2 : 1, dims[0], (int)o->width};
  LIE_CALL(lie_nn_net_create(ctx, net));
  LIE_CALL(lie_nn_net_set_backend(*net, o->be));
  LIE_CALL(lie_nn_input(*net, dims[0], nd == 3 ? dims[1] : 1, dims[nd - 1], &x));
  LIE_CALL(lie_nn_resnet18(*net, "encoder/", &ro, x, &h));
  sizes[0] = 8 * (int)o->width;
  for (int i = 0; i < nexp; i++)
    sizes[i + 1] = exp[i];
  LIE_CALL(lie_nn_mlp(*net, "expander/", nexp, sizes, h, &z));
  LIE_CALL(lie_nn_net_setup(*net, 2 * (int)o->batch));
  LIE_CALL(lie_nn_net_init(*net, 1));
  return LIE_OK;
}

/* The result line: timings per step, throughput, memory and the last loss. */
static int print_result(const char *backend, const bench_opts *o, int N, size_t np, double dt, double fwd, double bwd,
                        double gflop, double rss_mb, double loss, double cpu) {
  lie_json j;
  LIE_CALL(lie_json_create(&j));
  int e = lie_json_str(j, "bench", "train");
  if (!e) e = lie_json_str(j, "impl", "liereg");
  if (!e) e = lie_json_str(j, "backend", backend);
  if (!e) e = lie_json_str(j, "model", o->model);
  if (!e) e = lie_json_str(j, "input", o->input);
  if (!e) e = lie_json_int(j, "batch", N);
  if (!e) e = lie_json_int(j, "threads", o->threads);
  if (!e) e = lie_json_int(j, "width", o->width);
  if (!e) e = lie_json_int(j, "params", (long long)np);
  if (!e) e = lie_json_int(j, "steps", o->steps);
  if (!e) e = lie_json_real(j, "step_s", dt);
  if (!e) e = lie_json_real(j, "forward_s", fwd);
  if (!e) e = lie_json_real(j, "backward_opt_s", bwd);
  if (!e) e = lie_json_real(j, "samples_per_s", N / dt);
  if (!e) e = lie_json_real(j, "gflop_per_step", gflop);
  if (!e) e = lie_json_real(j, "gflop_per_s", gflop / dt);
  if (!e) e = lie_json_real(j, "cpu_s", cpu); /* process CPU seconds per step: robust to a loaded machine */
  if (!e) e = lie_json_real(j, "gflop_per_cpu_s", gflop / cpu);
  if (!e) e = lie_json_real(j, "peak_rss_mb", rss_mb);
  if (!e) e = lie_json_real(j, "loss", loss);
  if (!e) e = lie_json_print(j, stdout);
  lie_json_destroy(&j);
  LIE_CALL(e);
  return LIE_OK;
}

/* user + system CPU time of the process (all threads) */
static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1e-6 * (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int run_bench(lie_ctx ctx, const bench_opts *o, const int *dims, int nd, const int *exp, int nexp) {
  lie_nn_net net;
  lie_nn_adamw opt;
  lie_nn_adamw_opts ao;
  LIE_CALL(build(ctx, o, dims, nd, exp, nexp, &net));
  lie_nn_adamw_opts_default(&ao);
  LIE_CALL(lie_nn_adamw_create(net, &ao, &opt));
  const int N = (int)o->batch, D = exp[nexp - 1];
  size_t nx = (size_t)2 * N * dims[0] * (nd == 3 ? dims[1] : 1) * dims[nd - 1];
  float *x = malloc(nx * sizeof(float)), *g = malloc((size_t)2 * N * D * sizeof(float));
  float *zc = malloc((size_t)N * D * sizeof(float)), *cov = malloc((size_t)D * D * sizeof(float));
  LIE_CHECK(x && g && zc && cov, LIE_ERR_MEM, "out of memory for the benchmark batch");
  lie_rng rng;
  lie_rng_seed(&rng, 3);
  for (size_t i = 0; i < nx; i++)
    x[i] = (float)lie_rng_normal(&rng);
  double t0 = 0, c0 = 0, loss = 0, tf = 0, tb = 0;
  for (int s = 0; s < o->warmup + o->steps; s++) {
    if (s == o->warmup) t0 = lie_wtime(), c0 = cpu_seconds(), tf = tb = 0;
    double a = lie_wtime();
    LIE_CALL(lie_nn_net_forward(net, x, 1));
    loss = vicreg_like(lie_nn_net_output(net), g, N, D, zc, cov);
    double b = lie_wtime();
    LIE_CALL(lie_nn_net_backward(net, g, NULL));
    LIE_CALL(lie_nn_adamw_step(opt, ao.lr));
    tf += b - a, tb += lie_wtime() - b;
  }
  double dt = (lie_wtime() - t0) / o->steps, cpu = (cpu_seconds() - c0) / o->steps;
  /* training FLOPs = 3 x forward (backward data + backward weights ~ 2 x forward) */
  double gflop = 3.0 * lie_nn_net_flops(net) * 2 * N / 1e9;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  size_t np;
  lie_nn_net_params(net, &np);
  int err = LIE_OK;
  if (lie_ctx_rank(ctx) == 0) /* one JSON line (valid JSON whatever the loss: lie_json) */
    err = print_result(lie_nn_backend_name(lie_nn_net_get_backend(net)), o, N, np, dt, tf / o->steps, tb / o->steps,
                       gflop, ru.ru_maxrss / 1024.0, loss, cpu);
  free(x), free(g), free(zc), free(cov);
  LIE_CALL(lie_nn_adamw_destroy(&opt));
  LIE_CALL(lie_nn_net_destroy(&net));
  LIE_CALL(err);
  return LIE_OK;
}

static int print_pretrain(const lie_pretrain_opts *c, int ranks, int threads, int steps, int rounds,
                          const lie_pretrain_bench_result *r) {
  char input[64];
  snprintf(input, sizeof input, "%dx%dx%d", r->in_c, r->in_h, r->in_w);
  double net_step = c->batch / r->network_samples_per_s;
  lie_json j;
  LIE_CALL(lie_json_create(&j));
  int e = lie_json_str(j, "bench", "pretrain");
  if (!e) e = lie_json_str(j, "pde", lie_pde_name(c->pde));
  if (!e) e = lie_json_str(j, "aug_mode", lie_aug_mode_name(c->aug.mode));
  if (!e) e = lie_json_int(j, "model_dims", c->dims);
  if (!e) e = lie_json_int(j, "width", c->width);
  if (!e) e = lie_json_str(j, "input", input);
  if (!e) e = lie_json_int(j, "batch", c->batch);
  if (!e) e = lie_json_int(j, "ranks", ranks);
  if (!e) e = lie_json_int(j, "threads", threads);
  if (!e) e = lie_json_int(j, "loader_threads", c->prefetch ? c->loader_threads : 0);
  if (!e) e = lie_json_int(j, "steps", steps);
  if (!e) e = lie_json_int(j, "rounds", rounds);
  if (!e) e = lie_json_real(j, "pipeline_samples_per_s", r->pipeline_samples_per_s);
  if (!e) e = lie_json_real(j, "network_samples_per_s", r->network_samples_per_s);
  if (!e) e = lie_json_real(j, "ratio", r->pipeline_samples_per_s / r->network_samples_per_s);
  if (!e) e = lie_json_real(j, "pipeline_samples_per_cpu_s", r->pipeline_samples_per_cpu_s);
  if (!e) e = lie_json_real(j, "network_samples_per_cpu_s", r->network_samples_per_cpu_s);
  if (!e) e = lie_json_real(j, "ratio_cpu", r->pipeline_samples_per_cpu_s / r->network_samples_per_cpu_s);
  if (!e) e = lie_json_real(j, "network_ms_per_step", 1e3 * net_step);
  if (!e) e = lie_json_real(j, "views_ms_per_batch", 1e3 * r->views_s_per_batch);
  if (!e) e = lie_json_real(j, "views_share_of_network", r->views_s_per_batch / net_step);
  if (!e) e = lie_json_real(j, "loader_wait_ms_per_step", 1e3 * r->wait_s_per_step);
  if (!e) e = lie_json_print(j, stdout);
  lie_json_destroy(&j);
  LIE_CALL(e);
  return LIE_OK;
}

/* Pretraining options as `liereg pretrain` reads them (-options_file examples/pretrain_*.opts). */
static int bench_pretrain(lie_ctx ctx) {
  lie_pretrain_opts cfg;
  lie_pretrain p = NULL;
  lie_pretrain_bench_result r;
  PetscInt steps = 10, warmup = 3, rounds = 2;
  int stop;
  lie_pretrain_opts_default(&cfg);
  LIE_CALL(lie_pretrain_opts_set_from_options(ctx, &cfg));
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg bench pretrain: input pipeline vs network", NULL);
  LIE_PETSC(LIE_OPTIONS_RANGE_INT("-steps", "timed steps per block", NULL, steps, &steps, NULL, 1, 100000));
  LIE_PETSC(
      LIE_OPTIONS_RANGE_INT("-warmup", "untimed steps before each block", NULL, warmup, &warmup, NULL, 0, 100000));
  LIE_PETSC(LIE_OPTIONS_RANGE_INT("-rounds", "alternations of network-only and whole-step blocks", NULL, rounds,
                                  &rounds, NULL, 1, 1000));
  PetscOptionsEnd();
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CHECK(cfg.data[0], LIE_ERR_USAGE, "missing -data FILE.h5");
  cfg.resume[0] = cfg.log[0] = 0, cfg.progress_every = 0;
  int err = LIE_OK;
  LIE_CALL(lie_pretrain_create(ctx, &cfg, &p));
  LIE_CALL_GOTO(lie_pretrain_bench(p, (int)warmup, (int)steps, (int)rounds, &r));
  if (lie_ctx_rank(ctx) == 0) {
    int threads = cfg.threads > 0 ? cfg.threads : lie_nn_cores_available();
    cfg.batch = r.nlocal * lie_ctx_size(ctx); /* resolved from 0 = auto */
    LIE_CALL_GOTO(print_pretrain(&cfg, lie_ctx_size(ctx), threads, (int)r.steps, (int)rounds, &r));
  }
done:
  lie_pretrain_destroy(&p);
  return err;
}

int lie_cmd_bench(lie_ctx ctx, int nargs, char **args) {
  if (nargs == 1 && !strcmp(args[0], "pretrain")) return bench_pretrain(ctx);
  bench_opts o = {"", "resnet18_2d", "3x128x256", "512-512-512", "", 32, 0, 5, 1, 64, PETSC_FALSE, LIE_NN_BACKEND_REF};
  int dims[4], exp[8], stop;
  LIE_CHECK(nargs == 1 && !strcmp(args[0], "train"), LIE_ERR_USAGE,
            "usage: liereg bench train -model resnet18_2d|resnet18_1d -input CxHxW|CxL -batch B [-threads T] | liereg "
            "bench pretrain -data FILE.h5 [pretrain options]");
  LIE_PETSC(read_options(&o));
  int two_d = !strcmp(o.model, "resnet18_2d");
  LIE_CHECK(two_d || !strcmp(o.model, "resnet18_1d"), LIE_ERR_USAGE, "-model %s: expected resnet18_2d or resnet18_1d",
            o.model);
  int nd = parse_dims(o.input, dims, 4);
  LIE_CHECK(nd == (two_d ? 3 : 2), LIE_ERR_USAGE, "-input %s: expected %s", o.input, two_d ? "CxHxW" : "CxL");
  int nexp = parse_dims(o.expander, exp, 8);
  LIE_CHECK(nexp >= 1, LIE_ERR_USAGE, "-expander %s: expected sizes like 512-512-512", o.expander);
  LIE_CHECK(o.batch >= 2, LIE_ERR_USAGE, "-batch %d: need at least 2 (variance over the batch)", (int)o.batch);
  LIE_CHECK(o.steps >= 1 && o.warmup >= 0 && o.width >= 1, LIE_ERR_USAGE, "-steps/-warmup/-width out of range");
  o.be = lie_nn_backend_default();
  if (o.backend_set) LIE_CALL(lie_nn_backend_from_name(o.backend, &o.be));
  LIE_CHECK(o.be != LIE_NN_BACKEND_DNNL || LIEREG_HAVE_DNNL, LIE_ERR_USAGE, "-nn_backend dnnl: built without oneDNN");
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  if (o.threads <= 0) o.threads = lie_nn_cores_available();
  LIE_CALL(lie_nn_set_threads((int)o.threads));
  LIE_CALL(run_bench(ctx, &o, dims, nd, exp, nexp));
  return LIE_OK;
}
