/* The time-stepper and its conditioning map, and one data-parallel training step.
 *
 *   v (din)  --Linear "cond"-->  c values  --broadcast along x (and y)-->  c channels
 *   1D: x (cin = H + 2 + c, 1, nx) = [H frames | dx | dt | c channels]  --cnn/fno/resnet-->  (F, 1, nx)
 *   NS: x (cin = 3 H + 2 + c, nx, ny), frame-major: channel 3h + f = field f (smoke, vx, vy) of
 *       frame h, then dx, dt, the c channels  --unet-->  (3 F, nx, ny) in the same order
 *
 * The two are separate nets (the nn graph has one input and no concatenation): the stepper's
 * input gradient of the c channels, summed over x, is the cond net's output gradient. Both
 * keep their parameters in one flat buffer each (two gradient allreduces per step, the second
 * of din*c + c floats). Loss: summed squared error over the global batch (LPSDA's
 * MSELoss(reduction="none").sum()), so each rank back-propagates 2 (pred - target) for its rows
 * and the gradients are SUMMED over ranks: the step does not depend on the rank count. */
#include "liereg/ssl.h"
#include "timestep_impl.h"

#include <petscsys.h>
#include <string.h>

#define LIE_TAG_INIT 0x7374657069ULL   /* "stepi" */
#define LIE_TAG_PERM 0x737465707065ULL /* "steppe" */
#define LIE_TAG_NOISE 0x737465706eULL  /* "stepn" */

/* tiny: conv1d(cin -> w, 5) ReLU conv1d(w -> F, 5), zero padding: a fast model for tests. */
static int build_tiny(lie_step_job *j, int in, int *out) {
  int w = j->cfg->width ? j->cfg->width : 32, a, b;
  LIE_CHECK(!j->ns, LIE_ERR_USAGE, "-step_model tiny is 1D only; Navier-Stokes data takes -step_model unet");
  LIE_CALL(lie_nn_conv1d(j->net, "net.0", in, w, 5, 1, 2, 1, &a));
  LIE_CALL(lie_nn_relu(j->net, a, &b));
  LIE_CALL(lie_nn_conv1d(j->net, "net.2", b, j->F, 5, 1, 2, 1, out));
  return LIE_OK;
}

/* cnn|fno|resnet (1D) from src/nn/stepper*.c with the stepper's PyTorch names (prefix ""),
 * LPSDA's sizes unless -step_width is given. */
static int stepper_opts(lie_step_job *j, lie_nn_stepper_opts *o) {
  lie_nn_stepper_kind k;
  LIE_CALL(lie_nn_stepper_kind_from_name(j->cfg->model, &k));
  LIE_CHECK((k == LIE_NN_STEPPER_UNET) == (j->ns != 0), LIE_ERR_USAGE,
            "-step_model %s takes %s data; the files hold %s data (1D: cnn, fno, resnet; Navier-Stokes: unet)",
            j->cfg->model, k == LIE_NN_STEPPER_UNET ? "2D Navier-Stokes" : "1D", j->ns ? "Navier-Stokes" : "1D");
  lie_nn_stepper_opts_default(k, o);
  o->cin = j->cin, o->cout = j->F * j->nf;
  if (j->cfg->width) o->width = j->cfg->width;
  return LIE_OK;
}

static int build_stepper(lie_step_job *j, int in, int *out) {
  if (!strcmp(j->cfg->model, "tiny")) {
    LIE_CALL(build_tiny(j, in, out));
    return LIE_OK;
  }
  lie_nn_stepper_opts o;
  LIE_CALL(stepper_opts(j, &o));
  LIE_CALL(lie_nn_stepper(j->net, "", &o, in, out));
  return LIE_OK;
}

/* PyTorch's default init everywhere, then the module's own (cnn: Xavier convolutions; fno:
 * LPSDA's spectral weights). */
