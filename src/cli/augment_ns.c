/* `liereg augment` for Navier–Stokes files (PDEArena layout: /<mode>/u, vx, vy (N, nt, nx, ny),
 * t, x, y, dt, dx, dy, buo_y, seed, success). Same conventions as the 1D command: one generator
 * with a fixed eps on every trajectory, round-robin over ranks, collective row writes, a time
 * shift crops every trajectory by the largest rounded shift in the file. Closed-box data are
 * treated as periodic by grid mode: rotations, x shifts and boosts are approximate there. */
#include <math.h>
#include <string.h>

#include "cli.h"

enum { N_U, N_VX, N_VY, N_T, N_X, N_Y, N_DT, N_DX, N_DY, N_B, N_SEED, N_OK, N_SHIFT, N_CX, N_CY, N_CT, N_COUNT };
static const char *ns_names[N_COUNT] = {"u",           "vx",      "vy",      "t",      "x",    "y",
                                        "dt",          "dx",      "dy",      "buo_y",  "seed", "success",
                                        "aug_t_shift", "coord_x", "coord_y", "coord_t"};

typedef struct {
  hid_t in[N_COUNT], out[N_COUNT], mt[N_COUNT];
  void *buf[N_COUNT];
  size_t row[N_COUNT]; /* elements per output row */
} ns_io;

static int ns_open_inputs(hid_t g, ns_io *io) {
  for (int c = 0; c < N_COUNT; c++) {
    io->in[c] = -1;
    if (c <= N_Y) LIE_CHECK(lie_h5_exists(g, ns_names[c]), LIE_ERR_FORMAT, "NS file lacks dataset '%s'", ns_names[c]);
    if (c < N_SHIFT && lie_h5_exists(g, ns_names[c])) LIE_H5(io->in[c] = H5Dopen2(g, ns_names[c], H5P_DEFAULT));
  }
  return LIE_OK;
}

static int ns_create_outputs(hid_t g, ns_io *io, int n, int nt, int nx, int ny, int coords) {
  for (int c = 0; c < N_COUNT; c++) {
    io->out[c] = -1, io->buf[c] = NULL;
    int want = c < N_SHIFT ? io->in[c] >= 0 : (c == N_SHIFT || coords);
    if (!want) continue;
    hsize_t dims[4] = {(hsize_t)n, 1, 1, 1};
    int rank = 1;
    hid_t ft = H5T_IEEE_F64LE;
    io->mt[c] = H5T_NATIVE_DOUBLE;
    if (c <= N_VY || c >= N_CX) dims[1] = nt, dims[2] = nx, dims[3] = ny, rank = 4;
    if (c == N_T) dims[1] = nt, rank = 2;
    if (c == N_X || c == N_Y) dims[1] = c == N_X ? nx : ny, rank = 2;
    if (c == N_SEED) ft = H5T_STD_U64LE, io->mt[c] = H5T_NATIVE_UINT64;
    if (c == N_OK) ft = H5T_STD_U8LE, io->mt[c] = H5T_NATIVE_UINT8;
    io->row[c] = (size_t)dims[1] * dims[2] * dims[3];
    LIE_CALL(lie_h5_dataset_create(g, ns_names[c], ft, rank, dims, &io->out[c]));
    LIE_CALL(lie_h5_attr_set_string(io->out[c], "axes", rank == 4 ? "traj,t,x,y" : rank == 2 ? "traj,*" : "traj"));
    io->buf[c] = calloc(io->row[c], 8);
    LIE_CHECK(io->buf[c], LIE_ERR_MEM, "out of memory");
  }
  return LIE_OK;
}

static void ns_close(ns_io *io) {
  for (int c = 0; c < N_COUNT; c++) {
    if (io->in[c] >= 0) H5Dclose(io->in[c]);
    if (io->out[c] >= 0) H5Dclose(io->out[c]);
    free(io->buf[c]);
    io->in[c] = io->out[c] = -1, io->buf[c] = NULL;
  }
}

