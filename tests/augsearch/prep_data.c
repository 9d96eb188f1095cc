/* Test helper for the augmentation search: usage: lie_augsearch_prep FILE.h5 [VALID.h5]
 * - with VALID.h5, copies its /valid group into FILE.h5 (a file holding train and valid, as
 *   `liereg augsearch -data FILE.h5` reads by default);
 * - replaces FILE.h5's /test by an external link to a file that does not exist: any opening of
 *   the test split (a group, a dataset, an attribute under it) then fails in HDF5, so a
 *   search that succeeds on such files has provably never opened the test split. Listing the
 *   root still shows "test" (H5Lexists is true), so code that walks the splits trips on it. */
#include <hdf5.h>
#include <stdio.h>

#define TRAP_FILE "augsearch_test_split_must_never_be_opened.h5"

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE.h5 [VALID.h5]\n", argv[0]);
    return 2;
  }
  hid_t f = H5Fopen(argv[1], H5F_ACC_RDWR, H5P_DEFAULT);
  if (f < 0) return 1;
  int bad = 0;
  if (argc > 2) {
    hid_t v = H5Fopen(argv[2], H5F_ACC_RDONLY, H5P_DEFAULT);
    bad |= v < 0 || H5Ocopy(v, "valid", f, "valid", H5P_DEFAULT, H5P_DEFAULT) < 0;
    if (v >= 0) H5Fclose(v);
  }
  if (H5Lexists(f, "test", H5P_DEFAULT) > 0) bad |= H5Ldelete(f, "test", H5P_DEFAULT) < 0;
  bad |= H5Lcreate_external(TRAP_FILE, "/test", f, "test", H5P_DEFAULT, H5P_DEFAULT) < 0;
  bad |= H5Fclose(f) < 0;
  if (bad) fprintf(stderr, "%s: failed to prepare %s\n", argv[0], argv[1]);
  return bad;
}
