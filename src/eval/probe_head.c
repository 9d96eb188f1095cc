/* The trained probe's linear head and its optimiser, in plain C (double precision): the
 * head is tiny (d·m + m numbers), so no network engine is involved (docs/EVAL.md). */
#include "liereg/probe_trained.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*   f = h W + b;  L = 1/(N m) Σ (f − z)²;  G = dL/df = 2 (f − z)/(N m);  dW += h^T G;  db += Σ G
 * with N = nglobal (the whole batch over all ranks): each rank calls this on its rows and the
 * partial gradients are summed over the ranks. */
double lie_probe_head_loss(int n, int d, int m, int nglobal, const double *h, const double *z, const double *W,
                           const double *b, double *dW, double *db) {
  double loss = 0, scale = 1.0 / ((double)nglobal * m);
  double f[64], *fb = m <= 64 ? f : malloc(sizeof(double) * (size_t)m);
  if (!fb) return NAN;
  for (int i = 0; i < n; i++) {
    const double *hi = h + (size_t)i * d;
    for (int t = 0; t < m; t++)
      fb[t] = b[t];
    for (int k = 0; k < d; k++)
      for (int t = 0; t < m; t++)
        fb[t] += hi[k] * W[(size_t)k * m + t];
    for (int t = 0; t < m; t++) {
      double r = fb[t] - z[(size_t)i * m + t], g = 2.0 * r * scale;
      loss += r * r * scale;
      if (db) db[t] += g;
      fb[t] = g;
    }
    for (int k = 0; dW && k < d; k++)
      for (int t = 0; t < m; t++)
        dW[(size_t)k * m + t] += hi[k] * fb[t];
  }
  if (fb != f) free(fb);
  return loss;
}

int lie_adam_create(int n, lie_adam *a) {
  memset(a, 0, sizeof *a);
  a->n = n;
  a->m = calloc((size_t)(n > 0 ? n : 1), sizeof(double));
  a->v = calloc((size_t)(n > 0 ? n : 1), sizeof(double));
  if (!a->m || !a->v) {
    lie_adam_destroy(a);
    LIE_ERROR(LIE_ERR_MEM, "out of memory (Adam state of %d numbers)", n);
  }
  return LIE_OK;
}

void lie_adam_reset(lie_adam *a) {
  a->t = 0;
  memset(a->m, 0, sizeof(double) * (size_t)a->n);
  memset(a->v, 0, sizeof(double) * (size_t)a->n);
}

void lie_adam_step(lie_adam *a, double lr, double *p, const double *g) {
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  a->t++;
  double c1 = 1.0 - pow(b1, (double)a->t), c2 = 1.0 - pow(b2, (double)a->t);
  for (int i = 0; i < a->n; i++) {
    a->m[i] = b1 * a->m[i] + (1 - b1) * g[i];
    a->v[i] = b2 * a->v[i] + (1 - b2) * g[i] * g[i];
    p[i] -= lr * (a->m[i] / c1) / (sqrt(a->v[i] / c2) + eps);
  }
}

void lie_adam_destroy(lie_adam *a) {
  free(a->m), free(a->v);
  a->m = a->v = NULL;
  a->n = 0;
}
