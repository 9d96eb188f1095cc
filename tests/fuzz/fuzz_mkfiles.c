/* fuzz_mkfiles DIR: writes the HDF5 files the fuzz suite (fuzz.sh) feeds to every reader: a good
 * 1D and a good Navier-Stokes file (controls) and, from them, one file per defect: wrong ranks,
 * shapes that disagree, zero and 1x1 sizes, wrong type classes, missing datasets and
 * attributes, NaN/Inf, non-increasing grids, array attributes, foreign layouts, declared sizes
 * far beyond the limits. Plain serial HDF5, so the files do not depend on liereg's writer. */
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ONE, INC, NANV, INFV, DEC, ZERO };
enum { TD, TI, TU8, TU64, TSTR };

typedef struct {
  char name[32];
  int type, rank, fill, nowrite;
  hsize_t dims[4];
} spec;

typedef struct {
  spec s[24];
  int n;
  char group[16], pde[8];
  int schema_array, schema; /* root attribute liereg_schema as an array / its value */
} file_spec;

static spec *find(file_spec *f, const char *name) {
  for (int i = 0; i < f->n; i++)
    if (!strcmp(f->s[i].name, name)) return &f->s[i];
  fprintf(stderr, "fuzz_mkfiles: no dataset %s\n", name);
  exit(1);
}

static void drop(file_spec *f, const char *name) {
  spec *s = find(f, name);
  *s = f->s[--f->n];
}

static void add(file_spec *f, const char *name, int type, int fill, int rank, hsize_t d0, hsize_t d1, hsize_t d2,
                hsize_t d3) {
  spec *s = &f->s[f->n++];
  memset(s, 0, sizeof *s);
  snprintf(s->name, sizeof s->name, "%s", name);
  s->type = type, s->fill = fill, s->rank = rank;
  s->dims[0] = d0, s->dims[1] = d1, s->dims[2] = d2, s->dims[3] = d3;
}

static void init(file_spec *f, const char *pde) {
  memset(f, 0, sizeof *f);
  snprintf(f->group, sizeof f->group, "train");
  snprintf(f->pde, sizeof f->pde, "%s", pde);
  f->schema = 1;
}

static void good1d(file_spec *f, int N, int nt, int nx) {
  char field[32];
  init(f, "ks");
  snprintf(field, sizeof field, "pde_%d-%d", nt, nx);
  add(f, field, TD, INC, 3, N, nt, nx, 0);
  add(f, "x", TD, INC, 2, N, nx, 0, 0);
  add(f, "t", TD, INC, 2, N, nt, 0, 0);
  add(f, "dx", TD, ONE, 1, N, 0, 0, 0);
  add(f, "dt", TD, ONE, 1, N, 0, 0, 0);
  add(f, "L", TD, ONE, 1, N, 0, 0, 0);
  add(f, "T", TD, ONE, 1, N, 0, 0, 0);
  add(f, "ic_amp", TD, ONE, 2, N, 3, 0, 0);
  add(f, "ic_phase", TD, ONE, 2, N, 3, 0, 0);
  add(f, "ic_l", TI, ONE, 2, N, 3, 0, 0);
  add(f, "seed", TU64, INC, 1, N, 0, 0, 0);
  add(f, "success", TU8, ONE, 1, N, 0, 0, 0);
}

static void goodns(file_spec *f, int N, int nt, int nx, int ny) {
  init(f, "ns");
  add(f, "u", TD, INC, 4, N, nt, nx, ny);
  add(f, "vx", TD, INC, 4, N, nt, nx, ny);
  add(f, "vy", TD, INC, 4, N, nt, nx, ny);
  add(f, "t", TD, INC, 2, N, nt, 0, 0);
  add(f, "x", TD, INC, 2, N, nx, 0, 0);
  add(f, "y", TD, INC, 2, N, ny, 0, 0);
  add(f, "dt", TD, ONE, 1, N, 0, 0, 0);
  add(f, "dx", TD, ONE, 1, N, 0, 0, 0);
  add(f, "dy", TD, ONE, 1, N, 0, 0, 0);
  add(f, "buo_y", TD, ONE, 1, N, 0, 0, 0);
  add(f, "seed", TU64, INC, 1, N, 0, 0, 0);
  add(f, "success", TU8, ONE, 1, N, 0, 0, 0);
}

