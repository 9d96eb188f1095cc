/* liereg augment -i IN.h5 -o OUT.h5 -aug_group NAME -aug_eps E [-aug_mode grid|coords]
 * Applies one Lie point symmetry with a fixed eps to every trajectory of a 1D file (NS files:
 * augment_ns.c) and writes
 * a file of the same layout (docs/AUGMENT.md): the field, x, dx, t, dt, L, T, nu, seed,
 * success, plus aug_t_shift (the rounded time shift) and, in coords mode, the coordinate
 * channels coord_x, coord_t (N, nt, nx). Group, eps and mode are root attributes. The
 * initial-condition datasets are not copied: they do not describe the transformed data. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "cli.h"

typedef struct {
  char in[PATH_MAX], out[PATH_MAX], group[32], mode[16], split[16], pde[16];
  double eps;
  PetscBool force, has_split, has_pde;
  lie_aug_gen gen;
  lie_aug_mode amode;
  lie_pde p;
} aug_opts;

static int read_options(lie_ctx ctx, aug_opts *o, int *stopped) {
  PetscBool has_in = PETSC_FALSE, has_group = PETSC_FALSE, has_eps = PETSC_FALSE;
  memset(o, 0, sizeof *o);
  snprintf(o->mode, sizeof o->mode, "grid");
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg augment: apply one Lie point symmetry to every trajectory", NULL);
  LIE_PETSC(PetscOptionsString("-i", "input dataset (HDF5; 1D or NS)", NULL, o->in, o->in, sizeof o->in, &has_in));
  LIE_PETSC(PetscOptionsString("-o", "output dataset (HDF5)", NULL, o->out, o->out, sizeof o->out, NULL));
  LIE_PETSC(PetscOptionsString("-aug_group",
                               "generator: t_shift x_shift galilean scale projective; NS: t_shift x_shift y_shift "
                               "scale rotate boost_x boost_y quad_x quad_y",
                               NULL, o->group, o->group, sizeof o->group, &has_group));
  LIE_PETSC(
      PetscOptionsReal("-aug_eps", "group parameter eps (scale: lambda = e^eps)", NULL, o->eps, &o->eps, &has_eps));
  LIE_PETSC(PetscOptionsString("-aug_mode", "grid or coords", NULL, o->mode, o->mode, sizeof o->mode, NULL));
  LIE_PETSC(PetscOptionsString("-data_mode", "group of the input file: train, valid, test (default: first found)", NULL,
                               o->split, o->split, sizeof o->split, &o->has_split));
  LIE_PETSC(PetscOptionsString("-pde", "PDE when the file does not say (LPSDA files): ks, kdv, burgers, ns", NULL,
                               o->pde, o->pde, sizeof o->pde, &o->has_pde));
  LIE_PETSC(PetscOptionsBool("-force", "overwrite the output file", NULL, o->force, &o->force, NULL));
  PetscOptionsEnd();
  int stop;
  /* misspelt options first: "-aug_epz" should be reported as such, not as a missing -aug_eps */
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  *stopped = stop;
  if (stop) return LIE_OK;
  LIE_CHECK(has_in, LIE_ERR_USAGE, "augment needs an input file (-i IN.h5)");
  LIE_CHECK(has_group, LIE_ERR_USAGE, "augment needs -aug_group NAME");
  LIE_CHECK(has_eps, LIE_ERR_USAGE, "augment needs -aug_eps E");
  LIE_CHECK(isfinite(o->eps), LIE_ERR_USAGE, "-aug_eps must be finite");
  LIE_CALL(lie_aug_gen_from_name(o->group, &o->gen));
  LIE_CALL(lie_aug_mode_from_name(o->mode, &o->amode));
  return LIE_OK;
}

