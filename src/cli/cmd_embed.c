/* liereg embed -ckpt CKPT.h5 -data FILE.h5[,FILE2.h5] -o EMB.h5: frozen-encoder representations of
 * every trajectory (layout in docs/PRETRAIN.md), computed on all ranks, written atomically. */
#include "cli.h"
#include "liereg/options.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int lie_cmd_embed(lie_ctx ctx, int nargs, char **args) {
  lie_embed_opts cfg = {0};
  char out[LIE_PRETRAIN_PATH] = "", backend[32] = "ref";
  PetscInt batch = 16, threads = 0;
  PetscBool force = PETSC_FALSE, help = PETSC_FALSE;
  lie_output o = {0};
  int stop;
  LIE_CHECK(nargs == 0, LIE_ERR_USAGE, "usage: liereg embed -ckpt CKPT.h5 -data FILE.h5 -o EMB.h5");
  snprintf(backend, sizeof backend, "%s", lie_nn_backend_name(lie_nn_backend_default()));
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "liereg embed -ckpt CKPT.h5 -data FILE.h5 -o EMB.h5", NULL);
  LIE_PETSC(PetscOptionsString("-ckpt", "pretraining checkpoint", "", cfg.ckpt, cfg.ckpt, sizeof cfg.ckpt, NULL));
  char *files[LIE_EMBED_MAX_FILES] = {0};
  PetscInt nfiles = LIE_EMBED_MAX_FILES;
  LIE_PETSC(PetscOptionsStringArray("-data", "dataset file(s) to embed, comma separated (e.g. train.h5,test.h5)", "",
                                    files, &nfiles, NULL));
  cfg.ndata = (int)nfiles;
  for (int i = 0; i < cfg.ndata; i++) {
    snprintf(cfg.data[i], sizeof cfg.data[i], "%s", files[i]);
    PetscFree(files[i]);
  }
  LIE_PETSC(PetscOptionsString("-data_mode", "embed only this group (default: each of train, valid, test present)", "",
                               cfg.mode, cfg.mode, sizeof cfg.mode, NULL));
  LIE_PETSC(PetscOptionsString("-data_field", "field dataset", "", cfg.field, cfg.field, sizeof cfg.field, NULL));
  LIE_PETSC(PetscOptionsString("-o", "output file", "", out, out, sizeof out, NULL));
  LIE_PETSC(
      LIE_OPTIONS_RANGE_INT("-embed_batch", "trajectories per forward pass", "", batch, &batch, NULL, 1, 1 << 16));
  LIE_PETSC(PetscOptionsString("-nn_backend", "ref|dnnl", "", backend, backend, sizeof backend, NULL));
  LIE_PETSC(LIE_OPTIONS_INT("-threads", "threads per rank (0 = all cores available)", "", threads, &threads, NULL));
  LIE_PETSC(PetscOptionsBool("-force", "overwrite an existing -o file", "", force, &force, NULL));
  PetscOptionsEnd();
  LIE_PETSC(PetscOptionsHasHelp(NULL, &help));
  if (!help) {
    LIE_CHECK(cfg.ckpt[0] && access(cfg.ckpt, R_OK) == 0, LIE_ERR_USAGE, "cannot read checkpoint -ckpt '%s'", cfg.ckpt);
    LIE_CHECK(cfg.ndata >= 1, LIE_ERR_USAGE, "missing -data FILE.h5[,FILE2.h5...]");
    for (int i = 0; i < cfg.ndata; i++)
      LIE_CHECK(access(cfg.data[i], R_OK) == 0, LIE_ERR_USAGE, "cannot read data file -data '%s'", cfg.data[i]);
    LIE_CHECK(batch >= 1, LIE_ERR_USAGE, "-embed_batch must be >= 1");
    LIE_CALL(lie_nn_backend_from_name(backend, &cfg.backend));
    LIE_CALL(lie_output_begin(&o, out, force));
    LIE_CALL(lie_output_not_input(&o, cfg.ckpt, "-ckpt"));
    for (int i = 0; i < cfg.ndata; i++)
      LIE_CALL(lie_output_not_input(&o, cfg.data[i], "-data"));
    LIE_CHECK(strlen(o.tmp) < sizeof cfg.out, LIE_ERR_USAGE, "output path too long: %.80s...", out);
    snprintf(cfg.out, sizeof cfg.out, "%s", o.tmp);
  }
  cfg.batch = (int)batch;
  LIE_CALL(lie_cli_options_done(ctx, &stop));
  if (stop) return LIE_OK;
  if (threads > 0) LIE_CALL(lie_nn_set_threads((int)threads));
  LIE_CALL(lie_output_end(ctx, &o, lie_embed_run(ctx, &cfg))); /* it writes cfg.out = OUT.tmp */
  lie_log_info(ctx, "wrote %s", out);
  return LIE_OK;
}
