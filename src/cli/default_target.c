/* The default -target of probe, probe -probe_mode trained and supervised: the paper's target
 * for the PDE recorded in the file (an embedding file copies its data's pde attribute):
 * Burgers nu, NS buoyancy buo_y, KS/KdV initial-condition modes ic_mode. */
#include "cli.h"

#include <string.h>
#include <unistd.h>

int lie_cli_default_target(lie_ctx ctx, const char *file, char *target, size_t n, const char *cmd) {
  char pde[32] = "";
  LIE_CALL(lie_ctx_agree(ctx, access(file, R_OK) == 0
                                  ? LIE_OK
                                  : lie_error_set(LIE_ERR_IO, __FILE__, __LINE__, __func__,
                                                  "cannot open %s: no such file or not readable", file)));
  LIE_CALL(lie_h5_file_pde(ctx, file, pde, sizeof pde));
  LIE_CHECK(pde[0], LIE_ERR_USAGE, "%s does not record its PDE: give -target nu|buo_y|ic_mode|ic_mode_scaled", file);
  snprintf(target, n, "%s", !strcmp(pde, "burgers") ? "nu" : !strcmp(pde, "ns") ? "buo_y" : "ic_mode");
  lie_log_info(ctx, "%s: -target %s (the %s default)", cmd, target, pde);
  return LIE_OK;
}
