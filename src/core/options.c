/* Checked option getters (include/liereg/options.h): parse the option's text strictly, check
 * its range, then let PETSc record it. PETSc's own parsers accept "inf" and "nan", wrap
 * integers that do not fit PetscInt and report a malformed value with a full error page that
 * does not name the option; these report one line naming option and value. */
#include "liereg/options.h"
#include "liereg/core.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LIE_OPT_TEXT 4096

/* Records a usage error for the option and returns the PETSc code LIE_PETSC maps back to it. */
#define BAD_VALUE(...)                                                                                                 \
  do {                                                                                                                 \
    LIE_RECORD(LIE_ERR_USAGE, __VA_ARGS__);                                                                            \
    lie_error_mark_option();                                                                                           \
    return PETSC_ERR_USER_INPUT;                                                                                       \
  } while (0)

/* The option's text, when given ("" for a bare flag). */
static PetscErrorCode raw(PetscOptionItems *po, const char *prefix, const char *opt, char *buf, PetscBool *has) {
  buf[0] = 0;
  return PetscOptionsGetString(po ? po->options : NULL, po ? po->prefix : prefix, opt, buf, LIE_OPT_TEXT, has);
}

static const char *pre(PetscOptionItems *po, const char *prefix) {
  const char *p = po ? po->prefix : prefix;
  return p ? p : "";
}

static int parse_int(const char *s, long long *v) {
  char *end;
  errno = 0;
  *v = strtoll(s, &end, 10);
  while (*end == ' ')
    end++;
  return s[0] && *end == 0 && errno == 0;
}

static int parse_real(const char *s, double *v) {
  char *end;
  errno = 0;
  *v = strtod(s, &end);
  while (*end == ' ')
    end++;
  return s[0] && *end == 0 && errno != ERANGE;
}

static PetscErrorCode check_int(const char *p, const char *opt, const char *s, PetscInt lo, PetscInt hi, PetscInt *v) {
  long long x;
  if (!s[0]) BAD_VALUE("-%s%s needs an integer value", p, opt + 1);
  if (!parse_int(s, &x)) BAD_VALUE("-%s%s %s: not an integer", p, opt + 1, s);
  if (x < lo || x > hi) BAD_VALUE("-%s%s %s: out of range [%lld, %lld]", p, opt + 1, s, (long long)lo, (long long)hi);
  *v = (PetscInt)x;
  return 0;
}

static PetscErrorCode check_real(const char *p, const char *opt, const char *s, PetscReal lo, PetscReal hi,
                                 PetscReal *v) {
  double x;
  if (!s[0]) BAD_VALUE("-%s%s needs a number", p, opt + 1);
  if (!parse_real(s, &x)) BAD_VALUE("-%s%s %s: not a number", p, opt + 1, s);
  if (!isfinite(x)) BAD_VALUE("-%s%s %s: must be finite", p, opt + 1, s);
  if (x < lo || x > hi) BAD_VALUE("-%s%s %s: out of range [%g, %g]", p, opt + 1, s, (double)lo, (double)hi);
  *v = (PetscReal)x;
  return 0;
}

PetscErrorCode lie_options_int(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                               PetscInt cur, PetscInt *val, PetscBool *set, PetscInt lo, PetscInt hi) {
  char buf[LIE_OPT_TEXT];
  PetscBool has;
  PetscInt v = cur;
  PetscErrorCode e = raw(po, prefix, opt, buf, &has);
  if (e) return e;
  if (has && (e = check_int(pre(po, prefix), opt, buf, lo, hi, &v))) return e;
  if (po) return PetscOptionsInt_Private(po, opt, text, "", cur, val, set, PETSC_MIN_INT, PETSC_MAX_INT);
  if (has) *val = v;
  if (set) *set = has;
  return 0;
}

PetscErrorCode lie_options_real(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                                PetscReal cur, PetscReal *val, PetscBool *set, PetscReal lo, PetscReal hi) {
  char buf[LIE_OPT_TEXT];
  PetscBool has;
  PetscReal v = cur;
  PetscErrorCode e = raw(po, prefix, opt, buf, &has);
  if (e) return e;
  if (has && (e = check_real(pre(po, prefix), opt, buf, lo, hi, &v))) return e;
  if (po) return PetscOptionsReal_Private(po, opt, text, "", cur, val, set);
  if (has) *val = v;
  if (set) *set = has;
  return 0;
}

