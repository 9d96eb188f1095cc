/* The layouts' rules in one table (docs/FORMATS.md, "Validation"): which datasets a 1D (LPSDA)
 * or Navier–Stokes (PDEArena) group holds, their ranks, axes, type classes and value rules. The
 * readers check a group against it before they allocate anything, and `liereg info` runs the
 * same check (then scans the values), so info never passes a file that another command rejects. */
#include "liereg/io.h"

#include <string.h>

enum { S_N, S_NT, S_NX, S_NY, S_K, S_NSYM };
static const char *sym_name[S_NSYM] = {"N", "nt", "nx", "ny", "K"};
/* Sane limits, checked before any allocation: at least one trajectory, two frames and two grid
 * points per axis (dx, dt and every crop need them); at most 2^20 per axis and 1 GiB per field
 * row (one trajectory), far beyond any PDE benchmark and small enough to allocate. */
static const long sym_min[S_NSYM] = {1, 2, 2, 2, 1};
static const long sym_max[S_NSYM] = {1L << 30, 1L << 20, 1L << 20, 1L << 20, 4096};
#define LIE_SCHEMA_MAX_ROW_BYTES (1.0 * (1L << 30))

typedef struct {
  const char *name; /* NULL: the 1D field pde_<nt>-<nx> (or -data_field) */
  int required, rank, dim[4];
  int integer; /* H5T_INTEGER class, else H5T_FLOAT */
  unsigned rules;
} lie_schema_item;

#define F0 0
#define INT 1
static const lie_schema_item items_1d[] = {{NULL, 1, 3, {S_N, S_NT, S_NX}, F0, LIE_RULE_FINITE},
                                           {"x", 1, 2, {S_N, S_NX}, F0, LIE_RULE_FINITE | LIE_RULE_INCREASING},
                                           {"t", 1, 2, {S_N, S_NT}, F0, LIE_RULE_FINITE | LIE_RULE_INCREASING},
                                           {"dx", 0, 1, {S_N}, F0, LIE_RULE_FINITE | LIE_RULE_POSITIVE},
                                           {"dt", 0, 1, {S_N}, F0, LIE_RULE_FINITE | LIE_RULE_POSITIVE},
                                           {"L", 0, 1, {S_N}, F0, LIE_RULE_FINITE | LIE_RULE_POSITIVE},
                                           {"T", 0, 1, {S_N}, F0, LIE_RULE_FINITE | LIE_RULE_POSITIVE},
                                           {"nu", 0, 1, {S_N}, F0, LIE_RULE_FINITE | LIE_RULE_POSITIVE},
                                           {"ic_amp", 0, 2, {S_N, S_K}, F0, LIE_RULE_FINITE},
                                           {"ic_phase", 0, 2, {S_N, S_K}, F0, LIE_RULE_FINITE},
                                           {"ic_l", 0, 2, {S_N, S_K}, INT, 0},
                                           {"seed", 0, 1, {S_N}, INT, 0},
                                           {"success", 0, 1, {S_N}, INT, LIE_RULE_ALL_ONE},
                                           {"aug_t_shift", 0, 1, {S_N}, F0, LIE_RULE_FINITE},
                                           {"coord_x", 0, 3, {S_N, S_NT, S_NX}, F0, LIE_RULE_FINITE},
                                           {"coord_t", 0, 3, {S_N, S_NT, S_NX}, F0, LIE_RULE_FINITE},
                                           {0}};

static const lie_schema_item items_ns[] = {{"u", 1, 4, {S_N, S_NT, S_NX, S_NY}, F0, LIE_RULE_FINITE},
                                           {"vx", 1, 4, {S_N, S_NT, S_NX, S_NY}, F0, LIE_RULE_FINITE},
                                           {"vy", 1, 4, {S_N, S_NT, S_NX, S_NY}, F0, LIE_RULE_FINITE},
                                           {"t", 1, 2, {S_N, S_NT}, F0, LIE_RULE_FINITE | LIE_RULE_INCREASING},
                                           {"x", 1, 2, {S_N, S_NX}, F0, LIE_RULE_FINITE | LIE_RULE_INCREASING},
                                           {"y", 1, 2, {S_N, S_NY}, F0, LIE_RULE_FINITE | LIE_RULE_INCREASING},
                                           {"dt", 0, 1, {S_N}, F0, LIE_RULE_FINITE | LIE_RULE_POSITIVE},
                                           {"dx", 0, 1, {S_N}, F0, LIE_RULE_FINITE | LIE_RULE_POSITIVE},
                                           {"dy", 0, 1, {S_N}, F0, LIE_RULE_FINITE | LIE_RULE_POSITIVE},
                                           {"buo_y", 0, 1, {S_N}, F0, LIE_RULE_FINITE | LIE_RULE_POSITIVE},
                                           {"seed", 0, 1, {S_N}, INT, 0},
                                           {"success", 0, 1, {S_N}, INT, LIE_RULE_ALL_ONE},
                                           {"aug_t_shift", 0, 1, {S_N}, F0, LIE_RULE_FINITE},
                                           {"coord_x", 0, 4, {S_N, S_NT, S_NX, S_NY}, F0, LIE_RULE_FINITE},
                                           {"coord_y", 0, 4, {S_N, S_NT, S_NX, S_NY}, F0, LIE_RULE_FINITE},
                                           {"coord_t", 0, 4, {S_N, S_NT, S_NX, S_NY}, F0, LIE_RULE_FINITE},
                                           {0}};

