/* Data-parallel pieces: the gradient sum over ranks and synchronised batch norm.
 *
 * Gradients are summed with ONE in-place MPI_Allreduce on the flat gradient buffer after the
 * backward pass (not bucketed or overlapped: the reference backend runs the backward as a
 * single call, so there is no point at which a finished bucket could be sent; at the sizes
 * we train (ResNet-18, 11M floats) one large allreduce is bandwidth-bound and already near
 * the ring optimum). The VICReg loss is over the global batch, so the gradient is the SUM
 * of the ranks' back-propagations, not their mean (docs/SSL.md). */
#include "liereg/ssl.h"

#include <petscsys.h>

int lie_ssl_allreduce_grads(lie_ctx ctx, lie_nn_net net) {
  size_t n;
  float *g = lie_nn_net_grads(net, &n);
  if (lie_ctx_size(ctx) == 1) return LIE_OK;
  PetscLogEventBegin(lie_events.allreduce, 0, 0, 0, 0);
  /* MPI counts are int: send in pieces of at most 2^30 floats. */
  for (size_t off = 0; off < n; off += (size_t)1 << 30) {
    size_t len = n - off < ((size_t)1 << 30) ? n - off : ((size_t)1 << 30);
    LIE_MPI(MPI_Allreduce(MPI_IN_PLACE, g + off, (int)len, MPI_FLOAT, MPI_SUM, lie_ctx_comm(ctx)));
  }
  PetscLogEventEnd(lie_events.allreduce, 0, 0, 0, 0);
  return LIE_OK;
}

static int bn_sum(double *buf, int n, void *user) {
  lie_ctx ctx = (lie_ctx)user;
  LIE_MPI(MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_DOUBLE, MPI_SUM, lie_ctx_comm(ctx)));
  return LIE_OK;
}

int lie_ssl_sync_bn(lie_ctx ctx, lie_nn_net net) {
  LIE_CALL(lie_nn_net_set_bn_reduce(net, bn_sum, ctx));
  return LIE_OK;
}
