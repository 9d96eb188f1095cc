/* lie_aug_file's table for Navier–Stokes files (PDEArena layout: /<mode>/u, vx, vy
 * (N, nt, nx, ny), t, x, y, dt, dx, dy, buo_y, seed, success), plus aug_t_shift and, in coords
 * mode, coord_x, coord_y, coord_t. Closed-box data are treated as periodic by grid mode:
 * rotations, x shifts and boosts are approximate there. */
#include "file_impl.h"

#include <string.h>

enum { N_U, N_VX, N_VY, N_T, N_X, N_Y, N_DT, N_DX, N_DY, N_B, N_SEED, N_OK, N_SHIFT, N_CX, N_CY, N_CT, N_COUNT };
static const char *ns_names[N_COUNT] = {"u",           "vx",      "vy",      "t",      "x",    "y",
                                        "dt",          "dx",      "dy",      "buo_y",  "seed", "success",
                                        "aug_t_shift", "coord_x", "coord_y", "coord_t"};

typedef struct {
  hid_t file, group, d[N_SHIFT]; /* input datasets (-1: absent) */
} in_ns;

static int open_ns(lie_aug_file_job *j) {
  in_ns *p;
  LIE_ALLOC(p, 1);
  j->in = p;
  p->file = p->group = -1;
  for (int c = 0; c < N_SHIFT; c++)
    p->d[c] = -1;
  LIE_CALL(lie_h5_open(j->ctx, j->o->in, &p->file));
  LIE_CALL(lie_h5_pick_mode(p->file, j->o->in, j->o->split[0] ? j->o->split : NULL, j->split, sizeof j->split));
  LIE_H5(p->group = H5Gopen2(p->file, j->split, H5P_DEFAULT));
  lie_shape sh = {0}; /* the NS layout's validation, as every reader runs it (io/schema.c) */
  LIE_CALL(lie_schema_check(p->group, j->o->in, j->split, LIE_LAYOUT_NS, NULL, &sh));
  j->n = (int)sh.n, j->nt = (int)sh.nt, j->nx = (int)sh.nx, j->ny = (int)sh.ny;
  for (int c = 0; c < N_SHIFT; c++) {
    if (c <= N_Y)
      LIE_CHECK(lie_h5_exists(p->group, ns_names[c]), LIE_ERR_FORMAT, "NS file lacks dataset '%s'", ns_names[c]);
    if (lie_h5_exists(p->group, ns_names[c])) LIE_H5(p->d[c] = H5Dopen2(p->group, ns_names[c], H5P_DEFAULT));
  }
  return LIE_OK;
}

static int times_ns(lie_aug_file_job *j, int i, double *t) {
  LIE_CALL(lie_h5_rows_read(((in_ns *)j->in)->d[N_T], H5T_NATIVE_DOUBLE, (hsize_t)i, 1, (size_t)j->nt, t));
  return LIE_OK;
}

/* Every input dataset is copied (the ones the map changes recomputed), then the shift and
 * the coordinate channels. */
static int columns_ns(lie_aug_file_job *j, hid_t g) {
  const in_ns *p = j->in;
  hsize_t field[3] = {(hsize_t)j->nt_out, (hsize_t)j->nx, (hsize_t)j->ny}, t[1] = {(hsize_t)j->nt_out},
          x[1] = {(hsize_t)j->nx}, y[1] = {(hsize_t)j->ny};
  for (int c = 0; c < N_COUNT; c++) {
    int want = c < N_SHIFT ? p->d[c] >= 0 : (c == N_SHIFT || j->o->mode == LIE_AUG_COORDS);
    if (!want) continue;
    int rank = 1;
    const hsize_t *tr = NULL;
    hid_t ft = H5T_IEEE_F64LE, mt = H5T_NATIVE_DOUBLE;
    if (c <= N_VY || c >= N_CX) tr = field, rank = 4;
    if (c == N_T) tr = t, rank = 2;
    if (c == N_X || c == N_Y) tr = c == N_X ? x : y, rank = 2;
    if (c == N_SEED) ft = H5T_STD_U64LE, mt = H5T_NATIVE_UINT64;
    if (c == N_OK) ft = H5T_STD_U8LE, mt = H5T_NATIVE_UINT8;
    LIE_CALL(lie_aug_file_column(j, g, c, ns_names[c], ft, mt, rank, tr, "axes",
                                 rank == 4   ? "traj,t,x,y"
                                 : rank == 2 ? "traj,*"
                                             : "traj"));
  }
  return LIE_OK;
}

