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

/* The stop flag OR-ed over the ranks (collective): *sig = a signal number, 255 for
 * lie_stop_request, 0 when no rank was asked to stop. */
int lie_stop_agreed(lie_ctx ctx, int *sig) {
  int mine = stop_flag > 0 ? stop_flag : stop_flag ? 255 : 0, any = mine;
  if (lie_ctx_size(ctx) > 1) LIE_MPI(MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, lie_ctx_comm(ctx)));
  *sig = any;
  return LIE_OK;
}

/* For computations that cannot resume (generation): between units of work, a stop signal on
 * any rank becomes the same error on every rank, so the caller discards its temporary output
 * and exits 1 with one line instead of dying by the signal with a .tmp left behind. */
int lie_stop_check(lie_ctx ctx, int done, int n, const char *what) {
  int sig;
  LIE_CALL(lie_stop_agreed(ctx, &sig));
  LIE_CHECK(!sig, LIE_ERR_STATE,
            "stopped by %s after %d of %d %s; nothing written (the output is all or nothing: run the command again)",
            sig == SIGTERM   ? "SIGTERM"
            : sig == SIGUSR1 ? "SIGUSR1"
            : sig == SIGINT  ? "SIGINT"
                             : "a stop request",
            done, n, what);
  return LIE_OK;
}
