/* lie_aug_file: augment every trajectory of a dataset file (the driver; the layouts are the
 * operations tables of file1d.c and file_ns.c, chosen once from the file's PDE). */
#include "file_impl.h"

#include <math.h>
#include <petscsys.h>
#include <string.h>

void lie_aug_file_opts_default(lie_aug_file_opts *o) {
  memset(o, 0, sizeof *o);
  o->gen = LIE_AUG_T_SHIFT, o->mode = LIE_AUG_GRID;
}

/* The PDE (from the options, else the file) selects the layout's table; the generator must
 * be a symmetry of it. */
static int select_layout(lie_aug_file_job *j) {
  const lie_aug_file_opts *o = j->o;
  char name[32] = "";
  if (o->pde[0])
    snprintf(name, sizeof name, "%s", o->pde);
  else
    LIE_CALL(lie_h5_file_pde(j->ctx, o->in, name, sizeof name));
  LIE_CHECK(name[0], LIE_ERR_USAGE, "%s does not record its PDE (LPSDA file?): give -pde ks|kdv|burgers", o->in);
  LIE_CALL(lie_pde_from_name(name, &j->pde));
  j->ops = j->pde == LIE_PDE_NS ? &lie_aug_file_ops_ns : &lie_aug_file_ops_1d;
  if (lie_aug_gen_check(j->pde, o->gen)) {
    lie_error_clear();
    LIE_ERROR(LIE_ERR_USAGE, "-aug_group %s is not a symmetry of %s (see docs/AUGMENT.md for its group)",
              lie_aug_gen_name(o->gen), name);
  }
  LIE_CALL(lie_aug_seq_init(j->pde, &j->seq));
  LIE_CALL(lie_aug_seq_push(&j->seq, o->gen, o->eps));
  return LIE_OK;
}

/* The largest time-shift crop (output_frames) over this rank's trajectories (rank, rank + size, ...); t: nt. */
static int max_crop(lie_aug_file_job *j, double *t, int *kmax) {
  const int nt = j->nt;
  for (int i = lie_ctx_rank(j->ctx); i < j->n; i += lie_ctx_size(j->ctx)) {
    LIE_CALL(j->ops->times(j, i, t));
    int k = lie_shift_frames(j->o->eps, (t[nt - 1] - t[0]) / (nt - 1), nt);
    if (k > *kmax) *kmax = k;
  }
  return LIE_OK;
}

/* Frames kept: a grid-mode time shift crops by |round(eps/dt)| frames; the largest crop over
 * all trajectories (dt may differ per trajectory) sets the common output length. */
static int output_frames(lie_aug_file_job *j) {
  int kmax = 0, nt = j->nt;
  j->nt_out = nt;
  if (j->o->gen != LIE_AUG_T_SHIFT || j->o->mode != LIE_AUG_GRID || nt < 2) return LIE_OK;
  double *t;
  LIE_ALLOC(t, nt);
  int e = max_crop(j, t, &kmax);
  free(t);
  LIE_CALL(lie_ctx_agree(j->ctx, e)); /* a read that failed on one rank only */
  LIE_MPI(MPI_Allreduce(MPI_IN_PLACE, &kmax, 1, MPI_INT, MPI_MAX, lie_ctx_comm(j->ctx)));
  j->nt_out = nt - kmax;
  LIE_CHECK(j->nt_out >= 1, LIE_ERR_USAGE, "-aug_eps %g shifts by %d frames: nothing of the %d-frame window is left",
            j->o->eps, kmax, nt);
  return LIE_OK;
}

int lie_aug_file_column(lie_aug_file_job *j, hid_t g, int c, const char *name, hid_t ft, hid_t mt, int rank,
                        const hsize_t *trailing, const char *attr, const char *value) {
  hsize_t dims[8] = {(hsize_t)j->n};
  size_t row = 1;
  for (int k = 1; k < rank; k++)
    dims[k] = trailing[k - 1], row *= trailing[k - 1];
  lie_aug_col *col = &j->col[c];
  LIE_CALL(lie_h5_dataset_create(g, name, ft, rank, dims, &col->d));
  LIE_CALL(lie_h5_attr_set_string(col->d, attr, value));
  col->mt = mt, col->row = row;
  col->buf = calloc(row, 8);
  LIE_CHECK(col->buf, LIE_ERR_MEM, "out of memory");
  return LIE_OK;
}

