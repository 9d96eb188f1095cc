/* Internal interface between the CLI's main and its commands (one file per command). */
#ifndef LIEREG_CLI_H
#define LIEREG_CLI_H

#include "liereg/liereg.h"
#include <petscsys.h>

/* A command runs after PETSc is initialised; `args` are its positional arguments (those
 * before the first option). It reads its options, calls lie_cli_options_done(), then works. */
typedef int (*lie_cli_fn)(lie_ctx ctx, int nargs, char **args);

typedef struct {
  const char *name, *summary;
  lie_cli_fn run;
} lie_cli_command;

/* Every command, in the order `liereg -help` lists them. */
extern const lie_cli_command lie_cli_commands[];

/* Call once all options are read: with -help returns 1 in *stop (print nothing more and
 * exit 0); otherwise fails with LIE_ERR_USAGE naming the first option nobody read, so a
 * misspelt flag never runs a job with defaults. */
int lie_cli_options_done(lie_ctx ctx, int *stop);

/* Set by lie_cli_options_done: from then on an error may be local to one rank. Commands
 * validate options and open their inputs before calling it. */
extern int lie_cli_running;

/* Output file convention: refuse to overwrite `path` unless -force, write to path.tmp. */
int lie_cli_output_path(const char *path, PetscBool force, char *tmp, size_t ntmp);
/* Collective: renames tmp to out once every rank is done with it. */
int lie_cli_publish(lie_ctx ctx, const char *tmp, const char *out);
/* Single-writer text outputs: close f (checking every write), then rename tmp to path. */
int lie_cli_finish_file(FILE *f, const char *tmp, const char *path);
/* CSV row,output,true,pred of test predictions (ntest x m, row-major). */
int lie_cli_write_predictions(const char *path, const char *tmp, int ntest, int m, const double *truth,
                              const double *pred);

int lie_cmd_generate(lie_ctx ctx, int nargs, char **args);
int lie_cmd_info(lie_ctx ctx, int nargs, char **args);
int lie_cmd_augment(lie_ctx ctx, int nargs, char **args);
int lie_cmd_plot(lie_ctx ctx, int nargs, char **args);
/* The NS part of `liereg augment` (src/cli/augment_ns.c); split may be NULL (first group). */
int lie_cli_augment_ns(lie_ctx ctx, const char *in, const char *tmp, const char *split, const char *group,
                       lie_aug_gen g, double eps, lie_aug_mode mode);
int lie_cmd_probe(lie_ctx ctx, int nargs, char **args);
int lie_cmd_bench(lie_ctx ctx, int nargs, char **args);
int lie_cmd_pretrain(lie_ctx ctx, int nargs, char **args);
int lie_cmd_embed(lie_ctx ctx, int nargs, char **args);
int lie_cmd_supervised(lie_ctx ctx, int nargs, char **args);
int lie_cmd_report(lie_ctx ctx, int nargs, char **args);
int lie_cmd_timestep(lie_ctx ctx, int nargs, char **args);
int lie_cmd_quickstart(lie_ctx ctx, int nargs, char **args);

/* cmd_supervised.c: result files shared with quickstart (rank 0 calls; tmp renamed to path). */
int lie_sup_write_json(const char *path, const char *tmp, const lie_sup_cfg *c, const lie_sup_result *r, int nsizes,
                       const int *sizes, int nseeds);
int lie_sup_write_predictions(const char *path, const char *tmp, const lie_sup_result *r);
void lie_sup_print(const char *target, const lie_sup_result *r);

/* cmd_probe.c: figures of a probe result (rank 0): predicted vs true, or the label-size curve. */
int lie_cli_probe_plot_predictions(const char *path, const char *target, const lie_probe_result *r);
int lie_cli_probe_plot_sweep(const char *path, const char *target, const char *method, int nsizes, const int *sizes,
                             int nseeds, const lie_probe_result *r);
/* cmd_probe_trained.c: `liereg probe -probe_mode trained`, called by cmd_probe once the options
 * are read and checked (lie_cli_options_done has run). */
#define LIE_CLI_MAX_SWEEP 32
typedef struct {
  const char *emb, *out, *preds, *png;
  PetscBool force;
  int nsizes, sizes[LIE_CLI_MAX_SWEEP], nseeds;
} lie_cli_probe_args;
int lie_cmd_probe_trained(lie_ctx ctx, lie_probe_trained_cfg *cfg, const lie_cli_probe_args *a);
/* Its JSON result file for a single run (rank 0; tmp renamed to path), shared with quickstart. */
int lie_cli_probe_trained_json(const char *path, const char *tmp, const lie_probe_trained_cfg *c,
                               const lie_sup_result *r, double train_value, int dim);

#endif
