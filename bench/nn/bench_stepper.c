/* Time per training step of a time-stepping model (lie_nn_stepper): forward (training
 * mode), summed squared error against a target (LPSDA's loss), backward, AdamW step.
 * Prints one JSON line. Defaults are LPSDA's KS setting for the CNN: batch 16, nx 256,
 * history 20 (+ dx, dt channels), future 20.
 *   bench_stepper [-model cnn|fno|resnet|unet] [-batch 16] [-nx 256] [-step_history 20]
 *                 [-step_future 20] [-width W] [-steps 20] [-warmup 3] [-nn_backend ref|dnnl]
 *                 [-threads T]
 * (unet: an nx x nx grid). Compare: bench/nn/bench_stepper_torch.py with the same options. */
#include "liereg/liereg.h"

#include <petscsys.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* process CPU seconds (all threads): on a shared machine the rate per CPU second estimates
 * what an idle core gives (docs/BENCHMARKS.md) */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static PetscInt opt_int(const char *name, PetscInt def) {
  PetscInt v = def;
  PetscOptionsGetInt(NULL, NULL, name, &v, NULL);
  return v;
}

/* FNV-1a over the parameters' bytes: two runs with the same options must print the same
 * hash (run-to-run bitwise reproducibility, whatever the machine's load) */
static unsigned long long params_hash(lie_nn_net net) {
  size_t np;
  const unsigned char *b = (const unsigned char *)lie_nn_net_params(net, &np);
  unsigned long long h = 1469598103934665603ull;
  for (size_t i = 0; i < np * sizeof(float); i++)
    h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

static int run(void) {
  char model[16] = "cnn";
  PetscOptionsGetString(NULL, NULL, "-model", model, sizeof model, NULL);
  lie_nn_stepper_opts o;
  LIE_CALL(lie_nn_stepper_kind_from_name(model, &o.kind));
  lie_nn_stepper_opts_default(o.kind, &o);
  int B = (int)opt_int("-batch", 16), nx = (int)opt_int("-nx", 256), hist = (int)opt_int("-step_history", 20);
  int fut = (int)opt_int("-step_future", 20), steps = (int)opt_int("-steps", 20), warm = (int)opt_int("-warmup", 3);
  o.width = (int)opt_int("-width", o.width);
  LIE_CHECK(B > 0 && nx > 0 && hist > 0 && fut > 0 && steps > 0 && warm >= 0, LIE_ERR_USAGE,
            "bench_stepper: -batch, -nx, -step_history, -step_future and -steps must be positive");
  o.cin = hist + (o.kind == LIE_NN_STEPPER_UNET ? 0 : 2), o.cout = fut;
  int ny = o.kind == LIE_NN_STEPPER_UNET ? nx : 1;
  lie_nn_net net;
  lie_ctx ctx;
  int x, y;
  LIE_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  LIE_CALL(lie_nn_net_create(ctx, &net));
  LIE_CALL(lie_nn_net_set_from_options(net, NULL));
  LIE_CALL(lie_nn_input(net, o.cin, ny, nx, &x));
  LIE_CALL(lie_nn_stepper(net, "", &o, x, &y));
  LIE_CALL(lie_nn_net_setup(net, B));
  LIE_CALL(lie_nn_net_init(net, 1));
  LIE_CALL(lie_nn_stepper_init(net, "", &o, 2));
  lie_nn_adamw_opts ao;
  lie_nn_adamw_opts_default(&ao);
  ao.lr = 1e-4, ao.weight_decay = 0.01; /* torch.optim.AdamW defaults, LPSDA's lr */
  lie_nn_adamw opt;
  LIE_CALL(lie_nn_adamw_create(net, &ao, &opt));
  size_t nin = (size_t)B * o.cin * ny * nx, nout = (size_t)B * o.cout * ny * nx, np;
  float *in = malloc(nin * 4), *tgt = malloc(nout * 4), *dy = malloc(nout * 4);
  LIE_CHECK(in && tgt && dy, LIE_ERR_MEM, "out of memory");
  lie_rng r;
  lie_rng_seed(&r, 3);
  for (size_t i = 0; i < nin; i++)
    in[i] = (float)lie_rng_normal(&r);
  for (size_t i = 0; i < nout; i++)
    tgt[i] = (float)lie_rng_normal(&r);
  lie_nn_net_params(net, &np);
  double tf = 0, tb = 0, loss = 0, t0 = 0, c0 = 0;
  for (int s = 0; s < warm + steps; s++) {
    if (s == warm) tf = tb = 0, t0 = lie_wtime(), c0 = cpu_now();
    double a = lie_wtime();
    LIE_CALL(lie_nn_net_forward(net, in, 1));
    double b = lie_wtime();
    const float *out = lie_nn_net_output(net);
    loss = 0;
    for (size_t i = 0; i < nout; i++) { /* sum of squared errors, d/dy = 2 (y - t) */
      double e = (double)out[i] - tgt[i];
      loss += e * e, dy[i] = (float)(2 * e);
    }
    LIE_CALL(lie_nn_net_backward(net, dy, NULL));
    LIE_CALL(lie_nn_adamw_step(opt, ao.lr));
    tf += b - a, tb += lie_wtime() - b;
  }
  double dt = (lie_wtime() - t0) / steps, cpu = (cpu_now() - c0) / steps;
  double flops = 3.0 * lie_nn_net_flops(net) * B; /* fwd + 2x bwd */
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf(
      "{\"bench\":\"stepper_train_step\",\"impl\":\"liereg\",\"model\":\"%s\",\"backend\":\"%s\","
      "\"threads\":%d,\"batch\":%d,\"nx\":%d,\"ny\":%d,\"history\":%d,\"future\":%d,\"width\":%d,"
      "\"params\":%zu,\"steps\":%d,\"ms_per_step\":%.2f,\"ms_forward\":%.2f,\"ms_backward_adamw\":%.2f,"
      "\"step_s\":%.5f,\"cpu_s_per_step\":%.5f,\"gflop_per_step\":%.3f,\"samples_per_s\":%.1f,\"gflops_per_s\":%.2f,"
      "\"gflop_per_s\":%.2f,\"gflop_per_cpu_s\":%.2f,\"peak_rss_mb\":%.0f,\"loss\":%.9g,\"params_hash\":\"%016llx\"}\n",
      model, lie_nn_backend_name(lie_nn_net_get_backend(net)), (int)opt_int("-threads", lie_nn_cores_available()), B,
      nx, ny, hist, fut, o.width, np, steps, 1e3 * dt, 1e3 * tf / steps, 1e3 * tb / steps, dt, cpu, flops * 1e-9,
      B / dt, flops / dt * 1e-9, flops / dt * 1e-9, flops / cpu * 1e-9, ru.ru_maxrss / 1024.0, loss, params_hash(net));
  free(in), free(tgt), free(dy);
  LIE_CALL(lie_nn_adamw_destroy(&opt));
  LIE_CALL(lie_nn_net_destroy(&net));
  lie_ctx_destroy(&ctx);
  return LIE_OK;
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  int e = run();
  if (e) lie_error_print(stderr, 0, 0.0, 1);
  PetscFinalize();
  return e ? 1 : 0;
}