static int init_stepper(lie_step_job *j) {
  LIE_CALL(lie_nn_net_init(j->net, lie_seed_derive(j->cfg->seed, LIE_TAG_INIT, 0)));
  if (strcmp(j->cfg->model, "tiny")) {
    lie_nn_stepper_opts o;
    LIE_CALL(stepper_opts(j, &o));
    LIE_CALL(lie_nn_stepper_init(j->net, "", &o, lie_seed_derive(j->cfg->seed, LIE_TAG_INIT, 2)));
  }
  return LIE_OK;
}

static int make_adamw(lie_step_job *j, lie_nn_net net, lie_nn_adamw *opt) {
  lie_nn_adamw_opts o;
  lie_nn_adamw_opts_default(&o);
  o.lr = j->cfg->lr, o.weight_decay = j->cfg->wd, o.decay_all = 1; /* torch.optim.AdamW decays every tensor */
  LIE_CALL(lie_nn_adamw_create(net, &o, opt));
  return LIE_OK;
}

static int alloc_buffers(lie_step_job *j) {
  const size_t nl = (size_t)j->nlocal, P = j->np;
  size_t np, nb, ncp;
  LIE_ALLOC(j->x, nl * j->cin * P);
  LIE_ALLOC(j->dxin, nl * j->cin * P);
  LIE_ALLOC(j->dy, nl * j->F * j->fs);
  LIE_ALLOC(j->cx, nl * j->din);
  LIE_ALLOC(j->cdy, nl * j->c);
  LIE_ALLOC(j->perm, j->tr.n);
  lie_nn_net_params(j->net, &np);
  lie_nn_net_buffers(j->net, &nb);
  lie_nn_net_params(j->cnet, &ncp);
  LIE_ALLOC(j->best_p, np);
  LIE_ALLOC(j->best_b, nb);
  LIE_ALLOC(j->best_cp, ncp);
  j->perm_key = -1;
  return LIE_OK;
}

int lie_step_model_build(lie_step_job *j) {
  int in, out, cin_, cout;
  j->cin = j->H * j->nf + 2 + j->c;
  if (j->cfg->threads > 0) LIE_CALL(lie_nn_set_threads(j->cfg->threads));
  LIE_CALL(lie_nn_net_create(j->ctx, &j->net));
  LIE_CALL(lie_nn_net_set_backend(j->net, j->cfg->backend));
  LIE_CALL(lie_nn_input(j->net, j->cin, j->ns ? j->nx : 1, j->ns ? j->ny : j->nx, &in));
  LIE_CALL(build_stepper(j, in, &out));
  LIE_CALL(lie_nn_net_setup(j->net, j->nlocal));
  /* resnet's batch norms: global-batch statistics, on one rank too, so that every rank count
   * takes the same (double-accumulated) statistics path: with the local one, rounding-level
   * differences grew through Adam's first steps to 2.5e-3 between 1 and 2 ranks. */
  LIE_CALL(lie_ssl_sync_bn(j->ctx, j->net));
  LIE_CALL(init_stepper(j));
  LIE_CALL(lie_nn_net_create(j->ctx, &j->cnet));
  LIE_CALL(lie_nn_net_set_backend(j->cnet, LIE_NN_BACKEND_REF)); /* a (din x c) matrix: no primitives needed */
  LIE_CALL(lie_nn_input(j->cnet, j->din, 1, 1, &cin_));
  LIE_CALL(lie_nn_linear(j->cnet, "cond", cin_, j->c, 1, &cout));
  LIE_CALL(lie_nn_net_setup(j->cnet, j->nlocal));
  LIE_CALL(lie_nn_net_init(j->cnet, lie_seed_derive(j->cfg->seed, LIE_TAG_INIT, 1)));
  LIE_CALL(make_adamw(j, j->net, &j->opt));
  LIE_CALL(make_adamw(j, j->cnet, &j->copt));
  LIE_CALL(alloc_buffers(j));
  return LIE_OK;
}

void lie_step_model_free(lie_step_job *j) {
  lie_nn_adamw_destroy(&j->opt);
  lie_nn_adamw_destroy(&j->copt);
  lie_nn_net_destroy(&j->net);
  lie_nn_net_destroy(&j->cnet);
  free(j->x), free(j->dxin), free(j->dy), free(j->cx), free(j->cdy), free(j->perm);
  free(j->best_p), free(j->best_b), free(j->best_cp), free(j->cproj);
  j->cproj = NULL;
  j->x = j->dxin = j->dy = j->cx = j->cdy = j->best_p = j->best_b = j->best_cp = NULL;
  j->perm = NULL;
}

