/* The default -target of the probes and the supervised baseline: the paper's target for the PDE
 * recorded in a file (data files and embedding files carry the `pde` root attribute): Burgers
 * nu, NS buoyancy buo_y, KS/KdV initial-condition modes ic_mode. Not collective: a serial read
 * of one attribute, so it may run inside per-rank checks that the caller agrees on. The result
 * lines and files name the target used. */
#include "pipeline_impl.h"

#include <string.h>
#include <unistd.h>

int lie_job_default_target(const char *file, char *target, size_t n) {
  char pde[32] = "";
  LIE_CHECK(access(file, R_OK) == 0, LIE_ERR_IO, "cannot open %s: no such file or not readable", file);
  LIE_CALL(lie_h5_file_pde(NULL, file, pde, sizeof pde));
  LIE_CHECK(pde[0], LIE_ERR_USAGE, "%s does not record its PDE: give -target nu|buo_y|ic_mode|ic_mode_scaled", file);
  snprintf(target, n, "%s", !strcmp(pde, "burgers") ? "nu" : !strcmp(pde, "ns") ? "buo_y" : "ic_mode");
  return LIE_OK;
}
