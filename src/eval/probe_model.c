/* Persistent probes (include/liereg/infer.h): the fitted linear map of `liereg probe`, ridge
 * or trained head, saved to HDF5 (-probe_save P.h5) and applied to new representations by
 * lie_probe_predict — so a simulation predicts a parameter without refitting.
 *
 * Both probes are affine in standardised features, so one file layout and one prediction
 * serve both (datasets, all float64):
 *   feature_mean mu (d), feature_scale s (d, 0 = constant feature), weights W (d, m),
 *   bias b (m), target_scale a (m), target_shift c (m)
 *   y_t = inv( a_t (b_t + sum_k [s_k (r_k - mu_k)] W_kt) + c_t ),  inv = exp with log_target
 * ridge: b = mean of the (log) targets, a = 1, c = 0; trained head: a, c the target
 * standardisation. The sum runs in k order skipping zero standardised features: the same
 * operations as lie_ridge_predict and the trained probe's predict, so the predictions are
 * `liereg probe`'s bit for bit. Root attributes: liereg_probe (format version), kind, target,
 * log_target, ckpt (the representations' checkpoint, "" if unknown). */
#include "liereg/eval.h"
#include "liereg/io.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LIE_PROBE_FORMAT 1

struct lie_probe_s {
  lie_probe_info info;
  double *mu, *s, *W, *b, *a, *c; /* one allocation: d, d, d m, m, m, m */
};

int lie_probe_model_create(const char *kind, const char *target, int d, int m, int log_target, const char *ckpt,
                           lie_probe *out) {
  LIE_CHECK(d >= 1 && m >= 1, LIE_ERR_ARG, "probe of %d features and %d outputs", d, m);
  lie_probe p;
  LIE_ALLOC(p, 1);
  double *buf = calloc((size_t)d * (m + 2) + 3 * (size_t)m, sizeof(double));
  if (!buf) {
    free(p);
    LIE_ERROR(LIE_ERR_MEM, "out of memory for a probe of %d x %d", d, m);
  }
  p->mu = buf, p->s = p->mu + d, p->W = p->s + d, p->b = p->W + (size_t)d * m, p->a = p->b + m, p->c = p->a + m;
  for (int t = 0; t < m; t++)
    p->a[t] = 1.0;
  snprintf(p->info.kind, sizeof p->info.kind, "%s", kind);
  snprintf(p->info.target, sizeof p->info.target, "%s", target);
  snprintf(p->info.ckpt, sizeof p->info.ckpt, "%s", ckpt ? ckpt : "");
  p->info.repr = d, p->info.outputs = m, p->info.log_target = log_target;
  *out = p;
  return LIE_OK;
}

int lie_probe_model_arrays(lie_probe p, double **mu, double **s, double **W, double **b, double **a, double **c) {
  LIE_CHECK(p, LIE_ERR_ARG, "NULL probe");
  *mu = p->mu, *s = p->s, *W = p->W, *b = p->b, *a = p->a, *c = p->c;
  return LIE_OK;
}

static int write_vec(hid_t f, const char *name, int rows, int cols, const double *v) {
  hsize_t dims[2] = {(hsize_t)rows, (hsize_t)cols};
  hid_t sp, ds;
  LIE_H5(sp = H5Screate_simple(cols ? 2 : 1, dims, NULL));
  ds = H5Dcreate2(f, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  herr_t w = ds >= 0 ? H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) : -1;
  if (ds >= 0) H5Dclose(ds);
  H5Sclose(sp);
  LIE_CHECK(w >= 0, LIE_ERR_HDF5, "cannot write probe dataset %s", name);
  return LIE_OK;
}

static int write_file(hid_t f, lie_probe p) {
  const int d = p->info.repr, m = p->info.outputs;
  LIE_CALL(lie_h5_attr_set_int(f, "liereg_probe", LIE_PROBE_FORMAT));
  LIE_CALL(lie_h5_attr_set_string(f, "kind", p->info.kind));
  LIE_CALL(lie_h5_attr_set_string(f, "target", p->info.target));
  LIE_CALL(lie_h5_attr_set_int(f, "log_target", p->info.log_target));
  LIE_CALL(lie_h5_attr_set_string(f, "ckpt", p->info.ckpt));
  LIE_CALL(write_vec(f, "feature_mean", d, 0, p->mu));
  LIE_CALL(write_vec(f, "feature_scale", d, 0, p->s));
  LIE_CALL(write_vec(f, "weights", d, m, p->W));
  LIE_CALL(write_vec(f, "bias", m, 0, p->b));
  LIE_CALL(write_vec(f, "target_scale", m, 0, p->a));
  LIE_CALL(write_vec(f, "target_shift", m, 0, p->c));
  return LIE_OK;
}

