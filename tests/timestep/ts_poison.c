/* Test helper: ts_poison FILE.h5 DATASET writes a NaN into element [0, 1, 1] of DATASET
 * (a (N, nt, nx) float64 field), to check that readers refuse non-finite data. */
#include <hdf5.h>
#include <math.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: ts_poison FILE.h5 DATASET\n");
    return 2;
  }
  hid_t f = H5Fopen(argv[1], H5F_ACC_RDWR, H5P_DEFAULT);
  hid_t d = f >= 0 ? H5Dopen2(f, argv[2], H5P_DEFAULT) : -1;
  if (d < 0) return 1;
  hid_t fs = H5Dget_space(d);
  hsize_t start[3] = {0, 1, 1}, count[3] = {1, 1, 1};
  H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
  hid_t ms = H5Screate_simple(3, count, NULL);
  double v = NAN;
  herr_t e = H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, &v);
  H5Sclose(ms), H5Sclose(fs), H5Dclose(d), H5Fclose(f);
  return e < 0;
}
