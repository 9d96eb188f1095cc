/* Rows of a split computed in rank blocks and gathered on every rank: the supervised
 * baseline's predictions and the trained probe's plain-crop representations (supervised.c,
 * probe_trained.c). Rank r owns rows [n r / P, n (r + 1) / P), so the blocks follow rank
 * order and the gathered array does not depend on the rank count. */
#include "supervised_impl.h"

#include <stdlib.h>

void lie_rank_block(int n, int rank, int P, int *first, int *count) {
  *first = (int)((long)n * rank / P);
  *count = (int)((long)n * (rank + 1) / P) - *first;
}

int lie_rank_rows_gather(lie_ctx ctx, int mine_err, const double *mine, int n, int w, double *all) {
  const int P = lie_ctx_size(ctx);
  int *counts = NULL, *displs = NULL, first, cnt, err = LIE_OK;
  /* every rank takes part, so that a rank that failed does not leave the others waiting */
  LIE_CALL(lie_ctx_agree(ctx, mine_err));
  LIE_ALLOC_GOTO(counts, P);
  LIE_ALLOC_GOTO(displs, P);
  for (int r = 0; r < P; r++) {
    lie_rank_block(n, r, P, &first, &cnt);
    counts[r] = cnt * w, displs[r] = first * w;
  }
  lie_rank_block(n, lie_ctx_rank(ctx), P, &first, &cnt);
  LIE_CHECK_GOTO(!MPI_Allgatherv(mine, cnt * w, MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, lie_ctx_comm(ctx)),
                 LIE_ERR_MPI, "MPI_Allgatherv failed");
done:
  free(counts), free(displs);
  return err;
}
