/* Single-writer output files of the report module (JSON, CSV, markdown, PNG) through io's one
 * output helper, lie_output (src/io/output.c): written under NAME.tmp, renamed to NAME only
 * once complete, removed on error, so a failed run never leaves a partial file at the final
 * path (docs/DESIGN.md, output files). Callers finish with lie_output_end_file. */
#include "liereg/io.h"
#include "report_impl.h"

#include <errno.h>
#include <string.h>

int lie_rep_output(const char *path, lie_output *o) {
  LIE_CHECK(path && path[0], LIE_ERR_ARG, "empty output path");
  LIE_CALL(lie_output_temp(o, path));
  return LIE_OK;
}

int lie_rep_file_open(const char *path, lie_output *o, FILE **f) {
  *f = NULL;
  LIE_CALL(lie_rep_output(path, o));
  *f = fopen(o->tmp, "w");
  LIE_CHECK(*f, LIE_ERR_IO, "cannot write %s: %s", o->tmp, strerror(errno));
  return LIE_OK;
}
