/* JSON result files (src/report): valid JSON for a strict parser (python3 -m json.tool) when a
 * metric is NaN/Inf and a path holds a quote and a backslash; NaN/Inf written as null and
 * listed in "nonfinite"; the report reads such files back with the parser; a report that
 * fails leaves no directory behind. usage: test_json DIR */
#include "lie_test.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[512];

static int json_tool_ok(const char *path) {
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "python3 -m json.tool '%s' > /dev/null", path);
  return system(cmd) == 0;
}

static char *slurp(const char *path) {
  static char buf[8192];
  FILE *f = fopen(path, "r");
  size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
  if (f) fclose(f);
  buf[n] = 0;
  return buf;
}

static void probe_single_nan(void) {
  char path[700];
  lie_probe_opts o;
  lie_probe_result r;
  lie_probe_opts_default(&o);
  memset(&r, 0, sizeof r);
  r.ntrain = 10, r.ntest = 5, r.d = 4, r.m = 1, r.metric = LIE_METRIC_NMSE;
  r.value = NAN, r.boot_mean = INFINITY, r.boot_std = 0.25, r.train_value = 0.5, r.lambda = 1e-3;
  lie_result_info info = {"odd \"name\" \\ dir/emb.h5", "latin1 \xe9t\xe9.h5", "nu", 0, 0, NULL, 0, 0};
  snprintf(path, sizeof path, "%s/nan_probe.json", dir);
  LIE_TEST_CALL(lie_probe_result_write(path, &info, &o, &r));
  const char *text = slurp(path);
  printf("  %s", text);
  LIE_TEST_TRUE(json_tool_ok(path), "NaN metric and a quoted path: python3 -m json.tool accepts the file");
  LIE_TEST_TRUE(strstr(text, "\"value\": null") && strstr(text, "\"nonfinite\": [\"value\", \"bootstrap_mean\"]"),
                "NaN and Inf written as null and listed in nonfinite");
  LIE_TEST_TRUE(strstr(text, "\"emb\": \"odd \\\"name\\\" \\\\ dir/emb.h5\""), "the path is escaped");
  LIE_TEST_TRUE(strstr(text, "\"test_emb\": \"latin1 ?t?.h5\""), "a path that is not UTF-8: its bytes >= 0x80 as '?'");
}

static void sup_sweep_nan(void) {
  char path[700];
  lie_sup_opts c;
  lie_sup_result r[4];
  int sizes[2] = {8, 16};
  lie_sup_opts_default(&c);
  snprintf(c.train, sizeof c.train, "tab\there.h5");
  snprintf(c.target, sizeof c.target, "nu");
  memset(r, 0, sizeof r);
  for (int i = 0; i < 4; i++)
    r[i].metric = LIE_METRIC_RELERR, r[i].value = 1 + i, r[i].best_lr = 1e-3, r[i].best_epoch = 2, r[i].ntest = 6;
  r[3].value = NAN;
  lie_result_info info = {NULL, NULL, "nu", 2, 2, sizes, 0, 0};
  snprintf(path, sizeof path, "%s/nan_supervised_sweep.json", dir);
  LIE_TEST_CALL(lie_sup_result_write(path, &info, &c, r));
  const char *text = slurp(path);
  LIE_TEST_TRUE(json_tool_ok(path), "supervised sweep with a NaN seed: valid JSON");
  LIE_TEST_TRUE(strstr(text, "\"sweep[1].mean\"") && strstr(text, "\"sweep[1].values[1]\""),
                "nonfinite names the sweep entries: sweep[1].mean, sweep[1].values[1]");
}

/* The report reads both files (null -> nan in its tables) and writes report.md. */
static void report_reads_back(lie_ctx ctx) {
  char out[700], md[760], tmp[760];
  int n = 0;
  snprintf(out, sizeof out, "%s/rep", dir);
  LIE_TEST_CALL(lie_report_write(ctx, dir, out, &n));
  snprintf(md, sizeof md, "%s/report.md", out);
  const char *text = slurp(md);
  LIE_TEST_TRUE(n == 2 && strstr(text, "| nan |"), "report reads the files with NaN values (shown as nan)");
  /* a broken result file: the report fails and leaves neither rep2 nor rep2.tmp */
  char bad[700];
  snprintf(bad, sizeof bad, "%s/broken.json", dir);
  FILE *f = fopen(bad, "w");
  fprintf(f, "{\"target\": \"nu\", \"metric\": nan}\n");
  fclose(f);
  snprintf(out, sizeof out, "%s/rep2", dir);
  int e = lie_report_write(ctx, dir, out, &n);
  printf("  message: %s\n", lie_error_message());
  lie_error_clear();
  snprintf(tmp, sizeof tmp, "%s.tmp", out);
  LIE_TEST_TRUE(e == LIE_ERR_FORMAT && access(out, F_OK) != 0 && access(tmp, F_OK) != 0,
                "invalid JSON: LIE_ERR_FORMAT, no report directory, no .tmp directory");
  /* the existing report survives a failed rewrite */
  snprintf(out, sizeof out, "%s/rep", dir);
  e = lie_report_write(ctx, dir, out, &n);
  lie_error_clear();
  LIE_TEST_TRUE(e && access(md, F_OK) == 0, "a failed rewrite keeps the previous report");
  unlink(bad);
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  PetscInitialize(&argc, &argv, NULL, NULL);
  snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : "test_json.d");
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
  LIE_TEST_TRUE(system(cmd) == 0, "fresh test directory");
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  probe_single_nan();
  sup_sweep_nan();
  report_reads_back(ctx);
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
