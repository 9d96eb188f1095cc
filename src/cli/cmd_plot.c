/* liereg plot -i FILE.h5 -index K -o K.png [-views] [-field u|vx|vy] [-aug_* options]
 * Renders trajectory K as a space-time heat map (1D: x to the right, t downwards) or a strip
 * of frames (NS: x to the right, y upwards), with a diverging blue-white-red colour map
 * symmetric about 0. With -views the trajectory is followed by two views sampled with the
 * -aug_* options (seeds derived from -seed and K), on the same colour scale. PNG via libpng. */
#include <limits.h>
#include <math.h>
#include <png.h>
#include <string.h>

#include "cli.h"

typedef struct {
  int w, h;
  uint8_t *rgb;
} lie_image;

static void colour(double v, double vmax, uint8_t *c) {
  double a = vmax > 0 ? v / vmax : 0;
  a = a > 1 ? 1 : (a < -1 ? -1 : a);
  if (!isfinite(v)) { /* NaN/Inf in magenta so they cannot hide */
    c[0] = 255, c[1] = 0, c[2] = 255;
    return;
  }
  double r = a >= 0 ? 1.0 : 1.0 + a, b = a <= 0 ? 1.0 : 1.0 - a, g = 1.0 - fabs(a);
  c[0] = (uint8_t)(255 * (0.23 + 0.77 * r) + 0.5), c[1] = (uint8_t)(255 * (0.15 + 0.85 * g) + 0.5);
  c[2] = (uint8_t)(255 * (0.25 + 0.75 * b) + 0.5);
  if (a > 0) c[2] = (uint8_t)(c[2] * (1 - 0.2 * a)), c[1] = (uint8_t)(c[1] * (1 - 0.1 * a));
}

static int image_alloc(lie_image *im, int w, int h) {
  im->w = w, im->h = h;
  LIE_ALLOC(im->rgb, (size_t)3 * w * h);
  memset(im->rgb, 255, (size_t)3 * w * h);
  return LIE_OK;
}

/* Paints an nr x nc array (row-major) at (x0, y0) with s x sy pixels per value; transpose = 1
 * draws rows as columns with column 0 at the bottom (NS frames [x][y]). */
static void paint(lie_image *im, const double *a, int nr, int nc, int x0, int y0, int s, int sy, double vmax,
                  int transpose) {
  for (int r = 0; r < nr; r++)
    for (int c = 0; c < nc; c++) {
      uint8_t col[3];
      colour(a[(size_t)r * nc + c], vmax, col);
      /* NS frames are [x][y]: x to the right, y upwards */
      int px = transpose ? r : c, py = transpose ? (nc - 1 - c) : r;
      for (int i = 0; i < sy; i++)
        for (int j = 0; j < s; j++) {
          int X = x0 + px * s + j, Y = y0 + py * sy + i;
          if (X < im->w && Y < im->h) memcpy(im->rgb + 3 * ((size_t)Y * im->w + X), col, 3);
        }
    }
}

static int write_png(const char *path, const lie_image *im) {
  FILE *f = fopen(path, "wb");
  LIE_CHECK(f, LIE_ERR_IO, "cannot write %s", path);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!png || !info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    fclose(f);
    LIE_ERROR(LIE_ERR_IO, "libpng failed writing %s", path);
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, (png_uint_32)im->w, (png_uint_32)im->h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < im->h; y++)
    png_write_row(png, im->rgb + (size_t)3 * y * im->w);
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  LIE_CHECK(fclose(f) == 0, LIE_ERR_IO, "cannot write %s (disk full?)", path);
  return LIE_OK;
}

static double absmax(const double *a, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(a[i]) && fabs(a[i]) > m) m = fabs(a[i]);
  return m;
}

typedef struct {
  char in[PATH_MAX], out[PATH_MAX], split[16], field[8], pde[16];
  PetscInt index, seed, frames;
  PetscBool views, has_split, has_pde, force;
} plot_opts;

