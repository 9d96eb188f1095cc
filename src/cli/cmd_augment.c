/* liereg augment -i IN.h5 -o OUT.h5 -aug_group NAME -aug_eps E [-aug_mode grid|coords]
 * Applies one Lie point symmetry with a fixed eps to every trajectory of a 1D or NS file and
 * writes a file of the same layout (lie_aug_file, augment/file.c; docs/AUGMENT.md). */
#include "liereg/options.h"
#include <string.h>

#include "cli.h"

static int read_options(lie_ctx ctx, lie_aug_file_opts *o, int *stopped) {
  PetscBool has_in = PETSC_FALSE, has_group = PETSC_FALSE, has_eps = PETSC_FALSE, force = PETSC_FALSE;
  char group[32] = "", mode[16] = "grid";
  lie_aug_file_opts_default(o);
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg augment: apply one Lie point symmetry to every trajectory", NULL);
  LIE_PETSC(PetscOptionsString("-i", "input dataset (HDF5; 1D or NS)", NULL, o->in, o->in, sizeof o->in, &has_in));
  LIE_PETSC(PetscOptionsString("-o", "output dataset (HDF5)", NULL, o->out, o->out, sizeof o->out, NULL));
  LIE_PETSC(PetscOptionsString("-aug_group",
                               "generator: t_shift x_shift galilean scale projective; NS: t_shift x_shift y_shift "
                               "scale rotate boost_x boost_y quad_x quad_y",
                               NULL, group, group, sizeof group, &has_group));
  LIE_PETSC(
      LIE_OPTIONS_REAL("-aug_eps", "group parameter eps (scale: lambda = e^eps)", NULL, o->eps, &o->eps, &has_eps));
  LIE_PETSC(PetscOptionsString("-aug_mode", "grid or coords", NULL, mode, mode, sizeof mode, NULL));
  LIE_PETSC(PetscOptionsString("-data_mode", "group of the input file: train, valid, test (default: first found)", NULL,
                               o->split, o->split, sizeof o->split, NULL));
  LIE_PETSC(PetscOptionsString("-pde", "PDE when the file does not say (LPSDA files): ks, kdv, burgers, ns", NULL,
                               o->pde, o->pde, sizeof o->pde, NULL));
  LIE_PETSC(PetscOptionsBool("-force", "overwrite the output file", NULL, force, &force, NULL));
  PetscOptionsEnd();
  o->force = force;
  int stop;
  /* misspelt options first: "-aug_epz" should be reported as such, not as a missing -aug_eps */
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  *stopped = stop;
  if (stop) return LIE_OK;
  LIE_CHECK(has_in, LIE_ERR_USAGE, "augment needs an input file (-i IN.h5)");
  LIE_CHECK(has_group, LIE_ERR_USAGE, "augment needs -aug_group NAME");
  LIE_CHECK(has_eps, LIE_ERR_USAGE, "augment needs -aug_eps E");
  LIE_CALL(lie_aug_gen_from_name(group, &o->gen));
  LIE_CALL(lie_aug_mode_from_name(mode, &o->mode));
  return LIE_OK;
}

int lie_cmd_augment(lie_ctx ctx, int nargs, char **args) {
  lie_aug_file_opts o;
  lie_aug_file_result r;
  int stop;
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE, "augment takes no positional arguments (use -i IN.h5 -o OUT.h5)");
  LIE_CALL(read_options(ctx, &o, &stop));
  if (stop) return LIE_OK;
  LIE_CALL(lie_aug_file(ctx, &o, &r));
  if (r.ny)
    lie_log_info(ctx, "augment: %d NS trajectories, %s eps=%g (%s mode), %d x %d x %d -> %s", r.n,
                 lie_aug_gen_name(o.gen), o.eps, lie_aug_mode_name(o.mode), r.nt, r.nx, r.ny, o.out);
  else
    lie_log_info(ctx, "augment: %d trajectories, %s eps=%g (%s mode), %d x %d -> %s", r.n, lie_aug_gen_name(o.gen),
                 o.eps, lie_aug_mode_name(o.mode), r.nt, r.nx, o.out);
  return LIE_OK;
}
