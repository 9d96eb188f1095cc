/* `liereg plot`: one trajectory of a dataset file (and two sampled views) as a PNG heat map,
 * drawn with PLplot (include/liereg/report.h). 1D: panels of x (right) by t (down); NS: rows
 * of frames, x right and y up. One diverging colour map symmetric about 0 for all panels;
 * NaN/Inf cells in magenta so they cannot hide. Rank 0 reads the file through MPI_COMM_SELF
 * (the readers are collective over their context), so the other ranks never wait in a
 * collective they do not share; the error is then agreed on all ranks. */
#include "liereg/augment.h"
#include "liereg/io.h"
#include "report_impl.h"

#include <math.h>
#include <plplot.h>
#include <string.h>

#define MAX_FRAMES 64
#define MAX_PANEL_CELLS (1 << 24) /* values per panel: beyond that a picture is pointless */
#define MAGENTA 12

typedef struct {
  int nt, nx, ny; /* ny = 0: a 1D space-time panel */
  const double *v;
  const double *x, *y, *t;
} panel_data;

static double absmax(const double *a, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(a[i]) && fabs(a[i]) > m) m = fabs(a[i]);
  return m;
}

static void colour_maps(void) {
  /* blue - white - red (coolwarm end points), 256 levels */
  PLFLT pos[3] = {0, 0.5, 1}, r[3] = {0.23, 1, 0.71}, g[3] = {0.30, 1, 0.02}, b[3] = {0.75, 1, 0.15};
  plscmap1n(256);
  plscmap1l(1, 3, pos, r, g, b, NULL);
  plscol0(MAGENTA, 255, 0, 255);
}

/* An image of the (na x nb) array a[ia * nb + ib] over world [xa..xb] x [ya..yb], axis a
 * along x; non-finite values drawn as magenta cells. */
static int image(const double *a, int na, int nb, double xa, double xb, double ya, double yb, double vmax) {
  double *buf, **rows;
  LIE_ALLOC(buf, (size_t)na * nb);
  rows = malloc(sizeof(double *) * na);
  if (!rows) {
    free(buf);
    LIE_ERROR(LIE_ERR_MEM, "out of memory for a %d x %d image", na, nb);
  }
  int bad = 0;
  for (int i = 0; i < na; i++) {
    rows[i] = buf + (size_t)i * nb;
    for (int j = 0; j < nb; j++) {
      double v = a[(size_t)i * nb + j];
      bad |= !isfinite(v);
      rows[i][j] = isfinite(v) ? v : 0;
    }
  }
  plimage((PLFLT_MATRIX)rows, na, nb, xa, xb, ya, yb, -vmax, vmax, xa, xb, ya, yb);
  double dx = (xb - xa) / na, dy = (yb - ya) / nb;
  plcol0(MAGENTA);
  for (int i = 0; bad && i < na; i++)
    for (int j = 0; j < nb; j++)
      if (!isfinite(a[(size_t)i * nb + j])) {
        double cx[4] = {xa + i * dx, xa + (i + 1) * dx, xa + (i + 1) * dx, xa + i * dx};
        double cy[4] = {ya + j * dy, ya + j * dy, ya + (j + 1) * dy, ya + (j + 1) * dy};
        plfill(4, cx, cy);
      }
  free(rows), free(buf);
  return LIE_OK;
}

/* 1D: u is (nt, nx) time-major; drawn as x to the right and t downwards. */
static int panel1d(const panel_data *d, double vmax, const char *title) {
  double *ut;
  LIE_ALLOC(ut, (size_t)d->nt * d->nx);
  for (int n = 0; n < d->nt; n++) /* transpose to (nx, nt): PLplot images are [x][y] */
    for (int j = 0; j < d->nx; j++)
      ut[(size_t)j * d->nt + n] = d->v[(size_t)n * d->nx + j];
  double dx = d->x && d->nx > 1 ? d->x[1] - d->x[0] : 1, x0 = d->x ? d->x[0] : 0, x1 = x0 + d->nx * dx;
  double t0 = d->t ? d->t[0] : 0, t1 = d->t && d->nt > 1 ? d->t[d->nt - 1] : t0 + 1;
  if (!(x1 > x0)) x0 = 0, x1 = d->nx;
  if (!(t1 > t0)) t0 = 0, t1 = d->nt;
  plwind(x0, x1, t1, t0);                                  /* t grows downwards */
  int err = image(ut, d->nx, d->nt, x0, x1, t0, t1, vmax); /* row n = 0 at t0, the top */
  free(ut);
  LIE_CALL(err);
  plcol0(LIE_PL_FG);
  plbox("bcnst", 0, 0, "bcnstv", 0, 0);
  plmtex("t", 1.0, 0.5, 0.5, title);
  plmtex("b", 3.0, 0.5, 0.5, "x");
  plmtex("l", 4.0, 0.5, 0.5, "t");
  return LIE_OK;
}