/* ------------------------------------------------------------ 1D */
static int plot1d(lie_ctx ctx, const plot_opts *o, const lie_aug_cfg *cfg, lie_image *im) {
  lie_dataset1d ds;
  lie_field1d f = {0}, v[2] = {{0}};
  int n, nt, nx, found, e;
  LIE_CALL(lie_dataset1d_open(ctx, o->in, o->has_split ? o->split : NULL, NULL, &ds));
  e = lie_dataset1d_sizes(ds, &n, &nt, &nx);
  if (!e && (o->index < 0 || o->index >= n))
    e = lie_error_set(LIE_ERR_USAGE, __FILE__, __LINE__, __func__, "-index %d out of range: %s has %d trajectories",
                      (int)o->index, o->in, n);
  if (!e) e = lie_field1d_alloc(nt, nx, 0, &f);
  if (!e) e = lie_dataset1d_read(ds, (int)o->index, f.u, f.t, f.x);
  double *L = NULL;
  if (!e && (L = malloc(sizeof(double) * n))) e = lie_dataset1d_read_param(ds, "L", L, &found);
  if (!e) f.L = found ? L[o->index] : nx * (f.x[1] - f.x[0]), f.periodic = 1;
  free(L);
  lie_dataset1d_close(&ds);
  for (int k = 0; k < 2 && !e && o->views; k++)
    e = lie_aug_view1d(cfg, lie_seed_derive((uint64_t)o->seed, (uint64_t)o->index, (uint64_t)k), &f, &v[k]);
  if (e) {
    lie_field1d_free(&f), lie_field1d_free(&v[0]), lie_field1d_free(&v[1]);
    LIE_CALL(e);
  }
  /* at least ~256 pixels tall so short windows stay visible */
  int s = nx >= 512 ? 1 : (nx >= 256 ? 2 : 4), sy = nt * s >= 256 ? s : (256 + nt - 1) / nt, gap = 10;
  int W = nx * s, H = nt * sy;
  if (o->views) W += gap + v[0].nx * s + gap + v[1].nx * s;
  double vmax = absmax(f.u, (size_t)nt * nx);
  e = image_alloc(im, W, H);
  if (!e) {
    paint(im, f.u, nt, nx, 0, 0, s, sy, vmax, 0);
    if (o->views) {
      paint(im, v[0].u, v[0].nt, v[0].nx, nx * s + gap, 0, s, sy, vmax, 0);
      paint(im, v[1].u, v[1].nt, v[1].nx, nx * s + gap + v[0].nx * s + gap, 0, s, sy, vmax, 0);
    }
  }
  lie_field1d_free(&f), lie_field1d_free(&v[0]), lie_field1d_free(&v[1]);
  LIE_CALL(e);
  return LIE_OK;
}

/* ------------------------------------------------------------ NS */
static int read_ns_row(hid_t g, const char *name, int index, size_t len, double *buf) {
  hid_t d;
  LIE_H5(d = H5Dopen2(g, name, H5P_DEFAULT));
  int e = lie_h5_rows_read(d, H5T_NATIVE_DOUBLE, (hsize_t)index, 1, len, buf);
  H5Dclose(d);
  LIE_CALL(e);
  return LIE_OK;
}

