/* liereg core: error codes and traceback macros, the context object, logging,
 * counter-based random numbers and PETSc log events.
 *
 * Error convention (modelled on PETSc's PetscCall/PetscCheck): every library function
 * returns int, 0 on success or a LIE_ERR_* code. LIE_CHECK records a formatted message
 * and the file:line:function where it failed; LIE_CALL appends one traceback frame per
 * level as the error returns up the stack. Only the CLI's main turns an error into a
 * message on stderr and an exit code; the library never calls exit() or abort(). */
#ifndef LIEREG_CORE_H
#define LIEREG_CORE_H

#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIE_VERSION_STRING "0.1.0"

enum lie_err {
  LIE_OK = 0,
  LIE_ERR_USAGE,   /* bad option / argument value from the user (CLI exit code 2) */
  LIE_ERR_ARG,     /* bad argument passed by a caller of the library */
  LIE_ERR_MEM,     /* allocation failed */
  LIE_ERR_IO,      /* file system: cannot open, rename, write */
  LIE_ERR_FORMAT,  /* input file does not follow the expected schema */
  LIE_ERR_NUMERIC, /* NaN/Inf, blow-up, non-convergence */
  LIE_ERR_MPI,
  LIE_ERR_HDF5,
  LIE_ERR_FFTW,
  LIE_ERR_PETSC,
  LIE_ERR_LAPACK,
  LIE_ERR_DNNL,
  LIE_ERR_STATE,    /* object used in the wrong state (e.g. before setup) */
  LIE_ERR_NOTSUP,   /* valid request that this build does not support */
  LIE_ERR_INTERNAL, /* a bug in liereg */
  LIE_ERR_COUNT
};