/* NS files are recognised by their root attribute or -pde ns; checks the generator. */
static int file_is_ns(lie_ctx ctx, aug_opts *o) {
  char name[32] = "";
  hid_t f;
  o->p = LIE_PDE_KS;
  if (o->has_pde)
    snprintf(name, sizeof name, "%s", o->pde);
  else {
    LIE_CALL(lie_h5_open(ctx, o->in, &f));
    if (lie_h5_attr_get_string(f, "pde", name, sizeof name)) lie_error_clear();
    lie_h5_close(&f);
  }
  if (strcmp(name, "ns") != 0) return LIE_OK;
  o->p = LIE_PDE_NS;
  if (lie_aug_gen_check(LIE_PDE_NS, o->gen)) {
    lie_error_clear();
    LIE_ERROR(LIE_ERR_USAGE, "-aug_group %s is not a symmetry of ns (see docs/AUGMENT.md for its group)", o->group);
  }
  return LIE_OK;
}

/* PDE from the file's root attribute, else -pde. */
static int input_pde(lie_dataset1d ds, aug_opts *o) {
  char name[32] = "";
  if (o->has_pde)
    snprintf(name, sizeof name, "%s", o->pde);
  else if (lie_h5_attr_get_string(lie_dataset1d_file(ds), "pde", name, sizeof name)) {
    lie_error_clear();
    LIE_ERROR(LIE_ERR_USAGE, "%s does not record its PDE (LPSDA file?): give -pde ks|kdv|burgers", o->in);
  }
  LIE_CALL(lie_pde_from_name(name, &o->p));
  int e = lie_aug_gen_check(o->p, o->gen);
  if (e) {
    lie_error_clear();
    LIE_ERROR(LIE_ERR_USAGE, "-aug_group %s is not a symmetry of %s (see docs/AUGMENT.md for its group)", o->group,
              name);
  }
  return LIE_OK;
}

/* Per-trajectory inputs that may or may not exist in the file. */
typedef struct {
  double *L, *T, *nu, *dt;
  int hasL, hasT, hasnu, hasdt;
  uint64_t *seed;
  uint8_t *ok;
} aug_params;

static int read_raw(hid_t g, const char *name, hid_t type, int n, void *buf, int *found) {
  hid_t d;
  *found = lie_h5_exists(g, name);
  if (!*found) return LIE_OK;
  LIE_H5(d = H5Dopen2(g, name, H5P_DEFAULT));
  int e = lie_h5_rows_read(d, type, 0, (hsize_t)n, buf);
  H5Dclose(d);
  LIE_CALL(e);
  return LIE_OK;
}

static int read_params(lie_dataset1d ds, int n, aug_params *p) {
  int fs, fo;
  LIE_ALLOC(p->L, n);
  LIE_ALLOC(p->T, n);
  LIE_ALLOC(p->nu, n);
  LIE_ALLOC(p->dt, n);
  LIE_ALLOC(p->seed, n);
  LIE_ALLOC(p->ok, n);
  LIE_CALL(lie_dataset1d_read_param(ds, "L", p->L, &p->hasL));
  LIE_CALL(lie_dataset1d_read_param(ds, "T", p->T, &p->hasT));
  LIE_CALL(lie_dataset1d_read_param(ds, "nu", p->nu, &p->hasnu));
  LIE_CALL(lie_dataset1d_read_param(ds, "dt", p->dt, &p->hasdt));
  hid_t g;
  LIE_H5(g = H5Gopen2(lie_dataset1d_file(ds), lie_dataset1d_mode(ds), H5P_DEFAULT));
  int e = read_raw(g, "seed", H5T_NATIVE_UINT64, n, p->seed, &fs);
  if (!e) e = read_raw(g, "success", H5T_NATIVE_UINT8, n, p->ok, &fo);
  H5Gclose(g);
  LIE_CALL(e);
  if (!fo) memset(p->ok, 1, (size_t)n);
  return LIE_OK;
}

static void free_params(aug_params *p) { free(p->L), free(p->T), free(p->nu), free(p->dt), free(p->seed), free(p->ok); }

/* Frames kept: a time shift crops by |round(eps/dt)| frames; the largest crop over all
 * trajectories (dt may differ per trajectory) sets the common output length. */
