/* Concatenating dataset files into one (`liereg merge`): the shards of
 * jobs/generate_array.sbatch become the single file that pretrain, embed, probe and the
 * reference loaders read (jobs/README.md "Shards").
 *
 * The copy is generic over the layout (our 1D and NS files, LPSDA's and PDEArena's): every
 * split group of the first input, every dataset in it, rows appended in input order, types
 * and attributes copied as they are. The inputs must agree on everything but their rows:
 * groups, dataset names, types, trailing shapes and attributes (except the root's `created`
 * and `options`, which differ between shards by construction). Seeds must not repeat across
 * inputs (the same shard given twice would duplicate trajectories silently).
 *
 * All ranks validate the same inputs (cheap metadata), then copy: in each round every rank
 * reads its own block of rows and all ranks write collectively. */
#include "liereg/io.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MERGE_MAX_GROUPS 8
#define MERGE_MAX_DSETS 64
#define MERGE_MAX_ATTRS 64
#define MERGE_NAME 256
#define MERGE_BLOCK_BYTES ((size_t)64 << 20) /* default bytes read per rank and round */

typedef char merge_name[MERGE_NAME];

typedef struct {
  merge_name name;
  hid_t type; /* file datatype, also the memory type of the copy (no conversion) */
  int rank;
  hsize_t dims[8];
} merge_dset;

typedef struct {
  merge_name name;
  int nd;
  hsize_t n; /* rows (trajectories) */
  merge_dset d[MERGE_MAX_DSETS];
} merge_group;

typedef struct {
  int ng;
  merge_group g[MERGE_MAX_GROUPS];
} merge_layout;

typedef struct {
  merge_name *names;
  int n, max, too_long;
} merge_names;

/* Root attributes that legitimately differ between shards of one dataset. */
static int root_attr_skipped(const char *name) {
  return !strcmp(name, "created") || !strcmp(name, "options") || !strcmp(name, "merged_from");
}

static int name_add(merge_names *l, const char *name) {
  if (strlen(name) >= MERGE_NAME) l->too_long = 1;
  if (l->n >= l->max || l->too_long) return 1; /* stops the iteration */
  snprintf(l->names[l->n++], MERGE_NAME, "%s", name);
  return 0;
}

static herr_t link_cb(hid_t loc, const char *name, const H5L_info_t *info, void *data) {
  (void)loc, (void)info;
  return name_add(data, name);
}

static herr_t attr_cb(hid_t loc, const char *name, const H5A_info_t *info, void *data) {
  (void)loc, (void)info;
  return name_add(data, name);
}

/* Link names of group `loc`, sorted by name; more than max is LIE_ERR_FORMAT naming where. */
static int links_list(hid_t loc, const char *path, const char *where, merge_names *l) {
  H5G_info_t gi;
  LIE_H5(H5Gget_info(loc, &gi));
  LIE_CHECK(gi.nlinks <= (hsize_t)l->max, LIE_ERR_FORMAT, "%s: %s has %llu members (merge copies at most %d)", path,
            where, (unsigned long long)gi.nlinks, l->max);
  l->n = 0, l->too_long = 0;
  hsize_t idx = 0;
  LIE_H5(H5Literate(loc, H5_INDEX_NAME, H5_ITER_INC, &idx, link_cb, l));
  LIE_CHECK(!l->too_long, LIE_ERR_FORMAT, "%s: a member of %s has a name longer than %d characters", path, where,
            MERGE_NAME - 1);
  return LIE_OK;
}

static int attrs_list(hid_t obj, const char *path, const char *where, merge_names *l) {
  l->n = 0, l->too_long = 0;
  hsize_t idx = 0;
  LIE_H5(H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, attr_cb, l));
  LIE_CHECK(l->n < l->max && !l->too_long, LIE_ERR_FORMAT,
            "%s: %s has more than %d attributes or a name longer than %d characters", path, where, l->max - 1,
            MERGE_NAME - 1);
  return LIE_OK;
}

/* ------------------------------------------------------------ layout of one input */

/* Independent read of rows [start, start + count) of a dataset whose shape was validated
 * (d->rank, d->dims) into buf, in d->type. Local to merge (not lie_h5_rows_read): merge copies
 * rows of any length and type, which it checked itself. */
