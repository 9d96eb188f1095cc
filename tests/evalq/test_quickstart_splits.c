/* The quickstart's data splits and the augsearch command that chose its strengths:
 *  - per scale and PDE, the four splits are four different files; unlabelled and labelled are
 *    disjoint slices of the train stream, validation and test are their own streams (the split
 *    seeds the trajectories), so no trajectory is in two splits;
 *  - the augsearch command pretrains on the unlabelled file and scores on the validation file's
 *    valid group: it names neither the labelled nor the test file, and it searches around the
 *    PDE's default strengths (no -aug_strengths);
 *  - the validation split is large enough for the search's nested 5-fold CV (N >= 13);
 *  - the shipped strengths give one value per generator of the PDE, and
 *    -quickstart_default_strengths gives the PDE's defaults;
 *  - an unknown scale or a PDE the quickstart does not run is a usage error. */
#include "lie_test.h"
#include "pipeline/quickstart_impl.h"

#include <string.h>

/* The token after `opt` in cmd ("" if absent); tokens are separated by single spaces. */
static const char *arg_of(const char *cmd, const char *opt, char *buf, size_t n) {
  char pat[64];
  snprintf(pat, sizeof pat, " %s ", opt);
  const char *p = strstr(cmd, pat);
  buf[0] = 0;
  if (!p) return buf;
  p += strlen(pat);
  size_t len = strcspn(p, " ");
  snprintf(buf, n, "%.*s", (int)(len < n ? len : n - 1), p);
  return buf;
}

static int has_token(const char *cmd, const char *tok) {
  size_t len = strlen(tok);
  for (const char *p = strstr(cmd, tok); p; p = strstr(p + 1, tok))
    if ((p == cmd || p[-1] == ' ') && (p[len] == ' ' || p[len] == 0)) return 1;
  return 0;
}

static void check_scale_pde(const char *scale, lie_pde pde) {
  lie_quickstart_opts o;
  lie_quickstart_data d[LIE_QS_NROLES];
  char cmd[4096], v[1200], what[256];
  lie_quickstart_opts_default(&o);
  snprintf(o.scale, sizeof o.scale, "%s", scale);
  snprintf(o.dir, sizeof o.dir, "qsdir");
  for (int r = 0; r < LIE_QS_NROLES; r++)
    LIE_TEST_CALL(lie_quickstart_data_plan(&o, pde, (lie_quickstart_role)r, &d[r]));
  const char *name = lie_pde_name(pde);
  int distinct = 1;
  for (int a = 0; a < LIE_QS_NROLES; a++)
    for (int b = a + 1; b < LIE_QS_NROLES; b++)
      distinct &= strcmp(d[a].path, d[b].path) != 0;
  snprintf(what, sizeof what, "%s %s: four split files (%s, %s, %s, %s)", scale, name, d[0].path, d[1].path, d[2].path,
           d[3].path);
  LIE_TEST_TRUE(distinct, what);
  snprintf(what, sizeof what, "%s %s: unlabelled [0, %d) and labelled [%llu, +%d) are disjoint train slices", scale,
           name, d[LIE_QS_UNLABELLED].n, (unsigned long long)d[LIE_QS_LABELLED].offset, d[LIE_QS_LABELLED].n);
  LIE_TEST_TRUE(d[LIE_QS_UNLABELLED].split == LIE_SPLIT_TRAIN && d[LIE_QS_LABELLED].split == LIE_SPLIT_TRAIN &&
                    d[LIE_QS_UNLABELLED].offset + (uint64_t)d[LIE_QS_UNLABELLED].n <= d[LIE_QS_LABELLED].offset,
                what);
  snprintf(what, sizeof what, "%s %s: validation is the valid stream, test the test stream", scale, name);
  LIE_TEST_TRUE(d[LIE_QS_VALID].split == LIE_SPLIT_VALID && d[LIE_QS_TEST].split == LIE_SPLIT_TEST, what);
  snprintf(what, sizeof what, "%s %s: validation trajectories (>= 13 for nested 5-fold CV)", scale, name);
  LIE_TEST_LE(13, d[LIE_QS_VALID].n, what);

  LIE_TEST_CALL(lie_quickstart_augsearch_command(&o, pde, cmd, sizeof cmd));
  printf("     %s\n", cmd);
  snprintf(what, sizeof what, "%s %s: augsearch -data is the unlabelled file", scale, name);
  LIE_TEST_TRUE(!strcmp(arg_of(cmd, "-data", v, sizeof v), d[LIE_QS_UNLABELLED].path), what);
  snprintf(what, sizeof what, "%s %s: augsearch scores the validation file", scale, name);
  LIE_TEST_TRUE(!strcmp(arg_of(cmd, "-augsearch_valid_data", v, sizeof v), d[LIE_QS_VALID].path), what);
  snprintf(what, sizeof what, "%s %s: augsearch scores its valid group", scale, name);
  LIE_TEST_TRUE(!strcmp(arg_of(cmd, "-augsearch_valid_mode", v, sizeof v), "valid"), what);
  snprintf(what, sizeof what, "%s %s: augsearch names neither the labelled nor the test file", scale, name);
  LIE_TEST_TRUE(!has_token(cmd, d[LIE_QS_LABELLED].path) && !has_token(cmd, d[LIE_QS_TEST].path) &&
                    !strstr(cmd, "_test.h5"),
                what);
  snprintf(what, sizeof what, "%s %s: augsearch starts from the default strengths (no -aug_strengths)", scale, name);
  LIE_TEST_TRUE(!strstr(cmd, "-aug_strengths") && !strstr(cmd, "-options_file"), what);
  char tiny[16];
  LIE_TEST_TRUE(lie_quickstart_augsearch_command(&o, pde, tiny, sizeof tiny) == LIE_ERR_ARG,
                "too short a buffer is LIE_ERR_ARG");
  lie_error_clear();
}

