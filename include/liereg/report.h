/* liereg report: a markdown report with tables and PNG figures from the result files of a run
 * directory (docs/EVAL.md, "Report"):
 *   *.json        results of `liereg probe -o` and `liereg supervised -o` (single or sweep)
 *   X.csv         next to X.json: test predictions (row,output,true,pred) -> scatter plot
 *   *.csv         pretraining logs (header step,epoch,loss,inv,var,cov,...) -> loss curves
 *   *.h5          embedding files (/<mode>/emb) -> RankMe of the representations
 * Our numbers are set beside the paper's Table 1 (DESIGN §8, as recalled, not verified). */
#ifndef LIEREG_REPORT_H
#define LIEREG_REPORT_H
#include "liereg/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes out_dir/report.md and the PNG figures next to it (out_dir is created if missing). Rank 0 works,
 * the others wait; the error (if any) is shared. *nresults (may be NULL): result files read.
 * A run directory without any result file is LIE_ERR_USAGE. */
int lie_report_write(lie_ctx ctx, const char *run_dir, const char *out_dir, int *nresults);

/* Minimal JSON field access for our flat result files (no nesting beyond arrays of flat
 * objects): the value text after "key": at or after `from`, NULL if absent. */
const char *lie_json_find(const char *from, const char *key);
int lie_json_number(const char *from, const char *key, double *v); /* 1 found, 0 not */
int lie_json_string(const char *from, const char *key, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