static int rows_read(hid_t dset, const merge_dset *d, hsize_t start, hsize_t count, void *buf) {
  hsize_t off[8] = {0}, cnt[8];
  memcpy(cnt, d->dims, sizeof cnt);
  off[0] = start, cnt[0] = count;
  hid_t fspace = H5Dget_space(dset), mspace = H5Screate_simple(d->rank, cnt, NULL);
  herr_t e = fspace >= 0 && mspace >= 0 ? H5Sselect_hyperslab(fspace, H5S_SELECT_SET, off, NULL, cnt, NULL) : -1;
  if (e >= 0) e = H5Dread(dset, d->type, mspace, fspace, H5P_DEFAULT, buf);
  if (mspace >= 0) H5Sclose(mspace);
  if (fspace >= 0) H5Sclose(fspace);
  LIE_CHECK(e >= 0, LIE_ERR_FORMAT, "%s: reading rows %llu..%llu failed (truncated file?)", d->name,
            (unsigned long long)start, (unsigned long long)(start + count));
  return LIE_OK;
}

static void layout_free(merge_layout *L) {
  for (int g = 0; g < L->ng; g++)
    for (int d = 0; d < L->g[g].nd; d++)
      if (L->g[g].d[d].type >= 0) H5Tclose(L->g[g].d[d].type);
  L->ng = 0;
}

static int dset_read_info(hid_t group, const char *path, const char *gname, merge_dset *d) {
  hid_t ds = H5Dopen2(group, d->name, H5P_DEFAULT);
  LIE_CHECK(ds >= 0, LIE_ERR_FORMAT, "%s: /%s/%s is not a dataset (merge copies groups of datasets only)", path, gname,
            d->name);
  hid_t space = H5Dget_space(ds);
  d->type = H5Dget_type(ds);
  d->rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
  if (d->rank >= 1 && d->rank <= 8) H5Sget_simple_extent_dims(space, d->dims, NULL);
  H5Sclose(space);
  H5Dclose(ds);
  LIE_CHECK(d->type >= 0, LIE_ERR_FORMAT, "%s: cannot read the type of /%s/%s", path, gname, d->name);
  LIE_CHECK(d->rank >= 1 && d->rank <= 8, LIE_ERR_FORMAT,
            "%s: /%s/%s is not an array with one row per trajectory (rank %d)", path, gname, d->name, d->rank);
  LIE_CHECK(H5Tdetect_class(d->type, H5T_VLEN) == 0 && H5Tis_variable_str(d->type) == 0, LIE_ERR_FORMAT,
            "%s: /%s/%s has a variable-length type, which merge cannot copy row by row", path, gname, d->name);
  return LIE_OK;
}

/* Every dataset of one split group; all must have the same number of rows. */
static int group_read_info(hid_t file, const char *path, merge_group *G) {
  merge_name names[MERGE_MAX_DSETS];
  merge_names l = {names, 0, MERGE_MAX_DSETS, 0};
  char where[MERGE_NAME + 8];
  int err = LIE_OK;
  hid_t group = H5Gopen2(file, G->name, H5P_DEFAULT);
  LIE_CHECK(group >= 0, LIE_ERR_FORMAT,
            "%s: /%s is not a group (merge copies split groups /train, /valid, /test of per-trajectory datasets)", path,
            G->name);
  snprintf(where, sizeof where, "/%s", G->name);
  G->nd = 0;
  LIE_CALL_GOTO(links_list(group, path, where, &l));
  for (int i = 0; i < l.n; i++) {
    merge_dset *d = &G->d[G->nd++];
    snprintf(d->name, MERGE_NAME, "%s", names[i]);
    d->type = -1;
    LIE_CALL_GOTO(dset_read_info(group, path, G->name, d));
  }
  LIE_CHECK_GOTO(G->nd > 0, LIE_ERR_FORMAT, "%s: /%s holds no dataset", path, G->name);
  G->n = G->d[0].dims[0];
  for (int i = 1; i < G->nd; i++)
    LIE_CHECK_GOTO(G->d[i].dims[0] == G->n, LIE_ERR_FORMAT,
                   "%s: /%s/%s has %llu rows but /%s/%s has %llu (merge needs one row per trajectory everywhere)", path,
                   G->name, G->d[i].name, (unsigned long long)G->d[i].dims[0], G->name, G->d[0].name,
                   (unsigned long long)G->n);
done:
  H5Gclose(group);
  return err;
}

