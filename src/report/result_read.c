/* Reads one result file (probe or supervised JSON, single or sweep; result_json.c writes
 * them) for the report with jansson, and finds the PDE of the data it came from (the root
 * attribute "pde" of the referenced HDF5 file). A null number (written for NaN/Inf) reads
 * as NaN. */
#include "liereg/io.h"
#include "report_impl.h"

#include <jansson.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* pde attribute of `file` (as given, else its base name inside dir); "" if unreadable. */
static void file_pde(const char *dir, const char *file, char *pde, size_t n) {
  char path[LIE_REP_PATH];
  pde[0] = 0;
  if (!file[0]) return;
  snprintf(path, sizeof path, "%s", file);
  if (access(path, R_OK) != 0) {
    const char *b = strrchr(file, '/');
    snprintf(path, sizeof path, "%s/%s", dir, b ? b + 1 : file);
    if (access(path, R_OK) != 0) return;
  }
  H5E_auto2_t fn;
  void *data;
  H5Eget_auto2(H5E_DEFAULT, &fn, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f >= 0) {
    if (H5Aexists(f, "pde") > 0 && lie_h5_attr_get_string(f, "pde", pde, n)) pde[0] = 0, lie_error_clear();
    H5Fclose(f);
  }
  H5Eset_auto2(H5E_DEFAULT, fn, data);
}

static void guess_pde(const char *target, char *pde, size_t n) {
  snprintf(pde, n, "%s", !strcmp(target, "nu") ? "burgers" : !strcmp(target, "buo_y") ? "ns" : "ks/kdv");
}

/* ---------------------------------------------------------------- typed field access */
static int get_str(json_t *o, const char *key, char *buf, size_t n) {
  const char *s = json_string_value(json_object_get(o, key));
  if (!s) return 0;
  snprintf(buf, n, "%s", s);
  return 1;
}

/* 1 when key holds a number or null (NaN), 0 when absent or of another type. */
static int get_num(json_t *o, const char *key, double *v) {
  json_t *x = json_object_get(o, key);
  if (json_is_null(x))
    *v = NAN;
  else if (json_is_number(x))
    *v = json_number_value(x);
  else
    return 0;
  return 1;
}

static int get_int(json_t *o, const char *key, int *v) {
  double d;
  if (!get_num(o, key, &d) || !(fabs(d) < 1e9)) return 0;
  *v = (int)d;
  return 1;
}

/* ---------------------------------------------------------------- the result */
static int read_sweep(json_t *sweep, const char *path, lie_rep_result *r) {
  LIE_CHECK(json_is_array(sweep), LIE_ERR_FORMAT, "%s: \"sweep\" is not an array", path);
  r->sweep = 1;
  for (size_t i = 0; i < json_array_size(sweep) && r->ns < LIE_REP_MAXSWEEP; i++) {
    json_t *e = json_array_get(sweep, i);
    int n = 0, seeds = 0;
    double mean, std;
    LIE_CHECK(json_is_object(e), LIE_ERR_FORMAT, "%s: sweep entry %zu is not an object", path, i);
    get_int(e, "ntrain", &n);
    get_int(e, "seeds", &seeds);
    LIE_CHECK(get_num(e, "mean", &mean) && get_num(e, "std", &std), LIE_ERR_FORMAT,
              "%s: sweep entry %zu without mean/std", path, i);
    r->sizes[r->ns] = n, r->mean[r->ns] = mean, r->std[r->ns] = std, r->seeds = seeds;
    r->ns++;
  }
  LIE_CHECK(r->ns > 0, LIE_ERR_FORMAT, "%s: empty sweep", path);
  return LIE_OK;
}

static int read_single(json_t *doc, const char *dir, const char *path, lie_rep_result *r) {
  char csv[LIE_REP_PATH + 300];
  LIE_CHECK(get_num(doc, "value", &r->value), LIE_ERR_FORMAT, "%s has no value", path);
  get_num(doc, "bootstrap_std", &r->bstd);
  get_int(doc, "ntrain", &r->ntrain);
  get_int(doc, "ntest", &r->ntest);
  get_num(doc, "best_lr", &r->best_lr);
  get_int(doc, "best_epoch", &r->best_epoch);
  snprintf(csv, sizeof csv, "%s/%s.csv", dir, r->name);
  if (strlen(csv) < sizeof r->pred && access(csv, R_OK) == 0) memcpy(r->pred, csv, strlen(csv) + 1);
  return LIE_OK;
}

static int read_doc(json_t *doc, const char *dir, const char *path, lie_rep_result *r) {
  char src[LIE_REP_PATH] = "";
  LIE_CHECK(json_is_object(doc) && get_str(doc, "target", r->target, sizeof r->target) &&
                get_str(doc, "metric", r->metric, sizeof r->metric),
            LIE_ERR_FORMAT, "%s is not a liereg result (no target/metric)", path);
  if (!get_str(doc, "method", r->method, sizeof r->method)) snprintf(r->method, sizeof r->method, "ssl+ridge");
  /* supervised and the trained head read trajectories, the ridge probe embeddings */
  get_str(doc, !strcmp(r->method, "supervised") || !strcmp(r->method, "ssl+trained") ? "data" : "emb", src, sizeof src);
  file_pde(dir, src, r->pde, sizeof r->pde);
  if (!r->pde[0]) guess_pde(r->target, r->pde, sizeof r->pde);
  json_t *sweep = json_object_get(doc, "sweep");
  if (sweep)
    LIE_CALL(read_sweep(sweep, path, r));
  else
    LIE_CALL(read_single(doc, dir, path, r));
  return LIE_OK;
}

int lie_rep_read_result(const char *dir, const char *file, lie_rep_result *r) {
  char path[LIE_REP_PATH + 300];
  json_error_t jerr;
  memset(r, 0, sizeof *r);
  snprintf(path, sizeof path, "%s/%s", dir, file);
  snprintf(r->name, sizeof r->name, "%.*s", (int)(strlen(file) - 5), file);
  json_t *doc = json_load_file(path, 0, &jerr);
  LIE_CHECK(doc, access(path, R_OK) ? LIE_ERR_IO : LIE_ERR_FORMAT, "%s: not valid JSON (line %d: %s)", path, jerr.line,
            jerr.text);
  int err = read_doc(doc, dir, path, r);
  json_decref(doc);
  LIE_CALL(err);
  return LIE_OK;
}