static int read_field(const in_ns *p, int i, lie_field_ns *f) {
  double *dst[6] = {f->u, f->vx, f->vy, f->t, f->x, f->y};
  size_t field = (size_t)f->nt * f->nx * f->ny,
         len[6] = {field, field, field, (size_t)f->nt, (size_t)f->nx, (size_t)f->ny};
  for (int c = 0; c <= N_Y; c++)
    LIE_CALL(lie_h5_rows_read(p->d[c], H5T_NATIVE_DOUBLE, (hsize_t)i, 1, len[c], dst[c]));
  f->Lx = f->nx * (f->x[1] - f->x[0]), f->Ly = f->ny * (f->y[1] - f->y[0]), f->periodic = 1;
  return LIE_OK;
}

static int transform_ns(lie_aug_file_job *j, int i) {
  const in_ns *p = j->in;
  const int nx = j->nx, ny = j->ny, nt_out = j->nt_out;
  lie_field_ns in, out = {0};
  lie_aug_info info;
  int err = LIE_OK;
  LIE_CALL(lie_field_ns_alloc(j->nt, nx, ny, 0, 0, &in));
  LIE_CALL_GOTO(read_field(p, i, &in));
  LIE_CALL_GOTO(lie_aug_ns_apply(&j->seq, j->o->mode, &in, &out, &info));
  size_t cnt = (size_t)nt_out * nx * ny;
  const double *src[6] = {out.u, out.vx, out.vy, out.t, out.x, out.y};
  size_t len[6] = {cnt, cnt, cnt, (size_t)nt_out, (size_t)nx, (size_t)ny};
  for (int c = 0; c <= N_Y; c++)
    memcpy(j->col[c].buf, src[c], len[c] * sizeof(double));
  /* per-trajectory scalars: copied from the input, then the ones the map changes */
  for (int c = N_DT; c <= N_OK; c++)
    if (p->d[c] >= 0) LIE_CALL_GOTO(lie_h5_rows_read(p->d[c], j->col[c].mt, (hsize_t)i, 1, 1, j->col[c].buf));
  if (nt_out > 1 && j->col[N_DT].buf) *lie_aug_file_row(j, N_DT) = (out.t[nt_out - 1] - out.t[0]) / (nt_out - 1);
  if (j->col[N_DX].buf) *lie_aug_file_row(j, N_DX) = out.Lx / nx;
  if (j->col[N_DY].buf) *lie_aug_file_row(j, N_DY) = out.Ly / ny;
  *lie_aug_file_row(j, N_SHIFT) = info.t_shift;
  if (j->col[N_CX].buf) {
    memcpy(j->col[N_CX].buf, out.X, cnt * sizeof(double));
    memcpy(j->col[N_CY].buf, out.Y, cnt * sizeof(double));
    memcpy(j->col[N_CT].buf, out.T, cnt * sizeof(double));
  }
done:
  lie_field_ns_free(&in);
  lie_field_ns_free(&out);
  return err;
}

static void close_ns(lie_aug_file_job *j) {
  in_ns *p = j->in;
  for (int c = 0; c < N_SHIFT; c++)
    if (p->d[c] >= 0) H5Dclose(p->d[c]);
  if (p->group >= 0) H5Gclose(p->group);
  lie_h5_close(&p->file);
  free(p);
  j->in = NULL;
}

const lie_aug_file_ops lie_aug_file_ops_ns = {"NS", open_ns, times_ns, columns_ns, transform_ns, close_ns};
