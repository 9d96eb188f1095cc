/* Test helper: writes the synthetic travelling-wave dataset of pretrain_testlib.h.
 * usage: lie_pretrain_mkdata FILE.h5 N NT NX SEED [train|valid|test] */
#include "pretrain_testlib.h"

int main(int argc, char **argv) {
  lie_ctx ctx;
  PetscInitialize(&argc, &argv, NULL, NULL);
  if (argc < 6) {
    fprintf(stderr, "usage: %s FILE.h5 N NT NX SEED\n", argv[0]);
    return 2;
  }
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  lie_split split = LIE_SPLIT_TRAIN;
  if (argc > 6) LIE_TEST_CALL(lie_split_from_name(argv[6], &split));
  LIE_TEST_CALL(lie_test_write_waves_split(ctx, argv[1], split, atoi(argv[2]), atoi(argv[3]), atoi(argv[4]),
                                           strtoull(argv[5], 0, 10)));
  lie_ctx_destroy(&ctx);
  PetscFinalize();
  return 0;
}
