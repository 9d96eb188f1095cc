/* Regression targets for the downstream probes (docs/EVAL.md).
 *
 * The KS/KdV targets are the amplitudes of the initial condition's Fourier modes. They have
 * to be functions of the trajectory that the augmentations leave unchanged, otherwise two views
 * of one sample would carry different labels: the phases φ_k move under a space shift, and
 * individual A_k are not even identifiable (several waves share one wave number), but the
 * modulus of each mode's complex amplitude survives both a space shift (a phase rotation) and a
 * Galilean boost (which at t = 0 only adds a constant, mode 0). KdV's scaling
 * (x, t, u) → (λx, λ³t, u/λ²) multiplies the amplitudes by λ⁻² and L by λ, so |c_l|·L² is the
 * invariant one for it. */
#include "liereg/eval.h"
#include "liereg/io.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const lie_target_info targets[] = {
    {"nu", LIE_METRIC_RELERR, "Burgers viscosity nu"},
    {"buo_y", LIE_METRIC_MSE, "Navier-Stokes buoyancy b (dataset buo_y)"},
    {"ic_mode", LIE_METRIC_NMSE, "initial-condition mode amplitudes |c_l|, l = 1..K (KS, KdV)"},
    {"ic_mode_scaled", LIE_METRIC_NMSE, "|c_l| L^2: also invariant under the KdV scaling"},
};
#define NTARGETS ((int)(sizeof targets / sizeof targets[0]))

int lie_target_lookup(const char *name, const lie_target_info **info) {
  for (int k = 0; k < NTARGETS; k++)
    if (name && !strcmp(name, targets[k].name)) {
      *info = &targets[k];
      return LIE_OK;
    }
  LIE_ERROR(LIE_ERR_USAGE, "unknown target '%s' (known: nu, buo_y, ic_mode, ic_mode_scaled)", name ? name : "");
}

void lie_target_ic_modes(int nwaves, const double *amp, const double *phase, const int *l, int kmax, double *out) {
  for (int q = 1; q <= kmax; q++) {
    double complex c = 0;
    for (int k = 0; k < nwaves; k++)
      if (l[k] == q) c += amp[k] * cexp(I * phase[k]);
    out[q - 1] = cabs(c);
  }
}

/* Whole dataset `name` of `group` as `type` (leading axis n; *cols = product of the others). */
static int read_all(hid_t group, const char *where, const char *name, hid_t type, size_t elsize, int *n, int *cols,
                    void **buf) {
  int rank;
  hsize_t dims[8];
  hid_t d;
  *buf = NULL;
  LIE_CHECK(lie_h5_exists(group, name), LIE_ERR_USAGE, "%s has no dataset '%s' needed by this target", where, name);
  LIE_CALL(lie_h5_dims(group, name, &rank, dims));
  LIE_CHECK(rank >= 1 && dims[0] > 0, LIE_ERR_FORMAT, "%s/%s is empty", where, name);
  *n = (int)dims[0];
  *cols = 1;
  for (int i = 1; i < rank; i++)
    *cols *= (int)dims[i];
  *buf = calloc((size_t)*n * *cols, elsize);
  LIE_CHECK(*buf, LIE_ERR_MEM, "out of memory reading %s/%s", where, name);
  if ((d = H5Dopen2(group, name, H5P_DEFAULT)) < 0) {
    free(*buf);
    *buf = NULL;
    LIE_ERROR(LIE_ERR_FORMAT, "cannot open %s/%s", where, name);
  }
  int err = lie_h5_rows_read(d, type, 0, (hsize_t)*n, (size_t)*cols, *buf);
  H5Dclose(d);
  if (err) {
    free(*buf);
    *buf = NULL;
  }
  LIE_CALL(err);
  return LIE_OK;
}

static int read_scalar_target(hid_t g, const char *where, const char *name, int *n, int *m, double **Y) {
  int cols;
  LIE_CALL(read_all(g, where, name, H5T_NATIVE_DOUBLE, sizeof(double), n, &cols, (void **)Y));
  if (cols != 1) {
    free(*Y);
    *Y = NULL;
    LIE_ERROR(LIE_ERR_FORMAT, "%s/%s should have one value per trajectory, has %d", where, name, cols);
  }
  *m = 1;
  return LIE_OK;
}

/* ic_amp, ic_phase, ic_l (n, K) [and L (n)] -> Y (n, m) mode amplitudes [times L²]. */
static int ic_target(hid_t g, const char *where, int scaled, int *n, int *m, double **Y) {
  double *amp = NULL, *ph = NULL, *L = NULL;
  int *l = NULL, na = 0, np, nl, nL = 0, ka, kp, kl, one, err = LIE_OK;
  *Y = NULL;
  LIE_CALL_GOTO(read_all(g, where, "ic_amp", H5T_NATIVE_DOUBLE, sizeof(double), &na, &ka, (void **)&amp));
  LIE_CALL_GOTO(read_all(g, where, "ic_phase", H5T_NATIVE_DOUBLE, sizeof(double), &np, &kp, (void **)&ph));
  LIE_CALL_GOTO(read_all(g, where, "ic_l", H5T_NATIVE_INT, sizeof(int), &nl, &kl, (void **)&l));
  if (scaled) LIE_CALL_GOTO(read_all(g, where, "L", H5T_NATIVE_DOUBLE, sizeof(double), &nL, &one, (void **)&L));
  LIE_CHECK_GOTO(np == na && nl == na && kp == ka && kl == ka && (!scaled || (nL == na && one == 1)), LIE_ERR_FORMAT,
                 "%s: ic_amp, ic_phase, ic_l%s have inconsistent shapes", where, scaled ? ", L" : "");
  if (*m <= 0) {
    for (int i = 0; i < na * ka; i++)
      *m = l[i] > *m ? l[i] : *m;
    LIE_CHECK_GOTO(*m > 0, LIE_ERR_FORMAT, "%s/ic_l has no l >= 1", where);
  }
  if (!(*Y = malloc(sizeof(double) * (size_t)na * *m))) LIE_SET(LIE_ERR_MEM, "out of memory");
  for (int i = 0; i < na; i++) {
    size_t o = (size_t)i * ka;
    lie_target_ic_modes(ka, amp + o, ph + o, l + o, *m, *Y + (size_t)i * *m);
    for (int q = 0; scaled && q < *m; q++)
      (*Y)[(size_t)i * *m + q] *= L[i] * L[i];
  }
done:
  free(amp), free(ph), free(l), free(L);
  if (err) {
    free(*Y);
    *Y = NULL;
  }
  *n = na;
  return err;
}

int lie_target_read(hid_t group, const char *where, const char *name, int *n, int *m, double **Y) {
  const lie_target_info *info;
  LIE_CALL(lie_target_lookup(name, &info));
  if (!strcmp(name, "nu") || !strcmp(name, "buo_y"))
    LIE_CALL(read_scalar_target(group, where, name, n, m, Y));
  else
    LIE_CALL(ic_target(group, where, !strcmp(name, "ic_mode_scaled"), n, m, Y));
  if (!lie_all_finite(*Y, (size_t)*n * *m)) {
    free(*Y);
    *Y = NULL;
    LIE_ERROR(LIE_ERR_NUMERIC, "%s: target %s has NaN/Inf values", where, name);
  }
  return LIE_OK;
}
