/* Per-primitive CPU time of the oneDNN backend (LIE_NN_DNNL_PROFILE=1): every primitive
 * execution is timed with the process CPU clock, summed per primitive kind, pass and
 * implementation, and printed to stderr when the network is destroyed, with the FLOP rate
 * of convolutions and inner products per CPU second. CPU time rather than wall time because
 * the development machine is shared: a descheduled process loses wall time, not CPU time, so
 * GFLOP per CPU second compares directly with bench_peak's gflop_per_cpu_s (with several
 * threads it includes the time threads spin at a barrier, which is a real cost).
 * oneDNN's CPU stream runs primitives synchronously, so the clock around execute is exact. */
#include "dnnl_impl.h"

#if LIEREG_HAVE_DNNL
#include <stdio.h>
#include <time.h>

#define PROF_MAX 512

typedef struct {
  dnnl_primitive_t p;
  char kind[24], prop[24], impl[40], shape[96];
  double flop, cpu, wall;
  long calls;
} prof_entry;

struct lie_dnnl_prof {
  double pass_cpu[2]; /* whole forward / backward passes of the backend */
  long passes[2];
  int n;
  prof_entry e[PROF_MAX];
};

static double clock_s(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* 2 x MACs of a convolution / inner product pass: every output (or output gradient) element
 * is a dot product over the weights' (in, kernel) extent. 0 for other primitives. */
static double pass_flop(const_dnnl_primitive_desc_t pd, dnnl_primitive_kind_t kind) {
  if (kind != dnnl_convolution && kind != dnnl_inner_product) return 0;
  const dnnl_memory_desc_t *y = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
  if (!y || !y->ndims) y = dnnl_primitive_desc_query_md(pd, dnnl_query_diff_dst_md, 0);
  const dnnl_memory_desc_t *w = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
  if (!w || !w->ndims) w = dnnl_primitive_desc_query_md(pd, dnnl_query_diff_weights_md, 0);
  if (!y || !w || !y->ndims || !w->ndims) return 0;
  double f = 2;
  for (int i = 0; i < y->ndims; i++)
    f *= (double)y->dims[i];
  for (int i = 1; i < w->ndims; i++)
    f *= (double)w->dims[i];
  return f;
}

/* "src 256x64x1x64 blk16 wei 64x64x1x3": the pass's source and weights dims, source layout */
static void describe(const_dnnl_primitive_desc_t pd, char *buf, size_t len) {
  const dnnl_memory_desc_t *m[2] = {dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0),
                                    dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0)};
  if (!m[0] || !m[0]->ndims) m[0] = dnnl_primitive_desc_query_md(pd, dnnl_query_diff_src_md, 0);
  if (!m[1] || !m[1]->ndims) m[1] = dnnl_primitive_desc_query_md(pd, dnnl_query_diff_weights_md, 0);
  size_t o = 0;
  buf[0] = 0;
  for (int k = 0; k < 2; k++) {
    if (!m[k] || !m[k]->ndims) continue;
    o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s", k ? " wei " : "src ");
    for (int i = 0; i < m[k]->ndims && o < len; i++)
      o += (size_t)snprintf(buf + o, len - o, i ? "x%lld" : "%lld", (long long)m[k]->dims[i]);
    if (!k && o < len && m[0]->format_kind == dnnl_blocked) {
      const dnnl_blocking_desc_t *b = &m[0]->format_desc.blocking;
      if (b->inner_nblks)
        o += (size_t)snprintf(buf + o, len - o, " blk%lld", (long long)b->inner_blks[0]);
      else
        o += (size_t)snprintf(buf + o, len - o, b->strides[1] == 1 ? " nwc" : " plain");
    }
  }
}

static prof_entry *find(lie_dnnl_prof *pr, dnnl_primitive_t p) {
  for (int i = 0; i < pr->n; i++)
    if (pr->e[i].p == p) return &pr->e[i];
  if (pr->n == PROF_MAX) return NULL;
  prof_entry *e = &pr->e[pr->n++];
  memset(e, 0, sizeof *e);
  e->p = p;
  const_dnnl_primitive_desc_t pd;
  const char *impl = "?";
  dnnl_primitive_kind_t kind = dnnl_undefined_primitive;
  dnnl_prop_kind_t prop = dnnl_prop_kind_undef;
  if (dnnl_primitive_get_primitive_desc(p, &pd) == dnnl_success) {
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
    dnnl_primitive_desc_query(pd, dnnl_query_primitive_kind, 0, &kind);
    dnnl_primitive_desc_query(pd, dnnl_query_prop_kind, 0, &prop);
    e->flop = pass_flop(pd, kind);
    describe(pd, e->shape, sizeof e->shape);
  }
  snprintf(e->kind, sizeof e->kind, "%s", dnnl_prim_kind2str(kind));
  snprintf(e->prop, sizeof e->prop, "%s", kind == dnnl_reorder ? "" : dnnl_prop_kind2str(prop));
  snprintf(e->impl, sizeof e->impl, "%s", impl ? impl : "?");
  return e;
}

