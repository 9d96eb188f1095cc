/* Internal helpers shared by the src/io files (not installed). */
#ifndef LIEREG_IO_IMPL_H
#define LIEREG_IO_IMPL_H
#include "liereg/io.h"

/* One split group (/train, /valid or /test) of a trajectory file opened for independent reads:
 * the part of a reader that does not depend on the layout (dataset1d_read.c, datasetns_read.c;
 * split_file.c). */
typedef struct {
  hid_t file, group; /* -1 when not open */
  int n;             /* trajectories: set by the reader from the validated shape */
  char path[1024], mode[16];
} lie_h5_split;

/* Opens path and its group `mode` (NULL: the first of train, valid, test). After an error, s
 * holds what was opened, for lie_h5_split_close. */
int lie_h5_split_open(lie_ctx ctx, const char *path, const char *mode, lie_h5_split *s);
/* The per-trajectory parameter dataset `name` (n values); *found = 0 when the split has none. */
int lie_h5_split_param(const lie_h5_split *s, const char *name, double *values, int *found);
/* Closes the open ones (>= 0) of the nd datasets d, then the group and the file. */
int lie_h5_split_close(lie_h5_split *s, hid_t *d, int nd);

#endif