static int layout_read(hid_t file, const char *path, merge_layout *L) {
  merge_name names[MERGE_MAX_GROUPS];
  merge_names l = {names, 0, MERGE_MAX_GROUPS, 0};
  L->ng = 0;
  LIE_CALL(links_list(file, path, "the root group", &l));
  LIE_CHECK(l.n > 0, LIE_ERR_FORMAT, "%s holds no split group (/train, /valid or /test)", path);
  for (int i = 0; i < l.n; i++) {
    merge_group *G = &L->g[L->ng++];
    snprintf(G->name, MERGE_NAME, "%.*s", MERGE_NAME - 1, names[i]);
    G->nd = 0;
    LIE_CALL(group_read_info(file, path, G));
  }
  return LIE_OK;
}

static void shape_text(const merge_dset *d, char *buf, size_t n) {
  int k = snprintf(buf, n, "(N");
  for (int i = 1; i < d->rank && k > 0 && (size_t)k < n; i++)
    k += snprintf(buf + k, n - (size_t)k, ", %llu", (unsigned long long)d->dims[i]);
  if (k > 0 && (size_t)k < n) snprintf(buf + k, n - (size_t)k, ")");
}

static int dset_compare(const merge_dset *a, const merge_dset *b, const char *pa, const char *pb, const char *g) {
  char sa[160], sb[160];
  LIE_CHECK(H5Tequal(a->type, b->type) > 0, LIE_ERR_USAGE, "%s and %s differ: /%s/%s has another data type", pa, pb, g,
            a->name);
  shape_text(a, sa, sizeof sa);
  shape_text(b, sb, sizeof sb);
  LIE_CHECK(!strcmp(sa, sb), LIE_ERR_USAGE, "%s and %s differ: /%s/%s has shape %s vs %s", pa, pb, g, a->name, sa, sb);
  return LIE_OK;
}

/* Same groups, datasets, types and trailing shapes (the rows may differ). */
static int layout_compare(const merge_layout *a, const merge_layout *b, const char *pa, const char *pb) {
  LIE_CHECK(a->ng == b->ng, LIE_ERR_USAGE, "%s and %s differ: %d vs %d split groups", pa, pb, a->ng, b->ng);
  for (int g = 0; g < a->ng; g++) {
    const merge_group *A = &a->g[g], *B = &b->g[g];
    LIE_CHECK(!strcmp(A->name, B->name), LIE_ERR_USAGE, "%s and %s differ: group /%s vs /%s", pa, pb, A->name, B->name);
    LIE_CHECK(A->nd == B->nd, LIE_ERR_USAGE, "%s and %s differ: /%s holds %d vs %d datasets", pa, pb, A->name, A->nd,
              B->nd);
    for (int d = 0; d < A->nd; d++) {
      LIE_CHECK(!strcmp(A->d[d].name, B->d[d].name), LIE_ERR_USAGE, "%s and %s differ: dataset /%s/%s vs /%s/%s", pa,
                pb, A->name, A->d[d].name, B->name, B->d[d].name);
      LIE_CALL(dset_compare(&A->d[d], &B->d[d], pa, pb, A->name));
    }
  }
  return LIE_OK;
}

/* ------------------------------------------------------------ attributes */

/* An attribute's value in its own file type (fixed-size strings and numbers: plain bytes;
 * variable-length strings: char pointers, freed by attr_value_free). */
typedef struct {
  hid_t type, space;
  hssize_t npoints;
  size_t bytes;
  int vstr;
  void *buf;
} merge_attr;

#define MERGE_ATTR_NONE ((merge_attr){-1, -1, 0, 0, 0, NULL})

static void attr_value_free(merge_attr *v) {
  if (v->buf && v->vstr) H5Dvlen_reclaim(v->type, v->space, H5P_DEFAULT, v->buf);
  free(v->buf);
  if (v->type >= 0) H5Tclose(v->type);
  if (v->space >= 0) H5Sclose(v->space);
  *v = MERGE_ATTR_NONE;
}