/* NS: frame (nx, ny) [x][y], x to the right and y upwards. */
static int panel_ns(const panel_data *d, int frame, double vmax, const char *title, int ylab) {
  double x0 = d->x[0], x1 = x0 + d->nx * (d->x[1] - d->x[0]), y0 = d->y[0], y1 = y0 + d->ny * (d->y[1] - d->y[0]);
  if (!(x1 > x0)) x0 = 0, x1 = d->nx;
  if (!(y1 > y0)) y0 = 0, y1 = d->ny;
  plwind(x0, x1, y0, y1);
  LIE_CALL(image(d->v + (size_t)frame * d->nx * d->ny, d->nx, d->ny, x0, x1, y0, y1, vmax));
  plcol0(LIE_PL_FG);
  plbox("bc", 0, 0, "bc", 0, 0);
  plmtex("t", 0.8, 0.5, 0.5, title);
  if (ylab) plmtex("l", 1.0, 0.5, 0.5, ylab == 1 ? "trajectory" : ylab == 2 ? "view 1" : "view 2");
  return LIE_OK;
}

/* ---------------------------------------------------------------- pages */
/* The colour scale's caption under the panels (disp, pos, just: plmtex's placement). */
static void scale_caption(double vmax, double disp, double pos, double just) {
  char scale[80];
  snprintf(scale, sizeof scale, "colour: blue -%.3g, white 0, red +%.3g", vmax, vmax);
  plvpor(0, 1, 0, 1);
  plmtex("b", disp, pos, just, scale);
}

/* Closes the PLplot session whether or not a panel failed; the first error wins. */
static int page_end(int err) {
  int ended = lie_rep_pl_end();
  if (err) return err;
  LIE_CALL(ended);
  return LIE_OK;
}

static int page1d(const char *tmp, const panel_data *d, int np, double vmax, int index, int *w, int *h) {
  const int pw = 300, ph = 300, ml = 70, gap = 70, mb = 80, mt = 40;
  const char *names[3] = {"trajectory", "view 1", "view 2"};
  *w = ml + np * pw + (np - 1) * gap + 20, *h = ph + mb + mt;
  LIE_CALL(lie_rep_pl_begin_png(tmp, *w, *h));
  colour_maps();
  plschr(0, 0.9);
  int err = LIE_OK;
  for (int k = 0; k < np; k++) {
    char title[64];
    snprintf(title, sizeof title, k ? "%s" : "%s %d", names[k], index);
    double xa = (double)(ml + k * (pw + gap)) / *w;
    plvpor(xa, xa + (double)pw / *w, (double)mb / *h, 1 - (double)mt / *h);
    LIE_CALL_GOTO(panel1d(&d[k], vmax, title));
  }
  scale_caption(vmax, -1.2, 0.5, 0.5);
done:
  return page_end(err);
}

static int page_ns(const char *tmp, const panel_data *d, int np, int frames, double vmax, int *w, int *h) {
  const int ps = 140, gap = 12, ml = 60, mb = 40, mt = 40;
  int nf = frames < d[0].nt ? frames : d[0].nt;
  *w = ml + nf * (ps + gap) + 10, *h = mt + np * (ps + 2 * gap) + mb;
  LIE_CALL(lie_rep_pl_begin_png(tmp, *w, *h));
  colour_maps();
  plschr(0, 0.8);
  int err = LIE_OK;
  for (int r = 0; r < np; r++)
    for (int k = 0; k < nf; k++) {
      int m = nf > 1 ? (int)((long)k * (d[r].nt - 1) / (nf - 1)) : 0;
      double xa = (double)(ml + k * (ps + gap)) / *w, yb = 1 - (double)(mt + r * (ps + 2 * gap)) / *h;
      char title[48];
      snprintf(title, sizeof title, "t = %.3g", d[r].t ? d[r].t[m] : (double)m);
      plvpor(xa, xa + (double)ps / *w, yb - (double)ps / *h, yb);
      LIE_CALL_GOTO(panel_ns(&d[r], m, vmax, title, k == 0 ? r + 1 : 0));
    }
  scale_caption(vmax, -1.0, 0.98, 1.0);
done:
  return page_end(err);
}

