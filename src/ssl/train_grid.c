/* The training grid of a checkpoint (lie_train_grid, group /train/grid): written next to the
 * /train group, read back by embed and the inference API, and the check that a window or a
 * data file lies on it. A window on another grid (other dx, dt or nx) would go through the
 * encoder without any error and give a meaningless representation: this is the guard. */
#include "liereg/io.h"
#include "liereg/ssl.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define NRANGE 6
static const char *range_names[NRANGE] = {"dt", "dx", "L", "Ly", "t0", "t_end"};

static double *range_of(lie_train_grid *g, int k) {
  double *r[NRANGE] = {g->dt, g->dx, g->L, g->ly, g->t0, g->t_end};
  return r[k];
}

int lie_train_grid_write(int64_t file, const lie_train_grid *g) {
  char name[32];
  hid_t grp;
  lie_train_grid c = *g;
  if (!g->known) return LIE_OK;
  LIE_H5(grp = H5Gcreate2((hid_t)file, "train/grid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_h5_attr_set_int(grp, "nt", g->nt));
  LIE_CALL_GOTO(lie_h5_attr_set_int(grp, "nx", g->nx));
  LIE_CALL_GOTO(lie_h5_attr_set_int(grp, "ny", g->ny));
  for (int k = 0; k < NRANGE; k++)
    for (int e = 0; e < 2; e++) {
      snprintf(name, sizeof name, "%s_%s", range_names[k], e ? "max" : "min");
      LIE_CALL_GOTO(lie_h5_attr_set_double(grp, name, range_of(&c, k)[e]));
    }
done:
  H5Gclose(grp);
  return err;
}

static int get_int(hid_t g, const char *path, const char *name, int lo, int *v) {
  double d;
  LIE_CALL(lie_h5_attr_get_double(g, name, &d));
  LIE_CHECK(d >= lo && d <= 1 << 24 && d == floor(d), LIE_ERR_FORMAT, "%s: /train/grid attribute %s = %g", path, name,
            d);
  *v = (int)d;
  return LIE_OK;
}

int lie_train_grid_read(int64_t file, const char *path, lie_train_grid *g) {
  char name[32];
  memset(g, 0, sizeof *g);
  if (!lie_h5_exists((hid_t)file, "train") || H5Lexists((hid_t)file, "train/grid", H5P_DEFAULT) <= 0) return LIE_OK;
  hid_t grp;
  LIE_H5(grp = H5Gopen2((hid_t)file, "train/grid", H5P_DEFAULT));
  int err = LIE_OK;
  LIE_CALL_GOTO(get_int(grp, path, "nt", 1, &g->nt));
  LIE_CALL_GOTO(get_int(grp, path, "nx", 1, &g->nx));
  LIE_CALL_GOTO(get_int(grp, path, "ny", 0, &g->ny));
  for (int k = 0; k < NRANGE; k++)
    for (int e = 0; e < 2; e++) {
      snprintf(name, sizeof name, "%s_%s", range_names[k], e ? "max" : "min");
      LIE_CALL_GOTO(lie_h5_attr_get_double(grp, name, &range_of(g, k)[e]));
      LIE_CHECK_GOTO(isfinite(range_of(g, k)[e]), LIE_ERR_FORMAT, "%s: /train/grid attribute %s is %g", path, name,
                     range_of(g, k)[e]);
    }
  g->known = 1;
done:
  H5Gclose(grp);
  return err;
}

/* [vlo, vhi] inside the training range [lo, hi] widened by half its width on each side, plus
 * a relative 1e-6 for rounding (t1 - t0, L/nx). A range recorded from a finite training set
 * under-covers the distribution it was drawn from (KS/KdV jitter L and T by ±10%: other draws
 * of the same distribution fall a little outside it), while a fixed grid (Burgers, NS: width
 * 0) must match to rounding. Another PDE's or resolution's grid is far outside either way. */
static int inside(double lo, double hi, double vlo, double vhi) {
  double tol = 0.5 * (hi - lo) + 1e-6 * fmax(fabs(lo), fabs(hi));
  return vlo >= lo - tol && vhi <= hi + tol;
}

int lie_train_grid_check(const lie_train_grid *tr, const char *ckpt, const lie_train_grid *have, const char *what) {
  if (!tr->known || !have->known) return LIE_OK; /* a checkpoint from before grids were recorded */
  LIE_CHECK(have->nx == tr->nx && have->ny == tr->ny, LIE_ERR_USAGE,
            "%s has %d%s%.0d points per frame but %s was trained on %d%s%.0d (another grid)", what, have->nx,
            have->ny ? " x " : "", have->ny, ckpt, tr->nx, tr->ny ? " x " : "", tr->ny);
  LIE_CHECK(inside(tr->dt[0], tr->dt[1], have->dt[0], have->dt[1]), LIE_ERR_USAGE,
            "%s has time step dt in [%.9g, %.9g] but %s was trained on dt in [%.9g, %.9g] (another grid)", what,
            have->dt[0], have->dt[1], ckpt, tr->dt[0], tr->dt[1]);
  LIE_CHECK(inside(tr->L[0], tr->L[1], have->L[0], have->L[1]), LIE_ERR_USAGE,
            "%s has domain length L in [%.9g, %.9g] but %s was trained on L in [%.9g, %.9g] (dx = L/nx: another grid)",
            what, have->L[0], have->L[1], ckpt, tr->L[0], tr->L[1]);
  LIE_CHECK(!tr->ny || inside(tr->ly[0], tr->ly[1], have->ly[0], have->ly[1]), LIE_ERR_USAGE,
            "%s has Ly in [%.9g, %.9g] but %s was trained on Ly in [%.9g, %.9g] (another grid)", what, have->ly[0],
            have->ly[1], ckpt, tr->ly[0], tr->ly[1]);
  return LIE_OK;
}
