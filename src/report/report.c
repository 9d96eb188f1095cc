/* liereg report: markdown tables + PNG figures from a run directory (include/liereg/report.h),
 * built in a temporary directory that replaces the output directory only when complete. */
#define _GNU_SOURCE /* nftw */
#include "liereg/io.h"
#include "liereg/ssl.h"
#include "report_impl.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES 256

/* docs/DESIGN.md §8, Table 1 of Mialon et al. 2023, as recalled (not verified). */
static const struct {
  const char *pde, *target, *metric;
  double sup, ssl;
} paper[] = {{"kdv", "ic_mode", "nmse", 0.102, 0.033},
             {"ks", "ic_mode", "nmse", 0.117, 0.042},
             {"burgers", "nu", "relerr", 1.18, 0.97},
             {"ns", "buo_y", "mse", 0.0078, 0.0038}};

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int has_suffix(const char *s, const char *suf) {
  size_t n = strlen(s), k = strlen(suf);
  return n > k && !strcmp(s + n - k, suf);
}

/* Sorted names of dir's regular files ending in suffix. */
static int list_files(const char *dir, const char *suffix, char **names, int *n) {
  DIR *d = opendir(dir);
  struct dirent *e;
  LIE_CHECK(d, LIE_ERR_USAGE, "cannot open run directory %s: %s", dir, strerror(errno));
  *n = 0;
  while ((e = readdir(d)) && *n < MAX_FILES)
    if (e->d_name[0] != '.' && has_suffix(e->d_name, suffix) && !has_suffix(e->d_name, ".tmp"))
      names[(*n)++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)*n, sizeof *names, cmp_str);
  return LIE_OK;
}

static const char *ours(const lie_rep_result *r, int n, const char *pde, const char *method, double *v, double *e) {
  for (int i = 0; i < n; i++)
    if (!r[i].sweep && !strcmp(r[i].pde, pde) && !strcmp(r[i].method, method) &&
        (!strcmp(r[i].target, "nu") || !strcmp(r[i].target, "buo_y") || !strncmp(r[i].target, "ic_mode", 7))) {
      *v = r[i].value, *e = r[i].bstd;
      return r[i].metric;
    }
  return NULL;
}

static void table_paper(FILE *f, const lie_rep_result *r, int n) {
  fprintf(f, "## Beside the paper (Table 1)\n\n"
             "Paper numbers are from docs/DESIGN.md §8: *as recalled, not verified*. The paper trains on 10k "
             "trajectories (26,624 for NS) with full-size encoders; ours come from this run's (smaller) "
             "data and models, so only the comparison within a row is meaningful.\n\n"
             "The paper's SSL number is a linear head trained with Adam on the frozen encoder: ours is "
             "`ssl+trained` (`liereg probe -probe_mode trained`), beside the closed-form ridge head "
             "`ssl+ridge`.\n\n"
             "| PDE | metric | paper: supervised | paper: SSL + linear | ours: supervised | ours: SSL + ridge | "
             "ours: SSL + trained head |\n|---|---|---|---|---|---|---|\n");
  for (size_t k = 0; k < sizeof paper / sizeof paper[0]; k++) {
    double v, e;
    char a[64] = "—", b[64] = "—", c[64] = "—";
    if (ours(r, n, paper[k].pde, "supervised", &v, &e)) snprintf(a, sizeof a, "%.4g ± %.2g", v, e);
    if (ours(r, n, paper[k].pde, "ssl+ridge", &v, &e)) snprintf(b, sizeof b, "%.4g ± %.2g", v, e);
    if (ours(r, n, paper[k].pde, "ssl+trained", &v, &e)) snprintf(c, sizeof c, "%.4g ± %.2g", v, e);
    fprintf(f, "| %s | %s | %.4g | %.4g | %s | %s | %s |\n", paper[k].pde, paper[k].metric, paper[k].sup, paper[k].ssl,
            a, b, c);
  }
  fprintf(f, "\nMetrics: relerr = mean relative error in %%, nmse = MSE / variance of the test targets "
             "(1 = predicting the mean), mse = mean squared error (docs/EVAL.md).\n\n");
}