/* ---------------------------------------------------------------- reading */
static int check_sizes(const char *path, int nt, int nx, int ny) {
  long cells = (long)nt * nx * (ny ? ny : 1);
  LIE_CHECK(nt >= 1 && nx >= 2 && (ny == 0 || ny >= 2) && cells <= MAX_PANEL_CELLS, LIE_ERR_FORMAT,
            "%s: a trajectory of %d x %d%s%.0d values cannot be drawn (need nt >= 1, nx%s >= 2, at most %d values)",
            path, nt, nx, ny ? " x " : "", ny, ny ? ", ny" : "", MAX_PANEL_CELLS);
  return LIE_OK;
}

static int index_in(const char *path, int index, int n) {
  LIE_CHECK(index < n, LIE_ERR_USAGE, "-index %d out of range: %s has %d trajectories", index, path, n);
  return LIE_OK;
}

static int read1d(lie_ctx self, const lie_plot_file_opts *o, lie_field1d *f) {
  lie_dataset1d ds;
  int n, nt, nx, found, err = LIE_OK;
  double *L = NULL;
  LIE_CALL(lie_dataset1d_open(self, o->in, o->split, NULL, &ds));
  LIE_CALL_GOTO(lie_dataset1d_sizes(ds, &n, &nt, &nx));
  LIE_CALL_GOTO(index_in(o->in, o->index, n));
  LIE_CALL_GOTO(check_sizes(o->in, nt, nx, 0));
  LIE_CALL_GOTO(lie_field1d_alloc(nt, nx, 0, f));
  LIE_CALL_GOTO(lie_dataset1d_read(ds, o->index, f->u, f->t, f->x));
  if (!(L = malloc(sizeof(double) * n))) LIE_SET(LIE_ERR_MEM, "out of memory");
  LIE_CALL_GOTO(lie_dataset1d_read_param(ds, "L", L, &found));
  f->L = found ? L[o->index] : nx * (f->x[1] - f->x[0]), f->periodic = 1;
done:
  free(L);
  lie_dataset1d_close(&ds);
  return err;
}

static int read_ns(lie_ctx self, const lie_plot_file_opts *o, lie_field_ns *f) {
  lie_datasetns ds;
  int n, nt, nx, ny, err = LIE_OK;
  LIE_CALL(lie_datasetns_open(self, o->in, o->split, &ds));
  LIE_CALL_GOTO(lie_datasetns_sizes(ds, &n, &nt, &nx, &ny));
  LIE_CALL_GOTO(index_in(o->in, o->index, n));
  LIE_CALL_GOTO(check_sizes(o->in, nt, nx, ny));
  LIE_CALL_GOTO(lie_field_ns_alloc(nt, nx, ny, 0, 0, f));
  LIE_CALL_GOTO(lie_datasetns_read(ds, o->index, f->u, f->vx, f->vy, f->t, f->x, f->y));
  /* box data are treated as periodic by the grid-mode maps: approximate there (docs/DESIGN.md §6) */
  f->Lx = f->nx * (f->x[1] - f->x[0]), f->Ly = f->ny * (f->y[1] - f->y[0]), f->periodic = 1;
done:
  lie_datasetns_close(&ds);
  return err;
}

static const double *ns_channel(const lie_field_ns *f, const char *name) {
  return !strcmp(name, "vx") ? f->vx : !strcmp(name, "vy") ? f->vy : f->u;
}

/* ---------------------------------------------------------------- entry points */
int lie_plot_file_check(lie_pde pde, const lie_plot_file_opts *o) {
  LIE_CHECK(o->in && o->in[0], LIE_ERR_USAGE, "plot needs an input file (-i FILE.h5)");
  LIE_CHECK(o->out && o->out[0], LIE_ERR_USAGE, "plot needs an output file (-o K.png)");
  LIE_CHECK(o->index >= 0, LIE_ERR_USAGE, "-index must be >= 0 (got %d)", o->index);
  LIE_CHECK(o->frames >= 1 && o->frames <= MAX_FRAMES, LIE_ERR_USAGE, "-frames must be in 1..%d (got %d)", MAX_FRAMES,
            o->frames);
  const char *fd = o->field ? o->field : "u";
  LIE_CHECK(!strcmp(fd, "u") || !strcmp(fd, "vx") || !strcmp(fd, "vy"), LIE_ERR_USAGE,
            "-field must be u, vx or vy (got '%s')", fd);
  LIE_CHECK(pde == LIE_PDE_NS || !strcmp(fd, "u"), LIE_ERR_USAGE, "-field %s: %s files hold only u", fd,
            lie_pde_name(pde));
  return LIE_OK;
}

