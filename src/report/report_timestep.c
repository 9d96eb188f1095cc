/* The report's time-stepping section: every `liereg timestep` RESULT.json of the run
 * directory (method "timestep") as a table of variant x PDE (summed rollout NMSE ± bootstrap
 * std) beside the paper's numbers as recalled in DESIGN §8, and one figure per PDE of the
 * per-step NMSE against the rollout step for the variants (none / ssl / truth).
 * Kept apart from the probe/supervised reader (report_read.c), which skips these files. */
#include "report_impl.h"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LIE_REP_MAXSTEP 1024
#define LIE_REP_MAXTS 32

typedef struct {
  char name[256], pde[16], model[16], cond[16];
  double nmse, std, first; /* first: nmse_first_call (NAN when absent) */
  int ntest, nsteps;
  double curve[LIE_REP_MAXSTEP];
} ts_result;

/* DESIGN §8, Table 1 as recalled (not verified): baseline / +SSL / +truth; NS is MSE x 1e3. */
static const struct {
  const char *pde;
  double v[3];
} paper[] = {{"kdv", {0.508, 0.330, 0.386}},
             {"ks", {0.549, 0.381, 0.403}},
             {"burgers", {0.110, 0.108, 0.109}},
             {"ns", {2.37, 2.35, 2.18}}};

/* The result file parsed with jansson; NULL when it is not readable JSON. */
static json_t *load(const char *dir, const char *file, char *path, size_t npath) {
  snprintf(path, npath, "%s/%s", dir, file);
  return json_load_file(path, 0, NULL);
}

int lie_rep_is_timestep(const char *dir, const char *file) {
  char path[LIE_REP_PATH + 300];
  json_t *j = load(dir, file, path, sizeof path);
  const char *m = j ? json_string_value(json_object_get(j, "method")) : NULL;
  int yes = m && !strcmp(m, "timestep");
  json_decref(j);
  return yes;
}

/* A number of the result; null (a non-finite value, see docs/EVAL.md) reads as NaN. */
static int number(json_t *j, const char *key, double *v) {
  json_t *x = json_object_get(j, key);
  if (json_is_null(x)) return *v = NAN, 1;
  if (!json_is_number(x)) return 0;
  *v = json_number_value(x);
  return 1;
}

static int string(json_t *j, const char *key, char *dst, size_t n) {
  const char *s = json_string_value(json_object_get(j, key));
  if (!s) return 0;
  snprintf(dst, n, "%s", s);
  return 1;
}

static void parse_curve(json_t *j, ts_result *r) {
  json_t *a = json_object_get(j, "nmse_per_step");
  r->nsteps = 0;
  for (size_t i = 0; json_is_array(a) && i < json_array_size(a) && r->nsteps < LIE_REP_MAXSTEP; i++) {
    json_t *x = json_array_get(a, i);
    r->curve[r->nsteps++] = json_is_number(x) ? json_number_value(x) : NAN;
  }
}

static int read_one(const char *dir, const char *file, ts_result *r) {
  char path[LIE_REP_PATH + 300];
  double v = 0;
  json_t *j = load(dir, file, path, sizeof path);
  LIE_CHECK(j, LIE_ERR_IO, "cannot read %s as JSON", path);
  memset(r, 0, sizeof *r);
  snprintf(r->name, sizeof r->name, "%.*s", (int)(strlen(file) - 5), file);
  int ok = string(j, "pde", r->pde, sizeof r->pde) && string(j, "model", r->model, sizeof r->model) &&
           string(j, "cond", r->cond, sizeof r->cond) && number(j, "rollout_nmse", &r->nmse) &&
           number(j, "rollout_nmse_std", &r->std);
  if (ok && number(j, "ntest", &v) && v == v && v >= 0 && v < 1e9) r->ntest = (int)v;
  r->first = NAN; /* results written before nmse_first_call existed: "—" */
  if (ok && !number(j, "nmse_first_call", &r->first)) r->first = NAN;
  if (ok) parse_curve(j, r);
  json_decref(j);
  LIE_CHECK(ok, LIE_ERR_FORMAT, "%s: a timestep result without pde/model/cond/rollout_nmse", path);
  return LIE_OK;
}

static int cond_index(const char *c) { return !strcmp(c, "none") ? 0 : !strcmp(c, "ssl") ? 1 : 2; }