static int section_results(FILE *f, const char *out_dir, const lie_rep_result *r, int n) {
  fprintf(f, "## Parameter regression (test split)\n\n"
             "| PDE | target | method | labelled | test | metric | value | ± (bootstrap std) | chosen lr / epoch |\n"
             "|---|---|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < n; i++) {
    if (r[i].sweep) continue;
    char sel[64] = "—";
    if (r[i].best_epoch > 0) snprintf(sel, sizeof sel, "%.3g / %d", r[i].best_lr, r[i].best_epoch);
    fprintf(f, "| %s | %s | %s | %d | %d | %s | %.6g | %.3g | %s |\n", r[i].pde, r[i].target, r[i].method, r[i].ntrain,
            r[i].ntest, r[i].metric, r[i].value, r[i].bstd, sel);
  }
  fprintf(f, "\n");
  for (int i = 0; i < n; i++) {
    char png[320];
    if (r[i].sweep || !r[i].pred[0]) continue;
    LIE_CALL(lie_rep_plot_scatter(out_dir, &r[i], png, sizeof png));
    if (png[0]) fprintf(f, "![%s %s %s: predicted vs true](%s)\n", r[i].pde, r[i].target, r[i].method, png);
  }
  fprintf(f, "\n");
  return LIE_OK;
}

