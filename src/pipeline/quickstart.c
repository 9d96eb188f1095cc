/* lie_quickstart_run (`liereg quickstart`): the README's main job, end to end on small
 * built-in defaults, in-process on the ranks it was started on (mpiexec -n 2 liereg quickstart):
 *   for Burgers (target nu) and KS (target ic_mode):
 *     generate  unlabelled pretraining split, labelled, validation, test     DIR/data/
 *     pretrain  VICReg on the unlabelled split (CSV log)                   DIR/run/
 *     embed     labelled and test splits with the frozen encoder           DIR/run/
 *     probe     ridge on all labels (+ predictions) and a label-size sweep DIR/run/ (JSON)
 *               + the trained linear head (Adam, frozen encoder) on all labels
 *     supervised  the same encoder from scratch, label-size sweep           DIR/run/ (JSON)
 *     timestep  (Burgers) CNN time-stepper, none / ssl / truth conditioning DIR/run/ (JSON)
 *   report      DIR/report/report.md + PNG figures
 * Sizes and choices: docs/QUICKSTART.md. */
#include "liereg/augment.h"
#include "liereg/solvers.h"
#include "liereg/ssl.h"
#include "liereg/timestep.h"
#include "pipeline_impl.h"
#include "quickstart_impl.h"

#include <petscsys.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QS_PATH 1024

typedef struct {
  lie_ctx ctx;
  const lie_quickstart_opts *opts;
  const qs_scale *sc;
  char dir[QS_PATH], data[QS_PATH + 8], run[QS_PATH + 8], report[QS_PATH + 8];
  int threads, default_strengths;
  double t0;
  int stage, nstages;
} qs_job;

static void progress(qs_job *q, const char *fmt, const char *a, const char *b) {
  char msg[512];
  snprintf(msg, sizeof msg, fmt, a, b);
  q->stage++;
  lie_log_info(q->ctx, "quickstart [%d/%d, %.0f s] %s", q->stage, q->nstages, lie_wtime() - q->t0, msg);
}

static int make_dir(lie_ctx ctx, const char *path) {
  int err = 0;
  if (lie_ctx_rank(ctx) == 0 && mkdir(path, 0777) != 0 && errno != EEXIST) err = errno;
  LIE_MPI(MPI_Bcast(&err, 1, MPI_INT, 0, lie_ctx_comm(ctx)));
  LIE_CHECK(!err, LIE_ERR_IO, "cannot create directory %s: %s", path, strerror(err));
  return LIE_OK;
}

/* Solver options of the quickstart data, set in the options database for this solve only.
 * Burgers: nu in [0.03, 0.3] and a shorter window (48 of 60 frames up to T = 6) at accuracy
 * 1e-3, because nu down to 0.01 needs fine grids (seconds per trajectory, docs/QUICKSTART.md). */
static const char *burgers_opts[][2] = {
    {"-burgers_nu_min", "0.03"}, {"-burgers_nu_max", "0.3"}, {"-burgers_T", "6"}, {"-nt", "60"},
    {"-save_n", "48"},           {"-accuracy", "1e-3"},      {NULL, NULL}};
/* KS: the stored window starts at t = 0 (-save_start 0, DESIGN §5's option) so that the target,
 * the initial condition's mode amplitudes, is a property of the window: after the chaotic
 * transient (the LPSDA window, t >= 0.72 T) no method recovers it (NMSE ~1 for every encoder
 * and for a ridge on Fourier features, docs/EVAL_STUDY.md). */
static const char *ks_opts[][2] = {{"-accuracy", "1e-4"}, {"-save_start", "0"}, {NULL, NULL}};

