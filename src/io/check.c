/* `liereg info`: validate a dataset file (ours, LPSDA's or PDEArena's layout) and print
 * a summary. Rows are scanned round-robin over ranks; results are reduced to rank 0. */
#include "liereg/io.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define MAX_DSETS 64

typedef struct {
  char name[128];
  int rank;
  hsize_t dims[8];
  double min, max;
  unsigned rules; /* LIE_RULE_* from the layout's table */
  long nonfinite, nonpositive, nonincreasing, notone;
} lie_dstat;

typedef struct {
  lie_dstat d[MAX_DSETS];
  int n;
} lie_dlist;

static herr_t list_dataset(hid_t g, const char *name, const H5L_info_t *info, void *out) {
  lie_dlist *l = out;
  hid_t o = H5Oopen(g, name, H5P_DEFAULT);
  int is_dataset = o >= 0 && H5Iget_type(o) == H5I_DATASET;
  if (o >= 0) H5Oclose(o);
  if (is_dataset && l->n < MAX_DSETS) snprintf(l->d[l->n++].name, sizeof l->d[0].name, "%s", name);
  return 0;
}

/* Statistics of one row of values (non-finite values are counted, not compared). */
static void scan_row(lie_dstat *s, const double *buf, size_t row) {
  unsigned r = s->rules;
  for (size_t j = 0; j < row; j++) {
    double v = buf[j];
    if (!isfinite(v)) {
      s->nonfinite++;
      continue;
    }
    s->min = fmin(s->min, v), s->max = fmax(s->max, v);
    if ((r & LIE_RULE_POSITIVE) && !(v > 0)) s->nonpositive++;
    if ((r & LIE_RULE_ALL_ONE) && v != 1) s->notone++;
    if ((r & LIE_RULE_INCREASING) && j > 0 && !(v > buf[j - 1])) s->nonincreasing++;
  }
}

/* Scans this rank's rows of one dataset, then reduces the statistics over ranks. */
static int scan_dataset(lie_ctx ctx, hid_t g, lie_dstat *s) {
  hid_t d = -1;
  size_t row = 1;
  double *buf;
  int err = LIE_OK;
  MPI_Comm c = lie_ctx_comm(ctx);
  for (int i = 1; i < s->rank; i++)
    row *= s->dims[i];
  LIE_ALLOC(buf, row);
  LIE_H5_GOTO(d = H5Dopen2(g, s->name, H5P_DEFAULT));
  s->min = DBL_MAX, s->max = -DBL_MAX;
  for (hsize_t i = (hsize_t)lie_ctx_rank(ctx); i < (s->rank ? s->dims[0] : 1); i += lie_ctx_size(ctx)) {
    if (s->rank)
      LIE_CALL_GOTO(lie_h5_rows_read(d, H5T_NATIVE_DOUBLE, i, 1, row, buf));
    else
      LIE_CHECK_GOTO(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0, LIE_ERR_FORMAT,
                     "cannot read dataset %s", s->name);
    scan_row(s, buf, row);
  }
  LIE_MPI_GOTO(MPI_Allreduce(MPI_IN_PLACE, &s->min, 1, MPI_DOUBLE, MPI_MIN, c));
  LIE_MPI_GOTO(MPI_Allreduce(MPI_IN_PLACE, &s->max, 1, MPI_DOUBLE, MPI_MAX, c));
  LIE_MPI_GOTO(MPI_Allreduce(MPI_IN_PLACE, &s->nonfinite, 4, MPI_LONG, MPI_SUM, c));
done:
  if (d >= 0) H5Dclose(d);
  free(buf);
  return err;
}

static void shape_str(const lie_dstat *s, char *buf, size_t n) {
  size_t k = (size_t)snprintf(buf, n, "(");
  for (int i = 0; i < s->rank && k < n; i++)
    k += (size_t)snprintf(buf + k, n - k, i ? ", %llu" : "%llu", (unsigned long long)s->dims[i]);
  if (k < n) snprintf(buf + k, n - k, ")");
}

/* The first problem found in a dataset's statistics, as a message; 0 if none. */
static int dataset_problem(const char *path, const char *mode, const lie_dstat *s, char *msg, size_t n) {
  const char *what = s->nonfinite       ? "NaN/Inf values"
                     : s->nonpositive   ? "non-positive values"
                     : s->nonincreasing ? "non-increasing coordinates"
                     : s->notone        ? "failed trajectories (success=0)"
                                        : NULL;
  long count = s->nonfinite       ? s->nonfinite
               : s->nonpositive   ? s->nonpositive
               : s->nonincreasing ? s->nonincreasing
                                  : s->notone;
  if (!what) return 0;
  snprintf(msg, n, "%s:/%s/%s: %ld %s", path, mode, s->name, count, what);
  return 1;
}

/* The layout's validation (the one every reader runs), then the datasets it does not name:
 * one row per trajectory, numeric. */