size_t lie_step_nparams(lie_step_job *j) {
  size_t a = 0, b = 0;
  lie_nn_net_params(j->net, &a);
  lie_nn_net_params(j->cnet, &b);
  return a + b;
}

void lie_step_best_copy(lie_step_job *j, int save) {
  size_t np, nb, ncp;
  float *p = lie_nn_net_params(j->net, &np), *b = lie_nn_net_buffers(j->net, &nb);
  float *cp = lie_nn_net_params(j->cnet, &ncp);
  if (save) {
    memcpy(j->best_p, p, np * sizeof(float)), memcpy(j->best_b, b, nb * sizeof(float));
    memcpy(j->best_cp, cp, ncp * sizeof(float));
  } else {
    memcpy(p, j->best_p, np * sizeof(float)), memcpy(b, j->best_b, nb * sizeof(float));
    memcpy(cp, j->best_cp, ncp * sizeof(float));
  }
}

void lie_step_fill_cond(lie_step_job *j, int q, const lie_step_split *s, int i) {
  /* none: the one input stays 0, the Linear is its bias */
  lie_step_cond_input(j, i >= 0 && j->d > 0 ? s->cond + (size_t)i * j->d : NULL, j->cx + (size_t)q * j->din);
}

static void fill_input(lie_step_job *j, int q, const float *win, float dx, float dt, const float *cch) {
  const size_t P = j->np, hx = (size_t)j->H * j->fs; /* = H nf P: the window's channels */
  float *x = j->x + (size_t)q * j->cin * P;
  memcpy(x, win, sizeof(float) * hx);
  for (size_t i = 0; i < P; i++)
    x[hx + i] = dx, x[hx + P + i] = dt;
  for (int k = 0; k < j->c; k++)
    for (size_t i = 0; i < P; i++)
      x[hx + (2 + (size_t)k) * P + i] = cch[k];
}

int lie_step_forward(lie_step_job *j, int nb, const float *const *win, const float *dx, const float *dt, int train,
                     const float **out) {
  LIE_CALL(lie_nn_net_forward(j->cnet, j->cx, train));
  const float *cc = lie_nn_net_output(j->cnet);
  memset(j->x, 0, sizeof(float) * (size_t)j->nlocal * j->cin * j->np);
  for (int q = 0; q < nb; q++)
    fill_input(j, q, win[q], dx[q], dt[q], cc + (size_t)q * j->c);
  PetscLogEventBegin(lie_events.forward, 0, 0, 0, 0);
  int err = lie_nn_net_forward(j->net, j->x, train);
  PetscLogEventEnd(lie_events.forward, 0, 0, 0, 0);
  LIE_CALL(err);
  *out = lie_nn_net_output(j->net);
  return LIE_OK;
}

/* Trajectory order of one pass: a seeded shuffle, the same on every rank. */
static void pass_order(lie_step_job *j, int epoch, int pass) {
  long key = (long)epoch * j->passes + pass;
  if (key == j->perm_key) return;
  lie_rng r;
  lie_rng_seed(&r, lie_seed_derive(j->cfg->seed, LIE_TAG_PERM, (uint64_t)key));
  for (int i = 0; i < j->tr.n; i++)
    j->perm[i] = i;
  for (int i = j->tr.n - 1; i > 0; i--) {
    int k = lie_rng_int(&r, 0, i + 1), t = j->perm[i];
    j->perm[i] = j->perm[k], j->perm[k] = t;
  }
  j->perm_key = key;
}

/* -step_cond_noise s: Gaussian noise of std s on the conditioning inputs of training row `slot`
 * of step `step` (a pure function of seed, step and slot: independent of the rank count). The
 * inputs have unit variance on the training split (timestep_cond.c), so s bounds what the
 * channel can carry per trajectory: it can still tell a few groups apart (the parameter),
 * not every training trajectory (docs/TIMESTEP.md, "Why SSL conditioning hurt"). */
