/* lie_aug_file's table for 1D files (LPSDA layout, ours and LPSDA's): the field, x, dx, t,
 * dt, L, T, nu, seed, success, plus aug_t_shift and, in coords mode, the coordinate channels
 * coord_x, coord_t (N, nt, nx). The initial-condition datasets are not copied: they do not
 * describe the transformed data. */
#include "file_impl.h"

#include <string.h>

enum { C_U, C_X, C_DX, C_T, C_DT, C_L, C_TT, C_NU, C_SEED, C_OK, C_SHIFT, C_CX, C_CT };

/* The input and the per-trajectory values that may or may not exist in the file. */
typedef struct {
  lie_dataset1d ds;
  double *L, *T, *nu, *dt;
  int hasL, hasT, hasnu, hasdt;
  uint64_t *seed;
  uint8_t *ok;
} in1d;

static int read_raw(hid_t g, const char *name, hid_t type, int n, void *buf, int *found) {
  hid_t d;
  *found = lie_h5_exists(g, name);
  if (!*found) return LIE_OK;
  LIE_H5(d = H5Dopen2(g, name, H5P_DEFAULT));
  int e = lie_h5_rows_read(d, type, 0, (hsize_t)n, 1, buf); /* (N,): validated by the reader's schema */
  H5Dclose(d);
  LIE_CALL(e);
  return LIE_OK;
}

static int read_params(in1d *p, int n) {
  int fs, fo, err = LIE_OK;
  LIE_ALLOC(p->L, n);
  LIE_ALLOC(p->T, n);
  LIE_ALLOC(p->nu, n);
  LIE_ALLOC(p->dt, n);
  LIE_ALLOC(p->seed, n);
  LIE_ALLOC(p->ok, n);
  LIE_CALL(lie_dataset1d_read_param(p->ds, "L", p->L, &p->hasL));
  LIE_CALL(lie_dataset1d_read_param(p->ds, "T", p->T, &p->hasT));
  LIE_CALL(lie_dataset1d_read_param(p->ds, "nu", p->nu, &p->hasnu));
  LIE_CALL(lie_dataset1d_read_param(p->ds, "dt", p->dt, &p->hasdt));
  hid_t g;
  LIE_H5(g = H5Gopen2(lie_dataset1d_file(p->ds), lie_dataset1d_mode(p->ds), H5P_DEFAULT));
  LIE_CALL_GOTO(read_raw(g, "seed", H5T_NATIVE_UINT64, n, p->seed, &fs));
  LIE_CALL_GOTO(read_raw(g, "success", H5T_NATIVE_UINT8, n, p->ok, &fo));
  if (!fo) memset(p->ok, 1, (size_t)n);
done:
  H5Gclose(g);
  return err;
}

static int open1d(lie_aug_file_job *j) {
  in1d *p;
  LIE_ALLOC(p, 1);
  j->in = p;
  LIE_CALL(lie_dataset1d_open(j->ctx, j->o->in, j->o->split[0] ? j->o->split : NULL, NULL, &p->ds));
  LIE_CALL(lie_dataset1d_sizes(p->ds, &j->n, &j->nt, &j->nx));
  snprintf(j->split, sizeof j->split, "%s", lie_dataset1d_mode(p->ds));
  j->ny = 0;
  LIE_CALL(read_params(p, j->n));
  return LIE_OK;
}

static int times1d(lie_aug_file_job *j, int i, double *t) {
  LIE_CALL(lie_dataset1d_read(((in1d *)j->in)->ds, i, NULL, t, NULL));
  return LIE_OK;
}