static int output_frames(lie_ctx ctx, lie_dataset1d ds, const aug_opts *o, int n, int nt, int *nt_out) {
  int kmax = 0, size = lie_ctx_size(ctx), rank = lie_ctx_rank(ctx);
  double *t;
  *nt_out = nt;
  if (o->gen != LIE_AUG_T_SHIFT || o->amode != LIE_AUG_GRID || nt < 2) return LIE_OK;
  LIE_ALLOC(t, nt);
  for (int i = rank; i < n; i += size) {
    int e = lie_dataset1d_read(ds, i, NULL, t, NULL);
    if (e) {
      free(t);
      LIE_CALL(e);
    }
    long k = lround(o->eps / ((t[nt - 1] - t[0]) / (nt - 1)));
    if (labs(k) > kmax) kmax = (int)labs(k);
  }
  free(t);
  LIE_MPI(MPI_Allreduce(MPI_IN_PLACE, &kmax, 1, MPI_INT, MPI_MAX, lie_ctx_comm(ctx)));
  *nt_out = nt - kmax;
  LIE_CHECK(*nt_out >= 1, LIE_ERR_USAGE, "-aug_eps %g shifts by %d frames: nothing of the %d-frame window is left",
            o->eps, kmax, nt);
  return LIE_OK;
}

enum { C_U, C_X, C_DX, C_T, C_DT, C_L, C_TT, C_NU, C_SEED, C_OK, C_SHIFT, C_CX, C_CT, C_N };
typedef struct {
  hid_t file, group, d[C_N];
  void *buf[C_N];
  hid_t mt[C_N];
} aug_out;

static int out_column(aug_out *w, int c, const char *name, hid_t ft, hid_t mt, int rank, hsize_t n, hsize_t a,
                      hsize_t b, const char *desc) {
  hsize_t dims[3] = {n, a, b};
  size_t elems = (rank > 1 ? a : 1) * (rank > 2 ? b : 1);
  LIE_CALL(lie_h5_dataset_create(w->group, name, ft, rank, dims, &w->d[c]));
  LIE_CALL(lie_h5_attr_set_string(w->d[c], "description", desc));
  w->mt[c] = mt;
  w->buf[c] = calloc(elems ? elems : 1, 8);
  LIE_CHECK(w->buf[c], LIE_ERR_MEM, "out of memory");
  return LIE_OK;
}

