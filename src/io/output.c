/* Output files: written under NAME.tmp, renamed to NAME only when every rank agrees the write
 * succeeded, and the temporary file removed on any error (docs/FORMATS.md). One helper for every
 * command, so that no path can leave a half-written file under the final name or a stray .tmp. */
#include "liereg/io.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The directory part of path ("." when it has none). */
static void dir_of(const char *path, char *dir, size_t n) {
  snprintf(dir, n, "%s", path);
  char *slash = strrchr(dir, '/');
  if (!slash)
    snprintf(dir, n, ".");
  else
    *(slash == dir ? slash + 1 : slash) = 0;
}

int lie_output_begin(lie_output *o, const char *path, int force) {
  memset(o, 0, sizeof *o);
  LIE_CHECK(path && path[0], LIE_ERR_USAGE, "missing output file (-o FILE)");
  size_t len = strlen(path);
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  LIE_CHECK(base[0] && strcmp(base, ".") && strcmp(base, ".."), LIE_ERR_USAGE,
            "output %s names a directory, not a file", path);
  /* NAME.tmp must itself be a valid name: 4 more characters than NAME. */
  LIE_CHECK(
      len + 4 < sizeof o->tmp && strlen(base) + 4 <= NAME_MAX, LIE_ERR_USAGE,
      "output path too long (%zu characters, file name %zu; at most %d and %d, as NAME.tmp is written first): %.80s...",
      len, strlen(base), (int)sizeof o->tmp - 5, NAME_MAX - 4, path);
  LIE_CHECK(force || access(path, F_OK) != 0, LIE_ERR_USAGE, "output file %s exists (use -force to overwrite)", path);
  char dir[sizeof o->path];
  dir_of(path, dir, sizeof dir);
  LIE_CHECK(access(dir, W_OK) == 0, LIE_ERR_IO, "cannot write %s: directory %s does not exist or is not writable", path,
            dir);
  snprintf(o->path, sizeof o->path, "%s", path);
  snprintf(o->tmp, sizeof o->tmp, "%s.tmp", path);
  return LIE_OK;
}

int lie_output_temp(lie_output *o, const char *path) {
  memset(o, 0, sizeof *o);
  LIE_CHECK(strlen(path) + 5 <= sizeof o->path, LIE_ERR_ARG, "output path too long: %.80s...", path);
  snprintf(o->path, sizeof o->path, "%s", path);
  snprintf(o->tmp, sizeof o->tmp, "%s.tmp", path);
  return LIE_OK;
}

int lie_output_not_input(const lie_output *o, const char *input, const char *option) {
  char a[PATH_MAX], b[PATH_MAX];
  if (!input || !input[0]) return LIE_OK;
  /* the output may not exist yet (then it cannot be the input); compare resolved names */
  if (!realpath(o->path, a) || !realpath(input, b)) return LIE_OK;
  LIE_CHECK(strcmp(a, b) != 0, LIE_ERR_USAGE, "output %s is the input %s %s: it would be overwritten", o->path, option,
            input);
  return LIE_OK;
}

/* Rank 0 publishes or removes the temporary file; every rank learns whether that worked. */
static int finish(lie_output *o, int ok, int me, MPI_Comm comm) {
  int renamed = 1, eno = 0;
  if (me == 0) {
    if (ok) {
      renamed = rename(o->tmp, o->path) == 0;
      eno = errno;
    }
    if (!ok || !renamed) unlink(o->tmp);
  }
  if (comm != MPI_COMM_NULL) LIE_MPI(MPI_Bcast(&renamed, 1, MPI_INT, 0, comm));
  LIE_CHECK(renamed, LIE_ERR_IO, "cannot rename %s to %s: %s", o->tmp, o->path, strerror(eno));
  return LIE_OK;
}

/* Agreement through lie_ctx_agree (its own communicator): a rank that failed before reaching
 * here meets this one in the CLI's agreement as well, so no rank waits forever. */
int lie_output_end(lie_ctx ctx, lie_output *o, int err) {
  if (!o->tmp[0]) return err; /* never begun: nothing to publish or remove */
  int rank = lie_ctx_rank(ctx);
  int agreed = lie_ctx_agree(ctx, err);
  if (agreed) {
    if (rank == 0) unlink(o->tmp);
    o->tmp[0] = 0;
    LIE_CALL(agreed);
  }
  int ferr = rank == 0 ? finish(o, 1, 0, MPI_COMM_NULL) : LIE_OK;
  o->tmp[0] = 0;
  LIE_CALL(lie_ctx_agree(ctx, ferr));
  return LIE_OK;
}

/* Closes a written stream; a write or the close that failed (a full disk) is the error unless
 * an earlier one, err, is already recorded (then err is returned as it is). */
static int stream_close(const lie_output *o, FILE *f, int err) {
  int bad = ferror(f);
  bad |= fclose(f) != 0;
  if (err) return err;
  LIE_CHECK(!bad, LIE_ERR_IO, "writing %s failed (disk full?)", o->tmp);
  return LIE_OK;
}

int lie_output_end_file(lie_output *o, FILE *f, int err) {
  if (f) err = stream_close(o, f, err);
  if (!o->tmp[0]) return err;
  int ferr = finish(o, !err, 0, MPI_COMM_NULL);
  o->tmp[0] = 0;
  LIE_CALL(err);
  LIE_CALL(ferr);
  return LIE_OK;
}

int lie_output_abandon(lie_output *o) {
  if (o->tmp[0]) unlink(o->tmp);
  o->tmp[0] = 0;
  return LIE_OK;
}