static int figure(const char *out_dir, const ts_result *r, int n, const char *pde, char *png, size_t npng) {
  lie_plot pl;
  char title[128], path[LIE_REP_PATH + 64];
  int added = 0, err = LIE_OK;
  png[0] = 0;
  LIE_CALL(lie_plot_create(640, 420, &pl));
  for (int i = 0; i < n && added < 8; i++) {
    if (strcmp(r[i].pde, pde) || r[i].nsteps < 1) continue;
    double x[LIE_REP_MAXSTEP];
    char lab[64];
    for (int k = 0; k < r[i].nsteps; k++)
      x[k] = k + 1;
    snprintf(lab, sizeof lab, "%s %s", r[i].model, r[i].cond);
    LIE_CALL_GOTO(lie_plot_add(pl, r[i].nsteps, x, r[i].curve, NULL, LIE_PLOT_LINE, lab));
    added++;
  }
  if (added) {
    snprintf(title, sizeof title, "%s: rollout NMSE per predicted frame", pde);
    lie_plot_set_labels(pl, title, "predicted frame", "NMSE (mean over test trajectories)");
    lie_plot_set_log(pl, 0, 1);
    lie_rep_png_name(png, npng, path, sizeof path, out_dir, "timestep_%s", pde);
    if (lie_plot_write_png(pl, path)) png[0] = 0, lie_error_clear(); /* e.g. a zero NMSE on the log axis: no figure */
  }
done:
  lie_plot_destroy(&pl);
  return err;
}

static void table(FILE *f, const ts_result *r, int n) {
  fprintf(
      f,
      "## Conditioned time-stepping\n\nLPSDA's summed rollout NMSE over the predicted frames (mean over "
      "test trajectories, ± bootstrap std; `liereg timestep`, docs/TIMESTEP.md). Paper: Table 1 as "
      "recalled in DESIGN §8 (not verified; baseline / +SSL / +truth; NS is MSE × 1e3), at paper scale "
      "— our runs here are small.\n\n"
      "The first-call column is the NMSE summed over the first call's predicted frames only (from ground "
      "truth; `nmse_first_call`), the one-step reading of the paper's table (docs/TIMESTEP.md).\n\n"
      "| PDE | model | none | ssl | truth | first call none / ssl / truth | test traj. | paper none / ssl / truth |\n"
      "|---|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < n; i++) {
    int seen = 0;
    for (int k = 0; k < i; k++)
      seen |= !strcmp(r[k].pde, r[i].pde) && !strcmp(r[k].model, r[i].model);
    if (seen) continue;
    char cell[3][64], first[3][24], fc[80];
    for (int c = 0; c < 3; c++)
      snprintf(cell[c], sizeof cell[c], "—"), snprintf(first[c], sizeof first[c], "—");
    for (int k = i; k < n; k++)
      if (!strcmp(r[k].pde, r[i].pde) && !strcmp(r[k].model, r[i].model)) {
        snprintf(cell[cond_index(r[k].cond)], sizeof cell[0], "%.4g ± %.2g", r[k].nmse, r[k].std);
        if (isfinite(r[k].first)) snprintf(first[cond_index(r[k].cond)], sizeof first[0], "%.3g", r[k].first);
      }
    snprintf(fc, sizeof fc, "%s / %s / %s", first[0], first[1], first[2]);
    char pp[64] = "—";
    for (size_t p = 0; p < sizeof paper / sizeof paper[0]; p++)
      if (!strcmp(paper[p].pde, r[i].pde))
        snprintf(pp, sizeof pp, "%.3g / %.3g / %.3g", paper[p].v[0], paper[p].v[1], paper[p].v[2]);
    fprintf(f, "| %s | %s | %s | %s | %s | %s | %d | %s |\n", r[i].pde, r[i].model, cell[0], cell[1], cell[2], fc,
            r[i].ntest, pp);
  }
  fprintf(f, "\n");
}

static int has_json(const char *s) {
  size_t n = strlen(s);
  return n > 5 && !strcmp(s + n - 5, ".json");
}

static int cmp_ts(const void *a, const void *b) {
  return strcmp(((const ts_result *)a)->name, ((const ts_result *)b)->name);
}

int lie_rep_section_timestep(FILE *f, const char *dir, const char *out_dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  ts_result *r;
  int n = 0, err = LIE_OK;
  if (!d) return LIE_OK;
  r = calloc(LIE_REP_MAXTS, sizeof *r);
  LIE_CHECK_GOTO(r, LIE_ERR_MEM, "out of memory");
  while ((e = readdir(d)) && n < LIE_REP_MAXTS)
    if (e->d_name[0] != '.' && has_json(e->d_name) && lie_rep_is_timestep(dir, e->d_name))
      LIE_CALL_GOTO(read_one(dir, e->d_name, &r[n++]));
  if (n) {
    qsort(r, (size_t)n, sizeof *r, cmp_ts);
    table(f, r, n);
    for (int i = 0; i < n; i++) {
      int seen = 0;
      for (int k = 0; k < i; k++)
        seen |= !strcmp(r[k].pde, r[i].pde);
      if (seen) continue;
      char png[128];
      LIE_CALL_GOTO(figure(out_dir, r, n, r[i].pde, png, sizeof png));
      if (png[0]) fprintf(f, "![%s: rollout NMSE per predicted frame](%s)\n\n", r[i].pde, png);
    }
  }
done:
  closedir(d);
  free(r);
  return err;
}
