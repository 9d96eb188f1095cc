/* Checked option getters: the one way liereg reads numbers and names from the PETSc options
 * database. Each takes the same arguments as the PETSc call it replaces plus a range, parses
 * the text itself (the whole value must be a number of the right type: "abc", "2.5" or "6e1"
 * for an integer, "4294967297" for a 32-bit integer, "inf"/"nan" for a real are refused) and
 * only then lets PETSc record the option (for -help and -options_left). A bad value is
 * LIE_ERR_USAGE with one line naming the option and the value, e.g.
 * "-n abc: not an integer"; the PETSc code returned is PETSC_ERR_USER_INPUT, which LIE_PETSC
 * turns back into that usage error (no PETSc error page), so they fit PetscCall sites too.
 * Use inside PetscOptionsBegin/End via the LIE_OPTIONS_* macros; outside (po = NULL) with the
 * prefix argument of the lie_options_get_* forms. */
#ifndef LIEREG_OPTIONS_H
#define LIEREG_OPTIONS_H

#include <petscsys.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sane maximum of a grid size or frame count in options and files (2^20): far above any
 * real data, far below what would overflow an int product of two of them per sample. */
#define LIE_MAX_GRID (1 << 20)

PetscErrorCode lie_options_int(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                               PetscInt cur, PetscInt *val, PetscBool *set, PetscInt lo, PetscInt hi);
/* Finite values in [lo, hi] only. */
PetscErrorCode lie_options_real(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                                PetscReal cur, PetscReal *val, PetscBool *set, PetscReal lo, PetscReal hi);
/* Comma lists: *n is the capacity on entry, the count on exit (as PETSc's). */
PetscErrorCode lie_options_int_array(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                                     PetscInt *vals, PetscInt *n, PetscBool *set, PetscInt lo, PetscInt hi);
PetscErrorCode lie_options_real_array(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                                      PetscReal *vals, PetscInt *n, PetscBool *set, PetscReal lo, PetscReal hi);
/* One of `choices` (NULL-terminated): *val is its index. Unknown names list the choices. */
PetscErrorCode lie_options_enum(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                                const char *const *choices, int cur, int *val, PetscBool *set);

/* Drop-in forms of PetscOptionsEnum (list: names, type name, prefix, NULL) and
 * PetscOptionsEList (ntext names; *val untouched when the option is absent): an unknown name
 * is a usage error listing the choices (PETSc's own calls end in an error page). */
PetscErrorCode lie_options_petsc_enum(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                                      const char *const *list, PetscEnum cur, PetscEnum *val, PetscBool *set);
PetscErrorCode lie_options_elist(PetscOptionItems *po, const char *prefix, const char *opt, const char *text,
                                 const char *const *list, PetscInt ntext, const char *cur, PetscInt *val,
                                 PetscBool *set);
#define LIE_OPTIONS_ENUM(a, b, c, list, cur, val, set)                                                                 \
  lie_options_petsc_enum(PetscOptionsObject, NULL, a, b, list, cur, val, set)
#define LIE_OPTIONS_ELIST(a, b, c, list, ntext, cur, val, set)                                                         \
  lie_options_elist(PetscOptionsObject, NULL, a, b, list, ntext, cur, val, set)

/* Drop-in forms of PetscOptionsInt/Real/IntArray/RealArray (same arguments: name, text,
 * manual page, current value, result, set flag), with the full range of the type. */
#define LIE_OPTIONS_INT(a, b, c, d, e, f)                                                                              \
  lie_options_int(PetscOptionsObject, NULL, a, b, d, e, f, PETSC_MIN_INT, PETSC_MAX_INT)
#define LIE_OPTIONS_RANGE_INT(a, b, c, d, e, f, lo, hi) lie_options_int(PetscOptionsObject, NULL, a, b, d, e, f, lo, hi)
#define LIE_OPTIONS_REAL(a, b, c, d, e, f)                                                                             \
  lie_options_real(PetscOptionsObject, NULL, a, b, d, e, f, -PETSC_MAX_REAL, PETSC_MAX_REAL)
#define LIE_OPTIONS_RANGE_REAL(a, b, c, d, e, f, lo, hi)                                                               \
  lie_options_real(PetscOptionsObject, NULL, a, b, d, e, f, lo, hi)
#define LIE_OPTIONS_INT_ARRAY(a, b, c, d, e, f)                                                                        \
  lie_options_int_array(PetscOptionsObject, NULL, a, b, d, e, f, PETSC_MIN_INT, PETSC_MAX_INT)
#define LIE_OPTIONS_REAL_ARRAY(a, b, c, d, e, f)                                                                       \
  lie_options_real_array(PetscOptionsObject, NULL, a, b, d, e, f, -PETSC_MAX_REAL, PETSC_MAX_REAL)
/* Drop-in forms of PetscOptionsGetInt/GetReal(NULL, prefix, name, &value, &set). */
#define LIE_OPTIONS_GET_INT(o, pre, name, v, s)                                                                        \
  lie_options_int(NULL, pre, name, NULL, *(v), v, s, PETSC_MIN_INT, PETSC_MAX_INT)
#define LIE_OPTIONS_GET_REAL(o, pre, name, v, s)                                                                       \
  lie_options_real(NULL, pre, name, NULL, *(v), v, s, -PETSC_MAX_REAL, PETSC_MAX_REAL)

#ifdef __cplusplus
}
#endif
#endif