static int section_sweeps(FILE *f, const char *out_dir, const lie_rep_result *r, int n) {
  int any = 0;
  for (int i = 0; i < n; i++)
    any |= r[i].sweep;
  if (!any) return LIE_OK;
  fprintf(f, "## Label-size sweep\n\nEach size: random labelled subsets (one per seed, the same subsets for all "
             "methods), the whole test split; mean ± std over the seeds.\n\n"
             "| PDE | target | method | labelled | seeds | metric | mean | std |\n|---|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < n; i++)
    for (int k = 0; r[i].sweep && k < r[i].ns; k++)
      fprintf(f, "| %s | %s | %s | %d | %d | %s | %.6g | %.3g |\n", r[i].pde, r[i].target, r[i].method, r[i].sizes[k],
              r[i].seeds, r[i].metric, r[i].mean[k], r[i].std[k]);
  fprintf(f, "\n");
  for (int i = 0; i < n; i++) { /* one figure per (pde, target), at its first sweep */
    int first = r[i].sweep;
    for (int k = 0; first && k < i; k++)
      if (r[k].sweep && !strcmp(r[k].pde, r[i].pde) && !strcmp(r[k].target, r[i].target)) first = 0;
    if (!first) continue;
    char png[320];
    LIE_CALL(lie_rep_plot_sweep(out_dir, r, n, r[i].pde, r[i].target, png, sizeof png));
    if (png[0]) fprintf(f, "![%s %s label-size curve](%s)\n", r[i].pde, r[i].target, png);
  }
  fprintf(f, "\n");
  return LIE_OK;
}

static int section_pretrain(FILE *f, const char *dir, const char *out_dir) {
  char *names[MAX_FILES], path[LIE_REP_PATH + 300], png[320], rpng[320], figs[8192] = "";
  int n, shown = 0;
  LIE_CALL(list_files(dir, ".csv", names, &n));
  for (int i = 0; i < n; i++) {
    FILE *c;
    char head[64] = "";
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if ((c = fopen(path, "r"))) {
      if (!fgets(head, sizeof head, c)) head[0] = 0;
      fclose(c);
    }
    if (strncmp(head, "step,epoch,loss,inv,var,cov", 27)) continue;
    if (!shown++)
      fprintf(f, "## Pretraining (VICReg)\n\nPer-epoch diagnostics on the global batch of each epoch's last step: "
                 "RankMe (effective rank of the representations, 1 = collapsed) and the mean per-feature std.\n\n"
                 "| log | steps | loss first → last | inv | var | cov | epochs | RankMe first → last | repr std first "
                 "→ last |\n|---|---|---|---|---|---|---|---|---|\n");
    lie_rep_log lg;
    char name[256], rk[64] = "—", sd[64] = "—";
    snprintf(name, sizeof name, "%.*s", (int)(strlen(names[i]) - 4), names[i]);
    int err = lie_rep_pretrain_log(path, out_dir, name, &lg, png, sizeof png, rpng, sizeof rpng);
    if (err) {
      for (int k = 0; k < n; k++)
        free(names[k]);
      LIE_CALL(err);
    }
    if (lg.nepochs) {
      snprintf(rk, sizeof rk, "%.2f → %.2f", lg.rankme[0], lg.rankme[1]);
      snprintf(sd, sizeof sd, "%.3g → %.3g", lg.repr_std[0], lg.repr_std[1]);
    }
    fprintf(f, "| %s | %ld | %.4g → %.4g | %.4g → %.4g | %.4g → %.4g | %.4g → %.4g | %d | %s | %s |\n", names[i],
            lg.steps, lg.first[0], lg.last[0], lg.first[1], lg.last[1], lg.first[2], lg.last[2], lg.first[3],
            lg.last[3], lg.nepochs, rk, sd);
    size_t used = strlen(figs);
    if (png[0]) used += snprintf(figs + used, sizeof figs - used, "![pretraining loss %s](%s)", name, png);
    if (rpng[0] && used < sizeof figs)
      used += snprintf(figs + used, sizeof figs - used, " ![RankMe over training %s](%s)", name, rpng);
    if ((png[0] || rpng[0]) && used < sizeof figs) snprintf(figs + used, sizeof figs - used, "\n");
  }
  for (int k = 0; k < n; k++)
    free(names[k]);
  if (shown) fprintf(f, "\n%s\n", figs);
  return LIE_OK;
}

/* RankMe of /<mode>/emb of every embedding file in dir (the representations the probes use). */
static void section_rankme(FILE *f, const char *dir) {
  static const char *modes[] = {"train", "valid", "test"};
  char *names[MAX_FILES], path[LIE_REP_PATH + 300];
  int n, shown = 0;
  if (list_files(dir, ".h5", names, &n)) {
    lie_error_clear();
    return;
  }
  H5E_auto2_t fn;
  void *data;
  H5Eget_auto2(H5E_DEFAULT, &fn, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  for (int i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    hid_t h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    for (int k = 0; h >= 0 && k < 3; k++) {
      char ds[64];
      int rank;
      hsize_t dims[8];
      snprintf(ds, sizeof ds, "%s/emb", modes[k]);
      if (!lie_h5_exists(h, modes[k]) || H5Lexists(h, ds, H5P_DEFAULT) <= 0) continue;
      if (lie_h5_dims(h, ds, &rank, dims) || rank != 2) {
        lie_error_clear();
        continue;
      }
      float *z = malloc(sizeof(float) * dims[0] * dims[1]);
      hid_t d = H5Dopen2(h, ds, H5P_DEFAULT);
      double rk = 0;
      int ok = z && d >= 0 && H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, z) >= 0 &&
               lie_rankme((int)dims[0], (int)dims[1], z, &rk) == 0;
      if (!ok) lie_error_clear();
      if (d >= 0) H5Dclose(d);
      free(z);
      if (!shown++)
        fprintf(f, "## Representations\n\nRankMe (effective rank of the embeddings; 1 = collapsed, D = isotropic):\n\n"
                   "| file | split | N | D | RankMe |\n|---|---|---|---|---|\n");
      if (ok) fprintf(f, "| %s | %s | %d | %d | %.2f |\n", names[i], modes[k], (int)dims[0], (int)dims[1], rk);
    }
    if (h >= 0) H5Fclose(h);
  }
  H5Eset_auto2(H5E_DEFAULT, fn, data);
  for (int k = 0; k < n; k++)
    free(names[k]);
  if (shown) fprintf(f, "\n");
}

static int write_report(const char *dir, const char *out_dir, int *nres) {
  char *names[MAX_FILES], path[LIE_REP_PATH + 32], date[64];
  lie_output o;
  int n, err = LIE_OK;
  lie_rep_result *r = NULL;
  FILE *f = NULL;
  LIE_CALL(list_files(dir, ".json", names, &n));
  int k = 0, nts = 0; /* time-stepping results have their own section (report_timestep.c) */
  for (int i = 0; i < n; i++)
    if (lie_rep_is_timestep(dir, names[i]))
      free(names[i]), nts++;
    else
      names[k++] = names[i];
  n = k;
  r = calloc((size_t)(n ? n : 1), sizeof *r);
  if (!r) LIE_SET(LIE_ERR_MEM, "out of memory");
  for (int i = 0; i < n; i++)
    LIE_CALL_GOTO(lie_rep_read_result(dir, names[i], &r[i]));
  LIE_CHECK_GOTO(n + nts > 0, LIE_ERR_USAGE,
                 "%s has no result files (*.json from liereg probe -o / liereg supervised -o)", dir);
  snprintf(path, sizeof path, "%s/report.md", out_dir);
  LIE_CALL_GOTO(lie_rep_file_open(path, &o, &f));
  time_t t = time(NULL);
  strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
  fprintf(f, "# liereg report\n\nRun directory: `%s`, %d result files, written %s by liereg %s.\n\n", dir, n + nts,
          date, LIE_VERSION_STRING);
  table_paper(f, r, n);
  LIE_CALL_GOTO(section_results(f, out_dir, r, n));
  LIE_CALL_GOTO(section_sweeps(f, out_dir, r, n));
  LIE_CALL_GOTO(section_pretrain(f, dir, out_dir));
  section_rankme(f, dir);
  LIE_CALL_GOTO(lie_rep_section_timestep(f, dir, out_dir));
done:
  if (f) err = lie_output_end_file(&o, f, err);
  for (int i = 0; i < n; i++)
    free(names[i]);
  free(r);
  *nres = n + nts;
  return err;
}

/* ---------------------------------------------------------------- the report directory */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) { return remove(path); }