static int generate(qs_job *q, lie_pde pde, const char *path, lie_split split, int n, uint64_t offset) {
  const char *(*opts)[2] = pde == LIE_PDE_BURGERS ? burgers_opts : ks_opts;
  char nx[16];
  lie_solver1d s = NULL;
  lie_output out;
  int nfailed = 0, err = LIE_OK;
  for (int i = 0; opts[i][0]; i++)
    LIE_PETSC(PetscOptionsSetValue(NULL, opts[i][0], opts[i][1]));
  snprintf(nx, sizeof nx, "%d", q->sc->nx);
  if (q->sc->nx) LIE_PETSC(PetscOptionsSetValue(NULL, "-nx", nx));
  LIE_CALL(lie_output_temp(&out, path));
  LIE_CALL_GOTO(lie_solver1d_create(q->ctx, pde, &s));
  LIE_CALL_GOTO(lie_solver1d_set_from_options(s));
  LIE_CALL_GOTO(lie_solver1d_setup(s));
  LIE_CALL_GOTO(lie_generate1d(q->ctx, s, out.tmp, split, n, 1, offset, &nfailed));
  LIE_CHECK_GOTO(!nfailed, LIE_ERR_NUMERIC, "%d of %d trajectories of %s failed", nfailed, n, path);
done:
  lie_solver1d_destroy(&s);
  for (int i = 0; opts[i][0]; i++)
    PetscOptionsClearValue(NULL, opts[i][0]);
  PetscOptionsClearValue(NULL, "-nx");
  LIE_CALL(lie_output_end(q->ctx, &out, err));
  return LIE_OK;
}

static void log_strengths(qs_job *q, const qs_task *t, const lie_aug_opts *aug) {
  char s[256] = "";
  size_t used = 0;
  for (int i = 0; i < aug->ngen && used < sizeof s; i++)
    used += (size_t)snprintf(s + used, sizeof s - used, "%s%s=%g", i ? " " : "", lie_aug_gen_name(aug->gens[i]),
                             aug->strength[i]);
  lie_log_info(q->ctx, "augmentation strengths %s: %s (%s)", lie_pde_name(t->pde), s,
               t->nstrength && !q->default_strengths ? "searched on the validation split, docs/AUGSEARCH.md"
                                                     : "the PDE's defaults");
}

static int pretrain(qs_job *q, const qs_task *t, const char *data, const char *ckpt, const char *log) {
  lie_pretrain_opts c;
  lie_pretrain p = NULL;
  lie_pretrain_result res;
  const qs_scale *sc = q->sc;
  lie_pretrain_opts_default(&c);
  snprintf(c.data, sizeof c.data, "%s", data);
  snprintf(c.out, sizeof c.out, "%s", ckpt);
  snprintf(c.log, sizeof c.log, "%s", log);
  c.pde = t->pde;
  c.dims = 1, c.width = sc->width, c.nexpander = 3;
  c.expander[0] = c.expander[1] = c.expander[2] = sc->expander;
  c.threads = q->threads;
  c.epochs = sc->pre_epochs, c.batch = sc->pre_batch, c.lr = sc->pre_lr;
  c.warmup = 0, c.min_rankme = sc->min_rankme;
  c.progress_every = 10;
  LIE_CALL(qs_task_aug(t, sc, q->default_strengths, &c.aug));
  log_strengths(q, t, &c.aug);
  LIE_CALL(lie_pretrain_create(q->ctx, &c, &p));
  int err = lie_pretrain_run(p, &res);
  lie_pretrain_destroy(&p);
  LIE_CALL(err);
  /* The trainer checkpoints on SIGTERM/SIGUSR1/SIGINT and returns; quickstart has no resume,
   * so going on to embed a half-trained encoder would report numbers of a run nobody asked for. */
  LIE_CHECK(res.status != LIE_PRETRAIN_INTERRUPTED, LIE_ERR_STATE,
            "stopped by a signal during pretraining of %s (quickstart does not resume; run it again with -force)",
            lie_pde_name(t->pde));
  lie_log_info(q->ctx, "pretrained %s: %ld steps, last loss %.4g, %.1f samples/s", lie_pde_name(t->pde), res.step,
               res.last.loss, res.samples_per_s);
  return LIE_OK;
}