static int validate_group(hid_t g, const char *path, const char *mode, lie_dlist *l, lie_shape *sh) {
  int layout;
  LIE_CALL(lie_schema_layout(g, &layout));
  LIE_CALL(lie_schema_check(g, path, mode, layout, NULL, sh));
  for (int i = 0; i < l->n; i++) {
    lie_dstat *s = &l->d[i];
    hid_t d, t;
    LIE_H5(d = H5Dopen2(g, s->name, H5P_DEFAULT));
    t = H5Dget_type(d);
    H5T_class_t cls = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    if (t >= 0) H5Tclose(t);
    H5Dclose(d);
    LIE_CHECK(cls == H5T_INTEGER || cls == H5T_FLOAT, LIE_ERR_FORMAT, "%s:/%s/%s is not numeric", path, mode, s->name);
    double row = 1;
    for (int k = 1; k < s->rank; k++)
      row *= (double)s->dims[k];
    LIE_CHECK(row <= (1 << 27), LIE_ERR_FORMAT, "%s:/%s/%s: %.3g values per trajectory (limit 2^27)", path, mode,
              s->name, row);
    LIE_CHECK(s->rank >= 1 && (long)s->dims[0] == sh->n, LIE_ERR_FORMAT,
              "%s:/%s/%s: leading dimension %llu does not match the %ld trajectories", path, mode, s->name,
              s->rank ? (unsigned long long)s->dims[0] : 0ull, sh->n);
    s->rules = lie_schema_rules(layout, s->name, layout == LIE_LAYOUT_1D && !strcmp(s->name, sh->field));
  }
  return LIE_OK;
}

static int check_group(lie_ctx ctx, const char *path, hid_t file, const char *mode, FILE *out, char *problem,
                       size_t np) {
  lie_dlist l = {.n = 0};
  hsize_t idx = 0;
  hid_t g;
  lie_shape sh;
  LIE_H5(g = H5Gopen2(file, mode, H5P_DEFAULT));
  H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, list_dataset, &l);
  int err = LIE_OK;
  for (int i = 0; i < l.n; i++)
    LIE_CALL_GOTO(lie_h5_dims(g, l.d[i].name, &l.d[i].rank, l.d[i].dims));
  LIE_CALL_GOTO(validate_group(g, path, mode, &l, &sh));
  if (lie_ctx_rank(ctx) == 0)
    fprintf(out, "group /%s: %ld trajectories, layout %s\n", mode, sh.n,
            sh.layout == LIE_LAYOUT_NS ? "ns (PDEArena)" : "1d (LPSDA)");
  for (int i = 0; i < l.n; i++) {
    char shape[128];
    LIE_CALL_GOTO(scan_dataset(ctx, g, &l.d[i]));
    shape_str(&l.d[i], shape, sizeof shape);
    if (lie_ctx_rank(ctx) == 0)
      fprintf(out, "  %-14s %-22s min % .6g  max % .6g\n", l.d[i].name, shape, l.d[i].min, l.d[i].max);
    if (!problem[0]) dataset_problem(path, mode, &l.d[i], problem, np);
  }
done:
  H5Gclose(g);
  return err;
}

static void print_attributes(lie_ctx ctx, hid_t file, const char *path, FILE *out) {
  char pde[64] = "?", gen[256] = "?", created[64] = "?";
  if (lie_ctx_rank(ctx) != 0) return;
  lie_h5_attr_get_string(file, "pde", pde, sizeof pde);
  lie_h5_attr_get_string(file, "generator", gen, sizeof gen);
  lie_h5_attr_get_string(file, "created", created, sizeof created);
  lie_error_clear(); /* missing attributes are fine on LPSDA/PDEArena files */
  fprintf(out, "file %s\n  pde: %s  generator: %s  created: %s\n", path, pde, gen, created);
}

int lie_dataset_check(lie_ctx ctx, const char *path, FILE *out) {
  static const char *modes[] = {"train", "valid", "test"};
  hid_t file;
  char problem[512] = "";
  int ngroups = 0, err = LIE_OK;
  double schema;
  LIE_CALL(lie_h5_open(ctx, path, &file));
  int has_schema = lie_h5_attr_get_double(file, "liereg_schema", &schema) == LIE_OK;
  lie_error_clear(); /* LPSDA/PDEArena files have no schema attribute */
  LIE_CHECK_GOTO(!(has_schema && schema > LIE_SCHEMA_VERSION), LIE_ERR_FORMAT,
                 "%s: schema %g is newer than this liereg (%d)", path, schema, LIE_SCHEMA_VERSION);
  print_attributes(ctx, file, path, out);
  for (int i = 0; i < 3; i++) {
    if (!lie_h5_exists(file, modes[i])) continue;
    ngroups++;
    LIE_CALL_GOTO(check_group(ctx, path, file, modes[i], out, problem, sizeof problem));
  }
  LIE_CALL_GOTO(lie_h5_close(&file));
  LIE_CHECK_GOTO(ngroups > 0, LIE_ERR_FORMAT, "%s has no /train, /valid or /test group", path);
  LIE_CHECK_GOTO(!problem[0], LIE_ERR_FORMAT, "%s", problem);
  if (lie_ctx_rank(ctx) == 0) fprintf(out, "ok: %s passes all checks\n", path);
done:
  lie_h5_close(&file); /* after an error: still open */
  return err;
}