/* Removes a directory tree we created (FTW_PHYS: symbolic links are removed, not followed). */
static int remove_tree(const char *dir) {
  if (access(dir, F_OK) != 0) return LIE_OK;
  LIE_CHECK(nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0, LIE_ERR_IO, "cannot remove %s: %s", dir,
            strerror(errno));
  return LIE_OK;
}

/* An existing out_dir is replaced only if it is a report (has report.md) or empty, so a
 * mistyped -o never deletes unrelated files. */
static int replaceable(const char *out_dir) {
  char md[LIE_REP_PATH + 16];
  struct stat st;
  if (stat(out_dir, &st) != 0) return LIE_OK;
  LIE_CHECK(S_ISDIR(st.st_mode), LIE_ERR_USAGE, "%s exists and is not a directory", out_dir);
  snprintf(md, sizeof md, "%s/report.md", out_dir);
  if (access(md, F_OK) == 0) return LIE_OK;
  DIR *d = opendir(out_dir);
  struct dirent *e;
  int empty = 1;
  while (d && (e = readdir(d)))
    empty &= !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
  if (d) closedir(d);
  LIE_CHECK(empty, LIE_ERR_USAGE, "%s exists and is not a report directory (no report.md): choose another -o", out_dir);
  return LIE_OK;
}

/* Builds the report in out_dir.tmp; only a complete one replaces out_dir. */
static int write_report_dir(const char *run_dir, const char *out_dir, int *n) {
  char tmp[LIE_REP_PATH + 8], old[LIE_REP_PATH + 8];
  LIE_CHECK(strlen(out_dir) + 5 < LIE_REP_PATH, LIE_ERR_USAGE, "report directory name too long: %s", out_dir);
  LIE_CALL(replaceable(out_dir));
  snprintf(tmp, sizeof tmp, "%s.tmp", out_dir);
  snprintf(old, sizeof old, "%s.old", out_dir);
  LIE_CALL(remove_tree(tmp)); /* left by a killed run */
  LIE_CHECK(mkdir(tmp, 0777) == 0, LIE_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
  int err = write_report(run_dir, tmp, n);
  if (err) {
    remove_tree(tmp);
    LIE_CALL(err);
  }
  if (access(out_dir, F_OK) == 0) {
    LIE_CALL(remove_tree(old));
    LIE_CHECK(rename(out_dir, old) == 0, LIE_ERR_IO, "cannot move %s aside: %s", out_dir, strerror(errno));
  }
  LIE_CHECK(rename(tmp, out_dir) == 0, LIE_ERR_IO, "cannot rename %s to %s: %s", tmp, out_dir, strerror(errno));
  LIE_CALL(remove_tree(old));
  return LIE_OK;
}

int lie_report_write(lie_ctx ctx, const char *run_dir, const char *out_dir, int *nresults) {
  int err = LIE_OK, n = 0, any;
  if (lie_ctx_rank(ctx) == 0) err = write_report_dir(run_dir, out_dir, &n);
  any = err;
  LIE_MPI(MPI_Bcast(&any, 1, MPI_INT, 0, lie_ctx_comm(ctx)));
  LIE_CALL(err);
  LIE_CHECK(!any, any, "writing the report failed on rank 0");
  if (nresults) *nresults = n;
  return LIE_OK;
}
