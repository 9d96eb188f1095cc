#include "cli.h"
int lie_cmd_info(lie_ctx ctx, int nargs, char **args) { LIE_ERROR(LIE_ERR_NOTSUP, "info: not yet implemented"); }
