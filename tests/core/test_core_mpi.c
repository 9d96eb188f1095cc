/* lie_ctx on a communicator: it duplicates the caller's communicator, reports rank/size,
 * and MPI errors come back as LIE_ERR_MPI instead of aborting. */
#include "lie_test.h"

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
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  LIE_TEST_TRUE(ctx == NULL, "destroy sets the handle to NULL");
  return lie_test_finish();
}