static int read_ns(lie_ctx ctx, const plot_opts *o, lie_field_ns *f) {
  hid_t file, g = -1;
  hsize_t dims[8];
  int rank;
  LIE_CALL(lie_h5_open(ctx, o->in, &file));
  const char *modes[] = {"train", "valid", "test"}, *mode = o->has_split ? o->split : NULL;
  for (int i = 0; i < 3 && !mode; i++)
    if (lie_h5_exists(file, modes[i])) mode = modes[i];
  int e = mode && lie_h5_exists(file, mode)
              ? 0
              : lie_error_set(LIE_ERR_FORMAT, __FILE__, __LINE__, __func__, "%s has no data group", o->in);
  if (!e && (g = H5Gopen2(file, mode, H5P_DEFAULT)) < 0) e = LIE_ERR_HDF5;
  lie_shape sh = {0}; /* the NS layout's validation, as every reader runs it (io/schema.c) */
  if (!e) e = lie_schema_check(g, o->in, mode, LIE_LAYOUT_NS, NULL, &sh);
  if (!e)
    rank = 4, dims[0] = (hsize_t)sh.n, dims[1] = (hsize_t)sh.nt, dims[2] = (hsize_t)sh.nx, dims[3] = (hsize_t)sh.ny;
  if (!e && (rank != 4 || o->index < 0 || (hsize_t)o->index >= dims[0]))
    e = lie_error_set(LIE_ERR_USAGE, __FILE__, __LINE__, __func__, "-index %d not in %s (u has %llu trajectories)",
                      (int)o->index, o->in, rank == 4 ? (unsigned long long)dims[0] : 0ull);
  if (!e) e = lie_field_ns_alloc((int)dims[1], (int)dims[2], (int)dims[3], 0, 0, f);
  if (!e) e = read_ns_row(g, "u", (int)o->index, (size_t)dims[1] * dims[2] * dims[3], f->u);
  if (!e) e = read_ns_row(g, "vx", (int)o->index, (size_t)dims[1] * dims[2] * dims[3], f->vx);
  if (!e) e = read_ns_row(g, "vy", (int)o->index, (size_t)dims[1] * dims[2] * dims[3], f->vy);
  if (!e) e = read_ns_row(g, "x", (int)o->index, (size_t)dims[2], f->x);
  if (!e) e = read_ns_row(g, "y", (int)o->index, (size_t)dims[3], f->y);
  if (!e) e = read_ns_row(g, "t", (int)o->index, (size_t)dims[1], f->t);
  if (g >= 0) H5Gclose(g);
  lie_h5_close(&file);
  LIE_CALL(e);
  /* Box data are treated as periodic by the grid-mode maps: approximate there (DESIGN §6). */
  f->Lx = f->nx * (f->x[1] - f->x[0]), f->Ly = f->ny * (f->y[1] - f->y[0]), f->periodic = 1;
  return LIE_OK;
}

static const double *ns_channel(const lie_field_ns *f, const char *name) {
  return !strcmp(name, "vx") ? f->vx : !strcmp(name, "vy") ? f->vy : f->u;
}

static void paint_strip(lie_image *im, const lie_field_ns *f, const char *field, int frames, int y0, double vmax) {
  int nf = frames < f->nt ? frames : f->nt, gap = 4;
  size_t fr = (size_t)f->nx * f->ny;
  for (int k = 0; k < nf; k++) {
    int m = nf > 1 ? (int)((long)k * (f->nt - 1) / (nf - 1)) : 0;
    paint(im, ns_channel(f, field) + m * fr, f->nx, f->ny, k * (f->nx + gap), y0, 1, 1, vmax, 1);
  }
}

static int plot_ns(lie_ctx ctx, const plot_opts *o, const lie_aug_cfg *cfg, lie_image *im) {
  lie_field_ns f = {0}, v[2] = {{0}};
  LIE_CALL(read_ns(ctx, o, &f));
  int e = 0;
  for (int k = 0; k < 2 && !e && o->views; k++)
    e = lie_aug_view_ns(cfg, lie_seed_derive((uint64_t)o->seed, (uint64_t)o->index, (uint64_t)k), &f, &v[k]);
  int rows = o->views ? 3 : 1, gap = 4, nf = (int)o->frames < f.nt ? (int)o->frames : f.nt;
  double vmax = absmax(ns_channel(&f, o->field), (size_t)f.nt * f.nx * f.ny);
  if (!e) e = image_alloc(im, nf * (f.nx + gap), rows * (f.ny + 3 * gap));
  if (!e) paint_strip(im, &f, o->field, nf, 0, vmax);
  for (int k = 0; k < 2 && !e && o->views; k++)
    paint_strip(im, &v[k], o->field, nf, (k + 1) * (f.ny + 3 * gap), vmax);
  lie_field_ns_free(&f), lie_field_ns_free(&v[0]), lie_field_ns_free(&v[1]);
  LIE_CALL(e);
  return LIE_OK;
}