/* Serial write by the calling rank to PATH.tmp, renamed when complete. */
int lie_probe_model_save(lie_probe p, const char *path) {
  lie_output o;
  hid_t f;
  int err = LIE_OK;
  LIE_CHECK(p && path && strlen(path) + 5 < 4200, LIE_ERR_ARG, "probe save: bad argument");
  LIE_CALL(lie_output_temp(&o, path));
  H5E_BEGIN_TRY { f = H5Fcreate(o.tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT); }
  H5E_END_TRY;
  LIE_CHECK_GOTO(f >= 0, LIE_ERR_IO, "cannot create the probe file %s", o.tmp);
  LIE_CALL_GOTO(write_file(f, p));
  LIE_CALL_GOTO(lie_h5_close(&f));
done:
  lie_h5_close(&f);                          /* after an error: f still open */
  return lie_output_end_file(&o, NULL, err); /* renamed, or removed on error */
}

static int read_vec(hid_t f, const char *path, const char *name, int rows, int cols, double *v) {
  int rank;
  hsize_t dims[8];
  LIE_CHECK(lie_h5_exists(f, name), LIE_ERR_FORMAT, "%s: probe file without dataset %s", path, name);
  LIE_CALL(lie_h5_dims(f, name, &rank, dims));
  LIE_CHECK(rank == (cols ? 2 : 1) && (int)dims[0] == rows && (!cols || (int)dims[1] == cols), LIE_ERR_FORMAT,
            "%s: probe dataset %s has the wrong shape (want %d x %d)", path, name, rows, cols ? cols : 1);
  hid_t ds;
  LIE_H5(ds = H5Dopen2(f, name, H5P_DEFAULT));
  herr_t r = H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
  H5Dclose(ds);
  LIE_CHECK(r >= 0, LIE_ERR_HDF5, "%s: cannot read probe dataset %s", path, name);
  for (size_t i = 0; i < (size_t)rows * (cols ? cols : 1); i++)
    LIE_CHECK(isfinite(v[i]), LIE_ERR_FORMAT, "%s: probe dataset %s has a non-finite value", path, name);
  return LIE_OK;
}

static int read_file(hid_t f, const char *path, lie_probe *out) {
  char kind[16], target[64], ckpt[1024];
  double version = 0, logt = 0;
  int rank;
  hsize_t dims[8];
  LIE_CHECK(H5Aexists(f, "liereg_probe") > 0, LIE_ERR_FORMAT,
            "%s is not a liereg probe file (no attribute liereg_probe; write one with liereg probe -probe_save)", path);
  LIE_CALL(lie_h5_attr_get_double(f, "liereg_probe", &version));
  LIE_CHECK(version == LIE_PROBE_FORMAT, LIE_ERR_FORMAT, "%s: probe format %g, this liereg reads %d", path, version,
            LIE_PROBE_FORMAT);
  LIE_CALL(lie_h5_attr_get_string(f, "kind", kind, sizeof kind));
  LIE_CALL(lie_h5_attr_get_string(f, "target", target, sizeof target));
  LIE_CALL(lie_h5_attr_get_string(f, "ckpt", ckpt, sizeof ckpt));
  LIE_CALL(lie_h5_attr_get_double(f, "log_target", &logt));
  LIE_CHECK(lie_h5_exists(f, "weights"), LIE_ERR_FORMAT, "%s: probe file without dataset weights", path);
  LIE_CALL(lie_h5_dims(f, "weights", &rank, dims));
  LIE_CHECK(rank == 2 && dims[0] >= 1 && dims[1] >= 1 && dims[0] < (1u << 24) && dims[1] < 4096, LIE_ERR_FORMAT,
            "%s: probe weights must be (d, m)", path);
  lie_probe p;
  LIE_CALL(lie_probe_model_create(kind, target, (int)dims[0], (int)dims[1], logt != 0, ckpt, &p));
  const int d = p->info.repr, m = p->info.outputs;
  int err = LIE_OK;
  LIE_CALL_GOTO(read_vec(f, path, "feature_mean", d, 0, p->mu));
  LIE_CALL_GOTO(read_vec(f, path, "feature_scale", d, 0, p->s));
  LIE_CALL_GOTO(read_vec(f, path, "weights", d, m, p->W));
  LIE_CALL_GOTO(read_vec(f, path, "bias", m, 0, p->b));
  LIE_CALL_GOTO(read_vec(f, path, "target_scale", m, 0, p->a));
  LIE_CALL_GOTO(read_vec(f, path, "target_shift", m, 0, p->c));
done:
  if (err)
    lie_probe_destroy(&p);
  else
    *out = p;
  return err;
}

