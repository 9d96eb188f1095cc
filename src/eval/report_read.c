/* Reads one result file (probe or supervised JSON, single or sweep) for the report, and finds
 * the PDE of the data it came from (the root attribute "pde" of the referenced HDF5 file). */
#include "liereg/io.h"
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) free(buf), buf = NULL;
  if (buf) buf[n] = 0;
  fclose(f);
  return buf;
}

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

static int read_sweep(const char *text, lie_rep_result *r) {
  const char *p = lie_json_find(text, "sweep");
  r->sweep = 1;
  while (p && r->ns < LIE_REP_MAXSWEEP && (p = strstr(p, "{\"ntrain\":"))) {
    double n = 0, mean = 0, std = 0, seeds = 0;
    const char *end = strchr(p, '}');
    LIE_CHECK(end, LIE_ERR_FORMAT, "%s: unterminated sweep entry", r->name);
    lie_json_number(p, "ntrain", &n);
    lie_json_number(p, "seeds", &seeds);
    LIE_CHECK(lie_json_number(p, "mean", &mean) && lie_json_number(p, "std", &std), LIE_ERR_FORMAT,
              "%s: sweep entry without mean/std", r->name);
    r->sizes[r->ns] = (int)n, r->mean[r->ns] = mean, r->std[r->ns] = std, r->seeds = (int)seeds;
    r->ns++;
    p = end;
  }
  LIE_CHECK(r->ns > 0, LIE_ERR_FORMAT, "%s: empty sweep", r->name);
  return LIE_OK;
}

int lie_rep_read_result(const char *dir, const char *file, lie_rep_result *r) {
  char path[LIE_REP_PATH], src[LIE_REP_PATH] = "";
  memset(r, 0, sizeof *r);
  snprintf(path, sizeof path, "%s/%s", dir, file);
  snprintf(r->name, sizeof r->name, "%.*s", (int)(strlen(file) - 5), file);
  char *text = slurp(path);
  LIE_CHECK(text, LIE_ERR_IO, "cannot read %s", path);
  int err = LIE_OK;
  if (!lie_json_string(text, "target", r->target, sizeof r->target) ||
      !lie_json_string(text, "metric", r->metric, sizeof r->metric))
    err = lie_error_set(LIE_ERR_FORMAT, __FILE__, __LINE__, __func__, "%s is not a liereg result (no target/metric)",
                        path);
  if (!err) {
    if (!lie_json_string(text, "method", r->method, sizeof r->method))
      snprintf(r->method, sizeof r->method, "ssl+ridge");
    if (!strcmp(r->method, "supervised") || !strcmp(r->method, "ssl+trained")) /* read trajectories, not -emb */
      lie_json_string(text, "data", src, sizeof src);
    else
      lie_json_string(text, "emb", src, sizeof src);
    file_pde(dir, src, r->pde, sizeof r->pde);
    if (!r->pde[0]) guess_pde(r->target, r->pde, sizeof r->pde);
    if (lie_json_find(text, "sweep"))
      err = read_sweep(text, r);
    else {
      double v = 0;
      if (!lie_json_number(text, "value", &r->value))
        err = lie_error_set(LIE_ERR_FORMAT, __FILE__, __LINE__, __func__, "%s has no value", path);
      lie_json_number(text, "bootstrap_std", &r->bstd);
      if (lie_json_number(text, "ntrain", &v)) r->ntrain = (int)v;
      if (lie_json_number(text, "ntest", &v)) r->ntest = (int)v;
      if (lie_json_number(text, "best_lr", &v)) r->best_lr = v;
      if (lie_json_number(text, "best_epoch", &v)) r->best_epoch = (int)v;
      snprintf(path, sizeof path, "%s/%s.csv", dir, r->name);
      if (access(path, R_OK) == 0) snprintf(r->pred, sizeof r->pred, "%s", path);
    }
  }
  free(text);
  LIE_CALL(err);
  return LIE_OK;
}
