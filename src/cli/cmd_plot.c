/* liereg plot -i FILE.h5 -index K -o K.png [-views] [-field u|vx|vy] [-frames N] [-aug_* options]
 * Renders trajectory K (and with -views two views sampled with the -aug_* options) as a PNG:
 * lie_plot_file (src/report/plot_file.c) reads and draws; this file parses options. */
#include <limits.h>
#include <string.h>

#include "cli.h"
#include "liereg/options.h"

typedef struct {
  char in[PATH_MAX], out[PATH_MAX], split[16], field[8], pde[16];
  PetscInt index, seed, frames;
  PetscBool views, has_split, has_pde, force;
} plot_opts;

static int read_plot_options(lie_ctx ctx, plot_opts *o) {
  memset(o, 0, sizeof *o);
  o->seed = 0, o->frames = 8;
  snprintf(o->field, sizeof o->field, "u");
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg plot: render a trajectory (and two views) as a PNG", NULL);
  LIE_PETSC(PetscOptionsString("-i", "input dataset (HDF5, 1D or NS)", NULL, o->in, o->in, sizeof o->in, NULL));
  LIE_PETSC(PetscOptionsString("-o", "output PNG", NULL, o->out, o->out, sizeof o->out, NULL));
  LIE_PETSC(LIE_OPTIONS_INT("-index", "trajectory index", NULL, o->index, &o->index, NULL));
  LIE_PETSC(
      PetscOptionsBool("-views", "also draw two sampled views (-aug_* options)", NULL, o->views, &o->views, NULL));
  LIE_PETSC(LIE_OPTIONS_INT("-seed", "base seed of the views", NULL, o->seed, &o->seed, NULL));
  LIE_PETSC(
      PetscOptionsString("-field", "NS channel: u (smoke), vx, vy", NULL, o->field, o->field, sizeof o->field, NULL));
  LIE_PETSC(LIE_OPTIONS_INT("-frames", "NS frames in the strip (1..64)", NULL, o->frames, &o->frames, NULL));
  LIE_PETSC(PetscOptionsString("-data_mode", "group: train, valid, test (default: first found)", NULL, o->split,
                               o->split, sizeof o->split, &o->has_split));
  LIE_PETSC(PetscOptionsString("-pde", "PDE when the file does not say: ks, kdv, burgers, ns", NULL, o->pde, o->pde,
                               sizeof o->pde, &o->has_pde));
  LIE_PETSC(PetscOptionsBool("-force", "overwrite the output file", NULL, o->force, &o->force, NULL));
  PetscOptionsEnd();
  return LIE_OK;
}

int lie_cmd_plot(lie_ctx ctx, int nargs, char **args) {
  plot_opts o;
  lie_aug_opts cfg;
  lie_pde p = LIE_PDE_KS;
  char tmp[PATH_MAX + 8];
  int stop, w = 0, h = 0;
  PetscBool help = PETSC_FALSE;
  LIE_CALL(read_plot_options(ctx, &o));
  LIE_PETSC(PetscOptionsHasHelp(NULL, &help));
  lie_plot_file_opts po = {
      o.in, o.out, o.has_split ? o.split : NULL, (int)o.index, (int)o.frames, (int)o.views, o.field, (uint64_t)o.seed};
  if (!help) {
    LIE_CHECK(o.in[0], LIE_ERR_USAGE, "plot needs an input file (-i FILE.h5)");
    if (o.has_pde)
      LIE_CALL(lie_pde_from_name(o.pde, &p));
    else
      LIE_CALL(lie_plot_file_pde(ctx, o.in, &p));
    LIE_CALL(lie_plot_file_check(p, &po));
    LIE_CALL(lie_cli_output_path(o.out, o.force, tmp, sizeof tmp)); /* per rank: agreed just below */
  }
  LIE_CALL(lie_aug_opts_default(p, &cfg));
  LIE_CALL(lie_aug_opts_set_from_options(ctx, &cfg));
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE, "plot takes no positional arguments (use -i FILE.h5 -o K.png)");
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  LIE_CALL(lie_plot_file(ctx, p, &po, &cfg, &w, &h));
  lie_log_info(ctx, "plot: trajectory %d of %s -> %s (%d x %d)", (int)o.index, o.in, o.out, w, h);
  return LIE_OK;
}
