/* lie_ctx: the communicator a liereg computation runs on, its clock and verbosity. */
#include "liereg/core.h"

#include <math.h>
#include <petscsys.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

struct lie_ctx_s {
  MPI_Comm comm, agree_comm; /* agree_comm: lie_ctx_agree's own traffic */
  int rank, size, verbosity;
  double t0;
};

/* The context the current error was last agreed over (see agree). */
static _Thread_local const struct lie_ctx_s *agreed_on;

double lie_wtime(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* A host without PETSc (a Fortran or plain-MPI code calling the inference API): liereg
 * initialises PETSc itself on the first context and finalises it with the last one. */
static int petsc_ours, nctx;

static int petsc_up(void) {
  PetscBool up;
  LIE_PETSC(PetscInitialized(&up));
  if (!up) {
    LIE_PETSC(PetscInitializeNoArguments());
    petsc_ours = 1;
  }
  return LIE_OK;
}

int lie_ctx_create(MPI_Comm comm, lie_ctx *ctx) {
  lie_ctx c;
  *ctx = NULL;
  LIE_CALL(petsc_up());
  LIE_ALLOC(c, 1);
  /* Errors must come back to us as return codes, not abort inside MPI. */
  if (MPI_Comm_dup(comm, &c->comm) != MPI_SUCCESS) {
    free(c);
    LIE_ERROR(LIE_ERR_MPI, "MPI_Comm_dup failed");
  }
  LIE_MPI(MPI_Comm_set_errhandler(c->comm, MPI_ERRORS_RETURN));
  LIE_MPI(MPI_Comm_dup(c->comm, &c->agree_comm));
  LIE_MPI(MPI_Comm_rank(c->comm, &c->rank));
  LIE_MPI(MPI_Comm_size(c->comm, &c->size));
  c->verbosity = 1;
  c->t0 = lie_wtime();
  LIE_CALL(lie_events_register());
  *ctx = c;
  nctx++;
  return LIE_OK;
}

int lie_ctx_destroy(lie_ctx *ctx) {
  if (!ctx || !*ctx) return LIE_OK;
  if (agreed_on == *ctx) agreed_on = NULL; /* its address may be a new context's */
  LIE_MPI(MPI_Comm_free(&(*ctx)->agree_comm));
  LIE_MPI(MPI_Comm_free(&(*ctx)->comm));
  LIE_FREE(*ctx);
  if (--nctx == 0 && petsc_ours) { /* before the host's MPI_Finalize */
    petsc_ours = 0;
    LIE_PETSC(PetscFinalize());
  }
  return LIE_OK;
}

MPI_Comm lie_ctx_comm(lie_ctx ctx) { return ctx->comm; }
int lie_ctx_rank(lie_ctx ctx) { return ctx->rank; }
int lie_ctx_size(lie_ctx ctx) { return ctx->size; }
double lie_ctx_elapsed(lie_ctx ctx) { return lie_wtime() - ctx->t0; }
void lie_ctx_set_verbosity(lie_ctx ctx, int level) { ctx->verbosity = level; }
int lie_ctx_verbosity(lie_ctx ctx) { return ctx->verbosity; }

/* Waits for req; with seconds >= 0 at most that long (polling, so a rank left alone can give
 * up). Returns 1 when it completed. */
static int wait_within(MPI_Request *req, double seconds) {
  if (seconds < 0) return MPI_Wait(req, MPI_STATUS_IGNORE) == MPI_SUCCESS;
  double end = lie_wtime() + seconds;
  int done = 0;
  while (MPI_Test(req, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done && lie_wtime() < end) {
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
  }
  return done;
}

static int set_agreed(lie_ctx ctx, int code, int origin, const char *msg) {
  agreed_on = ctx;
  return lie_error_set_agreed(code, origin, msg);
}

/* The failing rank by an allreduce, then its code and message by a broadcast: the lowest rank
 * whose error is its own, else (every error only mirrors another rank's, lie_error_mark_peer)
 * the lowest failing rank. Key: rank for an own error, size + rank for a mirrored one, 2 size
 * for none. Non-blocking collectives only: they never match a blocking one, so a rank that
 * waits here cannot be paired with a rank blocked elsewhere. */
static int agree(lie_ctx ctx, int err, double seconds, int *joined) {
  const int none = 2 * ctx->size;
  int mine = !err ? none : lie_error_is_peer() ? ctx->size + ctx->rank : ctx->rank, key = none;
  MPI_Request req;
  *joined = 1;
  /* already agreed over these ranks (at an agreement point nested in the failed call): every
   * rank knows it and leaves the same way, so none calls here again; communicating would wait
   * for ever. (Agreed over a sub-communicator only, it is agreed again here.) */
  if (err && lie_error_origin() >= 0 && agreed_on == ctx) return err;
  if (ctx->size == 1) return err ? set_agreed(ctx, lie_error_code() ? lie_error_code() : err, 0, NULL) : LIE_OK;
  if (MPI_Iallreduce(&mine, &key, 1, MPI_INT, MPI_MIN, ctx->agree_comm, &req) != MPI_SUCCESS ||
      !wait_within(&req, seconds)) {
    *joined = 0;
    if (err) return err;
    LIE_ERROR(LIE_ERR_MPI, "error agreement failed");
  }
  if (key == none) return LIE_OK;
  const int first = key % ctx->size;
  struct {
    int code;
    char msg[1024];
  } m = {0};
  if (ctx->rank == first) {
    m.code = lie_error_code() ? lie_error_code() : err;
    snprintf(m.msg, sizeof m.msg, "%s", lie_error_message()[0] ? lie_error_message() : lie_error_name(m.code));
  }
  if (MPI_Ibcast(&m, (int)sizeof m, MPI_BYTE, first, ctx->agree_comm, &req) != MPI_SUCCESS ||
      MPI_Wait(&req, MPI_STATUS_IGNORE) != MPI_SUCCESS)
    LIE_ERROR(LIE_ERR_MPI, "error agreement: broadcast from rank %d failed", first);
  return set_agreed(ctx, m.code, first, ctx->rank == first ? NULL : m.msg);
}

int lie_ctx_agree(lie_ctx ctx, int err) {
  int joined;
  return agree(ctx, err, -1.0, &joined);
}

int lie_ctx_agree_within(lie_ctx ctx, int err, double seconds, int *joined) { return agree(ctx, err, seconds, joined); }

/* Rank 0 prints messages up to the context's verbosity. */
static void log_rank0(lie_ctx ctx, int level, const char *prefix, const char *fmt, va_list ap) {
  if (ctx->rank != 0 || ctx->verbosity < level) return;
  fputs(prefix, stdout);
  vfprintf(stdout, fmt, ap);
  fputc('\n', stdout);
  fflush(stdout);
}

void lie_log_info(lie_ctx ctx, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  log_rank0(ctx, 1, "", fmt, ap);
  va_end(ap);
}

void lie_log_debug(lie_ctx ctx, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  log_rank0(ctx, 2, "debug: ", fmt, ap);
  va_end(ap);
}

void lie_log_warn(lie_ctx ctx, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "[%d] %.2fs liereg: warning: ", ctx->rank, lie_ctx_elapsed(ctx));
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
}

lie_events_t lie_events;

int lie_events_register(void) {
  static int done = 0;
  PetscClassId cid;
  PetscLogEvent *ev[] = {&lie_events.solve,     &lie_events.augment, &lie_events.forward, &lie_events.backward,
                         &lie_events.allreduce, &lie_events.io,      &lie_events.eval};
  const char *names[] = {"LieSolve", "LieAugment", "LieForward", "LieBackward", "LieAllreduce", "LieIO", "LieEval"};
  if (done) return LIE_OK;
  LIE_PETSC(PetscClassIdRegister("liereg", &cid));
  for (int i = 0; i < 7; i++)
    LIE_PETSC(PetscLogEventRegister(names[i], cid, ev[i]));
  done = 1;
  return LIE_OK;
}

/* x * 0 is 0 for finite x and NaN for Inf or NaN; eight independent sums of it per block (no
 * exit inside a block) vectorise, where isfinite with an exit per value did not: the
 * pretrainer checks every trajectory it reads (this was 4-7 % of a 1D view's CPU time). */
int lie_all_finite(const double *x, size_t n) {
  size_t i = 0;
  for (; i + 1024 <= n; i += 1024) {
    double acc[8] = {0};
    for (size_t j = 0; j < 1024; j += 8)
      for (int l = 0; l < 8; l++)
        acc[l] += x[i + j + l] * 0.0;
    for (int l = 0; l < 8; l++)
      if (acc[l] != 0.0) return 0;
  }
  for (; i < n; i++)
    if (!isfinite(x[i])) return 0;
  return 1;
}

int lie_all_finite_f(const float *x, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i])) return 0;
  return 1;
}

double lie_rel_l2(const double *a, const double *b, size_t n) {
  double num = 0, den = 0;
  for (size_t i = 0; i < n; i++) {
    num += (a[i] - b[i]) * (a[i] - b[i]);
    den += b[i] * b[i];
  }
  return sqrt(num / (den > 0 ? den : 1));
}
