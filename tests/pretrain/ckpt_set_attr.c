/* Test helper: replaces attribute /train/NAME of a checkpoint by a double scalar (so that a
 * test can plant 1e30, NaN or a huge crop). usage: lie_ckpt_set_attr FILE NAME VALUE */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s FILE NAME VALUE\n", argv[0]);
    return 2;
  }
  double v = strtod(argv[3], NULL);
  hid_t f = H5Fopen(argv[1], H5F_ACC_RDWR, H5P_DEFAULT);
  hid_t g = f < 0 ? -1 : H5Gopen2(f, "train", H5P_DEFAULT);
  if (g < 0) return 1;
  if (H5Aexists(g, argv[2]) > 0) H5Adelete(g, argv[2]);
  hid_t s = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(g, argv[2], H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT);
  int bad = a < 0 || H5Awrite(a, H5T_NATIVE_DOUBLE, &v) < 0;
  H5Aclose(a), H5Sclose(s), H5Gclose(g);
  bad |= H5Fclose(f) < 0;
  return bad;
}
