/* Single-writer output files of the report module (JSON, CSV, markdown, PNG): written under
 * NAME.tmp and renamed to NAME only once complete, so a failed run never leaves a partial
 * file at the final path (docs/DESIGN.md, output files). */
#include "report_impl.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int lie_rep_tmp_name(const char *path, char *tmp, size_t ntmp) {
  LIE_CHECK(path && path[0], LIE_ERR_ARG, "empty output path");
  LIE_CHECK((size_t)snprintf(tmp, ntmp, "%s.tmp", path) < ntmp, LIE_ERR_USAGE, "output path too long: %s", path);
  return LIE_OK;
}

int lie_rep_file_open(const char *path, char *tmp, size_t ntmp, FILE **f) {
  *f = NULL;
  LIE_CALL(lie_rep_tmp_name(path, tmp, ntmp));
  *f = fopen(tmp, "w");
  LIE_CHECK(*f, LIE_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
  return LIE_OK;
}

int lie_rep_file_close(FILE *f, const char *tmp, const char *path, int err) {
  int bad = ferror(f);
  bad |= fclose(f) != 0;
  if (!err && bad) LIE_SET(LIE_ERR_IO, "writing %s failed (disk full?)", tmp);
done:
  LIE_CALL(lie_rep_file_commit(tmp, path, err));
  return LIE_OK;
}

int lie_rep_file_commit(const char *tmp, const char *path, int err) {
  if (!err && rename(tmp, path) != 0) LIE_SET(LIE_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
done:
  if (err) unlink(tmp); /* never leave a partial file behind */
  LIE_CALL(err);
  return LIE_OK;
}
