/* oneDNN backend (work in progress). */
#include "nn_impl.h"
#if LIEREG_HAVE_DNNL
static int dnnl_setup(lie_nn_net net) { LIE_ERROR(LIE_ERR_NOTSUP, "oneDNN backend not implemented yet"); }
const lie_nn_backend_ops lie_nn_dnnl_ops = {dnnl_setup, NULL, NULL, NULL, NULL};
#endif