int lie_probe_load(lie_ctx ctx, const char *path, lie_probe *out) {
  (void)ctx;
  LIE_CHECK(path && out, LIE_ERR_ARG, "lie_probe_load: NULL argument");
  *out = NULL;
  LIE_CHECK(access(path, R_OK) == 0, LIE_ERR_USAGE, "cannot read probe file %s", path);
  hid_t f;
  H5E_BEGIN_TRY { f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  LIE_CHECK(f >= 0, LIE_ERR_FORMAT, "%s is not an HDF5 file (a probe file is written by liereg probe -probe_save)",
            path);
  int err;
  H5E_BEGIN_TRY { err = read_file(f, path, out); }
  H5E_END_TRY;
  H5Fclose(f);
  LIE_CALL(err);
  return LIE_OK;
}

int lie_probe_get_info(lie_probe p, lie_probe_info *info) {
  LIE_CHECK(p && info, LIE_ERR_ARG, "lie_probe_get_info: NULL argument");
  *info = p->info;
  return LIE_OK;
}

/* One row, in the order of lie_ridge_eig_predict_row / the trained head (see the file comment). */
static void predict_row(const lie_probe p, const double *r, double *y) {
  const int d = p->info.repr, m = p->info.outputs;
  for (int t = 0; t < m; t++)
    y[t] = p->b[t];
  for (int k = 0; k < d; k++) {
    double xs = (r[k] - p->mu[k]) * p->s[k];
    if (xs == 0) continue;
    for (int t = 0; t < m; t++)
      y[t] += xs * p->W[(size_t)k * m + t];
  }
  for (int t = 0; t < m; t++) {
    y[t] = y[t] * p->a[t] + p->c[t];
    if (p->info.log_target) y[t] = exp(y[t]);
  }
}

/* The arguments both predict entry points take: in is the caller's r or z. */
static int check_predict(lie_probe p, int n, int d, const void *in, const double *y) {
  LIE_CHECK(p && in && y, LIE_ERR_ARG, "lie_probe_predict: NULL argument");
  LIE_CHECK(d == p->info.repr, LIE_ERR_USAGE,
            "the probe (target %s) was fitted on representations of size %d, got %d (another encoder?)", p->info.target,
            p->info.repr, d);
  LIE_CHECK(n >= 1, LIE_ERR_USAGE, "lie_probe_predict: n = %d", n);
  return LIE_OK;
}

int lie_probe_predict_double(lie_probe p, int n, int d, const double *r, double *y) {
  LIE_CALL(check_predict(p, n, d, r, y));
  for (size_t i = 0; i < (size_t)n * d; i++)
    LIE_CHECK(isfinite(r[i]), LIE_ERR_NUMERIC, "lie_probe_predict: feature %zu of row %zu is %g", i % d, i / d, r[i]);
  for (int i = 0; i < n; i++)
    predict_row(p, r + (size_t)i * d, y + (size_t)i * p->info.outputs);
  return LIE_OK;
}

int lie_probe_predict(lie_probe p, int n, int d, const float *z, double *y) {
  LIE_CALL(check_predict(p, n, d, z, y));
  double rbuf[1024], *r = d <= 1024 ? rbuf : malloc(sizeof(double) * d);
  LIE_CHECK(r, LIE_ERR_MEM, "out of memory");
  int err = LIE_OK;
  for (int i = 0; i < n; i++) {
    for (int k = 0; k < d; k++)
      r[k] = z[(size_t)i * d + k]; /* float -> double, as the probe reads embedding files */
    LIE_CALL_GOTO(lie_probe_predict_double(p, 1, d, r, y + (size_t)i * p->info.outputs));
  }
done:
  if (r != rbuf) free(r);
  return err;
}

int lie_probe_destroy(lie_probe *pp) {
  if (!pp || !*pp) return LIE_OK;
  free((*pp)->mu);
  LIE_FREE(*pp);
  return LIE_OK;
}