static int attr_value_read(hid_t obj, const char *name, const char *path, merge_attr *v) {
  *v = MERGE_ATTR_NONE;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  LIE_CHECK(a >= 0, LIE_ERR_FORMAT, "%s: cannot open attribute %s", path, name);
  v->type = H5Aget_type(a);
  v->space = H5Aget_space(a);
  v->npoints = v->space >= 0 ? H5Sget_simple_extent_npoints(v->space) : -1;
  int ok = v->type >= 0 && v->npoints >= 0 && H5Tdetect_class(v->type, H5T_VLEN) == 0;
  v->vstr = ok && H5Tis_variable_str(v->type) > 0;
  v->bytes = ok ? H5Tget_size(v->type) * (size_t)v->npoints : 0;
  if (ok) v->buf = calloc(v->bytes + 1, 1);
  ok = ok && v->buf && H5Aread(a, v->type, v->buf) >= 0;
  H5Aclose(a);
  if (!ok) attr_value_free(v);
  LIE_CHECK(ok, LIE_ERR_FORMAT, "%s: cannot read attribute %s (unsupported type?)", path, name);
  return LIE_OK;
}

static int attr_value_equal(const merge_attr *a, const merge_attr *b) {
  if (a->npoints != b->npoints || a->vstr != b->vstr) return 0;
  if (a->vstr) {
    char **sa = a->buf, **sb = b->buf;
    for (hssize_t i = 0; i < a->npoints; i++)
      if (strcmp(sa[i] ? sa[i] : "", sb[i] ? sb[i] : "")) return 0;
    return 1;
  }
  return H5Tequal(a->type, b->type) > 0 && !memcmp(a->buf, b->buf, a->bytes);
}

/* A short printable form of a scalar string value, for the error message. */
static void attr_value_text(const merge_attr *v, char *buf, size_t n) {
  const char *s = NULL;
  if (v->npoints == 1 && v->vstr)
    s = *(char **)v->buf;
  else if (v->npoints == 1 && H5Tget_class(v->type) == H5T_STRING)
    s = v->buf;
  if (s && strlen(s) < 80)
    snprintf(buf, n, "'%s'", s);
  else
    buf[0] = 0;
}

static int attr_compare(hid_t oa, hid_t ob, const char *name, const char *pa, const char *pb, const char *where) {
  merge_attr va, vb = MERGE_ATTR_NONE;
  char ta[96], tb[96];
  int err = LIE_OK;
  LIE_CALL(attr_value_read(oa, name, pa, &va)); /* releases its value itself on failure */
  LIE_CALL_GOTO(attr_value_read(ob, name, pb, &vb));
  attr_value_text(&va, ta, sizeof ta);
  attr_value_text(&vb, tb, sizeof tb);
  LIE_CHECK_GOTO(attr_value_equal(&va, &vb), LIE_ERR_USAGE, "%s and %s differ: attribute %s of %s is %s vs %s", pa, pb,
                 name, where, ta[0] ? ta : "one value", tb[0] ? tb : "another");
done:
  attr_value_free(&va);
  attr_value_free(&vb);
  return err;
}

/* The attributes of two objects (the root: all but root_attr_skipped) have the same names and values. */
static int attrs_compare(hid_t oa, hid_t ob, const char *pa, const char *pb, const char *where, int root) {
  merge_name na[MERGE_MAX_ATTRS], nb[MERGE_MAX_ATTRS];
  merge_names la = {na, 0, MERGE_MAX_ATTRS, 0}, lb = {nb, 0, MERGE_MAX_ATTRS, 0};
  LIE_CALL(attrs_list(oa, pa, where, &la));
  LIE_CALL(attrs_list(ob, pb, where, &lb));
  /* the PDE first: of all differences it is the one to report */
  if (root && H5Aexists(oa, "pde") > 0 && H5Aexists(ob, "pde") > 0)
    LIE_CALL(attr_compare(oa, ob, "pde", pa, pb, where));
  int i = 0, j = 0;
  for (;;) {
    while (root && i < la.n && root_attr_skipped(na[i]))
      i++;
    while (root && j < lb.n && root_attr_skipped(nb[j]))
      j++;
    if (i == la.n || j == lb.n) break;
    LIE_CHECK(!strcmp(na[i], nb[j]), LIE_ERR_USAGE, "%s and %s differ: attribute %s of %s is only in %s", pa, pb,
              strcmp(na[i], nb[j]) < 0 ? na[i] : nb[j], where, strcmp(na[i], nb[j]) < 0 ? pa : pb);
    LIE_CALL(attr_compare(oa, ob, na[i], pa, pb, where));
    i++, j++;
  }
  LIE_CHECK(i == la.n && j == lb.n, LIE_ERR_USAGE, "%s and %s differ: attribute %s of %s is only in %s", pa, pb,
            i < la.n ? na[i] : nb[j], where, i < la.n ? pa : pb);
  return LIE_OK;
}