static int embed(qs_job *q, const char *ckpt, const char *data, const char *out) {
  lie_embed_opts c;
  memset(&c, 0, sizeof c);
  snprintf(c.ckpt, sizeof c.ckpt, "%s", ckpt);
  c.ndata = 1;
  snprintf(c.data[0], sizeof c.data[0], "%s", data);
  lie_output o;
  LIE_CALL(lie_output_temp(&o, out));
  snprintf(c.out, sizeof c.out, "%s", o.tmp);
  c.batch = 16, c.backend = lie_nn_backend_default();
  LIE_CALL(lie_output_end(q->ctx, &o, lie_embed_run(q->ctx, &c)));
  return LIE_OK;
}

/* The ridge probe on all labels (+ predictions), then its label-size sweep. */
static int probe(qs_job *q, const qs_task *t, const char *emb, const char *temb, const char *name, int nsizes,
                 const int *sizes) {
  lie_probe_job job;
  lie_probe_job_result one, sw;
  lie_probe_job_default(&job);
  snprintf(job.emb, sizeof job.emb, "%s", emb);
  snprintf(job.target, sizeof job.target, "%s", t->target);
  snprintf(job.ridge.test_emb, sizeof job.ridge.test_emb, "%s", temb);
  job.ridge.log_target = t->log_target, job.out.force = 1;
  snprintf(job.out.json, sizeof job.out.json, "%s/%s_probe.json", q->run, name);
  snprintf(job.out.preds, sizeof job.out.preds, "%s/%s_probe.csv", q->run, name);
  LIE_CALL(lie_probe_job_run(q->ctx, &job, &one));
  const lie_probe_result *r = one.ridge;
  lie_log_info(q->ctx, "probe %s %s: test %s %.5g ± %.3g (%d labels, lambda %.3g)", name, t->target,
               lie_metric_name(r->metric), r->value, r->boot_std, r->ntrain, r->lambda);
  lie_probe_job_free(&one);
  job.out.preds[0] = 0;
  snprintf(job.out.json, sizeof job.out.json, "%s/%s_probe_sweep.json", q->run, name);
  job.sweep.nsizes = nsizes, job.sweep.nseeds = q->sc->seeds;
  memcpy(job.sweep.sizes, sizes, (size_t)nsizes * sizeof *sizes);
  LIE_CALL(lie_probe_job_run(q->ctx, &job, &sw));
  lie_probe_job_free(&sw);
  return LIE_OK;
}

/* The paper's head: Adam on the frozen encoder over random crops, all labels (the headline
 * size only; ~1-2 s per PDE at the small scale, docs/EVAL.md). */
static int trained_probe(qs_job *q, const qs_task *t, const char *lab, const char *test, const char *ckpt,
                         const char *name) {
  lie_probe_job job;
  lie_probe_job_result res;
  lie_probe_job_default(&job);
  job.trained = 1;
  snprintf(job.head.ckpt, sizeof job.head.ckpt, "%s", ckpt);
  snprintf(job.head.data, sizeof job.head.data, "%s", lab);
  snprintf(job.head.test_data, sizeof job.head.test_data, "%s", test);
  snprintf(job.target, sizeof job.target, "%s", t->target);
  /* the encoder runs forward only (no synchronised batch norm): the default backend (oneDNN) is
   * fine and 10-15x faster than the reference one here */
  job.ridge.log_target = t->log_target, job.head.threads = q->threads, job.out.force = 1;
  snprintf(job.out.json, sizeof job.out.json, "%s/%s_trained.json", q->run, name);
  snprintf(job.out.preds, sizeof job.out.preds, "%s/%s_trained.csv", q->run, name);
  LIE_CALL(lie_probe_job_run(q->ctx, &job, &res));
  const lie_sup_result *r = res.head;
  lie_log_info(q->ctx, "trained head %s %s: test %s %.5g ± %.3g (%d labels, lr %.3g, %d epochs)", name, t->target,
               lie_metric_name(r->metric), r->value, r->boot_std, r->ntrain, r->best_lr, r->best_epoch);
  lie_probe_job_free(&res);
  return LIE_OK;
}

