/* Pipelines: the jobs a user runs end to end — a probe or a supervised baseline with its
 * result files, and the quickstart — built from the eval, ssl and report modules. The
 * `liereg` commands parse options into these jobs, call one function and print; the
 * quickstart runs the same jobs, so a command's files and the quickstart's are written by
 * one code path (docs/ARCHITECTURE.md). */
#ifndef LIEREG_PIPELINE_H
#define LIEREG_PIPELINE_H

#include "liereg/eval.h"
#include "liereg/probe_trained.h"
#include "liereg/report.h"
#include "liereg/supervised.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LIE_JOB_PATH 4096
#define LIE_JOB_MAX_SWEEP 32

/* What a job writes besides its results: JSON (-o), test predictions as CSV, a PNG
 * (predicted vs true, or the label-size curve of a sweep). "" = not written. Outputs are
 * checked (not existing unless force, writable) on every rank before any work, then written
 * by rank 0 through io's output helper (NAME.tmp renamed when complete). */
typedef struct {
  char json[LIE_JOB_PATH], preds[LIE_JOB_PATH], png[LIE_JOB_PATH];
  int force;
} lie_job_outputs;

/* A label-size sweep: nsizes sizes x nseeds subsets (nsizes = 0: one run on all labels). */
typedef struct {
  int nsizes, sizes[LIE_JOB_MAX_SWEEP], nseeds;
} lie_job_sweep;

/* ---------------------------------------------------------------- probe (probe_job.c) */
/* The ridge probe on an embedding file, or (trained = 1) the Adam-trained linear head on the
 * frozen encoder of a checkpoint (lie_probe_trained_opts: -ckpt, -data). */
typedef struct {
  int trained;
  char emb[LIE_JOB_PATH]; /* ridge: -emb */
  char target[64];        /* "" = the default of the PDE the embedding file records */
  lie_probe_opts ridge;
  lie_probe_trained_opts head;
  lie_job_sweep sweep;
  lie_job_outputs out;
} lie_probe_job;

/* Results, every rank: ridge[] (ridge) or head[] (trained), sizes x seeds row-major (1 when
 * not a sweep); train_value and dim of a single trained run. Free with lie_probe_job_free. */
typedef struct {
  int n;
  lie_probe_result *ridge;
  lie_sup_result *head;
  double train_value;
  int dim;
  char target[64]; /* the target used */
} lie_probe_job_result;

void lie_probe_job_default(lie_probe_job *job);
/* Checks the job (LIE_ERR_USAGE naming the option), runs it, writes its outputs. Collective. */
int lie_probe_job_run(lie_ctx ctx, const lie_probe_job *job, lie_probe_job_result *res);
void lie_probe_job_free(lie_probe_job_result *res);

/* ---------------------------------------------------------------- supervised (sup_job.c) */
typedef struct {
  lie_sup_opts cfg;
  lie_job_sweep sweep;
  lie_job_outputs out; /* json: the sweep (or the single run); preds, png: single runs only */
  /* with a sweep: the seed-1 run at the largest size (the whole labelled split) as a single
   * result's JSON and predictions ("" = not written) */
  char full_json[LIE_JOB_PATH], full_preds[LIE_JOB_PATH];
} lie_sup_job;

typedef struct {
  int n;
  lie_sup_result *r; /* sizes x seeds row-major (1 when not a sweep) */
} lie_sup_job_result;

void lie_sup_job_default(lie_sup_job *job);
/* Local checks of the job (values, readable inputs, writable outputs; LIE_ERR_USAGE naming the
 * option), no communication: commands run it before agreeing on their options. */
int lie_sup_job_check(lie_sup_job *job); /* also fills in the default -target */
int lie_sup_job_run(lie_ctx ctx, const lie_sup_job *job, lie_sup_job_result *res);
void lie_sup_job_free(lie_sup_job_result *res);

/* ---------------------------------------------------------------- quickstart (quickstart.c) */
/* The README's main job, end to end on small built-in defaults (docs/QUICKSTART.md): for
 * Burgers (target nu) and KS (target ic_mode) generate, pretrain, embed, probe (ridge sweep +
 * trained head), supervised sweep, and (Burgers) conditioned time-stepping; then the report.
 * DIR/data, DIR/run, DIR/report. */
typedef struct {
  char dir[1024];
  char scale[16]; /* "small" (the main job) or "tiny" (tests) */
  int threads;
  int force;             /* reuse an existing dir */
  int default_strengths; /* pretrain with the PDEs' default augmentation strengths instead of
                          * the searched ones (quickstart_settings.c) */
} lie_quickstart_opts;
void lie_quickstart_opts_default(lie_quickstart_opts *o);
/* LIE_ERR_USAGE for a bad scale, thread count or dir (local checks, before any collective). */
int lie_quickstart_check(const lie_quickstart_opts *o);
/* Collective. *nresults: result files the report found. */
int lie_quickstart_run(lie_ctx ctx, const lie_quickstart_opts *o, int *nresults);

/* The quickstart's data splits per PDE (quickstart_settings.c): pretraining (unlabelled),
 * labelled (probe and supervised fits), validation (only `liereg augsearch` reads it: the
 * strengths the quickstart ships were chosen on it) and test (only the reported results). */
typedef enum { LIE_QS_UNLABELLED, LIE_QS_LABELLED, LIE_QS_VALID, LIE_QS_TEST, LIE_QS_NROLES } lie_quickstart_role;
typedef struct {
  char path[1100]; /* DIR/data/<pde>_<role>.h5 */
  lie_split split; /* the group it is generated as (it seeds the trajectories) */
  int n;           /* trajectories */
  uint64_t offset; /* global index of the first one (seed 1) */
} lie_quickstart_data;
const char *lie_quickstart_role_name(lie_quickstart_role role);
/* LIE_ERR_USAGE for an unknown scale or PDE. */
int lie_quickstart_data_plan(const lie_quickstart_opts *o, lie_pde pde, lie_quickstart_role role,
                             lie_quickstart_data *d);
/* The `liereg augsearch` command line that chose the quickstart's strengths for pde: the
 * pretraining options of the quickstart's scale, its unlabelled split as -data and its
 * validation split as -augsearch_valid_data, the search budget (docs/AUGSEARCH.md). One line,
 * starting "mpiexec -n 2 liereg augsearch". LIE_ERR_USAGE as lie_quickstart_data_plan;
 * LIE_ERR_ARG when buf is too short. */
int lie_quickstart_augsearch_command(const lie_quickstart_opts *o, lie_pde pde, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