/* Checks every item of a comma list (at most cap of them) with check(). */
static PetscErrorCode check_list(const char *p, const char *opt, char *buf, PetscInt cap, int is_int, double lo,
                                 double hi) {
  PetscInt n = 0;
  if (!buf[0]) BAD_VALUE("-%s%s needs a comma-separated list", p, opt + 1);
  for (char *item = buf, *next; item; item = next, n++) {
    next = strchr(item, ',');
    if (next) *next++ = 0;
    if (n >= cap) BAD_VALUE("-%s%s: more than %d values", p, opt + 1, (int)cap);
    PetscErrorCode e;
    if (is_int) {
      PetscInt v;
      e = check_int(p, opt, item, (PetscInt)lo, (PetscInt)hi, &v);
    } else {
      PetscReal v;
      e = check_real(p, opt, item, lo, hi, &v);
    }
    if (e) return e;
  }
  return 0;
}

/* The array getters' common first half: the option's text, each item checked when given. */
static PetscErrorCode check_list_option(PetscOptionItems *po, const char *prefix, const char *opt, PetscInt cap,
                                        int is_int, double lo, double hi) {
  char buf[LIE_OPT_TEXT];
  PetscBool has;
  PetscErrorCode e = raw(po, prefix, opt, buf, &has);
  if (e) return e;
  return has ? check_list(pre(po, prefix), opt, buf, cap, is_int, lo, hi) : 0;
}

PetscErrorCode lie_options_int_array(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                                     PetscInt *vals, PetscInt *n, PetscBool *set, PetscInt lo, PetscInt hi) {
  PetscErrorCode e = check_list_option(po, prefix, opt, *n, 1, (double)lo, (double)hi);
  if (e) return e;
  if (po) return PetscOptionsIntArray_Private(po, opt, text, "", vals, n, set);
  return PetscOptionsGetIntArray(NULL, prefix, opt, vals, n, set);
}

PetscErrorCode lie_options_real_array(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                                      PetscReal *vals, PetscInt *n, PetscBool *set, PetscReal lo, PetscReal hi) {
  PetscErrorCode e = check_list_option(po, prefix, opt, *n, 0, lo, hi);
  if (e) return e;
  if (po) return PetscOptionsRealArray_Private(po, opt, text, "", vals, n, set);
  return PetscOptionsGetRealArray(NULL, prefix, opt, vals, n, set);
}

PetscErrorCode lie_options_enum(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                                const char *const *choices, int cur, int *val, PetscBool *set) {
  char buf[LIE_OPT_TEXT], list[512] = "";
  PetscBool has;
  int n = 0;
  PetscErrorCode e = raw(po, prefix, opt, buf, &has);
  if (e) return e;
  for (; choices[n]; n++) {
    size_t len = strlen(list);
    snprintf(list + len, sizeof list - len, "%s%s", n ? ", " : "", choices[n]);
  }
  if (set) *set = has;
  if (po) { /* list it for -help */
    char dummy[LIE_OPT_TEXT];
    e = PetscOptionsString_Private(po, opt, text, "", choices[cur], dummy, sizeof dummy, NULL);
    if (e) return e;
  }
  if (!has) {
    *val = cur;
    return 0;
  }
  for (int i = 0; i < n; i++)
    if (!strcmp(buf, choices[i])) {
      *val = i;
      return 0;
    }
  BAD_VALUE("-%s%s %s: must be one of %s", pre(po, prefix), opt + 1, buf[0] ? buf : "(empty)", list);
}

/* PetscOptionsEnum's list: the names, then the type name, the prefix and NULL. */
PetscErrorCode lie_options_petsc_enum(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                                      const char *const *list, PetscEnum cur, PetscEnum *val, PetscBool *set) {
  const char *choices[65];
  int n = 0, v = (int)cur;
  while (list[n])
    n++;
  n -= 2; /* the type name and the prefix */
  if (n < 1 || n > 64) BAD_VALUE("-%s%s: malformed enum list (%d names)", pre(po, prefix), opt + 1, n);
  for (int i = 0; i < n; i++)
    choices[i] = list[i];
  choices[n] = NULL;
  PetscErrorCode e = lie_options_enum(po, prefix, opt, text, choices, v, &v, set);
  if (e) return e;
  *val = (PetscEnum)v;
  return 0;
}

PetscErrorCode lie_options_elist(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                                 const char *const *list, PetscInt ntext, const char *cur, PetscInt *val,
                                 PetscBool *set) {
  const char *choices[65];
  int c = 0, v;
  if (ntext < 1 || ntext > 64)
    BAD_VALUE("-%s%s: malformed choice list (%d names)", pre(po, prefix), opt + 1, (int)ntext);
  for (int i = 0; i < ntext; i++) {
    choices[i] = list[i];
    if (cur && !strcmp(cur, list[i])) c = i;
  }
  choices[ntext] = NULL;
  PetscBool has;
  PetscErrorCode e = lie_options_enum(po, prefix, opt, text, choices, c, &v, &has);
  if (e) return e;
  if (set) *set = has;
  if (has || !cur) *val = v; /* as PETSc: *val is left alone when the option is absent */
  return 0;
}