static hid_t htype(int t) {
  return t == TD ? H5T_NATIVE_DOUBLE : t == TI ? H5T_NATIVE_INT : t == TU8 ? H5T_NATIVE_UINT8 : H5T_NATIVE_UINT64;
}

static void write_dset(hid_t g, const spec *s) {
  hsize_t n = 1, last = s->rank ? s->dims[s->rank - 1] : 1;
  for (int i = 0; i < s->rank; i++)
    n *= s->dims[i];
  hid_t space = s->rank ? H5Screate_simple(s->rank, s->dims, NULL) : H5Screate(H5S_SCALAR);
  if (s->type == TSTR) {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, 8);
    hid_t d = H5Dcreate2(g, s->name, t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(d), H5Tclose(t), H5Sclose(space);
    return;
  }
  hid_t d = H5Dcreate2(g, s->name, htype(s->type), space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (!s->nowrite && n > 0) {
    double *v = malloc(sizeof(double) * n);
    for (hsize_t i = 0; i < n; i++) {
      double j = (double)(i % (last ? last : 1));
      v[i] = s->fill == ONE ? 1.0 : s->fill == INC ? j + 1 : s->fill == DEC ? 100.0 - j : s->fill == ZERO ? 0.0 : 1.0;
    }
    if (s->fill == NANV) v[n / 2] = NAN;
    if (s->fill == INFV) v[n / 2] = INFINITY;
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    free(v);
  }
  H5Dclose(d), H5Sclose(space);
}

static void attr_str(hid_t loc, const char *name, const char *value) {
  hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR);
  H5Tset_size(t, strlen(value) + 1);
  hid_t a = H5Acreate2(loc, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, t, value);
  H5Aclose(a), H5Sclose(s), H5Tclose(t);
}

static void write_file(const char *dir, const char *name, const file_spec *f) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.h5", dir, name);
  hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) exit(1);
  if (f->pde[0]) attr_str(file, "pde", f->pde);
  hsize_t three = 3;
  hid_t s = f->schema_array ? H5Screate_simple(1, &three, NULL) : H5Screate(H5S_SCALAR);
  long v[3] = {f->schema, f->schema, f->schema};
  hid_t a = H5Acreate2(file, "liereg_schema", H5T_NATIVE_LONG, s, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_LONG, v);
  H5Aclose(a), H5Sclose(s);
  hid_t g = f->group[0] ? H5Gcreate2(file, f->group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : file;
  for (int i = 0; i < f->n; i++)
    write_dset(g, &f->s[i]);
  if (g != file) H5Gclose(g);
  H5Fclose(file);
  printf("%s\n", name);
}

#define N 4
#define NT 8
#define NX 16
/* A copy of a valid checkpoint spoilt in place: attribute OBJ@NAME rewritten as a double
 * (--attr FILE OBJ NAME VALUE), or element 0 of float dataset PATH set to NaN (--nan FILE PATH). */
