/* Spectral resampling of periodic 2D frames (nx x ny, y fastest): exact Fourier phase shifts,
 * and evaluation at the affine image of the grid (rotations) by Fourier zero-padding to a x2
 * finer grid followed by tensor-product Lagrange interpolation (LIE_AUG_LAGRANGE points per
 * axis). A direct trigonometric sum would cost O(n^4) per frame; the padded grid keeps the
 * interpolation error at ((k h / 2)^8)-level for resolved data (docs/AUGMENT.md).
 *
 * Cost (issue 15, docs/AUGMENT.md "Cost"): the affine map's translation, the only part that
 * changes from frame to frame, is an exact phase factor applied while the spectrum is padded,
 * so the stencils (nodes and weights) depend on the linear part alone and are prepared once
 * per view; the padded field is written by FFTW into an array with ghost rows/columns, so an
 * 8 x 8 stencil reads eight contiguous rows without index wrapping (vectorised). Plans and
 * buffers are kept per thread (lie_resample2d_get), like the 1D ones. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment_impl.h"

#define GHOST_LO 3 /* rows/columns before node 0 a stencil can reach (nodes -3..4) */
#define COL_PAD 8  /* left column pad: keeps the FFT output rows 64-byte aligned */

int lie_resample2d_init(lie_resample2d *r, int nx, int ny, double Lx, double Ly, int need_affine) {
  memset(r, 0, sizeof *r);
  LIE_CHECK(nx >= 2 && ny >= 2 && Lx > 0 && Ly > 0, LIE_ERR_ARG, "resample2d: bad grid %d x %d on %g x %g", nx, ny, Lx,
            Ly);
  r->nx = nx, r->ny = ny, r->Lx = Lx, r->Ly = Ly;
  size_t nc = (size_t)nx * (ny / 2 + 1);
  r->buf = fftw_alloc_real((size_t)nx * ny);
  r->hat = fftw_alloc_complex(nc);
  r->work = fftw_alloc_complex(nc);
  LIE_CHECK(r->buf && r->hat && r->work, LIE_ERR_MEM, "resample2d: out of memory");
  lie_fftw_planner_lock(); /* the FFTW planner is not thread-safe (views on loader threads) */
  r->fwd = fftw_plan_dft_r2c_2d(nx, ny, r->buf, r->hat, FFTW_ESTIMATE);
  r->bwd = fftw_plan_dft_c2r_2d(nx, ny, r->work, r->buf, FFTW_ESTIMATE);
  lie_fftw_planner_unlock();
  LIE_CHECK(r->fwd && r->bwd, LIE_ERR_FFTW, "resample2d: FFTW plan creation failed");
  if (need_affine) {
    r->ux = 2 * nx, r->uy = 2 * ny;
    r->pw = (r->uy + 2 * COL_PAD + 7) / 8 * 8;             /* padded row: COL_PAD ghosts, uy values, ghosts */
    r->gsize = (size_t)(r->ux + LIE_AUG_LAGRANGE) * r->pw; /* a multiple of 8: grids equally aligned */
    r->up = fftw_alloc_real(LIE_RS2D_FIELDS * r->gsize);
    r->uphat = fftw_alloc_complex((size_t)r->ux * (r->uy / 2 + 1));
    LIE_CHECK(r->up && r->uphat, LIE_ERR_MEM, "resample2d: out of memory (upsampled grid)");
    /* The padded inverse transform in its two passes, the first one pruned: complex transforms
     * along x of the ny/2 + 1 columns the spectrum fills (of uy/2 + 1), then real transforms
     * along y of every row into the padded array. The 2D c2r transform does the same passes
     * over every column: this skips the zero half of the first one. */
    int ux = r->ux, uy = r->uy, uyh = r->uy / 2 + 1;
    lie_fftw_planner_lock();
    r->upcol = fftw_plan_many_dft(1, &ux, ny / 2 + 1, r->uphat, NULL, uyh, 1, r->uphat, NULL, uyh, 1, FFTW_BACKWARD,
                                  FFTW_ESTIMATE);
    r->upbwd = fftw_plan_many_dft_c2r(1, &uy, ux, r->uphat, NULL, 1, uyh, r->up + (size_t)GHOST_LO * r->pw + COL_PAD,
                                      NULL, 1, r->pw, FFTW_ESTIMATE);
    lie_fftw_planner_unlock();
    LIE_CHECK(r->upcol && r->upbwd, LIE_ERR_FFTW, "resample2d: FFTW plan creation failed (upsampled grid)");
    size_t np = (size_t)nx * ny;
    LIE_ALLOC(r->node, np);
    LIE_ALLOC(r->w, 2 * LIE_AUG_LAGRANGE * np);
    LIE_ALLOC(r->phx, r->ux);
    LIE_ALLOC(r->phy, r->uy / 2 + 1);
  }
  return 0;
}

