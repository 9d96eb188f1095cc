/* Internal interface of the report module (src/report/): result records, the output-file
 * helper and the PLplot session shared by the figures. */
#ifndef LIEREG_REPORT_IMPL_H
#define LIEREG_REPORT_IMPL_H

#include "liereg/eval.h"
#include "liereg/io.h"
#include "liereg/report.h"

#include <stdio.h>

#define LIE_REP_MAXSWEEP 32
#define LIE_REP_PATH 4096 /* PATH_MAX */

typedef struct {
  char name[256]; /* file name without .json */
  char method[32], target[32], metric[16], pde[16];
  int sweep;                   /* 1: label-size sweep */
  double value, bstd, best_lr; /* single */
  int ntrain, ntest, best_epoch;
  int ns, seeds, sizes[LIE_REP_MAXSWEEP];
  double mean[LIE_REP_MAXSWEEP], std[LIE_REP_MAXSWEEP];
  char pred[LIE_REP_PATH]; /* predictions CSV or "" */
} lie_rep_result;

/* output_file.c: single-writer outputs through io's lie_output (written under o->tmp, renamed
 * when complete): lie_rep_output names a non-empty path, lie_rep_file_open also opens o->tmp
 * for writing. Finish with lie_output_end_file(o, f or NULL, err): on any error (the caller's
 * so far, a failed write or close) tmp is removed instead of renamed. */
int lie_rep_output(const char *path, lie_output *o);
int lie_rep_file_open(const char *path, lie_output *o, FILE **f);

/* plplot_session.c: one PLplot stream at a time (PLplot keeps global state). begin_png
 * draws into tmp (pngcairo, w x h pixels); begin_mem into rgba (w x h x 4, memcairo); end
 * finishes the picture and returns the first error PLplot reported (LIE_ERR_IO). */
int lie_rep_pl_begin_png(const char *tmp, int w, int h);
int lie_rep_pl_begin_mem(unsigned char *rgba, int w, int h);
int lie_rep_pl_end(void);
/* cmap0 indices set by begin: background, text/axes, grid, reference line, series 0..7 */
enum { LIE_PL_BG = 0, LIE_PL_FG = 1, LIE_PL_GRID = 2, LIE_PL_REF = 3, LIE_PL_SERIES = 4 };
extern const unsigned char lie_rep_palette[8][3];

/* report_plots.c: a file-name-safe copy of a name (anything but [A-Za-z0-9_-] -> '_') */
void lie_rep_sanitize(char *s);
/* A figure's names from a printf-style stem: png = sanitised stem + ".png" (what the report
 * links), path = out_dir/png (where it is written). */
void lie_rep_png_name(char *png, size_t npng, char *path, size_t npath, const char *out_dir, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/* report_read.c */
int lie_rep_read_result(const char *dir, const char *file, lie_rep_result *r);
/* report_plots.c (file names relative to out_dir; "" when nothing could be drawn) */
int lie_rep_plot_sweep(const char *out_dir, const lie_rep_result *res, int n, const char *pde, const char *target,
                       char *png, size_t npng);
int lie_rep_plot_scatter(const char *out_dir, const lie_rep_result *r, char *png, size_t npng);
/* Pretraining CSV: first/last of loss, inv, var, cov, and the steps; a PNG of the loss. Logs
 * with the rankme,repr_std columns (per-epoch diagnostics on each epoch's last step) also give
 * the epochs' RankMe/std (first, last, count) and a RankMe-over-training PNG (rank_png; ""
 * for older logs without the columns). */
typedef struct {
  long steps;
  double first[4], last[4];
  int nepochs;                   /* rows with RankMe */
  double rankme[2], repr_std[2]; /* first and last epoch */
} lie_rep_log;
int lie_rep_pretrain_log(const char *path, const char *out_dir, const char *name, lie_rep_log *log, char *png,
                         size_t npng, char *rank_png, size_t nrank_png);

/* report_timestep.c: `liereg timestep` results (method "timestep") and their section */
int lie_rep_is_timestep(const char *dir, const char *file);
int lie_rep_section_timestep(FILE *f, const char *dir, const char *out_dir);

#endif