/* The same encoder and crops as the checkpoint, from scratch: the sweep, and its whole-split
 * seed-1 run as the headline result. */
static int supervised(qs_job *q, const qs_task *t, const char *lab, const char *test, const char *ckpt,
                      const char *name, int nsizes, const int *sizes) {
  lie_sup_job job;
  lie_sup_job_result res;
  lie_pretrain_state st;
  const qs_scale *sc = q->sc;
  lie_sup_job_default(&job);
  lie_sup_opts *c = &job.cfg;
  snprintf(c->train, sizeof c->train, "%s", lab);
  snprintf(c->test, sizeof c->test, "%s", test);
  snprintf(c->target, sizeof c->target, "%s", t->target);
  c->pde = t->pde, c->log_target = t->log_target;
  LIE_CALL(lie_pretrain_ckpt_read_state(q->ctx, ckpt, &st)); /* the same encoder and crops */
  LIE_CALL(lie_aug_opts_default(t->pde, &c->aug));
  c->dims = st.model.dims, c->width = st.model.width;
  c->aug.crop_t = st.model.crop_t, c->aug.crop_x = st.model.crop_x, c->aug.crop_dt = st.model.crop_dt;
  LIE_CALL(lie_aug_mode_from_name(st.aug_mode, &c->aug.mode));
  c->threads = q->threads;
  c->epochs = sc->sup_epochs, c->patience = sc->sup_patience, c->batch = sc->sup_batch;
  c->nlr = sc->nlr;
  for (int i = 0; i < sc->nlr; i++)
    c->lr[i] = sc->lr[i];
  job.sweep.nsizes = nsizes, job.sweep.nseeds = sc->seeds;
  memcpy(job.sweep.sizes, sizes, (size_t)nsizes * sizeof *sizes);
  job.out.force = 1;
  snprintf(job.out.json, sizeof job.out.json, "%s/%s_supervised_sweep.json", q->run, name);
  snprintf(job.full_json, sizeof job.full_json, "%s/%s_supervised.json", q->run, name);
  snprintf(job.full_preds, sizeof job.full_preds, "%s/%s_supervised.csv", q->run, name);
  LIE_CALL(lie_sup_job_run(q->ctx, &job, &res));
  const lie_sup_result *full = &res.r[(nsizes - 1) * sc->seeds];
  lie_log_info(q->ctx, "supervised %s %s: test %s %.5g ± %.3g (%d labels, lr %.3g, %d epochs)", name, t->target,
               lie_metric_name(full->metric), full->value, full->boot_std, full->ntrain, full->best_lr,
               full->best_epoch);
  lie_sup_job_free(&res);
  return LIE_OK;
}

/* One time-stepping run and its result file (rank 0 writes out.tmp, then renames it). */
static int timestep_run(qs_job *q, const lie_step_opts *cfg, const char *out) {
  lie_step_result res;
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_step_run(q->ctx, cfg, &res));
  if (lie_ctx_rank(q->ctx) == 0) LIE_CALL_GOTO(lie_step_write_json(out, NULL, cfg, &res));
  lie_log_info(q->ctx, "quickstart timestep burgers cond=%s: summed rollout NMSE %.4g +- %.2g (%d frames)",
               lie_step_cond_name(cfg->cond), res.rollout_nmse, res.rollout_nmse_std, res.nsteps);
done:
  lie_step_result_free(&res);
  return err;
}

/* Conditioned time-stepping on Burgers (varying nu): the same small CNN and budget for none,
 * ssl (this run's encoder) and truth (log nu); history 2, future 4, rollout from the frame where
 * the encoder's crop ends, so the ssl vector sees only frames the rollout is given. */
