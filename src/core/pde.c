/* PDE names as used on the command line and in the files' `pde` attribute. */
#include "liereg/core.h"

#include <string.h>

static const char *pde_names[] = {"ks", "kdv", "burgers", "ns"};

int lie_pde_from_name(const char *name, lie_pde *pde) {
  for (int i = 0; i < 4; i++)
    if (!strcmp(name, pde_names[i])) {
      *pde = (lie_pde)i;
      return LIE_OK;
    }
  LIE_ERROR(LIE_ERR_USAGE, "unknown PDE '%s' (expected ks, kdv, burgers or ns)", name);
}

const char *lie_pde_name(lie_pde pde) { return (pde >= 0 && pde <= LIE_PDE_NS) ? pde_names[pde] : "?"; }
