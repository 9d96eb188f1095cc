/* Field access for the flat JSON result files written by liereg probe / supervised: enough to
 * read them back for the report, not a general JSON parser. */
#include "liereg/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *lie_json_find(const char *from, const char *key) {
  char pat[96];
  if (!from || !key) return NULL;
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(from, pat);
  if (!p) return NULL;
  p += strlen(pat);
  while (*p == ' ')
    p++;
  return p;
}

int lie_json_number(const char *from, const char *key, double *v) {
  const char *p = lie_json_find(from, key);
  char *end;
  if (!p) return 0;
  if (!strncmp(p, "NaN", 3) || !strncmp(p, "nan", 3) || !strncmp(p, "-nan", 4)) {
    *v = strtod("nan", NULL);
    return 1;
  }
  double x = strtod(p, &end);
  if (end == p) return 0;
  *v = x;
  return 1;
}

int lie_json_string(const char *from, const char *key, char *buf, size_t n) {
  const char *p = lie_json_find(from, key);
  if (!p || *p != '"' || n == 0) return 0;
  p++;
  size_t k = 0;
  while (*p && *p != '"' && k + 1 < n)
    buf[k++] = *p++;
  buf[k] = 0;
  return 1;
}
