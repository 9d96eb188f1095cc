/* Result files as JSON on jansson (include/liereg/report.h, "JSON output"). Every document is
 * valid JSON: strings (paths included) are escaped by jansson, and a NaN or Inf number is
 * written as null with its location listed in the root's "nonfinite" array (docs/EVAL.md,
 * "Result files"), because JSON has no NaN. */
#include "report_impl.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#define JSON_DEPTH 8
#define JSON_WHERE 256

/* Reals keep the 10 significant digits of the printf-era files, so the numbers a report
 * reads back are the same bit for bit. */
#define JSON_FLAGS (JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

typedef struct {
  json_t *node;           /* object or array (borrowed from the tree) */
  char where[JSON_WHERE]; /* its location, e.g. "sweep[2]" ("" for the root) */
} json_frame;

struct lie_json_s {
  json_t *root, *nonfinite;
  json_frame stack[JSON_DEPTH];
  int depth; /* stack[depth - 1] is the open container */
};

int lie_json_create(lie_json *out) {
  struct lie_json_s *j;
  *out = NULL;
  LIE_ALLOC(j, 1);
  j->root = json_object();
  j->nonfinite = json_array();
  if (!j->root || !j->nonfinite) {
    json_decref(j->root), json_decref(j->nonfinite), free(j);
    LIE_ERROR(LIE_ERR_MEM, "out of memory for a JSON document");
  }
  j->stack[0].node = j->root, j->depth = 1;
  *out = j;
  return LIE_OK;
}

void lie_json_destroy(lie_json *j) {
  if (!j || !*j) return;
  json_decref((*j)->root);
  json_decref((*j)->nonfinite);
  free(*j);
  *j = NULL;
}

static json_frame *top(lie_json j) { return &j->stack[j->depth - 1]; }

/* Adds v under key (objects) or at the end (arrays; key ignored); steals v. */
static int put(lie_json j, const char *key, json_t *v) {
  json_t *c = top(j)->node;
  LIE_CHECK(v, LIE_ERR_MEM, "out of memory building JSON");
  int bad =
      json_is_object(c) ? (key ? json_object_set_new(c, key, v) : (json_decref(v), -1)) : json_array_append_new(c, v);
  LIE_CHECK(!bad, LIE_ERR_ARG, "JSON: cannot add '%s' at '%s'", key ? key : "(item)", top(j)->where);
  return LIE_OK;
}

/* Location of a new child: "key" / "parent.key" in objects, "parent[i]" in arrays. */
static void child_where(lie_json j, const char *key, char *w, size_t n) {
  json_frame *t = top(j);
  if (json_is_array(t->node))
    snprintf(w, n, "%s[%zu]", t->where, json_array_size(t->node));
  else
    snprintf(w, n, "%s%s%s", t->where, t->where[0] ? "." : "", key ? key : "");
}

/* JSON strings are UTF-8; a path need not be. Such a string is written with its non-ASCII
 * bytes as '?' (lossy, but the file stays valid JSON). */
static json_t *utf8_string(const char *v) {
  json_t *s = json_string(v);
  if (s) return s;
  char *c = strdup(v);
  if (!c) return NULL;
  for (char *p = c; *p; p++)
    if ((unsigned char)*p >= 0x80) *p = '?';
  s = json_string(c);
  free(c);
  return s;
}

int lie_json_str(lie_json j, const char *key, const char *v) {
  LIE_CALL(put(j, key, utf8_string(v ? v : "")));
  return LIE_OK;
}

int lie_json_int(lie_json j, const char *key, long long v) {
  LIE_CALL(put(j, key, json_integer((json_int_t)v)));
  return LIE_OK;
}

int lie_json_bool(lie_json j, const char *key, int v) {
  LIE_CALL(put(j, key, json_boolean(v)));
  return LIE_OK;
}

int lie_json_real(lie_json j, const char *key, double v) {
  if (isfinite(v)) {
    LIE_CALL(put(j, key, json_real(v)));
    return LIE_OK;
  }
  char w[JSON_WHERE];
  child_where(j, key, w, sizeof w);
  LIE_CHECK(!json_array_append_new(j->nonfinite, json_string(w)), LIE_ERR_MEM, "out of memory building JSON");
  LIE_CALL(put(j, key, json_null()));
  return LIE_OK;
}

static int open_container(lie_json j, const char *key, json_t *c) {
  LIE_CHECK(j->depth < JSON_DEPTH, LIE_ERR_ARG, "JSON nested deeper than %d", JSON_DEPTH);
  json_frame f;
  f.node = c;
  child_where(j, key, f.where, sizeof f.where);
  json_incref(c); /* put steals one reference; the stack borrows the tree's */
  int err = put(j, key, c);
  json_decref(c);
  LIE_CALL(err);
  j->stack[j->depth++] = f;
  return LIE_OK;
}

int lie_json_array_begin(lie_json j, const char *key) {
  LIE_CALL(open_container(j, key, json_array()));
  return LIE_OK;
}

int lie_json_object_begin(lie_json j, const char *key) {
  LIE_CALL(open_container(j, key, json_object()));
  return LIE_OK;
}

int lie_json_end(lie_json j) {
  LIE_CHECK(j->depth > 1, LIE_ERR_ARG, "lie_json_end without an open array or object");
  j->depth--;
  return LIE_OK;
}

int lie_json_reals(lie_json j, const char *key, int n, const double *v) {
  LIE_CALL(lie_json_array_begin(j, key));
  for (int i = 0; i < n; i++)
    LIE_CALL(lie_json_real(j, NULL, v[i]));
  LIE_CALL(lie_json_end(j));
  return LIE_OK;
}

int lie_json_ints(lie_json j, const char *key, int n, const int *v) {
  LIE_CALL(lie_json_array_begin(j, key));
  for (int i = 0; i < n; i++)
    LIE_CALL(lie_json_int(j, NULL, v[i]));
  LIE_CALL(lie_json_end(j));
  return LIE_OK;
}

/* The finished document: the root plus "nonfinite" when a number had to be written as null. */
static int finish(lie_json j) {
  LIE_CHECK(j->depth == 1, LIE_ERR_ARG, "JSON written with %d unclosed arrays/objects", j->depth - 1);
  if (json_array_size(j->nonfinite) && !json_object_get(j->root, "nonfinite"))
    LIE_CHECK(!json_object_set(j->root, "nonfinite", j->nonfinite), LIE_ERR_MEM, "out of memory building JSON");
  return LIE_OK;
}

int lie_json_print(lie_json j, FILE *f) {
  LIE_CALL(finish(j));
  LIE_CHECK(json_dumpf(j->root, f, JSON_FLAGS | JSON_COMPACT) == 0 && fputc('\n', f) != EOF, LIE_ERR_IO,
            "cannot write JSON");
  return LIE_OK;
}

int lie_json_write(lie_json j, const char *path) {
  lie_output o;
  FILE *f;
  LIE_CALL(finish(j));
  int err = LIE_OK;
  LIE_CALL(lie_rep_file_open(path, &o, &f));
  if (json_dumpf(j->root, f, JSON_FLAGS) != 0 || fputc('\n', f) == EOF) LIE_SET(LIE_ERR_IO, "cannot write %s", o.tmp);
done:
  LIE_CALL(lie_output_end_file(&o, f, err));
  return LIE_OK;
}
