/* liereg report module: presentation of results. Result files (JSON on jansson), figures
 * (PLplot, PNG through its cairo driver) and the markdown report of a run directory
 * (docs/EVAL.md, "Result files" and "Report"):
 *   *.json        results of `liereg probe -o` and `liereg supervised -o` (single or sweep)
 *   X.csv         next to X.json: test predictions (row,output,true,pred) -> scatter plot
 *   *.csv         pretraining logs (header step,epoch,loss,inv,var,cov,...) -> loss curves
 *   *.h5          embedding files (/<mode>/emb) -> RankMe of the representations
 * Our numbers are set beside the paper's Table 1 (docs/DESIGN.md §8, as recalled, not
 * verified). Every file is written under NAME.tmp and renamed when complete. */
#ifndef LIEREG_REPORT_H
#define LIEREG_REPORT_H
#include "liereg/augment.h"
#include "liereg/core.h"
#include "liereg/eval.h"
#include "liereg/probe_trained.h"
#include "liereg/supervised.h"
#include "liereg/timestep.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- report */
/* Writes out_dir/report.md and the PNG figures next to it. The directory is built as
 * out_dir.tmp and renamed over out_dir only when complete, so a failure leaves no partial
 * directory (an existing out_dir is replaced). Rank 0 works, the others wait; the error (if
 * any) is shared. *nresults (may be NULL): result files read. A run directory without any
 * result file is LIE_ERR_USAGE. */
int lie_report_write(lie_ctx ctx, const char *run_dir, const char *out_dir, int *nresults);

/* ---------------------------------------------------------------- JSON output */
/* A JSON document under construction (jansson underneath). Numbers that are NaN or Inf are
 * written as null and their location ("value", "sweep[1].values[2]") is listed in the root
 * array "nonfinite", so the file stays valid JSON. Containers nest: *_begin opens an array or
 * object as a field of the open object (key) or as the next item of the open array (key
 * NULL); lie_json_end closes it. */
typedef struct lie_json_s *lie_json;
int lie_json_create(lie_json *j);
void lie_json_destroy(lie_json *j);
int lie_json_str(lie_json j, const char *key, const char *v);
int lie_json_int(lie_json j, const char *key, long long v);
int lie_json_bool(lie_json j, const char *key, int v);
int lie_json_real(lie_json j, const char *key, double v);
int lie_json_reals(lie_json j, const char *key, int n, const double *v);
int lie_json_ints(lie_json j, const char *key, int n, const int *v);
int lie_json_array_begin(lie_json j, const char *key);
int lie_json_object_begin(lie_json j, const char *key);
int lie_json_end(lie_json j);
/* The document as one line on f (JSON lines), or as a file (path.tmp, then renamed). */
int lie_json_print(lie_json j, FILE *f);
int lie_json_write(lie_json j, const char *path);

/* ---------------------------------------------------------------- result files */
/* RESULT.json of `liereg timestep` (rank 0; keys in docs/TIMESTEP.md), written through path.tmp
 * (tmp: that name, kept for the callers' clean-up). */
int lie_step_write_json(const char *path, const char *tmp, const lie_step_opts *c, const lie_step_result *r);

/* What a result file records besides the result structs: inputs, target, the sweep's sizes
 * (nsizes = 0: a single run in r[0]; else r holds nsizes x nseeds results, size-major) and,
 * for the trained head's single run, train_value and the representation dimension. */
typedef struct {
  const char *emb, *test_emb; /* ridge probe inputs (test_emb "" or NULL: emb) */
  const char *target;         /* ridge probe target (the others take it from their cfg) */
  int nsizes, nseeds;
  const int *sizes;
  double train_value;
  int dim;
} lie_result_info;
int lie_probe_result_write(const char *path, const lie_result_info *info, const lie_probe_opts *opts,
                           const lie_probe_result *r);
int lie_sup_result_write(const char *path, const lie_result_info *info, const lie_sup_opts *cfg,
                         const lie_sup_result *r);
int lie_probe_trained_result_write(const char *path, const lie_result_info *info, const lie_probe_trained_opts *cfg,
                                   const lie_sup_result *r);
/* CSV row,output,true,pred of test predictions (ntest x m, row-major). */
int lie_predictions_write(const char *path, int ntest, int m, const double *truth, const double *pred);