/* Largest |round(eps / dt_i)| over the file for a grid-mode time shift. */
static int ns_frames_out(lie_ctx ctx, ns_io *io, int n, int nt, lie_aug_gen g, double eps, lie_aug_mode mode,
                         int *nt_out) {
  int kmax = 0;
  *nt_out = nt;
  if (g != LIE_AUG_T_SHIFT || mode != LIE_AUG_GRID || nt < 2) return LIE_OK;
  double *t;
  LIE_ALLOC(t, nt);
  int e = 0;
  for (int i = lie_ctx_rank(ctx); i < n && !e; i += lie_ctx_size(ctx)) {
    e = lie_h5_rows_read(io->in[N_T], H5T_NATIVE_DOUBLE, (hsize_t)i, 1, (size_t)nt, t);
    int k = e ? 0 : lie_shift_frames(eps, (t[nt - 1] - t[0]) / (nt - 1), nt);
    if (k > kmax) kmax = k;
  }
  free(t);
  LIE_CALL(lie_ctx_agree(ctx, e)); /* a read that failed on one rank only */
  LIE_MPI(MPI_Allreduce(MPI_IN_PLACE, &kmax, 1, MPI_INT, MPI_MAX, lie_ctx_comm(ctx)));
  *nt_out = nt - kmax;
  LIE_CHECK(*nt_out >= 1, LIE_ERR_USAGE, "-aug_eps %g shifts by %d frames: nothing of the %d-frame window is left", eps,
            kmax, nt);
  return LIE_OK;
}

static int ns_read(ns_io *io, int i, lie_field_ns *f) {
  double *dst[6] = {f->u, f->vx, f->vy, f->t, f->x, f->y};
  size_t field = (size_t)f->nt * f->nx * f->ny,
         len[6] = {field, field, field, (size_t)f->nt, (size_t)f->nx, (size_t)f->ny};
  for (int c = 0; c <= N_Y; c++)
    LIE_CALL(lie_h5_rows_read(io->in[c], H5T_NATIVE_DOUBLE, (hsize_t)i, 1, len[c], dst[c]));
  f->Lx = f->nx * (f->x[1] - f->x[0]), f->Ly = f->ny * (f->y[1] - f->y[0]), f->periodic = 1;
  return LIE_OK;
}

static int ns_transform_one(ns_io *io, const lie_aug_seq *s, lie_aug_mode mode, int i, int nt, int nx, int ny,
                            int nt_out) {
  lie_field_ns in, out;
  lie_aug_info info;
  LIE_CALL(lie_field_ns_alloc(nt, nx, ny, 0, 0, &in));
  int e = ns_read(io, i, &in);
  if (!e) e = lie_aug_ns_apply(s, mode, &in, &out, &info);
  lie_field_ns_free(&in);
  LIE_CALL(e);
  size_t cnt = (size_t)nt_out * nx * ny;
  const double *src[N_COUNT] = {out.u, out.vx, out.vy, out.t, out.x, out.y};
  size_t len[6] = {cnt, cnt, cnt, (size_t)nt_out, (size_t)nx, (size_t)ny};
  for (int c = 0; c <= N_Y; c++)
    memcpy(io->buf[c], src[c], len[c] * sizeof(double));
  /* per-trajectory scalars: copied from the input, then the ones the map changes */
  for (int c = N_DT; c <= N_OK && !e; c++)
    if (io->in[c] >= 0) e = lie_h5_rows_read(io->in[c], io->mt[c], (hsize_t)i, 1, 1, io->buf[c]);
  if (nt_out > 1) *(double *)io->buf[N_DT] = (out.t[nt_out - 1] - out.t[0]) / (nt_out - 1);
  if (io->buf[N_DX]) *(double *)io->buf[N_DX] = out.Lx / nx;
  if (io->buf[N_DY]) *(double *)io->buf[N_DY] = out.Ly / ny;
  *(double *)io->buf[N_SHIFT] = info.t_shift;
  if (io->buf[N_CX]) {
    memcpy(io->buf[N_CX], out.X, cnt * sizeof(double));
    memcpy(io->buf[N_CY], out.Y, cnt * sizeof(double));
    memcpy(io->buf[N_CT], out.T, cnt * sizeof(double));
  }
  lie_field_ns_free(&out);
  LIE_CALL(e);
  return LIE_OK;
}

