/* The label-size sweep of liereg probe and liereg supervised: the options as read into the
 * job, and the printed lines (one per size: mean and std over the seeds). */
#include "cli.h"

#include <stdio.h>

void lie_cli_sweep_set(lie_job_sweep *sw, PetscBool given, PetscInt nsizes, const PetscInt *sizes, PetscInt nseeds) {
  sw->nsizes = given ? (int)nsizes : 0, sw->nseeds = (int)nseeds;
  for (int i = 0; i < sw->nsizes; i++)
    sw->sizes[i] = (int)sizes[i];
}

void lie_cli_print_sweep(const char *tag, const char *target, lie_metric metric, int ntest, const lie_job_sweep *sw,
                         const double *values) {
  for (int i = 0; i < sw->nsizes; i++) {
    double mean, std;
    lie_mean_std(values + (size_t)i * sw->nseeds, sw->nseeds, &mean, &std);
    printf("%s target=%s metric=%s ntrain=%d seeds=%d mean=%.6g std=%.6g ntest=%d\n", tag, target,
           lie_metric_name(metric), sw->sizes[i], sw->nseeds, mean, std, ntest);
  }
}
