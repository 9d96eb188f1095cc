/* Resource limits checked before work starts, and range-checked float -> integer conversion
 * (a double outside the integer's range, Inf or NaN converted by a cast is undefined
 * behaviour: it must be refused, not wrapped). */
#include "liereg/core.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

double lie_mem_available(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  char line[256];
  double kb = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1) break;
  if (f) fclose(f);
  if (kb > 0) return kb * 1024.0;
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? (double)pages * (double)page : 1e18;
}

int lie_check_memory(double bytes, const char *what) {
  double avail = lie_mem_available();
  LIE_CHECK(isfinite(bytes) && bytes <= avail, LIE_ERR_USAGE,
            "%s needs about %.3g GB of memory per rank, more than the %.3g GB available on this node", what,
            bytes / 1e9, avail / 1e9);
  return LIE_OK;
}

int lie_to_int(double x, int lo, int hi, int *out) {
  if (!(x >= (double)lo && x <= (double)hi)) return 0; /* also NaN */
  *out = (int)x;
  return 1;
}

int lie_shift_frames(double shift, double dt, int cap) {
  double q = round(fabs(shift / dt)); /* as lround: halves away from zero */
  return q < cap ? (int)q : cap;      /* NaN (dt 0, shift Inf) compares false: cap */
}

int lie_to_long(double x, long lo, long hi, long *out) {
  /* (double)LONG_MAX rounds up to 2^63, which does not fit: compare against 2^63 strictly */
  if (!(x >= (double)lo && x < 9.2233720368547758e18 && x <= (double)hi)) return 0;
  *out = (long)x;
  return 1;
}