int lie_plot_file_pde(lie_ctx ctx, const char *path, lie_pde *pde) {
  char name[32] = "";
  hid_t file;
  LIE_CALL(lie_h5_open(ctx, path, &file));
  int e = lie_h5_attr_get_string(file, "pde", name, sizeof name);
  lie_h5_close(&file);
  if (e) {
    lie_error_clear();
    LIE_ERROR(LIE_ERR_USAGE, "%s does not record its PDE: give -pde ks|kdv|burgers|ns", path);
  }
  LIE_CALL(lie_pde_from_name(name, pde));
  return LIE_OK;
}

static int draw1d(lie_ctx self, const lie_plot_file_opts *o, const lie_aug_opts *aug, const char *tmp, int *w, int *h) {
  lie_field1d f = {0}, v[2] = {{0}};
  int err = LIE_OK;
  LIE_CALL_GOTO(read1d(self, o, &f));
  for (int k = 0; k < 2 && o->views; k++)
    LIE_CALL_GOTO(lie_aug_view1d(aug, lie_seed_derive(o->seed, (uint64_t)o->index, (uint64_t)k), &f, &v[k]));
  panel_data d[3] = {{f.nt, f.nx, 0, f.u, f.x, NULL, f.t},
                     {v[0].nt, v[0].nx, 0, v[0].u, v[0].x, NULL, v[0].t},
                     {v[1].nt, v[1].nx, 0, v[1].u, v[1].x, NULL, v[1].t}};
  double vmax = absmax(f.u, (size_t)f.nt * f.nx);
  LIE_CALL_GOTO(page1d(tmp, d, o->views ? 3 : 1, vmax > 0 ? vmax : 1, o->index, w, h));
done:
  lie_field1d_free(&f), lie_field1d_free(&v[0]), lie_field1d_free(&v[1]);
  return err;
}

static int draw_ns(lie_ctx self, const lie_plot_file_opts *o, const lie_aug_opts *aug, const char *tmp, int *w,
                   int *h) {
  lie_field_ns f = {0}, v[2] = {{0}};
  const char *fd = o->field ? o->field : "u";
  int err = LIE_OK;
  LIE_CALL_GOTO(read_ns(self, o, &f));
  for (int k = 0; k < 2 && o->views; k++)
    LIE_CALL_GOTO(lie_aug_view_ns(aug, lie_seed_derive(o->seed, (uint64_t)o->index, (uint64_t)k), &f, &v[k]));
  panel_data d[3] = {{f.nt, f.nx, f.ny, ns_channel(&f, fd), f.x, f.y, f.t},
                     {v[0].nt, v[0].nx, v[0].ny, ns_channel(&v[0], fd), v[0].x, v[0].y, v[0].t},
                     {v[1].nt, v[1].nx, v[1].ny, ns_channel(&v[1], fd), v[1].x, v[1].y, v[1].t}};
  double vmax = absmax(d[0].v, (size_t)f.nt * f.nx * f.ny);
  LIE_CALL_GOTO(page_ns(tmp, d, o->views ? 3 : 1, o->frames, vmax > 0 ? vmax : 1, w, h));
done:
  lie_field_ns_free(&f), lie_field_ns_free(&v[0]), lie_field_ns_free(&v[1]);
  return err;
}

/* Rank 0's part: its own single-rank context for the (collective) readers, tmp + rename. */
static int plot_rank0(lie_pde pde, const lie_plot_file_opts *o, const lie_aug_opts *aug, int *w, int *h) {
  lie_output out;
  lie_ctx self;
  LIE_CALL(lie_rep_output(o->out, &out));
  LIE_CALL(lie_ctx_create(MPI_COMM_SELF, &self));
  int e = pde == LIE_PDE_NS ? draw_ns(self, o, aug, out.tmp, w, h) : draw1d(self, o, aug, out.tmp, w, h);
  lie_ctx_destroy(&self);
  LIE_CALL(lie_output_end_file(&out, NULL, e));
  return LIE_OK;
}

int lie_plot_file(lie_ctx ctx, lie_pde pde, const lie_plot_file_opts *o, const lie_aug_opts *aug, int *w, int *h) {
  int err = LIE_OK, shared, pw = 0, ph = 0;
  LIE_CALL(lie_plot_file_check(pde, o));
  if (lie_ctx_rank(ctx) == 0) err = plot_rank0(pde, o, aug, &pw, &ph);
  shared = err;
  LIE_MPI(MPI_Bcast(&shared, 1, MPI_INT, 0, lie_ctx_comm(ctx)));
  LIE_CALL(err);
  LIE_CHECK(!shared, shared, "plotting %s failed on rank 0", o->in);
  if (w) *w = pw;
  if (h) *h = ph;
  return LIE_OK;
}
