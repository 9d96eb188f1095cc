/* Internal interface of the augmentation search (src/augsearch/). */
#ifndef LIEREG_AUGSEARCH_IMPL_H
#define LIEREG_AUGSEARCH_IMPL_H
#include "liereg/augsearch.h"

#define LIE_AUGSEARCH_STATE_VERSION 1

/* One search in progress. */
typedef struct {
  const lie_augsearch_opts *cfg;
  lie_ctx world, group; /* group: the sub-communicator of this rank's candidate group */
  int ngroups, gid;
  int nt;        /* frames of the training trajectories */
  double dt;     /* their time step */
  int base_crop; /* the defaults' crop (0 resolved to nt/2, as pretrain does) */
  int trainings; /* trainings started by this group (for -augsearch_stop_after) */
  lie_augsearch_result *res;
  int list[LIE_AUGSEARCH_MAX_RUNGS][LIE_AUGSEARCH_MAX_CAND]; /* candidates of each rung */
} lie_augsearch_job;

/* Candidate i from (seed, i): i = 0 the defaults, else strength multipliers log-uniform in
 * [1/range, range] per generator and (with -augsearch_crop) a crop multiplier in [2/3, 3/2],
 * then fitted so that a view's time window always fits the trajectory (augsearch_cand.c). */
void lie_augsearch_candidate(const lie_augsearch_job *s, int i, lie_augsearch_cand *c);
/* Path of candidate i's checkpoint / embedding file in the work directory. */
void lie_augsearch_path(const lie_augsearch_job *s, int i, const char *suffix, char *path, size_t n);
/* Trains candidate i up to `steps` (continuing its checkpoint), embeds the validation split
 * and scores it. Collective over s->group. A strength-dependent failure (divergence, collapse,
 * a transform that does not fit) is not an error: *score = +inf and msg says why. */
int lie_augsearch_train_one(lie_augsearch_job *s, int i, long steps, double *score, char *msg, int *interrupted);

/* The state file (cfg->work/state): the configuration fingerprint and every finished score.
 * read: *found = 0 when there is none; a fingerprint that differs is LIE_ERR_USAGE. Every rank
 * reads; rank 0 of world writes (through .tmp). */
void lie_augsearch_fingerprint(const lie_augsearch_job *s, char *buf, size_t n);
int lie_augsearch_state_read(lie_augsearch_job *s, int *found);
int lie_augsearch_state_write(lie_augsearch_job *s);

/* The winner as a pretrain options file and the table of all candidates (JSON). Rank 0. */
int lie_augsearch_write_options(const lie_augsearch_job *s);
int lie_augsearch_write_table(const lie_augsearch_job *s);

#endif