static int spoil(int argc, char **argv) {
  hid_t f = H5Fopen(argv[2], H5F_ACC_RDWR, H5P_DEFAULT);
  herr_t e = f < 0 ? -1 : 0;
  if (!e && !strcmp(argv[1], "--attr") && argc == 6) {
    double v = atof(argv[5]);
    hid_t sp = H5Screate(H5S_SCALAR);
    if (H5Aexists_by_name(f, argv[3], argv[4], H5P_DEFAULT) > 0) /* absent: added (e.g. crop_dt) */
      e = H5Adelete_by_name(f, argv[3], argv[4], H5P_DEFAULT);
    hid_t a =
        e < 0 ? -1 : H5Acreate_by_name(f, argv[3], argv[4], H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    e = a < 0 ? -1 : H5Awrite(a, H5T_NATIVE_DOUBLE, &v);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
  } else if (!e && !strcmp(argv[1], "--nan") && argc == 4) {
    hid_t d = H5Dopen2(f, argv[3], H5P_DEFAULT), fs = d < 0 ? -1 : H5Dget_space(d);
    hsize_t one = 1, start[4] = {0, 0, 0, 0};
    int rank = fs < 0 ? -1 : H5Sget_simple_extent_ndims(fs);
    float nan = NAN;
    hid_t ms = H5Screate_simple(1, &one, NULL);
    hsize_t cnt[4] = {1, 1, 1, 1};
    e = rank < 1 ? -1 : H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, cnt, NULL);
    if (!e) e = H5Dwrite(d, H5T_NATIVE_FLOAT, ms, fs, H5P_DEFAULT, &nan);
    H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    if (d >= 0) H5Dclose(d);
  } else
    e = -1;
  if (f >= 0 && H5Fclose(f) < 0) e = -1;
  if (e < 0) fprintf(stderr, "fuzz_mkfiles %s %s: failed\n", argv[1], argv[2]);
  return e < 0 ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc > 2 && !strncmp(argv[1], "--", 2)) return spoil(argc, argv);
  if (argc != 2) return 2;
  const char *dir = argv[1];
  file_spec f;
  char field[32];
  snprintf(field, sizeof field, "pde_%d-%d", NT, NX);
  /* 1D */
  good1d(&f, N, NT, NX), write_file(dir, "good1d", &f);
  good1d(&f, 0, NT, NX), write_file(dir, "1d_n0", &f);
  good1d(&f, N, 0, NX), write_file(dir, "1d_nt0", &f);
  good1d(&f, N, 1, 1), write_file(dir, "1d_grid1x1", &f);
  good1d(&f, N, NT, NX), find(&f, "seed")->rank = 2, find(&f, "seed")->dims[1] = 3, write_file(dir, "1d_seed2d", &f);
  good1d(&f, N, NT, NX), find(&f, "success")->rank = 2, find(&f, "success")->dims[1] = 5,
                                  write_file(dir, "1d_success2d", &f);
  good1d(&f, N, NT, NX), find(&f, "x")->dims[1] = NX + 3, write_file(dir, "1d_x_wrong", &f);
  good1d(&f, N, NT, NX), find(&f, "t")->dims[1] = NT - 3, write_file(dir, "1d_t_wrong", &f);
  good1d(&f, N, NT, NX), find(&f, "t")->dims[0] = N + 1, write_file(dir, "1d_t_rows", &f);
  good1d(&f, N, NT, NX), drop(&f, "t"), write_file(dir, "1d_t_missing", &f);
  good1d(&f, N, NT, NX), drop(&f, "x"), write_file(dir, "1d_x_missing", &f);
  good1d(&f, N, NT, NX), drop(&f, field), write_file(dir, "1d_field_missing", &f);
  good1d(&f, N, NT, NX), find(&f, field)->rank = 2, write_file(dir, "1d_field_rank2", &f);
  good1d(&f, N, NT, NX), find(&f, field)->type = TSTR, write_file(dir, "1d_field_string", &f);
  good1d(&f, N, NT, NX), find(&f, field)->type = TI, write_file(dir, "1d_field_int", &f);
  good1d(&f, N, NT, NX), find(&f, "ic_l")->type = TD, write_file(dir, "1d_icl_float", &f);
  good1d(&f, N, NT, NX), find(&f, "ic_phase")->dims[1] = 5, write_file(dir, "1d_ic_k_mismatch", &f);
  good1d(&f, N, NT, NX), find(&f, "dt")->rank = 0, write_file(dir, "1d_dt_scalar", &f);
  good1d(&f, N, NT, NX), find(&f, field)->fill = NANV, write_file(dir, "1d_nan_field", &f);
  good1d(&f, N, NT, NX), find(&f, "dt")->fill = INFV, write_file(dir, "1d_inf_dt", &f);
  good1d(&f, N, NT, NX), find(&f, "dt")->fill = ZERO, write_file(dir, "1d_dt_zero", &f);
  good1d(&f, N, NT, NX), find(&f, "t")->fill = DEC, write_file(dir, "1d_t_decreasing", &f);
  good1d(&f, N, NT, NX), find(&f, "success")->fill = ZERO, write_file(dir, "1d_failed_traj", &f);
  good1d(&f, N, NT, NX), snprintf(find(&f, field)->name, 32, "pde_%d-%d", NT + 1, NX),
      write_file(dir, "1d_name_mismatch", &f);
  good1d(&f, N, NT, NX), f.group[0] = 0, write_file(dir, "1d_no_group", &f);
  good1d(&f, N, NT, NX), f.schema_array = 1, write_file(dir, "1d_schema_array", &f);
  good1d(&f, N, NT, NX), f.schema = 99, write_file(dir, "1d_schema_newer", &f);
  good1d(&f, N, NT, 1 << 21), snprintf(find(&f, "pde_8-2097152")->name, 32, "pde_%d-%d", NT, 1 << 21);
  for (int i = 0; i < f.n; i++)
    f.s[i].nowrite = 1; /* declared only: the file stays small */
  write_file(dir, "1d_huge_nx", &f);
  good1d(&f, N, NT, NX), f.pde[0] = 0, snprintf(f.group, sizeof f.group, "valid"),
                         write_file(dir, "1d_lpsda_valid", &f);
  /* Navier-Stokes */
  goodns(&f, 2, 4, 8, 8), write_file(dir, "goodns", &f);
  goodns(&f, 2, 4, 8, 8), find(&f, "vx")->dims[2] = 4, write_file(dir, "ns_vx_wrong", &f);
  goodns(&f, 2, 4, 8, 8), find(&f, "vy")->dims[3] = 9, write_file(dir, "ns_vy_wrong", &f);
  goodns(&f, 2, 4, 8, 8), drop(&f, "vy"), write_file(dir, "ns_vy_missing", &f);
  goodns(&f, 2, 4, 8, 8), find(&f, "buo_y")->rank = 2, find(&f, "buo_y")->dims[1] = 3,
                                   write_file(dir, "ns_buo_y_n3", &f);
  goodns(&f, 2, 4, 8, 8), find(&f, "t")->dims[1] = 7, write_file(dir, "ns_t_wrong", &f);
  goodns(&f, 2, 4, 8, 8), find(&f, "x")->dims[1] = 5, write_file(dir, "ns_x_wrong", &f);
  goodns(&f, 2, 4, 8, 8), find(&f, "y")->dims[1] = 3, write_file(dir, "ns_y_wrong", &f);
  goodns(&f, 2, 4, 1, 1), write_file(dir, "ns_grid1x1", &f);
  goodns(&f, 2, 0, 8, 8), write_file(dir, "ns_nt0", &f);
  goodns(&f, 2, 4, 8, 8), find(&f, "u")->rank = 3, write_file(dir, "ns_u_rank3", &f);
  goodns(&f, 2, 4, 8, 8), find(&f, "vx")->fill = NANV, write_file(dir, "ns_nan_vx", &f);
  goodns(&f, 2, 4, 8, 8), find(&f, "seed")->rank = 2, find(&f, "seed")->dims[1] = 2, write_file(dir, "ns_seed2d", &f);
  goodns(&f, 2, 4, 8, 8), find(&f, "buo_y")->fill = ZERO, write_file(dir, "ns_buo_zero", &f);
  return 0;
}