static int timestep_stage(qs_job *q, const char *lab, const char *test, const char *ckpt) {
  const qs_scale *sc = q->sc;
  lie_pretrain_state st;
  LIE_CALL(lie_pretrain_ckpt_read_state(q->ctx, ckpt, &st));
  for (int c = 0; c < 3; c++) {
    lie_step_opts cfg;
    char out[QS_PATH + 64];
    lie_step_opts_default(&cfg);
    snprintf(cfg.train, sizeof cfg.train, "%s", lab);
    snprintf(cfg.test, sizeof cfg.test, "%s", test);
    cfg.cond = (lie_step_cond)c;
    if (cfg.cond == LIE_STEP_COND_SSL) snprintf(cfg.cond_ckpt, sizeof cfg.cond_ckpt, "%s", ckpt);
    cfg.width = sc->ts_width, cfg.epochs = sc->ts_epochs, cfg.passes = sc->ts_passes;
    /* a 2-frame history: too short to read nu off the input, so conditioning can matter
     * (docs/TIMESTEP.md); lr x0.4 at 5/8 and 7/8 of the epochs */
    cfg.history = 2, cfg.future = 4, cfg.lr = 1e-3, cfg.nmilestones = sc->ts_epochs >= 4 ? 2 : 0;
    cfg.milestones[0] = sc->ts_epochs * 5 / 8, cfg.milestones[1] = sc->ts_epochs * 7 / 8;
    cfg.rollout_start = st.model.crop_t > 2 * cfg.history ? st.model.crop_t - cfg.history : cfg.history;
    cfg.progress_every = 0, cfg.threads = q->threads;
    snprintf(out, sizeof out, "%s/timestep_burgers_%s.json", q->run, lie_step_cond_name(cfg.cond));
    LIE_CALL(lie_step_opts_check(&cfg));
    LIE_CALL(timestep_run(q, &cfg, out));
  }
  return LIE_OK;
}

static int run_task(qs_job *q, const qs_task *t) {
  const qs_scale *sc = q->sc;
  const char *name = lie_pde_name(t->pde);
  lie_quickstart_data d[LIE_QS_NROLES];
  char ckpt[QS_PATH + 64], log[QS_PATH + 64], elab[QS_PATH + 64], etest[QS_PATH + 64];
  for (int r = 0; r < LIE_QS_NROLES; r++)
    LIE_CALL(lie_quickstart_data_plan(q->opts, t->pde, (lie_quickstart_role)r, &d[r]));
  const char *unl = d[LIE_QS_UNLABELLED].path, *lab = d[LIE_QS_LABELLED].path, *test = d[LIE_QS_TEST].path;
  snprintf(ckpt, sizeof ckpt, "%s/%s_ckpt.h5", q->run, name);
  snprintf(log, sizeof log, "%s/pretrain_%s.csv", q->run, name);
  snprintf(elab, sizeof elab, "%s/%s_labelled_emb.h5", q->run, name);
  snprintf(etest, sizeof etest, "%s/%s_test_emb.h5", q->run, name);
  progress(q, "generate %s: unlabelled, labelled, validation and test splits", name, "");
  /* the validation split is for `liereg augsearch` only (docs/AUGSEARCH.md): no stage below reads it */
  for (int r = 0; r < LIE_QS_NROLES; r++)
    LIE_CALL(generate(q, t->pde, d[r].path, d[r].split, d[r].n, d[r].offset));
  progress(q, "pretrain %s (VICReg on the unlabelled split) -> %s", name, ckpt);
  LIE_CALL(pretrain(q, t, unl, ckpt, log));
  progress(q, "embed %s labelled and test splits", name, "");
  LIE_CALL(embed(q, ckpt, lab, elab));
  LIE_CALL(embed(q, ckpt, test, etest));
  int sizes[QS_MAXSIZES], n = 0;
  for (int i = 0; i < sc->nsizes; i++)
    if (sc->sizes[i] < sc->n_lab) sizes[n++] = sc->sizes[i];
  sizes[n++] = sc->n_lab; /* the whole labelled split */
  progress(q, "probe %s %s (ridge with label-size sweep; trained head on all labels)", name, t->target);
  LIE_CALL(probe(q, t, elab, etest, name, n, sizes));
  LIE_CALL(trained_probe(q, t, lab, test, ckpt, name));
  progress(q, "supervised baseline %s %s (label-size sweep)", name, t->target);
  LIE_CALL(supervised(q, t, lab, test, ckpt, name, n, sizes));
  if (t->pde == LIE_PDE_BURGERS) {
    progress(q, "time-stepping %s: none / ssl / truth conditioning (%s)", name, "cnn");
    LIE_CALL(timestep_stage(q, lab, test, ckpt));
  }
  return LIE_OK;
}