static int columns1d(lie_aug_file_job *j, hid_t g) {
  const in1d *p = j->in;
  char field[64];
  hid_t F = H5T_IEEE_F64LE, D = H5T_NATIVE_DOUBLE;
  hsize_t tx[2] = {(hsize_t)j->nt_out, (hsize_t)j->nx}, x[1] = {(hsize_t)j->nx}, t[1] = {(hsize_t)j->nt_out};
  const char *A = "description";
  snprintf(field, sizeof field, "pde_%d-%d", j->nt_out, j->nx);
  LIE_CALL(lie_aug_file_column(j, g, C_U, field, F, D, 3, tx, A, "transformed solution u(t, x)"));
  LIE_CALL(lie_aug_file_column(j, g, C_X, "x", F, D, 2, x, A, "grid x of the transformed data"));
  LIE_CALL(lie_aug_file_column(j, g, C_DX, "dx", F, D, 1, NULL, A, "grid spacing"));
  LIE_CALL(lie_aug_file_column(j, g, C_T, "t", F, D, 2, t, A, "transformed times"));
  LIE_CALL(lie_aug_file_column(j, g, C_DT, "dt", F, D, 1, NULL, A, "mean time spacing of t"));
  LIE_CALL(lie_aug_file_column(j, g, C_L, "L", F, D, 1, NULL, A,
                               "period of the transformed data (window length if not periodic)"));
  if (p->hasT) LIE_CALL(lie_aug_file_column(j, g, C_TT, "T", F, D, 1, NULL, A, "transformed final time"));
  if (p->hasnu) LIE_CALL(lie_aug_file_column(j, g, C_NU, "nu", F, D, 1, NULL, A, "viscosity (invariant)"));
  LIE_CALL(lie_aug_file_column(j, g, C_SEED, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, 1, NULL, A,
                               "seed of the source trajectory"));
  LIE_CALL(lie_aug_file_column(j, g, C_OK, "success", H5T_STD_U8LE, H5T_NATIVE_UINT8, 1, NULL, A,
                               "1 if the source solve succeeded"));
  LIE_CALL(lie_aug_file_column(j, g, C_SHIFT, "aug_t_shift", F, D, 1, NULL, A,
                               "time shift applied (rounded to whole frames)"));
  if (j->o->mode == LIE_AUG_COORDS) {
    LIE_CALL(lie_aug_file_column(j, g, C_CX, "coord_x", F, D, 3, tx, A, "mapped x coordinate of each sample"));
    LIE_CALL(lie_aug_file_column(j, g, C_CT, "coord_t", F, D, 3, tx, A, "mapped t coordinate of each sample"));
  }
  return LIE_OK;
}

/* The final time maps like any time (pure shifts in grid mode: by the rounded shift). */
static int final_time(lie_aug_file_job *j, double T, const lie_aug_info *info, double *out) {
  double x = 0, t = T, u = 0;
  const lie_aug_seq *s = &j->seq;
  for (int k = 0; k < s->n; k++)
    LIE_CALL(lie_aug1d_point(j->pde, s->op[k].gen, s->op[k].eps, &x, &t, &u));
  *out = (j->o->gen == LIE_AUG_T_SHIFT && j->o->mode == LIE_AUG_GRID) ? T + info->t_shift : t;
  return LIE_OK;
}

static int transform1d(lie_aug_file_job *j, int i) {
  const in1d *p = j->in;
  const int nt = j->nt, nx = j->nx, nt_out = j->nt_out;
  lie_field1d in, out = {0};
  lie_aug_info info;
  int err = LIE_OK;
  LIE_CALL(lie_field1d_alloc(nt, nx, 0, &in));
  LIE_CALL_GOTO(lie_dataset1d_read(p->ds, i, in.u, in.t, in.x));
  in.L = p->hasL ? p->L[i] : nx * (in.x[1] - in.x[0]);
  in.periodic = 1;
  LIE_CALL_GOTO(lie_aug1d_apply(&j->seq, j->o->mode, &in, &out, &info));
  size_t cnt = (size_t)nt_out * nx;
  memcpy(j->col[C_U].buf, out.u, cnt * sizeof(double));
  memcpy(j->col[C_X].buf, out.x, (size_t)nx * sizeof(double));
  memcpy(j->col[C_T].buf, out.t, (size_t)nt_out * sizeof(double));
  *lie_aug_file_row(j, C_DX) = out.L / nx;
  *lie_aug_file_row(j, C_DT) = nt_out > 1 ? (out.t[nt_out - 1] - out.t[0]) / (nt_out - 1) : (p->hasdt ? p->dt[i] : 0);
  *lie_aug_file_row(j, C_L) = out.L;
  *(uint64_t *)j->col[C_SEED].buf = p->seed[i];
  *(uint8_t *)j->col[C_OK].buf = p->ok[i];
  *lie_aug_file_row(j, C_SHIFT) = info.t_shift;
  if (j->col[C_NU].buf) *lie_aug_file_row(j, C_NU) = p->nu[i];
  if (j->col[C_TT].buf) LIE_CALL_GOTO(final_time(j, p->T[i], &info, lie_aug_file_row(j, C_TT)));
  if (j->col[C_CX].buf) {
    memcpy(j->col[C_CX].buf, out.X, cnt * sizeof(double));
    memcpy(j->col[C_CT].buf, out.T, cnt * sizeof(double));
  }
done:
  lie_field1d_free(&in);
  lie_field1d_free(&out);
  return err;
}

static void close1d(lie_aug_file_job *j) {
  in1d *p = j->in;
  lie_dataset1d_close(&p->ds);
  free(p->L), free(p->T), free(p->nu), free(p->dt), free(p->seed), free(p->ok);
  free(p);
  j->in = NULL;
}

const lie_aug_file_ops lie_aug_file_ops_1d = {"1D", open1d, times1d, columns1d, transform1d, close1d};
