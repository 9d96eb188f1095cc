/* Label-size sweeps of the ridge probe (curves over the labelled-set size, several
 * random labelled subsets per size). */
#include "liereg/eval.h"

#include <math.h>

void lie_mean_std(const double *v, int n, double *mean, double *std) {
  double s = 0, s2 = 0;
  for (int i = 0; i < n; i++)
    s += v[i];
  s /= n > 0 ? n : 1;
  for (int i = 0; i < n; i++)
    s2 += (v[i] - s) * (v[i] - s);
  *mean = s;
  *std = n > 1 ? sqrt(s2 / (n - 1)) : 0.0;
}

int lie_probe_sweep(lie_ctx ctx, const lie_probe_opts *opts, const char *path, const char *target, int nsizes,
                    const int *sizes, int nseeds, lie_probe_result *res) {
  LIE_CHECK(nsizes >= 1 && nseeds >= 1 && sizes && res, LIE_ERR_ARG, "probe sweep: no sizes or seeds");
  lie_probe_opts o = *opts;
  o.save[0] = 0; /* a sweep fits many probes: none of them is "the" probe to save */
  for (int i = 0; i < nsizes; i++) {
    LIE_CHECK(sizes[i] >= 1, LIE_ERR_USAGE, "label-size sweep: size %d must be >= 1", sizes[i]);
    for (int s = 0; s < nseeds; s++) {
      o.ntrain = sizes[i];
      o.subset_seed = (uint64_t)(s + 1);
      LIE_CALL(lie_probe_run(ctx, &o, path, target, &res[i * nseeds + s]));
    }
  }
  return LIE_OK;
}