static int open_output(lie_ctx ctx, const char *tmp, const aug_opts *o, const char *split, const aug_params *p, int n,
                       int nt, int nx, aug_out *w) {
  char field[64];
  hid_t F = H5T_IEEE_F64LE, D = H5T_NATIVE_DOUBLE;
  for (int c = 0; c < C_N; c++)
    w->d[c] = -1, w->buf[c] = NULL;
  LIE_CALL(lie_h5_create(ctx, tmp, &w->file));
  LIE_CALL(lie_h5_stamp(w->file, lie_pde_name(o->p)));
  LIE_CALL(lie_h5_attr_set_string(w->file, "aug_group", o->group));
  LIE_CALL(lie_h5_attr_set_double(w->file, "aug_eps", o->eps));
  LIE_CALL(lie_h5_attr_set_string(w->file, "aug_mode", lie_aug_mode_name(o->amode)));
  LIE_CALL(lie_h5_attr_set_string(w->file, "aug_source", o->in));
  LIE_H5(w->group = H5Gcreate2(w->file, split, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  snprintf(field, sizeof field, "pde_%d-%d", nt, nx);
  LIE_CALL(out_column(w, C_U, field, F, D, 3, n, nt, nx, "transformed solution u(t, x)"));
  LIE_CALL(out_column(w, C_X, "x", F, D, 2, n, nx, 0, "grid x of the transformed data"));
  LIE_CALL(out_column(w, C_DX, "dx", F, D, 1, n, 0, 0, "grid spacing"));
  LIE_CALL(out_column(w, C_T, "t", F, D, 2, n, nt, 0, "transformed times"));
  LIE_CALL(out_column(w, C_DT, "dt", F, D, 1, n, 0, 0, "mean time spacing of t"));
  LIE_CALL(out_column(w, C_L, "L", F, D, 1, n, 0, 0, "period of the transformed data (window length if not periodic)"));
  if (p->hasT) LIE_CALL(out_column(w, C_TT, "T", F, D, 1, n, 0, 0, "transformed final time"));
  if (p->hasnu) LIE_CALL(out_column(w, C_NU, "nu", F, D, 1, n, 0, 0, "viscosity (invariant)"));
  LIE_CALL(
      out_column(w, C_SEED, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, 1, n, 0, 0, "seed of the source trajectory"));
  LIE_CALL(
      out_column(w, C_OK, "success", H5T_STD_U8LE, H5T_NATIVE_UINT8, 1, n, 0, 0, "1 if the source solve succeeded"));
  LIE_CALL(out_column(w, C_SHIFT, "aug_t_shift", F, D, 1, n, 0, 0, "time shift applied (rounded to whole frames)"));
  if (o->amode == LIE_AUG_COORDS) {
    LIE_CALL(out_column(w, C_CX, "coord_x", F, D, 3, n, nt, nx, "mapped x coordinate of each sample"));
    LIE_CALL(out_column(w, C_CT, "coord_t", F, D, 3, n, nt, nx, "mapped t coordinate of each sample"));
  }
  return LIE_OK;
}

static int close_output(aug_out *w) {
  for (int c = 0; c < C_N; c++) {
    if (w->d[c] >= 0) H5Dclose(w->d[c]);
    free(w->buf[c]);
  }
  if (w->group >= 0) H5Gclose(w->group);
  LIE_CALL(lie_h5_close(&w->file));
  return LIE_OK;
}

/* Transform trajectory i into the row buffers. */
static int transform_one(lie_dataset1d ds, const aug_opts *o, const aug_params *p, int i, int nt, int nx, int nt_out,
                         aug_out *w) {
  lie_field1d in, out;
  lie_aug_seq s;
  lie_aug_info info;
  LIE_CALL(lie_field1d_alloc(nt, nx, 0, &in));
  int e = lie_dataset1d_read(ds, i, in.u, in.t, in.x);
  in.L = p->hasL ? p->L[i] : nx * (in.x[1] - in.x[0]);
  in.periodic = 1;
  if (!e) e = lie_aug_seq_init(o->p, &s);
  if (!e) e = lie_aug_seq_push(&s, o->gen, o->eps);
  if (!e) e = lie_aug1d_apply(&s, o->amode, &in, &out, &info);
  lie_field1d_free(&in);
  LIE_CALL(e);
  size_t cnt = (size_t)nt_out * nx;
  memcpy(w->buf[C_U], out.u, cnt * sizeof(double));
  memcpy(w->buf[C_X], out.x, (size_t)nx * sizeof(double));
  memcpy(w->buf[C_T], out.t, (size_t)nt_out * sizeof(double));
  *(double *)w->buf[C_DX] = out.L / nx;
  *(double *)w->buf[C_DT] = nt_out > 1 ? (out.t[nt_out - 1] - out.t[0]) / (nt_out - 1) : (p->hasdt ? p->dt[i] : 0);
  *(double *)w->buf[C_L] = out.L;
  *(uint64_t *)w->buf[C_SEED] = p->seed[i];
  *(uint8_t *)w->buf[C_OK] = p->ok[i];
  *(double *)w->buf[C_SHIFT] = info.t_shift;
  if (w->buf[C_NU]) *(double *)w->buf[C_NU] = p->nu[i];
  if (w->buf[C_TT]) { /* the final time maps like any time (pure shifts: the rounded shift) */
    double x = 0, t = p->T[i], u = 0;
    e = 0;
    for (int k = 0; k < s.n && !e; k++)
      e = lie_aug1d_point(o->p, s.op[k].gen, s.op[k].eps, &x, &t, &u);
    *(double *)w->buf[C_TT] = (o->gen == LIE_AUG_T_SHIFT && o->amode == LIE_AUG_GRID) ? p->T[i] + info.t_shift : t;
  }
  if (w->buf[C_CX]) {
    memcpy(w->buf[C_CX], out.X, cnt * sizeof(double));
    memcpy(w->buf[C_CT], out.T, cnt * sizeof(double));
  }
  lie_field1d_free(&out);
  LIE_CALL(e);
  return LIE_OK;
}

/* Rank r handles trajectories r, r+size, ...; every rank joins every collective write. */
static int transform_all(lie_ctx ctx, lie_dataset1d ds, const aug_opts *o, const aug_params *p, int n, int nt, int nx,
                         int nt_out, aug_out *w) {
  int size = lie_ctx_size(ctx), rank = lie_ctx_rank(ctx), rounds = (n + size - 1) / size;
  for (int r = 0; r < rounds; r++) {
    int i = r * size + rank, have = i < n;
    PetscLogEventBegin(lie_events.augment, 0, 0, 0, 0);
    if (have) LIE_CALL(transform_one(ds, o, p, i, nt, nx, nt_out, w));
    PetscLogEventEnd(lie_events.augment, 0, 0, 0, 0);
    for (int c = 0; c < C_N; c++)
      if (w->d[c] >= 0)
        LIE_CALL(lie_h5_rows_write(w->d[c], w->mt[c], have ? (hsize_t)i : 0, 1, have ? 1 : 0, w->buf[c]));
  }
  return LIE_OK;
}

int lie_cmd_augment(lie_ctx ctx, int nargs, char **args) {
  aug_opts o;
  aug_params p = {0};
  aug_out w = {.file = -1, .group = -1};
  lie_dataset1d ds = NULL;
  char tmp[PATH_MAX + 8];
  int stop, n = 0, nt = 0, nx = 0, nt_out = 0;
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE, "augment takes no positional arguments (use -i IN.h5 -o OUT.h5)");
  LIE_CALL(read_options(ctx, &o, &stop));
  if (stop) return LIE_OK;
  /* after lie_cli_options_done: a path that differs between nodes is agreed here */
  LIE_CALL(lie_ctx_agree(ctx, lie_cli_output_path(o.out, o.force, tmp, sizeof tmp)));
  LIE_CALL(file_is_ns(ctx, &o));
  if (o.p == LIE_PDE_NS) {
    LIE_CALL(lie_cli_augment_ns(ctx, o.in, tmp, o.has_split ? o.split : NULL, o.group, o.gen, o.eps, o.amode));
    LIE_CALL(lie_cli_publish(ctx, tmp, o.out));
    return LIE_OK;
  }
  LIE_CALL(lie_dataset1d_open(ctx, o.in, o.has_split ? o.split : NULL, NULL, &ds));
  int e = input_pde(ds, &o);
  if (!e) e = lie_dataset1d_sizes(ds, &n, &nt, &nx);
  if (!e) e = read_params(ds, n, &p);
  if (!e) e = output_frames(ctx, ds, &o, n, nt, &nt_out);
  if (!e) e = open_output(ctx, tmp, &o, lie_dataset1d_mode(ds), &p, n, nt_out, nx, &w);
  if (!e) e = transform_all(ctx, ds, &o, &p, n, nt, nx, nt_out, &w);
  int ce = w.file >= 0 ? close_output(&w) : 0;
  lie_dataset1d_close(&ds);
  free_params(&p);
  LIE_CALL(e);
  LIE_CALL(ce);
  LIE_CALL(lie_cli_publish(ctx, tmp, o.out));
  lie_log_info(ctx, "augment: %d trajectories, %s eps=%g (%s mode), %d x %d -> %s", n, o.group, o.eps, o.mode, nt_out,
               nx, o.out);
  return LIE_OK;
}
