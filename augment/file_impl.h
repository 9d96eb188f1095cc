/* Augmenting a dataset file (file.c): one driver, one operations table per trajectory layout
 * (file1d.c, file_ns.c). The driver owns everything the layouts share — the output file and
 * its attributes, the generator check, the common output length of a time shift, the
 * round-robin over ranks and the collective row writes; a layout only reads its input, names
 * its output columns and transforms one trajectory into the columns' row buffers. */
#ifndef LIEREG_AUGMENT_FILE_IMPL_H
#define LIEREG_AUGMENT_FILE_IMPL_H

#include "liereg/augment.h"
#include "liereg/io.h"

#define LIE_AUG_FILE_MAXCOLS 20

/* One output dataset (N, ...) and the row buffer a transform fills. */
typedef struct {
  hid_t d, mt;
  void *buf;
  size_t row; /* elements per row */
} lie_aug_col;

typedef struct lie_aug_file_job_s lie_aug_file_job;

typedef struct {
  const char *name; /* for messages: "1D", "NS" */
  /* opens the input (split j->split, "" = first found) and sets n, nt, nx, ny and j->split */
  int (*open)(lie_aug_file_job *j);
  /* the stored times of trajectory i (nt values) */
  int (*times)(lie_aug_file_job *j, int i, double *t);
  /* creates the output columns in group g (frames: j->nt_out) with lie_aug_file_column */
  int (*columns)(lie_aug_file_job *j, hid_t g);
  /* transforms trajectory i by j->seq into the columns' row buffers */
  int (*transform)(lie_aug_file_job *j, int i);
  void (*close)(lie_aug_file_job *j);
} lie_aug_file_ops;

struct lie_aug_file_job_s {
  lie_ctx ctx;
  const lie_aug_file_opts *o;
  const lie_aug_file_ops *ops;
  lie_pde pde;
  lie_aug_seq seq;
  char split[16];
  int n, nt, nx, ny, nt_out;
  lie_aug_col col[LIE_AUG_FILE_MAXCOLS];
  void *in; /* the layout's input state */
};

extern const lie_aug_file_ops lie_aug_file_ops_1d, lie_aug_file_ops_ns;

/* Creates column c: dataset `name` of file type ft (memory type mt) with dims (n, dims[0..rank-2])
 * and a string attribute (attr = value) describing it; allocates its row buffer. */
int lie_aug_file_column(lie_aug_file_job *j, hid_t g, int c, const char *name, hid_t ft, hid_t mt, int rank,
                        const hsize_t *trailing, const char *attr, const char *value);
static inline double *lie_aug_file_row(lie_aug_file_job *j, int c) { return (double *)j->col[c].buf; }

#endif