static void check_strengths(void) {
  const qs_scale *sc = qs_scale_find("small");
  LIE_TEST_TRUE(sc != NULL, "scale small exists");
  for (int i = 0; i < QS_NTASKS; i++) {
    const qs_task *t = &qs_tasks[i];
    lie_aug_opts def, used, forced;
    char what[128];
    LIE_TEST_CALL(lie_aug_opts_default(t->pde, &def));
    LIE_TEST_CALL(qs_task_aug(t, sc, 0, &used));
    LIE_TEST_CALL(qs_task_aug(t, sc, 1, &forced));
    snprintf(what, sizeof what, "%s: shipped strengths: none or one per generator (%d of %d)", lie_pde_name(t->pde),
             t->nstrength, def.ngen);
    LIE_TEST_TRUE(t->nstrength == 0 || t->nstrength == def.ngen, what);
    int same_default = used.ngen == def.ngen, same_forced = forced.ngen == def.ngen, positive = 1;
    for (int g = 0; g < def.ngen; g++) {
      same_default &= used.strength[g] == (t->nstrength ? t->strength[g] : def.strength[g]);
      same_forced &= forced.strength[g] == def.strength[g];
      positive &= used.strength[g] > 0 && isfinite(used.strength[g]);
    }
    snprintf(what, sizeof what, "%s: the quickstart pretrains with the shipped strengths, positive and finite",
             lie_pde_name(t->pde));
    LIE_TEST_TRUE(same_default && positive && used.crop_t == sc->crop_t, what);
    snprintf(what, sizeof what, "%s: -quickstart_default_strengths gives the PDE's defaults", lie_pde_name(t->pde));
    LIE_TEST_TRUE(same_forced && forced.crop_t == sc->crop_t, what);
  }
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  const char *scales[] = {"tiny", "small"};
  for (int s = 0; s < 2; s++) {
    check_scale_pde(scales[s], LIE_PDE_BURGERS);
    check_scale_pde(scales[s], LIE_PDE_KS);
  }
  check_strengths();
  lie_quickstart_opts o;
  lie_quickstart_data d;
  lie_quickstart_opts_default(&o);
  LIE_TEST_TRUE(lie_quickstart_data_plan(&o, LIE_PDE_NS, LIE_QS_VALID, &d) == LIE_ERR_USAGE,
                "NS: no quickstart data (usage error)");
  lie_error_clear();
  snprintf(o.scale, sizeof o.scale, "huge");
  LIE_TEST_TRUE(lie_quickstart_data_plan(&o, LIE_PDE_KS, LIE_QS_VALID, &d) == LIE_ERR_USAGE,
                "unknown scale: usage error");
  lie_error_clear();
  return lie_test_finish();
}
