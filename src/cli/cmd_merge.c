/* liereg merge IN1.h5 IN2.h5 ... -o OUT.h5 [-force]   (inputs may also follow -o OUT.h5;
 * a quoted glob such as 'data/ks_train_shard*.h5' is expanded here, sorted by name).
 * Concatenates the shards of one dataset into one file (lie_dataset_merge, src/io/merge.c). */
#include "cli.h"
#include "liereg/options.h"

#include <glob.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  char **v;
  int n, cap;
} lie_merge_inputs;

static int inputs_add(lie_merge_inputs *l, const char *path) {
  if (l->n == l->cap) {
    int cap = l->cap ? 2 * l->cap : 16;
    char **v = realloc(l->v, sizeof *v * (size_t)cap);
    LIE_CHECK(v, LIE_ERR_MEM, "out of memory for %d input names", cap);
    l->v = v, l->cap = cap;
  }
  l->v[l->n] = strdup(path);
  LIE_CHECK(l->v[l->n], LIE_ERR_MEM, "out of memory");
  l->n++;
  return LIE_OK;
}

static void inputs_free(lie_merge_inputs *l) {
  for (int i = 0; i < l->n; i++)
    free(l->v[i]);
  free(l->v);
  *l = (lie_merge_inputs){NULL, 0, 0};
}

/* A name with wildcards that is not itself a file is a pattern (quoted so the shell left it). */
static int inputs_add_arg(lie_merge_inputs *l, const char *arg) {
  if (!strpbrk(arg, "*?[") || access(arg, F_OK) == 0) return inputs_add(l, arg);
  glob_t g;
  int r = glob(arg, 0, NULL, &g);
  LIE_CHECK(r != GLOB_NOMATCH, LIE_ERR_USAGE, "no file matches %s", arg);
  LIE_CHECK(r == 0, LIE_ERR_IO, "cannot expand %s", arg);
  int err = LIE_OK;
  for (size_t i = 0; i < g.gl_pathc; i++)
    LIE_CALL_GOTO(inputs_add(l, g.gl_pathv[i]));
done:
  globfree(&g);
  return err;
}

/* Inputs after the options: the arguments PETSc skipped, by its own rule (a key takes the next
 * argument as its value unless that is a key too). */
static int inputs_after_options(lie_merge_inputs *l) {
  int argc;
  char **argv;
  LIE_PETSC(PetscGetArgs(&argc, &argv));
  for (int i = 1; i < argc; i++) {
    PetscBool key, next = PETSC_TRUE;
    LIE_PETSC(PetscOptionsValidKey(argv[i], &key));
    if (key) {
      if (i + 1 < argc) LIE_PETSC(PetscOptionsValidKey(argv[i + 1], &next));
      if (!next) i++;
    } else
      LIE_CALL(inputs_add_arg(l, argv[i]));
  }
  return LIE_OK;
}

/* `-force IN.h5` would make the file -force's value: say where inputs go instead. */
static int check_force_value(void) {
  static const char *words[] = {"", "1", "0", "true", "false", "yes", "no", "on", "off"};
  char v[PETSC_MAX_PATH_LEN] = "";
  PetscBool set;
  LIE_PETSC(PetscOptionsGetString(NULL, NULL, "-force", v, sizeof v, &set));
  if (!set) return LIE_OK;
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (!strcasecmp(v, words[i])) return LIE_OK;
  LIE_ERROR(LIE_ERR_USAGE, "-force takes no file (got -force %s): give the inputs before the options or after -o OUT",
            v);
}

static int check_not_input(const char *out, const lie_merge_inputs *l) {
  struct stat so, si;
  if (stat(out, &so) != 0) return LIE_OK;
  for (int i = 0; i < l->n; i++)
    LIE_CHECK(stat(l->v[i], &si) != 0 || si.st_dev != so.st_dev || si.st_ino != so.st_ino, LIE_ERR_USAGE,
              "output %s is also an input (%s)", out, l->v[i]);
  return LIE_OK;
}

static int merge_run(lie_ctx ctx, const char *out, PetscBool force, PetscInt block_kb, const lie_merge_inputs *l) {
  char tmp[PETSC_MAX_PATH_LEN + 8];
  int stop;
  LIE_CHECK(l->n > 0, LIE_ERR_USAGE, "merge needs input files (usage: liereg merge IN1.h5 IN2.h5 ... -o OUT.h5)");
  LIE_CALL(check_not_input(out, l));
  LIE_CALL(lie_cli_output_path(out, force, tmp, sizeof tmp));
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  lie_log_info(ctx, "merge: %d file%s -> %s", l->n, l->n == 1 ? "" : "s", out);
  int err = lie_dataset_merge(ctx, tmp, l->n, (const char *const *)l->v, (size_t)block_kb << 10);
  if (err && lie_ctx_rank(ctx) == 0) unlink(tmp);
  LIE_CALL(err);
  LIE_CALL(lie_cli_publish(ctx, tmp, out));
  lie_log_info(ctx, "merge: wrote %s", out);
  return LIE_OK;
}

int lie_cmd_merge(lie_ctx ctx, int nargs, char **args) {
  char out[PETSC_MAX_PATH_LEN] = "";
  PetscBool force = PETSC_FALSE, help;
  PetscInt block_kb = 65536;
  lie_merge_inputs l = {NULL, 0, 0};
  LIE_CALL(check_force_value());
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL,
                    "liereg merge IN1.h5 IN2.h5 ... -o OUT.h5: concatenate shards of one dataset into one file", NULL);
  LIE_PETSC(PetscOptionsString("-o", "output file (.h5); written as FILE.tmp and renamed when complete", NULL, out, out,
                               sizeof out, NULL));
  LIE_PETSC(PetscOptionsBool("-force", "overwrite an existing output file", NULL, force, &force, NULL));
  LIE_PETSC(LIE_OPTIONS_INT("-merge_block_kb", "rows read per rank and round, in kB (memory per rank)", NULL, block_kb,
                            &block_kb, NULL));
  PetscOptionsEnd();
  LIE_CHECK(block_kb >= 1 && block_kb <= (1 << 24), LIE_ERR_USAGE, "-merge_block_kb must be 1 .. 16777216 (got %lld)",
            (long long)block_kb);
  LIE_PETSC(PetscOptionsHasHelp(NULL, &help));
  int err = LIE_OK;
  for (int i = 0; i < nargs; i++)
    LIE_CALL_GOTO(inputs_add_arg(&l, args[i]));
  LIE_CALL_GOTO(inputs_after_options(&l));
  if (help)
    LIE_CALL_GOTO(lie_cli_options_done(ctx, &(int){0}));
  else
    LIE_CALL_GOTO(merge_run(ctx, out, force, block_kb, &l));
done:
  inputs_free(&l);
  return err;
}