/* Attributes of object `where` (a group or a dataset) in both files. */
static int object_attrs_compare(hid_t fa, hid_t fb, const char *where, const char *pa, const char *pb) {
  int err = LIE_OK;
  hid_t oa = H5Oopen(fa, where, H5P_DEFAULT), ob = H5Oopen(fb, where, H5P_DEFAULT);
  LIE_CHECK_GOTO(oa >= 0 && ob >= 0, LIE_ERR_HDF5, "cannot open %s in %s or %s", where, pa, pb);
  LIE_CALL_GOTO(attrs_compare(oa, ob, pa, pb, where, 0));
done:
  if (oa >= 0) H5Oclose(oa);
  if (ob >= 0) H5Oclose(ob);
  return err;
}

/* Attributes of every group and every dataset. */
static int objects_attrs_compare(hid_t fa, hid_t fb, const merge_layout *L, const char *pa, const char *pb) {
  char where[2 * MERGE_NAME + 4];
  for (int g = 0; g < L->ng; g++)
    for (int d = -1; d < L->g[g].nd; d++) {
      if (d < 0)
        snprintf(where, sizeof where, "/%s", L->g[g].name);
      else
        snprintf(where, sizeof where, "/%s/%s", L->g[g].name, L->g[g].d[d].name);
      LIE_CALL(object_attrs_compare(fa, fb, where, pa, pb));
    }
  return LIE_OK;
}

static int attr_copy(hid_t src, hid_t dst, const char *name, const char *path) {
  merge_attr v;
  LIE_CALL(attr_value_read(src, name, path, &v));
  if (H5Aexists(dst, name) > 0) H5Adelete(dst, name);
  hid_t a = H5Acreate2(dst, name, v.type, v.space, H5P_DEFAULT, H5P_DEFAULT);
  int ok = a >= 0 && H5Awrite(a, v.type, v.buf) >= 0;
  if (a >= 0) H5Aclose(a);
  attr_value_free(&v);
  LIE_CHECK(ok, LIE_ERR_HDF5, "cannot copy attribute %s from %s", name, path);
  return LIE_OK;
}

static int attrs_copy(hid_t src, hid_t dst, const char *path, const char *where, int root) {
  merge_name names[MERGE_MAX_ATTRS];
  merge_names l = {names, 0, MERGE_MAX_ATTRS, 0};
  LIE_CALL(attrs_list(src, path, where, &l));
  for (int i = 0; i < l.n; i++)
    if (!(root && !strcmp(names[i], "merged_from"))) LIE_CALL(attr_copy(src, dst, names[i], path));
  return LIE_OK;
}

/* ------------------------------------------------------------ seeds */

typedef struct {
  uint64_t seed;
  int input;
} merge_seed;

static int seed_cmp(const void *a, const void *b) {
  uint64_t x = ((const merge_seed *)a)->seed, y = ((const merge_seed *)b)->seed;
  return x < y ? -1 : x > y;
}

/* Appends the seeds of group G of input k (when it has a 64-bit integer `seed`) to *s. */
static int seeds_append(hid_t file, const merge_group *G, int k, merge_seed **s, size_t *ns) {
  const merge_dset *d = NULL;
  for (int i = 0; i < G->nd; i++)
    if (!strcmp(G->d[i].name, "seed")) d = &G->d[i];
  if (!d || d->rank != 1 || H5Tget_class(d->type) != H5T_INTEGER || H5Tget_size(d->type) != 8 || G->n == 0)
    return LIE_OK;
  uint64_t *v = NULL;
  char name[2 * MERGE_NAME + 4];
  merge_dset as_u64 = *d;
  hid_t ds = -1;
  int err = LIE_OK;
  merge_seed *grown = realloc(*s, (*ns + G->n) * sizeof **s);
  LIE_CHECK(grown, LIE_ERR_MEM, "out of memory for %llu seeds", (unsigned long long)(*ns + G->n));
  *s = grown;
  LIE_ALLOC(v, G->n);
  snprintf(name, sizeof name, "/%s/seed", G->name);
  ds = H5Dopen2(file, name, H5P_DEFAULT);
  LIE_CHECK_GOTO(ds >= 0, LIE_ERR_FORMAT, "cannot open %s", name);
  as_u64.type = H5T_NATIVE_UINT64;
  LIE_CALL_GOTO(rows_read(ds, &as_u64, 0, G->n, v));
  for (hsize_t i = 0; i < G->n; i++)
    (*s)[(*ns)++] = (merge_seed){v[i], k};
done:
  if (ds >= 0) H5Dclose(ds);
  free(v);
  return err;
}

