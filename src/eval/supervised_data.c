/* Supervised baseline: the labelled subset and its train/validation split, and the labels of
 * a split (docs/EVAL.md, "Supervised baseline"). */
#include "supervised_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LIE_TAG_VALID 0x76616c6964ULL /* "valid" */

int lie_sup_split(int n, int count, uint64_t subset_seed, double valid_frac, uint64_t seed, int *idx, int *nvalid) {
  LIE_CHECK(count >= 1 && count <= n, LIE_ERR_USAGE, "labelled set of %d trajectories requested, the split has %d",
            count, n);
  int *all;
  LIE_ALLOC(all, n);
  for (int i = 0; i < n; i++)
    all[i] = i;
  if (subset_seed) { /* the probe's select_rows: partial Fisher–Yates, same draws */
    lie_rng r;
    lie_rng_seed(&r, subset_seed);
    for (int i = 0; i < count; i++) {
      int j = lie_rng_int(&r, i, n), t = all[i];
      all[i] = all[j], all[j] = t;
    }
  }
  int nv = (int)lround(valid_frac * count);
  if (nv < 2) nv = 2;
  if (count - nv < 2) {
    free(all);
    LIE_ERROR(LIE_ERR_USAGE,
              "too few labelled trajectories (%d) for a training and a validation split (need at least 4; "
              "-sup_valid_frac %g)",
              count, valid_frac);
  }
  /* Shuffle the labelled rows, then the last nv are validation. */
  lie_rng r;
  lie_rng_seed(&r, lie_seed_derive(seed, LIE_TAG_VALID, (uint64_t)count));
  for (int i = count - 1; i > 0; i--) {
    int j = lie_rng_int(&r, 0, i + 1), t = all[i];
    all[i] = all[j], all[j] = t;
  }
  memcpy(idx, all, sizeof(int) * (size_t)count);
  free(all);
  *nvalid = nv;
  return LIE_OK;
}

int lie_sup_labels(lie_ctx ctx, const char *path, const char *mode, const char *target, int *n, int *m, double **Y) {
  hid_t f = -1, g;
  char where[LIE_SUP_PATH + 32];
  snprintf(where, sizeof where, "%s:/%s", path, mode);
  LIE_CALL(lie_h5_open(ctx, path, &f));
  if (!lie_h5_exists(f, mode)) {
    lie_h5_close(&f);
    LIE_ERROR(LIE_ERR_USAGE, "%s has no group /%s", path, mode);
  }
  if ((g = H5Gopen2(f, mode, H5P_DEFAULT)) < 0) {
    lie_h5_close(&f);
    LIE_ERROR(LIE_ERR_HDF5, "cannot open %s", where);
  }
  int err = lie_target_read(g, where, target, n, m, Y);
  H5Gclose(g);
  lie_h5_close(&f);
  LIE_CALL(err);
  return LIE_OK;
}

void lie_sup_target_scale(const double *Y, int m, const int *rows, int nfit, int log_target, double *mu, double *sd) {
  for (int t = 0; t < m; t++) {
    double s = 0, s2 = 0;
    for (int i = 0; i < nfit; i++) {
      double y = Y[(size_t)rows[i] * m + t];
      s += log_target ? log(y) : y;
    }
    mu[t] = s / nfit;
    for (int i = 0; i < nfit; i++) {
      double y = Y[(size_t)rows[i] * m + t], d = (log_target ? log(y) : y) - mu[t];
      s2 += d * d;
    }
    sd[t] = sqrt(s2 / nfit);
    if (!(sd[t] > 0)) sd[t] = 1.0; /* constant target: nothing to scale */
  }
}

int lie_sup_plain_batch(lie_ssl_data d, const lie_aug_opts *aug, const lie_ssl_model_opts *model, const int *rows,
                        int n, int nl, size_t in_numel, float *x) {
  memset(x, 0, (size_t)nl * in_numel * sizeof(float));
  for (int q = 0; q < n; q++)
    LIE_CALL(lie_ssl_data_plain(d, aug, model, rows[q], x + (size_t)q * in_numel));
  return LIE_OK;
}

int lie_sup_train_crop_from_name(const char *option, const char *name, int *first) {
  LIE_CHECK(!strcmp(name, "first") || !strcmp(name, "random"), LIE_ERR_USAGE, "%s must be first or random (got %s)",
            option, name);
  *first = !strcmp(name, "first");
  return LIE_OK;
}

int lie_sup_aug_from_name(const char *option, const char *name, int *lie_aug) {
  LIE_CHECK(!strcmp(name, "crop") || !strcmp(name, "lie"), LIE_ERR_USAGE, "%s must be crop or lie (got %s)", option,
            name);
  *lie_aug = !strcmp(name, "lie");
  return LIE_OK;
}
