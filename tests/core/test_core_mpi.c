/* lie_ctx on a communicator: it duplicates the caller's communicator, reports rank/size,
 * and MPI errors come back as LIE_ERR_MPI instead of aborting. */
#include "lie_test.h"

#include <string.h>

int main(int argc, char **argv) {
  lie_ctx ctx;
  int size, rank;
  PetscInitialize(&argc, &argv, NULL, NULL);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  LIE_TEST_TRUE(lie_ctx_size(ctx) == size && lie_ctx_rank(ctx) == rank, "ctx rank/size match the communicator");
  int cmp;
  MPI_Comm_compare(lie_ctx_comm(ctx), PETSC_COMM_WORLD, &cmp);
  LIE_TEST_TRUE(cmp == MPI_CONGRUENT, "ctx holds a duplicate of the communicator");
  /* An invalid root must be reported, not abort the job. */
  int x = 1;
  int e = MPI_Bcast(&x, 1, MPI_INT, size + 3, lie_ctx_comm(ctx));
  LIE_TEST_TRUE(e != MPI_SUCCESS, "MPI errors are returned on the ctx communicator");
  /* Seeds derived on different ranks agree. */
  uint64_t s = lie_seed_derive(7, 2, 123), s0 = s;
  MPI_Bcast(&s0, 1, MPI_UINT64_T, 0, PETSC_COMM_WORLD);
  LIE_TEST_TRUE(s == s0, "seed derivation agrees across ranks");
  /* Error agreement: no failure -> 0 everywhere; the last rank fails -> every rank returns its
   * code and message, with the origin; an interleaved blocking collective still matches. */
  LIE_TEST_TRUE(lie_ctx_agree(ctx, LIE_OK) == LIE_OK, "agree: no failure");
  int mine = rank == size - 1 ? lie_error_set(LIE_ERR_IO, __FILE__, __LINE__, __func__, "disk %d gone", size - 1) : 0;
  e = lie_ctx_agree(ctx, mine);
  char want[64];
  snprintf(want, sizeof want, "disk %d gone", size - 1);
  LIE_TEST_TRUE(e == LIE_ERR_IO && lie_error_code() == LIE_ERR_IO && lie_error_origin() == size - 1 &&
                    !strcmp(lie_error_message(), want),
                "agree: every rank gets the failing rank's code, message and rank");
  lie_error_clear();
  LIE_TEST_TRUE(lie_error_origin() == -1, "cleared error has no origin");
  x = rank;
  MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_INT, MPI_SUM, lie_ctx_comm(ctx));
  LIE_TEST_TRUE(x == size * (size - 1) / 2, "the computation's collectives are not disturbed");
  int joined = -1;
  e = lie_ctx_agree_within(ctx, rank == 0 ? LIE_ERR_USAGE : 0, 10.0, &joined);
  LIE_TEST_TRUE(joined == 1 && e == LIE_ERR_USAGE && lie_error_origin() == 0, "agree_within: all ranks joined in time");
  lie_error_clear();
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  LIE_TEST_TRUE(ctx == NULL, "destroy sets the handle to NULL");
  return lie_test_finish();
}