static int seeds_check_unique(merge_seed *s, size_t n, const char *group, int nin, const char *const *in) {
  qsort(s, n, sizeof *s, seed_cmp);
  for (size_t i = 1; i < n; i++)
    LIE_CHECK(s[i].seed != s[i - 1].seed, LIE_ERR_USAGE,
              "trajectory seed %llu of /%s is in both %s and %s (the same shard twice, or shards with overlapping "
              "-offset ranges?)",
              (unsigned long long)s[i].seed, group, in[s[i - 1].input < nin ? s[i - 1].input : 0],
              in[s[i].input < nin ? s[i].input : 0]);
  return LIE_OK;
}

/* ------------------------------------------------------------ validation pass */

typedef struct {
  merge_layout ref; /* layout of the first input */
  hsize_t *rows;    /* rows[k * ng + g]: rows of group g in input k */
  hsize_t total[MERGE_MAX_GROUPS];
} merge_plan;

/* Input k against the first input (open as f0); records its rows and seeds. */
static int input_check(lie_ctx ctx, hid_t f0, int k, const char *const *in, merge_plan *P, merge_seed **seeds,
                       size_t *nseeds) {
  merge_layout *L = malloc(sizeof *L);
  hid_t f = -1;
  int err = LIE_OK;
  LIE_CHECK(L, LIE_ERR_MEM, "out of memory");
  L->ng = 0;
  if (k == 0)
    f = f0;
  else
    LIE_CALL_GOTO(lie_h5_open(ctx, in[k], &f));
  LIE_CALL_GOTO(layout_read(f, in[k], L));
  /* root attributes first: a PDE or generator mismatch is the clearest message */
  if (k > 0) LIE_CALL_GOTO(attrs_compare(f0, f, in[0], in[k], "the root group", 1));
  LIE_CALL_GOTO(layout_compare(&P->ref, L, in[0], in[k]));
  if (k > 0) LIE_CALL_GOTO(objects_attrs_compare(f0, f, &P->ref, in[0], in[k]));
  for (int g = 0; g < L->ng; g++) {
    P->rows[(size_t)k * (size_t)L->ng + (size_t)g] = L->g[g].n;
    P->total[g] += L->g[g].n;
    LIE_CALL_GOTO(seeds_append(f, &L->g[g], k, &seeds[g], &nseeds[g]));
  }
done:
  layout_free(L);
  free(L);
  if (f >= 0 && k > 0) lie_h5_close(&f);
  return err;
}

/* Opens the first input as *f0 and checks every input against it. */
static int plan_make(lie_ctx ctx, hid_t *f0, int nin, const char *const *in, merge_plan *P) {
  merge_seed *seeds[MERGE_MAX_GROUPS] = {NULL};
  size_t nseeds[MERGE_MAX_GROUPS] = {0};
  int err = LIE_OK;
  LIE_CALL(lie_h5_open(ctx, in[0], f0));
  LIE_CALL(layout_read(*f0, in[0], &P->ref));
  LIE_ALLOC(P->rows, (size_t)nin * (size_t)P->ref.ng);
  for (int k = 0; k < nin; k++)
    LIE_CALL_GOTO(input_check(ctx, *f0, k, in, P, seeds, nseeds));
  for (int g = 0; g < P->ref.ng; g++)
    LIE_CALL_GOTO(seeds_check_unique(seeds[g], nseeds[g], P->ref.g[g].name, nin, in));
done:
  for (int g = 0; g < MERGE_MAX_GROUPS; g++)
    free(seeds[g]);
  return err;
}

/* ------------------------------------------------------------ copy pass */

/* Appends the rows of dataset d of input `src` to `dst` at row `offset`: in round r, rank p
 * reads rows [(r * size + p) * block, ... + block) and every rank joins the collective write. */