void lie_resample2d_free(lie_resample2d *r) {
  lie_fftw_planner_lock();
  if (r->fwd) fftw_destroy_plan(r->fwd);
  if (r->bwd) fftw_destroy_plan(r->bwd);
  if (r->upbwd) fftw_destroy_plan(r->upbwd);
  if (r->upcol) fftw_destroy_plan(r->upcol);
  lie_fftw_planner_unlock();
  fftw_free(r->buf), fftw_free(r->hat), fftw_free(r->work), fftw_free(r->up), fftw_free(r->uphat);
  free(r->node), free(r->w), free(r->phx), free(r->phy);
  memset(r, 0, sizeof *r);
}

/* One resampler per thread, kept between views (plans and the padded grid depend on the
 * grid size only). */
static _Thread_local lie_resample2d cached;

int lie_resample2d_get(int nx, int ny, double Lx, double Ly, int need_affine, lie_resample2d **r) {
  if (cached.nx != nx || cached.ny != ny || (need_affine && !cached.up)) {
    lie_resample2d_free(&cached);
    LIE_CALL(lie_resample2d_init(&cached, nx, ny, Lx, Ly, need_affine));
  }
  LIE_CHECK(Lx > 0 && Ly > 0, LIE_ERR_ARG, "resample2d: box %g x %g", Lx, Ly);
  cached.Lx = Lx, cached.Ly = Ly;
  *r = &cached;
  return 0;
}

void lie_resample2d_thread_cleanup(void) { lie_resample2d_free(&cached); }

/* Signed wavenumber index of row i of a length-n complex axis. */
static int kidx(int i, int n) { return i <= n / 2 ? i : i - n; }

int lie_resample2d_shift(lie_resample2d *r, const double *in, double sx, double sy, double *out) {
  int nx = r->nx, ny = r->ny, nyh = ny / 2 + 1;
  memcpy(r->buf, in, sizeof(double) * nx * ny);
  fftw_execute(r->fwd);
  double wx = -2 * M_PI * fmod(sx, r->Lx) / r->Lx, wy = -2 * M_PI * fmod(sy, r->Ly) / r->Ly;
  double complex pyv[nyh]; /* y phase factors, shared by every x row */
  for (int j = 0; j < nyh; j++)
    pyv[j] = (2 * j == ny) ? cos(wy * j) : cexp(I * wy * j);
  double norm = 1.0 / ((double)nx * ny);
  for (int i = 0; i < nx; i++) {
    int kx = kidx(i, nx);
    /* Nyquist modes: only the cosine part is seen by the samples. */
    double complex px = ((2 * i == nx) ? cos(wx * kx) : cexp(I * wx * kx)) * norm;
    for (int j = 0; j < nyh; j++)
      r->work[(size_t)i * nyh + j] = r->hat[(size_t)i * nyh + j] * px * pyv[j];
  }
  fftw_execute(r->bwd);
  memcpy(out, r->buf, sizeof(double) * nx * ny);
  return 0;
}

/* Zero-pad the spectrum of `in` onto the x2 grid (Nyquist coefficients split evenly between
 * +k and -k so the padded interpolant is the same real trigonometric polynomial p), times the
 * phase of the translation by b: the padded grid g then holds p(x + b) exactly. */
static void upsample(lie_resample2d *r, const double *in, const double b[2], double *g) {
  int nx = r->nx, ny = r->ny, nyh = ny / 2 + 1, ux = r->ux, uyh = r->uy / 2 + 1;
  memcpy(r->buf, in, sizeof(double) * nx * ny);
  fftw_execute(r->fwd);
  memset(r->uphat, 0, sizeof(fftw_complex) * ux * uyh);
  double ax = 2 * M_PI * fmod(b[0], r->Lx) / r->Lx, ay = 2 * M_PI * fmod(b[1], r->Ly) / r->Ly;
  for (int i = 0; i < ux; i++)
    r->phx[i] = cexp(I * ax * kidx(i, ux));
  for (int j = 0; j < nyh; j++)
    r->phy[j] = cexp(I * ay * j);
  double norm = 1.0 / ((double)nx * ny);
  for (int i = 0; i < nx; i++) {
    int kx = kidx(i, nx), nyq_x = 2 * i == nx;
    int rows[2] = {nyq_x ? nx / 2 : (kx >= 0 ? kx : ux + kx), ux - nx / 2};
    double share = nyq_x ? 0.5 : 1.0;
    for (int h = 0; h < 1 + nyq_x; h++) {
      fftw_complex *dst = r->uphat + (size_t)rows[h] * uyh;
      const fftw_complex *src = r->hat + (size_t)i * nyh;
      double complex px = r->phx[rows[h]] * share * norm;
      for (int j = 0; j < nyh; j++) {
        double complex c = src[j] * px * r->phy[j];
        dst[j] = (2 * j == ny) ? 0.5 * c : c; /* y Nyquist: c2r on the finer grid would double it */
      }
    }
  }
  fftw_execute_dft(r->upcol, r->uphat, r->uphat);
  fftw_execute_dft_c2r(r->upbwd, r->uphat, g + (size_t)GHOST_LO * r->pw + COL_PAD);
}

