/* Pre-emption signals: SIGUSR1 (SLURM's --signal=B:USR1@T forwarded by jobs/pretrain.sbatch),
 * SIGTERM (scancel, pre-emption) and SIGINT (Ctrl-C) only record the signal in a flag, which a
 * long computation polls at safe points (the trainer: every step boundary, OR-ed over the ranks)
 * to write a checkpoint and return. Handlers nest: the CLI installs them before a resumable
 * command's slow start-up, the trainer again around its loop; the outermost restore puts back
 * what was there before (PETSc's handlers, or the caller's in an in-situ run). */
#include "liereg/core.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_flag = 0;
static int depth = 0;
static const int stop_signals[] = {SIGUSR1, SIGTERM, SIGINT};
#define NSTOP ((int)(sizeof stop_signals / sizeof stop_signals[0]))
static struct sigaction saved[NSTOP];

static void on_stop_signal(int sig) { stop_flag = sig; }

int lie_stop_install(void) {
  if (depth++ > 0) return LIE_OK;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < NSTOP; i++)
    LIE_CHECK(sigaction(stop_signals[i], &sa, &saved[i]) == 0, LIE_ERR_INTERNAL, "sigaction(%d) failed",
              stop_signals[i]);
  return LIE_OK;
}

void lie_stop_restore(void) {
  if (depth == 0 || --depth > 0) return;
  for (int i = 0; i < NSTOP; i++)
    sigaction(stop_signals[i], &saved[i], NULL);
}

int lie_stop_pending(void) { return stop_flag; }
void lie_stop_request(void) { stop_flag = -1; }
void lie_stop_clear(void) { stop_flag = 0; }
