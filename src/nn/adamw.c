/* AdamW (Loshchilov & Hutter 2019) with torch.optim.AdamW's exact update order, gradient-norm
 * clipping and the cosine learning-rate schedule. The moments are two flat buffers parallel
 * to the parameters. */
#include "nn_impl.h"

#include <math.h>
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

struct lie_nn_adamw_s {
  lie_nn_net net;
  lie_nn_adamw_opts o;
  float *m, *v;
  unsigned char *decay; /* per parameter element: apply weight decay */
  long t;
};

void lie_nn_adamw_opts_default(lie_nn_adamw_opts *o) {
  o->lr = 3e-4, o->beta1 = 0.9, o->beta2 = 0.999, o->eps = 1e-8, o->weight_decay = 1e-6, o->decay_all = 0;
}

int lie_nn_adamw_create(lie_nn_net net, const lie_nn_adamw_opts *o, lie_nn_adamw *opt) {
  LIE_CHECK(net->is_setup, LIE_ERR_STATE, "AdamW needs a set-up network");
  LIE_CHECK(o->lr >= 0 && o->beta1 >= 0 && o->beta1 < 1 && o->beta2 >= 0 && o->beta2 < 1 && o->eps > 0 &&
                o->weight_decay >= 0,
            LIE_ERR_ARG, "invalid AdamW hyper-parameters");
  lie_nn_adamw a;
  LIE_ALLOC(a, 1);
  a->net = net, a->o = *o;
  LIE_ALLOC(a->m, net->nparams);
  LIE_ALLOC(a->v, net->nparams);
  LIE_ALLOC(a->decay, net->nparams);
  /* Biases and BN affine parameters are 1-D: the usual practice (and our default) is not to
   * decay them; decay_all = 1 gives plain torch.optim.AdamW on every parameter. */
  for (int i = 0; i < net->ni; i++) {
    const lie_nn_tensor_info *in = &net->info[i];
    if (!in->trainable) continue;
    for (size_t j = 0; j < in->size; j++)
      a->decay[in->offset + j] = (unsigned char)(o->decay_all || in->decay);
  }
  *opt = a;
  return LIE_OK;
}

int lie_nn_adamw_destroy(lie_nn_adamw *opt) {
  if (!opt || !*opt) return LIE_OK;
  free((*opt)->m), free((*opt)->v), free((*opt)->decay);
  LIE_FREE(*opt);
  return LIE_OK;
}

/* One thread's share of the update. Cloned for AVX-512 / AVX2 (picked at load time): the
 * library is built for generic x86-64, where sqrt and divide run 4 lanes wide and the update
 * cost ~7 % of a 1D training step; with wide vectors it is bound by memory traffic only. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void
adamw_range(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
            const unsigned char *restrict dec, size_t n, float b1, float b2, float step, float sbc2, float eps,
            float decay) {
  for (size_t i = 0; i < n; i++) {
    float pi = dec[i] ? p[i] * decay : p[i];
    float mi = b1 * m[i] + (1.0f - b1) * g[i];
    float vi = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
    m[i] = mi, v[i] = vi;
    p[i] = pi - step * mi / (sqrtf(vi) / sbc2 + eps);
  }
}

// p -= lr*wd*p (decoupled); m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
// p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
int lie_nn_adamw_step(lie_nn_adamw a, double lr) {
  const lie_nn_adamw_opts *o = &a->o;
  a->t++;
  const double bc1 = 1.0 - pow(o->beta1, (double)a->t), bc2 = 1.0 - pow(o->beta2, (double)a->t);
  const float step = (float)(lr / bc1), sbc2 = (float)sqrt(bc2), eps = (float)o->eps;
  const float b1 = (float)o->beta1, b2 = (float)o->beta2, decay = (float)(1.0 - lr * o->weight_decay);
  float *p = a->net->params, *g = a->net->grads, *m = a->m, *v = a->v;
  const size_t n = a->net->nparams;
#pragma omp parallel
  {
    size_t nt = 1, id = 0;
#ifdef _OPENMP
    nt = (size_t)omp_get_num_threads(), id = (size_t)omp_get_thread_num();
#endif
    size_t chunk = (n + nt - 1) / nt / 16 * 16 + 16, lo = id * chunk < n ? id * chunk : n;
    size_t hi = lo + chunk < n ? lo + chunk : n;
    adamw_range(p + lo, g + lo, m + lo, v + lo, a->decay + lo, hi - lo, b1, b2, step, sbc2, eps, decay);
  }
  return LIE_OK;
}

long lie_nn_adamw_nsteps(lie_nn_adamw a) { return a->t; }
int lie_nn_adamw_set_nsteps(lie_nn_adamw a, long t) {
  LIE_CHECK(t >= 0, LIE_ERR_ARG, "negative step count");
  a->t = t;
  return LIE_OK;
}
float *lie_nn_adamw_moments(lie_nn_adamw a, float **exp_avg_sq, size_t *n) {
  if (exp_avg_sq) *exp_avg_sq = a->v;
  if (n) *n = a->net->nparams;
  return a->m;
}

// total = ||grads||_2; if total > max_norm: grads *= max_norm / (total + 1e-6) (torch's rule)
int lie_nn_clip_grad_norm(lie_nn_net net, double max_norm, double *norm) {
  double s = 0.0;
  const size_t n = net->nparams;
  float *g = net->grads;
#pragma omp parallel for reduction(+ : s) schedule(static)
  for (size_t i = 0; i < n; i++)
    s += (double)g[i] * g[i];
  double total = sqrt(s);
  LIE_CHECK(isfinite(total), LIE_ERR_NUMERIC, "gradient norm is not finite");
  if (norm) *norm = total;
  double coef = max_norm / (total + 1e-6);
  if (coef < 1.0)
    for (size_t i = 0; i < n; i++)
      g[i] *= (float)coef;
  return LIE_OK;
}

// step < warmup: base * (step+1)/warmup; then min + (base-min)/2 (1 + cos(pi * progress))
double lie_nn_cosine_lr(long step, long warmup, long total, double base_lr, double min_lr) {
  if (step < warmup) return base_lr * (double)(step + 1) / (double)warmup;
  if (total <= warmup) return base_lr;
  double p = (double)(step - warmup) / (double)(total - warmup);
  if (p > 1.0) p = 1.0;
  return min_lr + 0.5 * (base_lr - min_lr) * (1.0 + cos(M_PI * p));
}
