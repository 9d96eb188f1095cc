/* Error state and traceback (see include/liereg/core.h). Thread-local so that OpenMP
 * threads reporting an error do not clobber each other. */
#include "liereg/core.h"

#include <petscsys.h>
#include <stdarg.h>
#include <string.h>

#define LIE_MAX_FRAMES 32

typedef struct {
  const char *file, *func;
  int line;
} lie_frame;

static _Thread_local struct {
  int code;
  char msg[1024];
  lie_frame frames[LIE_MAX_FRAMES];
  int nframes;
  int origin; /* rank the error came from when agreed over the ranks (lie_ctx_agree), else -1 */
  int peer;   /* the error only mirrors another rank's (lie_error_mark_peer) */
} err_state = {.origin = -1};

static void push_frame(const char *file, int line, const char *func) {
  if (err_state.nframes >= LIE_MAX_FRAMES) return;
  err_state.frames[err_state.nframes++] = (lie_frame){file, func, line};
}

int lie_error_set(int code, const char *file, int line, const char *func, const char *fmt, ...) {
  va_list ap;
  err_state.code = code;
  err_state.nframes = 0;
  err_state.origin = -1;
  err_state.peer = 0;
  va_start(ap, fmt);
  vsnprintf(err_state.msg, sizeof err_state.msg, fmt, ap);
  va_end(ap);
  push_frame(file, line, func);
  return code;
}

int lie_error_trace(int code, const char *file, int line, const char *func) {
  if (err_state.code == LIE_OK) { /* error code returned without a message: keep a trace anyway */
    err_state.code = code;
    snprintf(err_state.msg, sizeof err_state.msg, "%s", lie_error_name(code));
  }
  push_frame(file, line, func);
  return code;
}

int lie_error_mpi(int mpierr, const char *expr, const char *file, int line, const char *func) {
  char s[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(mpierr, s, &len) != MPI_SUCCESS) snprintf(s, sizeof s, "MPI error %d", mpierr);
  return lie_error_set(LIE_ERR_MPI, file, line, func, "%s failed: %s", expr, s);
}

/* Set by the checked option getters (src/core/options.c): the PETSc code on its way up is
 * their usage error, already described in err_state. */
static _Thread_local int option_error = 0;
void lie_error_mark_option(void) { option_error = 1; }

int lie_error_petsc(int perr, const char *expr, const char *file, int line, const char *func) {
  const char *text = NULL;
  char *specific = NULL;
  if (option_error && perr == PETSC_ERR_USER_INPUT && err_state.code == LIE_ERR_USAGE) {
    option_error = 0;
    return lie_error_trace(LIE_ERR_USAGE, file, line, func);
  }
  option_error = 0;
  PetscErrorMessage((PetscErrorCode)perr, &text, &specific);
  /* PETSc's own message (with the error page off, see main.c) is the useful part */
  if (specific && specific[0]) return lie_error_set(LIE_ERR_PETSC, file, line, func, "%s", specific);
  return lie_error_set(LIE_ERR_PETSC, file, line, func, "%s failed: %s", expr, text ? text : "PETSc error");
}

int lie_error_set_agreed(int code, int origin, const char *msg) {
  if (msg) { /* another rank's error: its message, no local frames */
    snprintf(err_state.msg, sizeof err_state.msg, "%s", msg);
    err_state.nframes = 0;
  }
  err_state.code = code;
  err_state.origin = origin;
  err_state.peer = msg != NULL; /* agreed again over more ranks (augsearch's groups): not ours */
  return code;
}

int lie_error_origin(void) { return err_state.origin; }

int lie_error_mark_peer(int code) {
  err_state.peer = 1;
  return code;
}
int lie_error_is_peer(void) { return err_state.code != LIE_OK && err_state.peer; }

const char *lie_error_message(void) { return err_state.msg; }
int lie_error_code(void) { return err_state.code; }

void lie_error_clear(void) {
  err_state.code = LIE_OK;
  err_state.msg[0] = 0;
  err_state.nframes = 0;
  err_state.origin = -1;
  err_state.peer = 0;
}

void lie_error_print(FILE *out, int rank, double elapsed, int traceback) {
  fprintf(out, "[%d] %.2fs liereg: error: %s\n", rank, elapsed,
          err_state.msg[0] ? err_state.msg : lie_error_name(err_state.code));
  if (!traceback) return;
  for (int i = 0; i < err_state.nframes; i++) {
    const char *f = strrchr(err_state.frames[i].file, '/');
    fprintf(out, "    at %s (%s:%d)\n", err_state.frames[i].func, f ? f + 1 : err_state.frames[i].file,
            err_state.frames[i].line);
  }
  fflush(out);
}

const char *lie_error_name(int code) {
  static const char *names[LIE_ERR_COUNT] = {"no error",     "usage error",     "invalid argument",  "out of memory",
                                             "I/O error",    "bad file format", "numerical failure", "MPI error",
                                             "HDF5 error",   "FFTW error",      "PETSc error",       "LAPACK error",
                                             "oneDNN error", "invalid state",   "not supported",     "internal error"};
  return (code >= 0 && code < LIE_ERR_COUNT) ? names[code] : "unknown error";
}