static int rows_copy(lie_ctx ctx, hid_t src, hid_t dst, const merge_dset *d, hsize_t rows, hsize_t offset,
                     size_t block_bytes) {
  size_t rowbytes = H5Tget_size(d->type);
  for (int i = 1; i < d->rank; i++)
    rowbytes *= (size_t)d->dims[i];
  hsize_t block = rowbytes >= block_bytes ? 1 : block_bytes / rowbytes;
  hsize_t size = (hsize_t)lie_ctx_size(ctx), rank = (hsize_t)lie_ctx_rank(ctx);
  if (block > rows / size + 1) block = rows / size + 1;
  char *buf;
  LIE_ALLOC(buf, (size_t)block * rowbytes);
  int err = 0;
  for (hsize_t r = 0; r * size * block < rows; r++) {
    hsize_t start = (r * size + rank) * block, count = 0;
    if (start < rows) count = rows - start < block ? rows - start : block;
    int e = count ? rows_read(src, d, start, count, buf) : 0;
    if (e && !err) err = e;
    /* every rank joins each collective write, with nothing to write once it failed */
    e = lie_h5_rows_write(dst, d->type, offset + start, 1, err ? 0 : count, buf);
    if (e && !err) err = e;
  }
  free(buf);
  /* a read that failed on one rank only (e.g. a node-local file): all ranks stop here */
  LIE_CALL(lie_ctx_agree(ctx, err));
  return LIE_OK;
}

/* Dataset `name` (layout d) of input f appended to the same dataset of out at row `offset`. */
static int dset_copy(lie_ctx ctx, hid_t f, hid_t out, const char *name, const merge_dset *d, hsize_t rows,
                     hsize_t offset, size_t block_bytes) {
  int err = LIE_OK;
  hid_t src = H5Dopen2(f, name, H5P_DEFAULT), dst = H5Dopen2(out, name, H5P_DEFAULT);
  LIE_CHECK_GOTO(src >= 0 && dst >= 0, LIE_ERR_HDF5, "cannot open %s for copying", name);
  LIE_CALL_GOTO(rows_copy(ctx, src, dst, d, rows, offset, block_bytes));
done:
  if (src >= 0) H5Dclose(src);
  if (dst >= 0) H5Dclose(dst);
  return err;
}

static int input_copy(lie_ctx ctx, hid_t f, hid_t out, const merge_plan *P, int k, hsize_t *offset,
                      size_t block_bytes) {
  char name[2 * MERGE_NAME + 4];
  for (int g = 0; g < P->ref.ng; g++) {
    const merge_group *G = &P->ref.g[g];
    hsize_t rows = P->rows[(size_t)k * (size_t)P->ref.ng + (size_t)g];
    for (int d = 0; d < G->nd; d++) {
      snprintf(name, sizeof name, "/%s/%s", G->name, G->d[d].name);
      LIE_CALL(dset_copy(ctx, f, out, name, &G->d[d], rows, offset[g], block_bytes));
    }
    offset[g] += rows;
  }
  return LIE_OK;
}

/* Dataset d of group G of the output, sized to `total` rows, with the first input's attributes. */
static int output_dset(hid_t f0, hid_t gout, const merge_group *G, const merge_dset *d, hsize_t total,
                       const char *path0) {
  char name[2 * MERGE_NAME + 4];
  hsize_t dims[8];
  hid_t dout = -1, din = -1;
  int err = LIE_OK;
  memcpy(dims, d->dims, sizeof dims);
  dims[0] = total;
  LIE_CALL_GOTO(lie_h5_dataset_create(gout, d->name, d->type, d->rank, dims, &dout));
  snprintf(name, sizeof name, "/%s/%s", G->name, d->name);
  din = H5Dopen2(f0, name, H5P_DEFAULT);
  LIE_CHECK_GOTO(din >= 0, LIE_ERR_HDF5, "cannot open %s in %s", name, path0);
  LIE_CALL_GOTO(attrs_copy(din, dout, path0, name, 0));
done:
  if (din >= 0) H5Dclose(din);
  if (dout >= 0) H5Dclose(dout);
  return err;
}

