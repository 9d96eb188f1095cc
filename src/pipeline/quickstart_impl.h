/* Private to the quickstart (quickstart.c, quickstart_settings.c): the sizes and settings of
 * each scale and, per PDE, the target and the augmentation strengths it pretrains with. */
#ifndef LIEREG_QUICKSTART_IMPL_H
#define LIEREG_QUICKSTART_IMPL_H

#include "liereg/augment.h"
#include "liereg/pipeline.h"

#define QS_MAXSIZES 8

typedef struct {
  const char *name;
  int n_unlab, n_lab, n_test; /* trajectories per split (the validation split has n_lab) */
  int nx;                     /* stored grid (0 = PDE default) */
  int width, expander, crop_t, pre_batch, pre_epochs;
  double pre_lr, min_rankme;
  int sup_epochs, sup_patience, sup_batch, nlr;
  double lr[3];
  int nsizes, sizes[QS_MAXSIZES], seeds;
  int ts_width, ts_epochs, ts_passes; /* time-stepping stage (Burgers): cnn width, epochs, passes */
  /* the augmentation search that chose the strengths (docs/AUGSEARCH.md, "The quickstart's
   * strengths"): candidates, rungs, steps of the first rung; 2 ranks, one group */
  int search_candidates, search_rungs, search_steps;
} qs_scale;

const qs_scale *qs_scale_find(const char *name); /* NULL for an unknown name */

typedef struct {
  lie_pde pde;
  const char *target;
  int log_target;
  int nstrength;                 /* 0: the PDE's default strengths */
  double strength[LIE_AUG_NGEN]; /* in the order of the PDE's generators (lie_aug_group) */
} qs_task;

#define QS_NTASKS 2
extern const qs_task qs_tasks[QS_NTASKS];

/* The pretraining augmentation of task t: the PDE's generators with the searched strengths
 * (or the defaults, default_strengths = 1) and the scale's time crop. */
int qs_task_aug(const qs_task *t, const qs_scale *sc, int default_strengths, lie_aug_opts *aug);

#endif