static const lie_schema_item *table(int layout) { return layout == LIE_LAYOUT_NS ? items_ns : items_1d; }

unsigned lie_schema_rules(int layout, const char *name, int is_field) {
  for (const lie_schema_item *it = table(layout); it->rank; it++)
    if (it->name ? !strcmp(it->name, name) && !is_field : is_field) return it->rules;
  return LIE_RULE_FINITE; /* a dataset the layout does not name: only finiteness is checked */
}

/* "(4, 8, 16)" */
static void dims_str(int rank, const hsize_t *dims, char *buf, size_t n) {
  size_t k = (size_t)snprintf(buf, n, "(");
  for (int i = 0; i < rank && k < n; i++)
    k += (size_t)snprintf(buf + k, n - k, i ? ", %llu" : "%llu", (unsigned long long)dims[i]);
  if (k < n) snprintf(buf + k, n - k, ")");
}

/* "(N, nt, nx) = (4, 8, ?)" from the sizes known so far. */
static void expected_str(const lie_schema_item *it, const long *size, char *buf, size_t n) {
  size_t k = (size_t)snprintf(buf, n, "(");
  for (int i = 0; i < it->rank && k < n; i++)
    k += (size_t)snprintf(buf + k, n - k, i ? ", %s" : "%s", sym_name[it->dim[i]]);
  k += (size_t)snprintf(buf + k, k < n ? n - k : 0, ") = (");
  for (int i = 0; i < it->rank && k < n; i++) {
    long v = size[it->dim[i]];
    k += v >= 0 ? (size_t)snprintf(buf + k, n - k, i ? ", %ld" : "%ld", v)
                : (size_t)snprintf(buf + k, n - k, i ? ", ?" : "?");
  }
  if (k < n) snprintf(buf + k, n - k, ")");
}

/* Rank, dims and type class of dataset `name` (no data read). */
static int probe(hid_t g, const char *name, int *rank, hsize_t dims[8], H5T_class_t *cls) {
  hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
  if (d < 0) return -1;
  hid_t s = H5Dget_space(d), t = H5Dget_type(d);
  *rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
  if (*rank > 8) *rank = -1;
  if (*rank >= 0) H5Sget_simple_extent_dims(s, dims, NULL);
  *cls = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
  if (t >= 0) H5Tclose(t);
  if (s >= 0) H5Sclose(s);
  H5Dclose(d);
  return *rank < 0 ? -1 : 0;
}