void lie_quickstart_opts_default(lie_quickstart_opts *o) {
  memset(o, 0, sizeof *o);
  snprintf(o->dir, sizeof o->dir, "liereg_quickstart");
  snprintf(o->scale, sizeof o->scale, "small");
  o->threads = 1;
}

int lie_quickstart_check(const lie_quickstart_opts *o) {
  LIE_CHECK(qs_scale_find(o->scale), LIE_ERR_USAGE, "-quickstart_scale must be tiny or small (got '%s')", o->scale);
  LIE_CHECK(o->threads >= 1, LIE_ERR_USAGE, "-threads must be >= 1");
  /* every file name below is the folder + at most ~40 characters, into QS_PATH-sized option
   * fields: a longer folder would silently truncate them */
  LIE_CHECK(strlen(o->dir) <= QS_PATH - 64, LIE_ERR_USAGE, "-quickstart_dir is longer than %d characters",
            QS_PATH - 64);
  LIE_CHECK(o->force || access(o->dir, F_OK) != 0, LIE_ERR_USAGE,
            "%s exists (use -force to reuse it, or another -quickstart_dir)", o->dir);
  return LIE_OK;
}

int lie_quickstart_run(lie_ctx ctx, const lie_quickstart_opts *o, int *nresults) {
  qs_job q;
  memset(&q, 0, sizeof q);
  /* agreed before rank 0 creates the folder, which another rank's check would then find */
  LIE_CALL(lie_ctx_agree(ctx, lie_quickstart_check(o)));
  q.sc = qs_scale_find(o->scale);
  snprintf(q.dir, sizeof q.dir, "%s", o->dir);
  q.ctx = ctx, q.opts = o, q.threads = o->threads, q.t0 = lie_wtime(), q.nstages = 12;
  q.default_strengths = o->default_strengths;
  snprintf(q.data, sizeof q.data, "%s/data", q.dir);
  snprintf(q.run, sizeof q.run, "%s/run", q.dir);
  snprintf(q.report, sizeof q.report, "%s/report", q.dir);
  LIE_CALL(make_dir(ctx, q.dir));
  LIE_CALL(make_dir(ctx, q.data));
  LIE_CALL(make_dir(ctx, q.run));
  if (lie_ctx_rank(ctx) == 0) /* a reused folder: drop old results so the report shows this run only */
    for (const char *const *f = (const char *const[]){"burgers", "ks", NULL}; *f; f++) {
      char p[QS_PATH + 64];
      snprintf(p, sizeof p, "%s/%s_ckpt.h5", q.run, *f);
      unlink(p);
    }
  LIE_CALL(lie_nn_set_threads(q.threads));
  lie_log_info(ctx, "quickstart (%s scale) on %d MPI ranks x %d threads -> %s", q.sc->name, lie_ctx_size(ctx),
               q.threads, q.dir);
  for (int i = 0; i < QS_NTASKS; i++)
    LIE_CALL(run_task(&q, &qs_tasks[i]));
  progress(&q, "report -> %s/report.md", q.report, "");
  int n = 0;
  LIE_CALL(lie_report_write(ctx, q.run, q.report, &n));
  lie_log_info(ctx, "quickstart done in %.0f s: report in %s/report.md (%d result files; data in %s, results in %s)",
               lie_wtime() - q.t0, q.report, n, q.data, q.run);
  if (nresults) *nresults = n;
  return LIE_OK;
}