/* ---------------------------------------------------------------- figures (PNG) */
/* Line / scatter plots with error bars and log axes (label-size curves, predicted vs true,
 * training curves) drawn by PLplot and written as anti-aliased PNG by its cairo driver.
 * Usage: create, set labels/log, add series, write_png, destroy. A log x axis whose data
 * take at most 8 distinct values is ticked at those values (label sizes 32/64/128). */
typedef struct lie_plot_s *lie_plot;
typedef enum { LIE_PLOT_LINE = 0, LIE_PLOT_MARKERS = 1, LIE_PLOT_LINE_MARKERS = 2 } lie_plot_style;

int lie_plot_create(int width, int height, lie_plot *plot); /* pixels, 200..8192 x 150..8192 */
int lie_plot_set_labels(lie_plot plot, const char *title, const char *xlabel, const char *ylabel);
int lie_plot_set_log(lie_plot plot, int logx, int logy);
/* A series of n points (copied); yerr (n) or NULL draws ± error bars; points with a
 * non-finite coordinate are skipped. At most 8 series. */
int lie_plot_add(lie_plot plot, int n, const double *x, const double *y, const double *yerr, lie_plot_style style,
                 const char *label);
/* A dashed y = x reference line; both axes then share one range (predicted vs true). */
int lie_plot_add_diagonal(lie_plot plot);
/* Renders (LIE_ERR_USAGE when there is nothing finite to draw or a log axis meets a value
 * <= 0) and writes a PNG. */
int lie_plot_write_png(lie_plot plot, const char *path);
int lie_plot_destroy(lie_plot *plot);
/* For tests: renders into memory (the same drawing as the PNG); then the pixel of data point
 * (x, y) and the colour of a pixel. */
int lie_plot_render(lie_plot plot);
int lie_plot_map(lie_plot plot, double x, double y, int *px, int *py);
int lie_plot_pixel(lie_plot plot, int px, int py, unsigned char rgb[3]);
/* Tick positions for an axis over [lo, hi] (log: decades, then 2 and 5 subdivisions when the
 * range is short); at most `max` ticks. */
int lie_plot_ticks(double lo, double hi, int logscale, int max, double *ticks, int *n);

/* Figures of a probe result: predicted vs true on the test split (one series per output, up
 * to 8, with y = x), and the label-size curve (mean ± std over the seeds, log x). */
int lie_plot_predictions_png(const char *path, const char *target, const lie_probe_result *r);
int lie_plot_sweep_png(const char *path, const char *target, const char *method, int nsizes, const int *sizes,
                       int nseeds, const lie_probe_result *r);

/* ---------------------------------------------------------------- trajectory pictures */
/* `liereg plot`: trajectory `index` of a dataset file as a space-time heat map (1D: x to the
 * right, t downwards) or a strip of `frames` frames (NS: x right, y up) of the channel
 * `field` (u, vx, vy; NULL = u), with a diverging colour map symmetric about 0 (NaN/Inf in
 * magenta). views != 0 adds two views sampled with aug (seeds derived from seed and index). */
typedef struct {
  const char *in, *out, *split; /* split NULL: first group found */
  int index, frames, views;
  const char *field;
  uint64_t seed;
} lie_plot_file_opts;
/* Checks the options that do not need the file's data: paths given, index >= 0, frames in
 * 1..64, field u|vx|vy (1D files: u only). LIE_ERR_USAGE naming the option. */
int lie_plot_file_check(lie_pde pde, const lie_plot_file_opts *o);
/* The PDE a file records in its root attribute "pde" (LIE_ERR_USAGE if none). Collective. */
int lie_plot_file_pde(lie_ctx ctx, const char *path, lie_pde *pde);
/* Collective: rank 0 reads the file (on its own MPI_COMM_SELF context) and draws path.tmp,
 * renamed when complete; the others wait and get the same error. Shapes are checked before
 * any allocation (nt >= 1, nx, ny >= 2, at most 2^24 values). w, h (may be NULL): pixels. */
int lie_plot_file(lie_ctx ctx, lie_pde pde, const lie_plot_file_opts *o, const lie_aug_opts *aug, int *w, int *h);

#ifdef __cplusplus
}
#endif
#endif