static int check_item(hid_t g, const char *where, const char *layout, const lie_schema_item *it, const char *name,
                      long *size) {
  int rank;
  hsize_t dims[8];
  H5T_class_t cls;
  char found[160], want[160];
  if (!lie_h5_exists(g, name)) {
    LIE_CHECK(!it->required, LIE_ERR_FORMAT, "%s lacks dataset '%s' (required by the %s layout)", where, name, layout);
    return LIE_OK;
  }
  LIE_CHECK(probe(g, name, &rank, dims, &cls) == 0, LIE_ERR_FORMAT, "%s/%s is not a readable dataset", where, name);
  dims_str(rank, dims, found, sizeof found);
  LIE_CHECK(it->integer ? cls == H5T_INTEGER : cls == H5T_FLOAT, LIE_ERR_FORMAT, "%s/%s has type class %s, expected %s",
            where, name,
            cls == H5T_INTEGER  ? "integer"
            : cls == H5T_FLOAT  ? "float"
            : cls == H5T_STRING ? "string"
                                : "other",
            it->integer ? "integer" : "float");
  if (rank != it->rank) {
    expected_str(it, size, want, sizeof want);
    LIE_ERROR(LIE_ERR_FORMAT, "%s/%s has shape %s, expected %s", where, name, found, want);
  }
  for (int i = 0; i < rank; i++) {
    int sy = it->dim[i];
    if (size[sy] < 0) {
      LIE_CHECK((long long)dims[i] >= sym_min[sy] && (long long)dims[i] <= sym_max[sy], LIE_ERR_FORMAT,
                "%s/%s has shape %s: %s = %llu is outside [%ld, %ld]", where, name, found, sym_name[sy],
                (unsigned long long)dims[i], sym_min[sy], sym_max[sy]);
      size[sy] = (long)dims[i];
    } else if ((long long)dims[i] != size[sy]) {
      expected_str(it, size, want, sizeof want);
      LIE_ERROR(LIE_ERR_FORMAT, "%s/%s has shape %s, expected %s", where, name, found, want);
    }
  }
  double row = 8;
  for (int i = 1; i < rank; i++)
    row *= (double)dims[i];
  LIE_CHECK(row <= LIE_SCHEMA_MAX_ROW_BYTES, LIE_ERR_FORMAT, "%s/%s has shape %s: %.3g GB per trajectory (limit 1 GiB)",
            where, name, found, row / 1e9);
  return LIE_OK;
}

/* First dataset named pde_* in the group. */
static herr_t find_field(hid_t g, const char *name, const H5L_info_t *info, void *out) {
  if (strncmp(name, "pde_", 4) != 0) return 0;
  snprintf((char *)out, 128, "%s", name);
  return 1;
}

int lie_schema_layout(hid_t group, int *layout) {
  *layout = lie_h5_exists(group, "u") && lie_h5_exists(group, "vx") ? LIE_LAYOUT_NS : LIE_LAYOUT_1D;
  return LIE_OK;
}

/* The root attribute liereg_schema, when present, is one number no newer than this liereg's. */
static int check_version(hid_t group, const char *path) {
  hid_t f = H5Iget_file_id(group);
  double v = 0;
  int err = f >= 0 && H5Aexists(f, "liereg_schema") > 0 ? lie_h5_attr_get_double(f, "liereg_schema", &v) : LIE_OK;
  if (f >= 0) H5Fclose(f); /* drops the reference H5Iget_file_id took */
  if (err) {
    char why[256];
    snprintf(why, sizeof why, "%s", lie_error_message());
    LIE_ERROR(err, "%s: root attribute liereg_schema: %s", path, why);
  }
  LIE_CHECK(v <= LIE_SCHEMA_VERSION, LIE_ERR_FORMAT, "%s: schema %g is newer than this liereg's (%d)", path, v,
            LIE_SCHEMA_VERSION);
  return LIE_OK;
}

int lie_schema_check(hid_t group, const char *path, const char *mode, int layout, const char *field, lie_shape *sh) {
  char where[1200];
  long size[S_NSYM] = {-1, -1, -1, -1, -1};
  memset(sh, 0, sizeof *sh);
  sh->layout = layout;
  LIE_CALL(check_version(group, path));
  snprintf(where, sizeof where, "%s:/%s", path, mode);
  if (layout == LIE_LAYOUT_1D) {
    if (field && field[0])
      snprintf(sh->field, sizeof sh->field, "%s", field);
    else {
      hsize_t idx = 0;
      H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &idx, find_field, sh->field);
    }
    LIE_CHECK(sh->field[0], LIE_ERR_FORMAT,
              "%s has no pde_<nt>-<nx> dataset (1D) nor u, vx (Navier-Stokes); -data_field names another field", where);
  }
  for (const lie_schema_item *it = table(layout); it->rank; it++)
    LIE_CALL(check_item(group, where, layout == LIE_LAYOUT_NS ? "Navier-Stokes (PDEArena)" : "1D (LPSDA)", it,
                        it->name ? it->name : sh->field, size));
  int a, b;
  if (layout == LIE_LAYOUT_1D && sscanf(sh->field, "pde_%d-%d", &a, &b) == 2)
    LIE_CHECK(a == size[S_NT] && b == size[S_NX], LIE_ERR_FORMAT, "%s/%s: name does not match its shape (%ld, %ld)",
              where, sh->field, size[S_NT], size[S_NX]);
  sh->n = size[S_N], sh->nt = size[S_NT], sh->nx = size[S_NX], sh->ny = size[S_NY], sh->k = size[S_K];
  return LIE_OK;
}
