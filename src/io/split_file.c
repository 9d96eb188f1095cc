/* A split group of a trajectory file opened for independent reads: what the 1D and the NS
 * readers share, so that each reader holds only its layout (io_impl.h). */
#include "io_impl.h"

#include <stdio.h>

int lie_h5_split_open(lie_ctx ctx, const char *path, const char *mode, lie_h5_split *s) {
  s->file = s->group = -1;
  s->n = 0;
  s->mode[0] = 0;
  snprintf(s->path, sizeof s->path, "%s", path);
  LIE_CALL(lie_h5_open(ctx, path, &s->file));
  LIE_CALL(lie_h5_pick_mode(s->file, path, mode, s->mode, sizeof s->mode));
  s->group = H5Gopen2(s->file, s->mode, H5P_DEFAULT);
  LIE_CHECK(s->group >= 0, LIE_ERR_FORMAT, "cannot open %s:/%s", path, s->mode);
  return LIE_OK;
}

int lie_h5_split_param(const lie_h5_split *s, const char *name, double *values, int *found) {
  char where[1100];
  snprintf(where, sizeof where, "%s:/%s", s->path, s->mode);
  LIE_CALL(lie_h5_param_read(s->group, where, name, s->n, values, found));
  return LIE_OK;
}

int lie_h5_split_close(lie_h5_split *s, hid_t *d, int nd) {
  for (int i = 0; i < nd; i++)
    if (d[i] >= 0) H5Dclose(d[i]), d[i] = -1;
  if (s->group >= 0) H5Gclose(s->group), s->group = -1;
  LIE_CALL(lie_h5_close(&s->file)); /* nothing when not open */
  return LIE_OK;
}