/* Group G of the output with its datasets (output_dset) and the first input's attributes. */
static int output_group(hid_t f0, hid_t out, const merge_group *G, hsize_t total, const char *path0) {
  int err = LIE_OK;
  hid_t gin = H5Gopen2(f0, G->name, H5P_DEFAULT),
        gout = H5Gcreate2(out, G->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  LIE_CHECK_GOTO(gin >= 0 && gout >= 0, LIE_ERR_HDF5, "cannot open /%s in %s or create it in the output", G->name,
                 path0);
  LIE_CALL_GOTO(attrs_copy(gin, gout, path0, G->name, 0));
  for (int d = 0; d < G->nd; d++)
    LIE_CALL_GOTO(output_dset(f0, gout, G, &G->d[d], total, path0));
done:
  if (gin >= 0) H5Gclose(gin);
  if (gout >= 0) H5Gclose(gout);
  return err;
}

/* Groups and datasets of the output, sized to the total rows, with the first input's attributes. */
static int output_layout(hid_t f0, hid_t out, const merge_plan *P, const char *path0) {
  LIE_CALL(attrs_copy(f0, out, path0, "the root group", 1));
  for (int g = 0; g < P->ref.ng; g++)
    LIE_CALL(output_group(f0, out, &P->ref.g[g], P->total[g], path0));
  return LIE_OK;
}

/* `merged_from`: the inputs in order (abbreviated past ~16 kB, the limit of compact attributes). */
static int stamp_sources(hid_t out, int nin, const char *const *in) {
  size_t cap = 16384, k = 0;
  char *s;
  int err = LIE_OK;
  LIE_ALLOC(s, cap + 64);
  for (int i = 0; i < nin; i++) {
    size_t len = strlen(in[i]) + 1;
    if (k + len >= cap) {
      k += (size_t)snprintf(s + k, 64, "... (%d files)", nin);
      break;
    }
    k += (size_t)snprintf(s + k, cap - k, "%s%s", in[i], i + 1 < nin ? "\n" : "");
  }
  LIE_CALL_GOTO(lie_h5_attr_set_string(out, "merged_from", s));
done:
  free(s);
  return err;
}

/* Input k's rows appended to out (input 0 is open as f0). */
static int input_append(lie_ctx ctx, hid_t f0, hid_t out, const char *const *in, const merge_plan *P, int k,
                        hsize_t *offset, size_t block_bytes) {
  hid_t f = f0;
  int err = LIE_OK;
  if (k > 0) LIE_CALL(lie_h5_open(ctx, in[k], &f));
  LIE_CALL_GOTO(input_copy(ctx, f, out, P, k, offset, block_bytes));
done:
  if (k > 0) lie_h5_close(&f);
  return err;
}

static int merge_copy(lie_ctx ctx, hid_t f0, const char *path, int nin, const char *const *in, const merge_plan *P,
                      size_t block_bytes) {
  hid_t out = -1;
  hsize_t offset[MERGE_MAX_GROUPS] = {0};
  int err = LIE_OK;
  LIE_CALL(lie_h5_create(ctx, path, &out));
  LIE_CALL_GOTO(output_layout(f0, out, P, in[0]));
  LIE_CALL_GOTO(stamp_sources(out, nin, in));
  for (int k = 0; k < nin; k++)
    LIE_CALL_GOTO(input_append(ctx, f0, out, in, P, k, offset, block_bytes));
  LIE_CALL_GOTO(lie_h5_close(&out));
done:
  lie_h5_close(&out); /* after an error: still open */
  return err;
}

/* Checked on every rank before the first collective open (a path may be node-local). */
static int inputs_readable(int nin, const char *const *in) {
  for (int k = 0; k < nin; k++)
    LIE_CHECK(access(in[k], R_OK) == 0, LIE_ERR_IO, "cannot open %s: no such file or not readable", in[k]);
  return LIE_OK;
}

int lie_dataset_merge(lie_ctx ctx, const char *path, int nin, const char *const *in, size_t block_bytes) {
  merge_plan *P = NULL;
  hid_t f0 = -1;
  LIE_CHECK(nin >= 1 && in && path, LIE_ERR_ARG, "merge needs an output path and at least one input");
  LIE_CALL(lie_ctx_agree(ctx, inputs_readable(nin, in)));
  int err = LIE_OK;
  LIE_ALLOC(P, 1);
  LIE_CALL_GOTO(lie_ctx_agree(ctx, plan_make(ctx, &f0, nin, in, P)));
  LIE_CALL_GOTO(merge_copy(ctx, f0, path, nin, in, P, block_bytes ? block_bytes : MERGE_BLOCK_BYTES));
done:
  if (f0 >= 0) lie_h5_close(&f0);
  layout_free(&P->ref);
  free(P->rows);
  free(P);
  return err;
}
