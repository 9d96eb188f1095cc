/* Automatic search of the augmentation strengths (and the time crop) of VICReg pretraining:
 * successive halving over candidates scored on a validation split by the ridge probe, with MPI
 * rank groups training candidates concurrently; resumable; deterministic for a seed.
 * Scheme, score, cost and defaults: docs/AUGSEARCH.md. */
#ifndef LIEREG_AUGSEARCH_H
#define LIEREG_AUGSEARCH_H
#include "liereg/core.h"
#include "liereg/eval.h"
#include "liereg/ssl.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LIE_AUGSEARCH_MAX_RUNGS 8
#define LIE_AUGSEARCH_MAX_CAND 256
#define LIE_AUGSEARCH_MSG 160

typedef struct {
  /* The pretraining every candidate runs: every -model_/-train_/-vicreg_/-aug_ option as
   * `pretrain` takes them; its aug strengths and crop are the defaults (candidate 0) and the
   * centre of the search. pre.out is the options file written (-o best.opts). */
  lie_pretrain_opts pre;
  char valid_data[LIE_PRETRAIN_PATH]; /* -augsearch_valid_data (default: -data) */
  char valid_mode[16];                /* -augsearch_valid_mode (valid) */
  char target[64];                    /* -augsearch_target (default: the PDE's, as probe) */
  int log_target;                     /* -augsearch_log (default 1 for nu) */
  lie_ridge_cv_opts cv;               /* -probe_folds, -probe_lambda_*, -probe_cv_seed */
  int candidates;                     /* -augsearch_candidates: rung-0 candidates incl. the defaults (8) */
  int rungs;                          /* -augsearch_rungs (3) */
  int eta;                            /* -augsearch_eta: 1/eta of a rung is promoted (2) */
  long steps;                         /* -augsearch_steps: pretraining steps of rung 0 (100); rung r: steps eta^r */
  double range;                       /* -augsearch_range: multipliers log-uniform in [1/range, range] (4) */
  int crop;                           /* -augsearch_crop: also search -aug_crop_t (1) */
  uint64_t seed;                      /* -augsearch_seed (1): candidates and the outer folds */
  int group_size;                     /* -augsearch_group_size: ranks per candidate (1) */
  char table[LIE_PRETRAIN_PATH];      /* -augsearch_table T.json ("" = none) */
  char work[LIE_PRETRAIN_PATH + 16];  /* OUT.d: state file and candidate checkpoints */
  int stop_after;                     /* -augsearch_stop_after N: act as if signalled after N trainings (tests) */
  int force;                          /* -force: overwrite -o and the table */
} lie_augsearch_opts;

/* One candidate: its augmentation (strengths, crop) and what the search measured. */
typedef struct {
  lie_aug_opts aug;
  double mult[LIE_AUG_NGEN];             /* strength / default strength */
  int rung;                              /* last rung it was scored at (-1: none) */
  double score[LIE_AUGSEARCH_MAX_RUNGS]; /* validation score per rung (NaN: not run; +inf: failed) */
  char failed[LIE_AUGSEARCH_MSG];        /* the error of a failed training ("" = none) */
} lie_augsearch_cand;

typedef enum { LIE_AUGSEARCH_DONE = 0, LIE_AUGSEARCH_INTERRUPTED } lie_augsearch_status;

typedef struct {
  lie_augsearch_status status;
  int ncand, best;          /* best: winner's index (0 = the defaults) */
  lie_augsearch_cand *cand; /* ncand candidates (free with lie_augsearch_result_free) */
  long rung_steps[LIE_AUGSEARCH_MAX_RUNGS];
  int rung_size[LIE_AUGSEARCH_MAX_RUNGS];
  long total_steps; /* pretraining steps of every candidate together (the cost) */
  double cost;      /* total_steps / steps of the final rung (one pretraining run of that length) */
  double seconds;   /* wall time of this call */
  lie_metric metric;
  int base_crop; /* the defaults' -aug_crop_t (0 resolved to half the frames) */
} lie_augsearch_result;

void lie_augsearch_opts_default(lie_augsearch_opts *cfg);
/* Reads the pretraining options (lie_pretrain_opts_set_from_options), the -augsearch_ options and
 * the probe's CV options. LIE_ERR_USAGE on a bad value; -train_resume, -train_log and
 * -train_steps are refused (the search sets them per candidate). Collective. */
int lie_augsearch_opts_set_from_options(lie_ctx ctx, lie_augsearch_opts *cfg);
/* Values, readable inputs, writable outputs (-o and the table refuse to overwrite without
 * force). LIE_ERR_USAGE naming the option. */
int lie_augsearch_opts_check(const lie_augsearch_opts *cfg);
/* Runs (or continues, from the state file cfg->work/state) the search over the ranks of ctx,
 * and writes the options file and the table when it is complete. Returns with status
 * INTERRUPTED (state saved, run again to continue) after SIGUSR1/SIGTERM/SIGINT. Collective. */
int lie_augsearch_run(lie_ctx ctx, const lie_augsearch_opts *cfg, lie_augsearch_result *res);
void lie_augsearch_result_free(lie_augsearch_result *res);

/* The validation score of an embedding file's group `mode` (docs/AUGSEARCH.md): the target's
 * metric over out-of-fold predictions of a K-fold split (K = cv->folds, rows assigned by a
 * permutation drawn from `seed`), each fold predicted by the ridge whose λ lie_ridge_cv chose on
 * the other K-1 folds. log_target: fitted on log y, scored on exp. Serial (one rank). */
int lie_augsearch_score(const char *emb, const char *mode, const char *target, int log_target,
                        const lie_ridge_cv_opts *cv, uint64_t seed, lie_metric *metric, double *score);

#ifdef __cplusplus
}
#endif
#endif