/* Ghost rows and columns of the padded grid: periodic copies, so stencils never wrap. */
static void fill_ghosts(const lie_resample2d *r, double *g) {
  int ux = r->ux, uy = r->uy, pw = r->pw;
  for (int i = GHOST_LO; i < GHOST_LO + ux; i++) {
    double *row = g + (size_t)i * pw;
    memcpy(row, row + uy, sizeof(double) * COL_PAD);                     /* left: columns uy-8..uy-1 */
    memcpy(row + COL_PAD + uy, row + COL_PAD, sizeof(double) * COL_PAD); /* right: columns 0..7 */
  }
  for (int i = 0; i < GHOST_LO; i++) /* rows -3..-1 = rows ux-3..ux-1 */
    memcpy(g + (size_t)i * pw, g + (size_t)(i + ux) * pw, sizeof(double) * pw);
  for (int i = GHOST_LO + ux; i < ux + LIE_AUG_LAGRANGE; i++) /* rows ux..ux+4 = rows 0..4 */
    memcpy(g + (size_t)i * pw, g + (size_t)(i - ux) * pw, sizeof(double) * pw);
}

/* Lagrange weights for nodes -3..4 (LIE_AUG_LAGRANGE = 8) at fractional offset s in [0,1). */
static void lagrange8(double s, double w[8]) {
  static const double den[8] = {-5040, 720, -240, 144, -144, 240, -720, 5040}; /* prod_{m!=k}(k-m) */
  for (int k = 0; k < 8; k++) {
    double p = 1;
    for (int m = 0; m < 8; m++)
      if (m != k) p *= s - (m - 3);
    w[k] = p / den[k];
  }
}

/* Stencil of a point at fine-grid coordinate X in [0, n): first node and weights. */
static int node_of(double X, int n, double w[8]) {
  int i = (int)floor(X);
  double s = X - i;
  if (i >= n) i -= n; /* X rounded up to n */
  lagrange8(s, w);
  return i;
}

static double wrap_pos(double a, double L) {
  a = fmod(a, L);
  return a < 0 ? a + L : a;
}

int lie_resample2d_linear_prepare(lie_resample2d *r, const double M[4]) {
  LIE_CHECK(r->up, LIE_ERR_STATE, "resample2d: affine evaluation needs init with need_affine = 1");
  int nx = r->nx, ny = r->ny, pw = r->pw;
  double hx = r->Lx / nx, hy = r->Ly / ny, gx = r->Lx / r->ux, gy = r->Ly / r->uy;
  for (int i = 0; i < nx; i++)
    for (int j = 0; j < ny; j++) {
      size_t k = (size_t)i * ny + j;
      double *w = r->w + 2 * LIE_AUG_LAGRANGE * k;
      int ix = node_of(wrap_pos(M[0] * i * hx + M[1] * j * hy, r->Lx) / gx, r->ux, w);
      int iy = node_of(wrap_pos(M[2] * i * hx + M[3] * j * hy, r->Ly) / gy, r->uy, w + LIE_AUG_LAGRANGE);
      /* nodes ix-3.. are padded rows ix.., nodes iy-3.. padded columns iy-3+COL_PAD.. */
      r->node[k] = (long)ix * pw + iy - GHOST_LO + COL_PAD;
    }
  return 0;
}

typedef double v8d __attribute__((vector_size(8 * sizeof(double)))); /* one stencil row */

/* out_f[k] = sum_c wy_c sum_a wx_a g_f[node_k + a pw + c] for the nf fields at once (they share
 * the weights): eight contiguous rows of eight, each row one vector (the sums run in the same
 * order on every target). */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void stencils(size_t np, const long *node,
                                                                                  const double *w, int nf,
                                                                                  const double *g, size_t gsize, int pw,
                                                                                  double *const *out) {
  for (size_t k = 0; k < np; k++) {
    const double *wx = w + 2 * LIE_AUG_LAGRANGE * k;
    v8d wy, v, row;
    memcpy(&wy, wx + LIE_AUG_LAGRANGE, sizeof wy); /* unaligned loads */
    for (int f = 0; f < nf; f++) {
      const double *base = g + f * gsize + node[k];
      memcpy(&v, base, sizeof v);
      v *= wx[0];
      for (int a = 1; a < LIE_AUG_LAGRANGE; a++) {
        memcpy(&row, base + (size_t)a * pw, sizeof row);
        v += wx[a] * row;
      }
      v *= wy;
      out[f][k] = ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
    }
  }
}

int lie_resample2d_affine_apply(lie_resample2d *r, int nf, const double *const *in, const double b[2],
                                double *const *out) {
  LIE_CHECK(r->up, LIE_ERR_STATE, "resample2d: affine evaluation needs init with need_affine = 1");
  LIE_CHECK(nf >= 1 && nf <= LIE_RS2D_FIELDS, LIE_ERR_ARG, "resample2d: %d fields (1..%d)", nf, LIE_RS2D_FIELDS);
  for (int f = 0; f < nf; f++) {
    upsample(r, in[f], b, r->up + f * r->gsize);
    fill_ghosts(r, r->up + f * r->gsize);
  }
  stencils((size_t)r->nx * r->ny, r->node, r->w, nf, r->up, r->gsize, r->pw, out);
  return 0;
}