int lie_dnnl_profile_exec(dstate *s, dnnl_primitive_t p, int nargs, const dnnl_exec_arg_t *args) {
  if (!s->prof) {
    LIE_DNNL(dnnl_primitive_execute(p, s->st, nargs, args));
    return LIE_OK;
  }
  double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC);
  LIE_DNNL(dnnl_primitive_execute(p, s->st, nargs, args));
  LIE_DNNL(dnnl_stream_wait(s->st));
  prof_entry *e = find(s->prof, p);
  if (e) e->cpu += clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0, e->wall += clock_s(CLOCK_MONOTONIC) - w0, e->calls++;
  return LIE_OK;
}

void lie_dnnl_profile_add(dstate *s, const void *key, const char *kind, const char *prop, const char *impl,
                          const char *shape, double flop, double cpu_s) {
  lie_dnnl_prof *pr = s->prof;
  if (!pr) return;
  prof_entry *e = NULL;
  for (int i = 0; i < pr->n && !e; i++)
    if (pr->e[i].p == (dnnl_primitive_t)key) e = &pr->e[i];
  if (!e && pr->n < PROF_MAX) {
    e = &pr->e[pr->n++];
    memset(e, 0, sizeof *e);
    e->p = (dnnl_primitive_t)key, e->flop = flop;
    snprintf(e->kind, sizeof e->kind, "%s", kind);
    snprintf(e->prop, sizeof e->prop, "%s", prop);
    snprintf(e->impl, sizeof e->impl, "%s", impl);
    snprintf(e->shape, sizeof e->shape, "%s", shape);
  }
  if (e) e->cpu += cpu_s, e->calls++;
}

double lie_dnnl_profile_clock(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

void lie_dnnl_profile_span(dstate *s, int backward, double cpu_s) {
  if (!s->prof) return;
  s->prof->pass_cpu[backward] += cpu_s, s->prof->passes[backward]++;
}

void lie_dnnl_profile_start(dstate *s) {
  const char *v = getenv("LIE_NN_DNNL_PROFILE");
  if (v && *v && strcmp(v, "0")) s->prof = calloc(1, sizeof *s->prof);
}

/* Sums by (kind, pass, implementation), largest CPU time first, to stderr. */
void lie_dnnl_profile_report(dstate *s) {
  lie_dnnl_prof *pr = s->prof;
  if (!pr) return;
  prof_entry g[PROF_MAX];
  int ng = 0;
  double total = 0;
  for (int i = 0; i < pr->n; i++) {
    const prof_entry *e = &pr->e[i];
    int k = 0;
    while (k < ng && (strcmp(g[k].kind, e->kind) || strcmp(g[k].prop, e->prop) || strcmp(g[k].impl, e->impl)))
      k++;
    if (k == ng)
      g[ng++] = *e, g[k].flop *= (double)e->calls;
    else
      g[k].cpu += e->cpu, g[k].wall += e->wall, g[k].calls += e->calls, g[k].flop += e->flop * (double)e->calls;
    total += e->cpu;
  }
  for (int a = 1; a < ng; a++) /* by CPU time, largest first */
    for (int b = a; b > 0 && g[b].cpu > g[b - 1].cpu; b--) {
      prof_entry t = g[b];
      g[b] = g[b - 1], g[b - 1] = t;
    }
  fprintf(stderr,
          "# oneDNN profile (all calls since setup): %.3f CPU s in primitives; %ld forward passes %.3f CPU s, %ld "
          "backward passes %.3f CPU s (the rest of a pass: our own kernels, plain copies, accumulations)\n",
          total, pr->passes[0], pr->pass_cpu[0], pr->passes[1], pr->pass_cpu[1]);
  fprintf(stderr, "# %-20s %-18s %-26s %7s %10s %6s %11s\n", "primitive", "pass", "impl", "calls", "cpu_ms", "share",
          "GFLOP/cpu-s");
  for (int k = 0; k < ng; k++) {
    fprintf(stderr, "  %-20s %-18s %-26s %7ld %10.2f %5.1f%%", g[k].kind, g[k].prop, g[k].impl, g[k].calls,
            1e3 * g[k].cpu, 100 * g[k].cpu / (total > 0 ? total : 1));
    if (g[k].flop > 0 && g[k].cpu > 0)
      fprintf(stderr, " %11.1f\n", g[k].flop / g[k].cpu / 1e9);
    else
      fprintf(stderr, "\n");
  }
  const char *v = getenv("LIE_NN_DNNL_PROFILE");
  if (v && !strcmp(v, "2")) /* every primitive on its own line, in creation order */
    for (int i = 0; i < pr->n; i++) {
      const prof_entry *e = &pr->e[i];
      fprintf(stderr, "  %-20s %-18s %-26s %7ld %10.2f  %s", e->kind, e->prop, e->impl, e->calls, 1e3 * e->cpu,
              e->shape);
      if (e->flop > 0 && e->cpu > 0) fprintf(stderr, "  %.1f GFLOP/cpu-s", e->flop * (double)e->calls / e->cpu / 1e9);
      fprintf(stderr, "\n");
    }
  free(pr);
  s->prof = NULL;
}
#endif