static int create_output(lie_aug_file_job *j, const char *tmp, hid_t *file) {
  const lie_aug_file_opts *o = j->o;
  hid_t g = -1;
  LIE_CALL(lie_h5_create(j->ctx, tmp, file));
  LIE_CALL(lie_h5_stamp(*file, lie_pde_name(j->pde)));
  LIE_CALL(lie_h5_attr_set_string(*file, "aug_group", lie_aug_gen_name(o->gen)));
  LIE_CALL(lie_h5_attr_set_double(*file, "aug_eps", o->eps));
  LIE_CALL(lie_h5_attr_set_string(*file, "aug_mode", lie_aug_mode_name(o->mode)));
  LIE_CALL(lie_h5_attr_set_string(*file, "aug_source", o->in));
  LIE_H5(g = H5Gcreate2(*file, j->split, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  int e = j->ops->columns(j, g);
  H5Gclose(g);
  LIE_CALL(e);
  LIE_CALL(lie_h5_reserve(*file));
  return LIE_OK;
}

/* Rank r transforms trajectories r, r+size, ...; every rank joins every collective write. */
static int transform_all(lie_aug_file_job *j) {
  int size = lie_ctx_size(j->ctx), rank = lie_ctx_rank(j->ctx), rounds = (j->n + size - 1) / size;
  for (int r = 0; r < rounds; r++) {
    int i = r * size + rank, have = i < j->n;
    PetscLogEventBegin(lie_events.augment, 0, 0, 0, 0);
    int e = have ? j->ops->transform(j, i) : 0;
    PetscLogEventEnd(lie_events.augment, 0, 0, 0, 0);
    LIE_CALL(e);
    for (int c = 0; c < LIE_AUG_FILE_MAXCOLS; c++)
      if (j->col[c].d >= 0)
        LIE_CALL(lie_h5_rows_write(j->col[c].d, j->col[c].mt, have ? (hsize_t)i : 0, 1, have ? 1 : 0, j->col[c].buf));
  }
  return LIE_OK;
}

static int close_output(lie_aug_file_job *j, hid_t *file) {
  for (int c = 0; c < LIE_AUG_FILE_MAXCOLS; c++) {
    if (j->col[c].d >= 0) H5Dclose(j->col[c].d);
    free(j->col[c].buf);
    j->col[c].d = -1, j->col[c].buf = NULL;
  }
  if (*file >= 0) LIE_CALL(lie_h5_close(file));
  return LIE_OK;
}

static int run(lie_aug_file_job *j, const char *tmp) {
  hid_t file = -1;
  int err = LIE_OK;
  LIE_CALL(select_layout(j));
  LIE_CALL(j->ops->open(j));
  LIE_CALL(output_frames(j));
  LIE_CALL_GOTO(create_output(j, tmp, &file));
  LIE_CALL_GOTO(transform_all(j));
  LIE_CALL_GOTO(close_output(j, &file));
done:
  close_output(j, &file); /* after an error: still open (a no-op after a close) */
  return err;
}

/* The output path checked (a path that differs between nodes: the caller agrees the result). */
static int output_begin(lie_output *out, const lie_aug_file_opts *o) {
  LIE_CALL(lie_output_begin(out, o->out, o->force));
  LIE_CALL(lie_output_not_input(out, o->in, "-i"));
  return LIE_OK;
}

int lie_aug_file(lie_ctx ctx, const lie_aug_file_opts *o, lie_aug_file_result *r) {
  lie_aug_file_job j;
  lie_output out;
  memset(&j, 0, sizeof j);
  j.ctx = ctx, j.o = o, j.ops = &lie_aug_file_ops_1d;
  for (int c = 0; c < LIE_AUG_FILE_MAXCOLS; c++)
    j.col[c].d = -1;
  LIE_CHECK(isfinite(o->eps), LIE_ERR_USAGE, "-aug_eps must be finite");
  LIE_CALL(lie_ctx_agree(ctx, output_begin(&out, o)));
  int e = run(&j, out.tmp);
  if (j.in) j.ops->close(&j);
  LIE_CALL(lie_output_end(ctx, &out, e));
  if (r) r->n = j.n, r->nt = j.nt_out, r->nx = j.nx, r->ny = j.ny;
  return LIE_OK;
}