static void cond_noise(lie_step_job *j, int q, long step, long slot) {
  if (!(j->cfg->cond_noise > 0) || j->d == 0) return;
  lie_rng r;
  lie_rng_seed(&r, lie_seed_derive(j->cfg->seed ^ LIE_TAG_NOISE, (uint64_t)step, (uint64_t)slot));
  float *v = j->cx + (size_t)q * j->din;
  for (int k = 0; k < j->din; k++)
    v[k] += (float)(j->cfg->cond_noise * lie_rng_normal(&r));
}

/* Rows of this rank for global step `step`: trajectory and start time of each. */
static void batch_rows(lie_step_job *j, long step, const float **win, float *dx, float *dt, const float **tgt) {
  const lie_step_split *s = &j->tr;
  const int epoch = (int)(step / j->spe), pass = (int)(step % j->spe / j->spp);
  const long k = step % j->spp;
  pass_order(j, epoch, pass);
  for (int q = 0; q < j->nlocal; q++) {
    long slot = k * j->B + (long)j->rank * j->nlocal + q;
    int i = j->perm[slot];
    int t = lie_step_start_time(j->cfg->seed, epoch, pass, slot, j->nstarts, j->cfg->start_stride);
    const float *u = s->u + (size_t)i * s->nt * s->fs;
    win[q] = u + (size_t)t * s->fs, tgt[q] = u + (size_t)(t + j->H) * s->fs;
    dx[q] = s->dx[i], dt[q] = s->dt[i];
    lie_step_fill_cond(j, q, s, i);
    cond_noise(j, q, step, slot);
  }
}

/* dL/d(cond outputs) = the stepper's input gradient of the c channels summed over x. */
static void cond_grad(lie_step_job *j) {
  const size_t P = j->np;
  for (int q = 0; q < j->nlocal; q++)
    for (int k = 0; k < j->c; k++) {
      const float *g = j->dxin + ((size_t)q * j->cin + (size_t)j->H * j->nf + 2 + k) * P;
      double s = 0;
      for (size_t i = 0; i < P; i++)
        s += g[i];
      j->cdy[(size_t)q * j->c + k] = (float)s;
    }
}

int lie_step_train_step(lie_step_job *j, long step, double lr, double *loss) {
  const int nl = j->nlocal;
  const size_t fx = (size_t)j->F * j->fs;
  const float *win[1024], *tgt[1024], *out;
  float dx[1024], dt[1024];
  LIE_CHECK(nl <= 1024, LIE_ERR_NOTSUP, "at most 1024 samples per rank");
  batch_rows(j, step, win, dx, dt, tgt);
  int err = lie_step_forward(j, nl, win, dx, dt, 1, &out);
  if (!err) err = lie_fault(j->ctx, "timestep_step"); /* test hook (src/core/fault.c) */
  LIE_CALL(lie_ctx_agree(j->ctx, err));               /* one rank's error reaches every rank before a collective */
  double sse = 0;
  for (int q = 0; q < nl; q++)
    for (size_t k = 0; k < fx; k++) {
      double e = (double)out[q * fx + k] - tgt[q][k];
      sse += e * e;
      j->dy[q * fx + k] = (float)(2.0 * e);
    }
  err = lie_nn_net_backward(j->net, j->dy, j->dxin);
  if (!err) cond_grad(j), err = lie_nn_net_backward(j->cnet, j->cdy, NULL);
  LIE_CALL(lie_ctx_agree(j->ctx, err));
  LIE_CALL(lie_ssl_allreduce_grads(j->ctx, j->net));
  LIE_CALL(lie_ssl_allreduce_grads(j->ctx, j->cnet));
  LIE_MPI(MPI_Allreduce(MPI_IN_PLACE, &sse, 1, MPI_DOUBLE, MPI_SUM, lie_ctx_comm(j->ctx)));
  LIE_CALL(lie_nn_adamw_step(j->opt, lr));
  LIE_CALL(lie_nn_adamw_step(j->copt, lr));
  *loss = sse / j->B;
  return LIE_OK;
}
