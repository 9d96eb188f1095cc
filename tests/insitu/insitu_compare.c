/* Compares what insitu_burgers computed in-situ (PREFIX_insitu.txt, exact hex floats) with the
 * command-line path on the same windows: `liereg embed` (EMB.h5:/test/emb) and `liereg probe
 * -probe_predictions` (PRED.csv, %.17g). Bit-for-bit: any difference, or NaN, fails.
 *   insitu_compare INSITU.txt EMB.h5 PRED.csv */
#include "liereg/infer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: insitu_compare INSITU.txt EMB.h5 PRED.csv\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "r"), *p = fopen(argv[3], "r");
  int nw = 0, D = 0, n = 0, d = 0, bad = 0;
  float *z = NULL;
  if (!f || !p || fscanf(f, "windows %d repr %d", &nw, &D) != 2 || nw < 1) {
    fprintf(stderr, "FAIL cannot read %s or %s\n", argv[1], argv[3]);
    return 1;
  }
  if (lie_emb_read(argv[2], "test", &n, &d, &z)) {
    fprintf(stderr, "FAIL %s\n", lie_error_message());
    return 1;
  }
  if (n != nw || d != D) {
    fprintf(stderr, "FAIL shapes: in-situ %d x %d, embed %d x %d\n", nw, D, n, d);
    return 1;
  }
  char line[256];
  if (!fgets(line, sizeof line, p)) bad = 1; /* CSV header */
  double maxz = 0, maxp = 0;
  long nz = 0, np = 0, diffz = 0, diffp = 0;
  for (int i = 0; i < nw && !bad; i++) {
    double pred, v, cli;
    int row, out;
    if (fscanf(f, "%la", &pred) != 1 || fscanf(p, "%d,%d,%*[^,],%lf", &row, &out, &cli) != 3 || row != i) {
      bad = 1;
      break;
    }
    double dp = fabs(pred - cli);
    np++, diffp += pred != cli;
    if (!(dp <= maxp)) maxp = dp;
    for (int c = 0; c < D; c++) {
      if (fscanf(f, "%la", &v) != 1) bad = 1;
      double dz = fabs(v - (double)z[(size_t)i * D + c]);
      nz++, diffz += (float)v != z[(size_t)i * D + c];
      if (!(dz <= maxz)) maxz = dz;
    }
  }
  free(z);
  fclose(f), fclose(p);
  printf("in-situ vs liereg embed: %ld representation values compared, %ld differ, max |diff| = %g\n", nz, diffz, maxz);
  printf("in-situ vs liereg probe: %ld predictions compared, %ld differ, max |diff| = %g\n", np, diffp, maxp);
  if (bad) fprintf(stderr, "FAIL malformed %s or %s\n", argv[1], argv[3]);
  return bad || diffz || diffp || nz == 0 || np == 0 || !(maxz == 0) || !(maxp == 0);
}
