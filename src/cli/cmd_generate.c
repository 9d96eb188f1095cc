#include "cli.h"
int lie_cmd_generate(lie_ctx ctx, int nargs, char **args) { LIE_ERROR(LIE_ERR_NOTSUP, "generate: not yet implemented"); }