/* Error state (thread-local): message plus traceback frames. */
int lie_error_set(int code, const char *file, int line, const char *func, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
int lie_error_trace(int code, const char *file, int line, const char *func);
const char *lie_error_message(void); /* "" when no error was recorded */
int lie_error_code(void);
void lie_error_clear(void);
/* Prints "liereg: error: <message>" (one line); with traceback != 0 also one
 * "    at func (file:line)" line per recorded frame. */
void lie_error_print(FILE *out, int rank, double elapsed, int traceback);
const char *lie_error_name(int code);
/* Error agreed over the ranks (lie_ctx_agree): rank `origin` failed first; msg != NULL replaces
 * the local message (the error came from another rank). */
int lie_error_set_agreed(int code, int origin, const char *msg);
int lie_error_origin(void); /* that rank, or -1 for an error not agreed over the ranks */
/* Marks the recorded error as a consequence of another rank's failure (a collective told this
 * rank that one failed, e.g. a synchronised batch norm): lie_ctx_agree then names the rank whose
 * own error it was, not this one. lie_error_set and lie_error_clear reset the mark. */
int lie_error_mark_peer(int code);
int lie_error_is_peer(void);

/* Records an error at this position and yields its code, as an expression: for functions that
 * must return something else than our int (the option getters return PETSc codes). Everything
 * else uses the statements below, which are built on it. */
#define LIE_RECORD(code, ...) lie_error_set((code), __FILE__, __LINE__, __func__, __VA_ARGS__)

#define LIE_CHECK(cond, code, ...)                                                                                     \
  do {                                                                                                                 \
    if (!(cond)) return LIE_RECORD((code), __VA_ARGS__);                                                               \
  } while (0)

#define LIE_ERROR(code, ...) return LIE_RECORD((code), __VA_ARGS__)

#define LIE_CALL(x)                                                                                                    \
  do {                                                                                                                 \
    int lie_e_ = (x);                                                                                                  \
    if (lie_e_) return lie_error_trace(lie_e_, __FILE__, __LINE__, __func__);                                          \
  } while (0)

/* MPI result check (MPI errors must be set to MPI_ERRORS_RETURN on the communicator,
 * lie_ctx_create does that). */
int lie_error_mpi(int mpierr, const char *expr, const char *file, int line, const char *func);
#define LIE_MPI(x)                                                                                                     \
  do {                                                                                                                 \
    int lie_m_ = (x);                                                                                                  \
    if (lie_m_ != MPI_SUCCESS) return lie_error_mpi(lie_m_, #x, __FILE__, __LINE__, __func__);                         \
  } while (0)

/* HDF5 calls return a negative value on failure. */
#define LIE_H5(x)                                                                                                      \
  do {                                                                                                                 \
    if ((x) < 0) return LIE_RECORD(LIE_ERR_HDF5, "HDF5 call failed: %s", #x);                                          \
  } while (0)

/* PETSc calls return a PetscErrorCode; the PETSc message is copied into ours. */
int lie_error_petsc(int perr, const char *expr, const char *file, int line, const char *func);
/* The checked option getters (liereg/options.h) mark the PETSc code they return as carrying
 * their usage error, so that lie_error_petsc keeps it. */
void lie_error_mark_option(void);
#define LIE_PETSC(x)                                                                                                   \
  do {                                                                                                                 \
    int lie_p_ = (int)(x);                                                                                             \
    if (lie_p_) return lie_error_petsc(lie_p_, #x, __FILE__, __LINE__, __func__);                                      \
  } while (0)

/* calloc n elements of *p's type into p; LIE_ERR_MEM on failure. */
#define LIE_ALLOC(p, n)                                                                                                \
  do {                                                                                                                 \
    size_t lie_n_ = (size_t)(n);                                                                                       \
    (p) = calloc(lie_n_ ? lie_n_ : 1, sizeof(*(p)));                                                                   \
    if (!(p)) return LIE_RECORD(LIE_ERR_MEM, "out of memory allocating %zu x %zu bytes", lie_n_, sizeof(*(p)));        \
  } while (0)
#define LIE_FREE(p)                                                                                                    \
  do {                                                                                                                 \
    free(p);                                                                                                           \
    (p) = NULL;                                                                                                        \
  } while (0)

/* Clean-up style (PETSc's PetscCall with a clean-up label): for a function that owns
 * resources, declare `int err = LIE_OK;`, release everything after a `done:` label and
 * `return err;`. Each macro below records the error like its return-style twin above, stores
 * the code in the local `err` and jumps to `done` (docs/CONVENTIONS.md has the rules and an
 * example). Functions with nothing to release keep the return-style macros. */
#define LIE_SET(code, ...)                                                                                             \
  do {                                                                                                                 \
    err = LIE_RECORD((code), __VA_ARGS__);                                                                             \
    goto done;                                                                                                         \
  } while (0)

#define LIE_CHECK_GOTO(cond, code, ...)                                                                                \
  do {                                                                                                                 \
    if (!(cond)) LIE_SET((code), __VA_ARGS__);                                                                         \
  } while (0)

#define LIE_CALL_GOTO(x)                                                                                               \
  do {                                                                                                                 \
    int lie_e_ = (x);                                                                                                  \
    if (lie_e_) {                                                                                                      \
      err = lie_error_trace(lie_e_, __FILE__, __LINE__, __func__);                                                     \
      goto done;                                                                                                       \
    }                                                                                                                  \
  } while (0)

#define LIE_MPI_GOTO(x)                                                                                                \
  do {                                                                                                                 \
    int lie_m_ = (x);                                                                                                  \
    if (lie_m_ != MPI_SUCCESS) {                                                                                       \
      err = lie_error_mpi(lie_m_, #x, __FILE__, __LINE__, __func__);                                                   \
      goto done;                                                                                                       \
    }                                                                                                                  \
  } while (0)

#define LIE_H5_GOTO(x)                                                                                                 \
  do {                                                                                                                 \
    if ((x) < 0) LIE_SET(LIE_ERR_HDF5, "HDF5 call failed: %s", #x);                                                    \
  } while (0)

#define LIE_PETSC_GOTO(x)                                                                                              \
  do {                                                                                                                 \
    int lie_p_ = (int)(x);                                                                                             \
    if (lie_p_) {                                                                                                      \
      err = lie_error_petsc(lie_p_, #x, __FILE__, __LINE__, __func__);                                                 \
      goto done;                                                                                                       \
    }                                                                                                                  \
  } while (0)

#define LIE_ALLOC_GOTO(p, n)                                                                                           \
  do {                                                                                                                 \
    size_t lie_n_ = (size_t)(n);                                                                                       \
    (p) = calloc(lie_n_ ? lie_n_ : 1, sizeof(*(p)));                                                                   \
    if (!(p)) LIE_SET(LIE_ERR_MEM, "out of memory allocating %zu x %zu bytes", lie_n_, sizeof(*(p)));                  \
  } while (0)

/* ---------------------------------------------------------------- random numbers */
/* Philox4x32-10 (Salmon et al., SC'11): a counter-based generator. The stream is a pure
 * function of (key, counter), so any draw can be reproduced from the stored seed alone and
 * the state is four words to checkpoint. */
typedef struct {
  uint32_t key[2];
  uint32_t ctr[4];
  uint32_t buf[4];
  int pos; /* next unused word of buf; 4 = empty */
} lie_rng;

void lie_rng_seed(lie_rng *r, uint64_t seed);
uint32_t lie_rng_u32(lie_rng *r);
uint64_t lie_rng_u64(lie_rng *r);
double lie_rng_uniform(lie_rng *r);                     /* [0, 1), 53 bits */
double lie_rng_range(lie_rng *r, double lo, double hi); /* [lo, hi) */
int lie_rng_int(lie_rng *r, int lo, int hi);            /* integer in [lo, hi) */
double lie_rng_normal(lie_rng *r);                      /* N(0,1), Box-Muller */
/* Seed of item `index` of split `split` under base seed `base`: a hash, so it does not
 * depend on how items are distributed over ranks. */
uint64_t lie_seed_derive(uint64_t base, uint64_t split, uint64_t index);

/* Data splits ("mode" in LPSDA/PDEArena files). */
typedef enum { LIE_SPLIT_TRAIN = 0, LIE_SPLIT_VALID = 1, LIE_SPLIT_TEST = 2 } lie_split;
int lie_split_from_name(const char *name, lie_split *split);
const char *lie_split_name(lie_split split);

/* The PDEs liereg knows, by their names on the command line and in the files' `pde`
 * attribute (src/core/pde.c). Every layer names PDEs, so they live here, not in solvers. */
typedef enum { LIE_PDE_KS = 0, LIE_PDE_KDV, LIE_PDE_BURGERS, LIE_PDE_NS } lie_pde;
int lie_pde_from_name(const char *name, lie_pde *pde); /* "ks", "kdv", "burgers", "ns" */
const char *lie_pde_name(lie_pde pde);

/* ---------------------------------------------------------------- context */
typedef struct lie_ctx_s *lie_ctx;

/* The communicator is duplicated (the caller keeps ownership of theirs); MPI and PETSc
 * must already be initialised. */
int lie_ctx_create(MPI_Comm comm, lie_ctx *ctx);
int lie_ctx_destroy(lie_ctx *ctx);
MPI_Comm lie_ctx_comm(lie_ctx ctx);
int lie_ctx_rank(lie_ctx ctx);
int lie_ctx_size(lie_ctx ctx);
double lie_ctx_elapsed(lie_ctx ctx);                /* seconds since creation */
void lie_ctx_set_verbosity(lie_ctx ctx, int level); /* 0 quiet, 1 normal (default), 2 debug */
int lie_ctx_verbosity(lie_ctx ctx);

/* Collective error agreement. Call on every rank after a step whose outcome may differ
 * between ranks (a file that exists, opens or reads on some ranks only, a directory writable
 * on one node) and before the next collective: err is this rank's result. Returns LIE_OK when
 * every rank passed; otherwise every rank returns the same code with the message of the
 * lowest failing rank (lie_error_origin() names it; a rank whose error only mirrors another's,
 * lie_error_mark_peer, comes after every rank with an error of its own), so all ranks leave
 * together and the CLI prints the error once. Uses its own communicator (non-blocking
 * collectives), so it never matches a collective of the computation. Cost: one small
 * allreduce; call it once per loop body that alternates local work and collectives
 * (docs/CONVENTIONS.md, "Errors on one rank"). */
int lie_ctx_agree(lie_ctx ctx, int err);
/* The same with a time limit, for a rank that failed where the others may not call it (the
 * CLI's main): *joined = 0 when the others did not join within `seconds` (then err is
 * returned unchanged and the pending request is abandoned: only MPI_Abort may follow). */
int lie_ctx_agree_within(lie_ctx ctx, int err, double seconds, int *joined);

/* Logging: info/debug print on rank 0 only (stdout); warnings print on any rank with a
 * "[rank]" prefix (stderr). */
void lie_log_info(lie_ctx ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void lie_log_debug(lie_ctx ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void lie_log_warn(lie_ctx ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---------------------------------------------------------------- pre-emption signals */
/* SIGUSR1, SIGTERM and SIGINT set a flag instead of ending the process, so that a long run can
 * checkpoint at its next safe point (src/core/stop.c). Install/restore nest; the outermost
 * restore reinstates the previous handlers. */
int lie_stop_install(void);
void lie_stop_restore(void);
int lie_stop_pending(void); /* 0, the signal number, or -1 after lie_stop_request */
void lie_stop_request(void);
void lie_stop_clear(void);
/* Collective: the flag OR-ed over ctx's ranks (*sig: signal number, 255 for a request, 0). */
int lie_stop_agreed(lie_ctx ctx, int *sig);
/* Collective: LIE_ERR_STATE on every rank ("stopped by SIGTERM after done of n what; nothing
 * written") when any rank got a stop signal; for work that is not resumable (generate). */
int lie_stop_check(lie_ctx ctx, int done, int n, const char *what);
/* Test hook (src/core/fault.c): with LIEREG_FAULT=WHERE:RANK in the environment, fails on rank
 * RANK at the point named WHERE (generate, pretrain_step, embed_batch, ...); LIE_OK otherwise. */
int lie_fault(lie_ctx ctx, const char *where);
/* Exit status of a run that stopped on a signal after writing a resumable checkpoint
 * (EX_TEMPFAIL: "run the same command again to continue"). */
#define LIE_EXIT_RESUMABLE 75

/* ---------------------------------------------------------------- PETSc log events */
/* Registered once (idempotent) by lie_ctx_create; use with PetscLogEventBegin/End. */
typedef struct {
  int solve, augment, forward, backward, allreduce, io, eval;
} lie_events_t;
extern lie_events_t lie_events; /* values are PetscLogEvent ids */
int lie_events_register(void);

/* ---------------------------------------------------------------- limits (src/core/limits.c) */
/* Bytes the node can still give (MemAvailable). */
double lie_mem_available(void);
/* LIE_ERR_USAGE naming `what` when an estimate of `bytes` per rank exceeds it: checked before
 * allocating, so an absurd size is refused at once instead of swapping or being killed. */
int lie_check_memory(double bytes, const char *what);
/* x converted when it is a number in [lo, hi] (returns 1); 0 for NaN, Inf or out of range —
 * a plain cast of those is undefined behaviour. */
int lie_to_int(double x, int lo, int hi, int *out);
int lie_to_long(double x, long lo, long hi, long *out);
/* Whole frames of step dt that a time shift moves: round(|shift / dt|), or cap when that is
 * not below cap (a huge, infinite or NaN shift, dt = 0): no lround/labs overflow. */
int lie_shift_frames(double shift, double dt, int cap);

/* ---------------------------------------------------------------- small helpers */
/* 1 when every value is finite. */
int lie_all_finite(const double *x, size_t n);
int lie_all_finite_f(const float *x, size_t n);
double lie_wtime(void);
/* ||a - b||_2 / ||b||_2 (the reference is b; ||b|| = 0 counts as 1). */
double lie_rel_l2(const double *a, const double *b, size_t n);

#ifdef __cplusplus
}
#endif
#endif
