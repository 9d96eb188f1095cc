/* The time map of grid mode, shared by 1D and NS trajectories (apply1d.c, apply_ns.c). */
#include "augment_impl.h"

#include <math.h>
#include <string.h>

/* A pure time shift is rounded to whole frames and cropped to the input window; anything else
 * (scalings, projective maps) keeps every frame with its transformed time recorded. */
int lie_aug_time_map(int nt, const double *t, double *tau, int *k0, int *count, lie_aug_info *info) {
  int pure = nt >= 2;
  double sh = tau[0] - t[0];
  for (int n = 0; n < nt && pure; n++)
    pure = fabs(tau[n] - t[n] - sh) <= 1e-10 * (1 + fabs(t[n]));
  memset(info, 0, sizeof *info);
  if (!pure) {
    *k0 = 0, *count = nt;
    return 0;
  }
  double dt = (t[nt - 1] - t[0]) / (nt - 1);
  for (int n = 0; n < nt; n++)
    LIE_CHECK(fabs(t[n] - t[0] - n * dt) <= 1e-9 * fabs(dt) * nt, LIE_ERR_ARG,
              "grid-mode time shift needs a uniform time grid (t[%d] = %g)", n, t[n]);
  int frames = lie_shift_frames(sh, dt, nt);
  LIE_CHECK(frames < nt, LIE_ERR_ARG, "time shift %g (dt = %g) leaves no frame of the %d-frame window", sh, dt, nt);
  long k = sh / dt < 0 ? -frames : frames;
  info->t_shift = k * dt;
  info->t_rounding = k * dt - sh;
  *k0 = k > 0 ? 0 : (int)-k;
  *count = nt - frames;
  info->crop_t0 = *k0;
  for (int n = 0; n < *count; n++)
    tau[n] = t[*k0 + n + k];
  return 0;
}

int lie_aug_time_frames(int nt, const double *t, double *tau, const lie_aug_frames *sel, int *k0, int *first,
                        int *count, int *stride, lie_aug_info *info) {
  *first = 0, *stride = 1;
  LIE_CALL(lie_aug_time_map(nt, t, tau, k0, count, info));
  if (sel) LIE_CALL(sel->choose(sel->ctx, *count, first, count, stride)); /* resample only those */
  *k0 += *first;
  return 0;
}