static int read_plot_options(lie_ctx ctx, plot_opts *o) {
  memset(o, 0, sizeof *o);
  o->seed = 0, o->frames = 8;
  snprintf(o->field, sizeof o->field, "u");
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg plot: render a trajectory (and two views) as a PNG", NULL);
  LIE_PETSC(PetscOptionsString("-i", "input dataset (HDF5, 1D or NS)", NULL, o->in, o->in, sizeof o->in, NULL));
  LIE_PETSC(PetscOptionsString("-o", "output PNG", NULL, o->out, o->out, sizeof o->out, NULL));
  LIE_PETSC(PetscOptionsInt("-index", "trajectory index", NULL, o->index, &o->index, NULL));
  LIE_PETSC(
      PetscOptionsBool("-views", "also draw two sampled views (-aug_* options)", NULL, o->views, &o->views, NULL));
  LIE_PETSC(PetscOptionsInt("-seed", "base seed of the views", NULL, o->seed, &o->seed, NULL));
  LIE_PETSC(
      PetscOptionsString("-field", "NS channel: u (smoke), vx, vy", NULL, o->field, o->field, sizeof o->field, NULL));
  LIE_PETSC(PetscOptionsInt("-frames", "NS frames in the strip", NULL, o->frames, &o->frames, NULL));
  LIE_PETSC(PetscOptionsString("-data_mode", "group: train, valid, test (default: first found)", NULL, o->split,
                               o->split, sizeof o->split, &o->has_split));
  LIE_PETSC(PetscOptionsString("-pde", "PDE when the file does not say: ks, kdv, burgers, ns", NULL, o->pde, o->pde,
                               sizeof o->pde, &o->has_pde));
  LIE_PETSC(PetscOptionsBool("-force", "overwrite the output file", NULL, o->force, &o->force, NULL));
  PetscOptionsEnd();
  return LIE_OK;
}

static int file_pde(lie_ctx ctx, const plot_opts *o, lie_pde *p) {
  char name[32] = "";
  hid_t file;
  if (o->has_pde)
    snprintf(name, sizeof name, "%s", o->pde);
  else {
    LIE_CALL(lie_h5_open(ctx, o->in, &file));
    int e = lie_h5_attr_get_string(file, "pde", name, sizeof name);
    lie_h5_close(&file);
    if (e) {
      lie_error_clear();
      LIE_ERROR(LIE_ERR_USAGE, "%s does not record its PDE: give -pde ks|kdv|burgers|ns", o->in);
    }
  }
  LIE_CALL(lie_pde_from_name(name, p));
  return LIE_OK;
}

int lie_cmd_plot(lie_ctx ctx, int nargs, char **args) {
  plot_opts o;
  lie_aug_cfg cfg;
  lie_image im = {0};
  lie_pde p = LIE_PDE_KS;
  lie_output out;
  int stop;
  LIE_CALL(read_plot_options(ctx, &o));
  PetscBool help = PETSC_FALSE;
  LIE_PETSC(PetscOptionsHasHelp(NULL, &help));
  if (!help) {
    LIE_CHECK(o.in[0], LIE_ERR_USAGE, "plot needs an input file (-i FILE.h5)");
    LIE_CALL(file_pde(ctx, &o, &p));
  }
  LIE_CALL(lie_aug_cfg_default(p, &cfg));
  LIE_CALL(lie_aug_cfg_set_from_options(ctx, &cfg));
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE, "plot takes no positional arguments (use -i FILE.h5 -o K.png)");
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CALL(lie_output_begin(&out, o.out, o.force));
  if (lie_ctx_rank(ctx) != 0) return LIE_OK; /* one picture: rank 0 draws it */
  int e = p == LIE_PDE_NS ? plot_ns(ctx, &o, &cfg, &im) : plot1d(ctx, &o, &cfg, &im);
  if (!e) e = write_png(out.tmp, &im);
  free(im.rgb);
  LIE_CALL(lie_output_end_file(&out, NULL, e));
  lie_log_info(ctx, "plot: trajectory %d of %s -> %s (%d x %d)", (int)o.index, o.in, o.out, im.w, im.h);
  return LIE_OK;
}