int lie_cli_augment_ns(lie_ctx ctx, const char *in, const char *tmp, const char *split, const char *group,
                       lie_aug_gen g, double eps, lie_aug_mode mode) {
  hid_t fin = -1, gin = -1, fout = -1, gout = -1;
  hsize_t dims[8] = {0};
  int nt_out = 0, e;
  ns_io io;
  lie_aug_seq s;
  for (int c = 0; c < N_COUNT; c++)
    io.in[c] = io.out[c] = -1, io.buf[c] = NULL;
  LIE_CALL(lie_aug_seq_init(LIE_PDE_NS, &s));
  LIE_CALL(lie_aug_seq_push(&s, g, eps));
  LIE_CALL(lie_h5_open(ctx, in, &fin));
  const char *modes[] = {"train", "valid", "test"};
  for (int i = 0; i < 3 && !split; i++)
    if (lie_h5_exists(fin, modes[i])) split = modes[i];
  e = split && lie_h5_exists(fin, split)
          ? 0
          : lie_error_set(LIE_ERR_FORMAT, __FILE__, __LINE__, __func__, "%s has no data group", in);
  if (!e && (gin = H5Gopen2(fin, split, H5P_DEFAULT)) < 0) e = LIE_ERR_HDF5;
  lie_shape sh = {0}; /* the NS layout's validation, as every reader runs it (io/schema.c) */
  if (!e) e = lie_schema_check(gin, in, split, LIE_LAYOUT_NS, NULL, &sh);
  if (!e) dims[0] = (hsize_t)sh.n, dims[1] = (hsize_t)sh.nt, dims[2] = (hsize_t)sh.nx, dims[3] = (hsize_t)sh.ny;
  if (!e) e = ns_open_inputs(gin, &io);
  int n = (int)dims[0], nt = (int)dims[1], nx = (int)dims[2], ny = (int)dims[3];
  if (!e) e = ns_frames_out(ctx, &io, n, nt, g, eps, mode, &nt_out);
  if (!e) e = lie_h5_create(ctx, tmp, &fout);
  if (!e) e = lie_h5_stamp(fout, "ns");
  if (!e) e = lie_h5_attr_set_string(fout, "aug_group", group);
  if (!e) e = lie_h5_attr_set_double(fout, "aug_eps", eps);
  if (!e) e = lie_h5_attr_set_string(fout, "aug_mode", lie_aug_mode_name(mode));
  if (!e) e = lie_h5_attr_set_string(fout, "aug_source", in);
  if (!e && (gout = H5Gcreate2(fout, split, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0) e = LIE_ERR_HDF5;
  if (!e) e = ns_create_outputs(gout, &io, n, nt_out, nx, ny, mode == LIE_AUG_COORDS);
  if (!e) e = lie_h5_reserve(fout);
  int size = lie_ctx_size(ctx), me = lie_ctx_rank(ctx);
  for (int r = 0; !e && r < (n + size - 1) / size; r++) {
    int i = r * size + me, have = i < n;
    PetscLogEventBegin(lie_events.augment, 0, 0, 0, 0);
    if (have) e = ns_transform_one(&io, &s, mode, i, nt, nx, ny, nt_out);
    PetscLogEventEnd(lie_events.augment, 0, 0, 0, 0);
    for (int c = 0; c < N_COUNT && !e; c++)
      if (io.out[c] >= 0) e = lie_h5_rows_write(io.out[c], io.mt[c], have ? (hsize_t)i : 0, 1, have ? 1 : 0, io.buf[c]);
  }
  ns_close(&io);
  if (gin >= 0) H5Gclose(gin);
  if (gout >= 0) H5Gclose(gout);
  lie_h5_close(&fin);
  int ce = fout >= 0 ? lie_h5_close(&fout) : 0;
  LIE_CALL(e);
  LIE_CALL(ce);
  lie_log_info(ctx, "augment: %d NS trajectories, %s eps=%g (%s mode), %d x %d x %d", n, group, eps,
               lie_aug_mode_name(mode), nt_out, nx, ny);
  return LIE_OK;
}
