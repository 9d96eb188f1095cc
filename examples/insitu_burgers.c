static const char help[] =
    "In-situ inference from a PETSc TS program: a viscous Burgers simulation (its own finite\n"
    "differences on a periodic DMDA) whose TSMonitor collects the running window of frames,\n"
    "embeds it with a pretrained liereg encoder and predicts the viscosity nu with a saved probe.\n"
    "Host options: -nx N (256), -nu NU (0.05), -T T (18), -ts_* (the host's TS).\n"
    "liereg options: -liereg_ckpt CKPT.h5, -liereg_probe P.h5 (liereg probe -probe_save),\n"
    "-liereg_stride S (frames between windows, 4), -liereg_threads N (1),\n"
    "-liereg_dump PREFIX (test: PREFIX_windows.h5 + PREFIX_insitu.txt for the CLI comparison).\n";
/* The host owns MPI, PETSc, its DM, TS and options; liereg gets a communicator through a
 * lie_ctx, reads only -liereg_* options and uses 1 thread unless told otherwise. Walkthrough:
 * docs/COUPLING.md. */
#include <liereg/liereg.h>
#include <petscdmda.h>
#include <petscts.h>

typedef struct {
  PetscReal nu, dx;
  DM da;
  /* in-situ state (rank 0 holds the gathered frames) */
  lie_ctx lctx;
  lie_encoder enc;
  lie_probe probe;
  lie_encoder_info info;
  PetscInt k, stride, nframes, nwin; /* TS steps per frame, frames between windows */
  VecScatter gather;
  Vec useq;
  double *win, *all, *t0s, *preds; /* window (span of the crop, nx); every window; their t0 and nu */
  float *z, *zs;                   /* representation of the last window; of every window */
} Host;

/* Frames a window holds: the encoder's crop_t frames, crop_dt apart (strided crops), span
 * (crop_t - 1) crop_dt + 1 stored frames. */
static int window_frames(const lie_encoder_info *info) {
  return (info->crop_t - 1) * (info->crop_dt > 1 ? info->crop_dt : 1) + 1;
}

/* u_t = -(u^2/2)_x + nu u_xx, central differences (the host's own discretisation). */
static PetscErrorCode RHS(TS ts, PetscReal t, Vec U, Vec F, void *ptr) {
  Host *h = (Host *)ptr;
  Vec loc;
  const PetscScalar *u;
  PetscScalar *f;
  PetscInt xs, xm;
  PetscFunctionBeginUser;
  PetscCall(DMGetLocalVector(h->da, &loc));
  PetscCall(DMGlobalToLocalBegin(h->da, U, INSERT_VALUES, loc));
  PetscCall(DMGlobalToLocalEnd(h->da, U, INSERT_VALUES, loc));
  PetscCall(DMDAVecGetArrayRead(h->da, loc, &u));
  PetscCall(DMDAVecGetArray(h->da, F, &f));
  PetscCall(DMDAGetCorners(h->da, &xs, NULL, NULL, &xm, NULL, NULL));
  for (PetscInt i = xs; i < xs + xm; i++)
    f[i] = -(u[i + 1] * u[i + 1] - u[i - 1] * u[i - 1]) / (4 * h->dx) +
           h->nu * (u[i + 1] - 2 * u[i] + u[i - 1]) / (h->dx * h->dx);
  PetscCall(DMDAVecRestoreArrayRead(h->da, loc, &u));
  PetscCall(DMDAVecRestoreArray(h->da, F, &f));
  PetscCall(DMRestoreLocalVector(h->da, &loc));
  PetscFunctionReturn(0);
}

/* Every k-th step is a frame at the training time step; each full window every `stride`
 * frames is embedded and nu predicted, in-situ. */
static PetscErrorCode Monitor(TS ts, PetscInt step, PetscReal time, Vec U, void *ptr) {
  Host *h = (Host *)ptr;
  const int nt = window_frames(&h->info), nx = h->info.nx;
  const PetscScalar *u;
  PetscMPIInt rank;
  PetscFunctionBeginUser;
  if (step % h->k) PetscFunctionReturn(0);
  PetscCall(VecScatterBegin(h->gather, U, h->useq, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(h->gather, U, h->useq, INSERT_VALUES, SCATTER_FORWARD));
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)ts), &rank));
  if (rank) PetscFunctionReturn(0);
  int frame = (int)(step / h->k), slot = frame < nt ? frame : nt - 1;
  if (frame >= nt) PetscCall(PetscArraymove(h->win, h->win + nx, (size_t)(nt - 1) * nx)); /* drop the oldest */
  PetscCall(VecGetArrayRead(h->useq, &u));
  PetscCall(PetscArraycpy(h->win + (size_t)slot * nx, u, nx));
  PetscCall(VecRestoreArrayRead(h->useq, &u));
  if (frame + 1 < nt || (frame + 1 - nt) % h->stride) PetscFunctionReturn(0);
  double t0 = (frame + 1 - nt) * h->info.dt[0], nu;
  LIE_PETSC_CALL(lie_encoder_embed(h->enc, 1, nt, nx, h->win, t0, 2 * PETSC_PI, h->z));
  LIE_PETSC_CALL(lie_probe_predict(h->probe, 1, h->info.repr, h->z, &nu));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "insitu t0=%.4f t=%.4f nu_pred=%.5f nu_true=%.5f\n", t0, (double)time, nu,
                        (double)h->nu));
  if (h->all && h->nwin < h->nframes) { /* kept for -liereg_dump */
    PetscCall(PetscArraycpy(h->all + (size_t)h->nwin * nt * nx, h->win, (size_t)nt * nx));
    PetscCall(PetscArraycpy(h->zs + (size_t)h->nwin * h->info.repr, h->z, h->info.repr));
    h->t0s[h->nwin] = t0, h->preds[h->nwin++] = nu;
  }
  PetscFunctionReturn(0);
}

/* Test scaffolding, not needed in-situ: the windows as a liereg data file (for `liereg embed`
 * + `liereg probe`) and the in-situ numbers as exact hex floats. Rank 0, its own communicator. */
static int dump(Host *h, const char *prefix) {
  const int nt = window_frames(&h->info), nx = h->info.nx, D = h->info.repr;
  char path[PETSC_MAX_PATH_LEN + 32];
  lie_ctx self;
  lie_writer1d w;
  lie_traj1d p = {.L = 2 * PETSC_PI, .T = 0, .nu = h->nu, .nwaves = 1};
  double *u, *t, *x;
  snprintf(path, sizeof path, "%s_windows.h5", prefix);
  LIE_CALL(lie_ctx_create(PETSC_COMM_SELF, &self));
  LIE_CALL(lie_writer1d_create(self, path, LIE_SPLIT_TEST, LIE_PDE_BURGERS, h->nwin, nt, nx, 1, &w));
  for (int i = 0; i < h->nwin; i++) {
    LIE_CALL(lie_writer1d_slot(w, i, &u, &t, &x));
    memcpy(u, h->all + (size_t)i * nt * nx, sizeof(double) * nt * nx);
    for (int k = 0; k < nt; k++)
      t[k] = h->t0s[i] + k * h->info.dt[0];
    for (int j = 0; j < nx; j++)
      x[j] = j * p.L / nx;
    LIE_CALL(lie_writer1d_set(w, i, &p, h->info.dt[0], 1));
    LIE_CALL(lie_writer1d_flush(w, i, i == h->nwin - 1));
  }
  LIE_CALL(lie_writer1d_destroy(&w));
  LIE_CALL(lie_ctx_destroy(&self));
  snprintf(path, sizeof path, "%s_insitu.txt", prefix);
  FILE *f = fopen(path, "w");
  LIE_CHECK(f, LIE_ERR_IO, "cannot write %s", path);
  fprintf(f, "windows %d repr %d\n", h->nwin, D);
  for (int i = 0; i < h->nwin; i++) {
    fprintf(f, "%a", h->preds[i]);
    for (int c = 0; c < D; c++)
      fprintf(f, " %a", (double)h->zs[(size_t)i * D + c]);
    fprintf(f, "\n");
  }
  LIE_CHECK(fclose(f) == 0, LIE_ERR_IO, "cannot write %s", path);
  return LIE_OK;
}

/* u0 = sum of a few sine waves (the host's initial condition). */
static PetscErrorCode InitialCondition(Host *h, Vec U) {
  PetscScalar *u;
  PetscInt xs, xm;
  PetscFunctionBeginUser;
  PetscCall(DMDAVecGetArray(h->da, U, &u));
  PetscCall(DMDAGetCorners(h->da, &xs, NULL, NULL, &xm, NULL, NULL));
  for (PetscInt i = xs; i < xs + xm; i++) {
    PetscReal x = i * h->dx;
    u[i] = 0.4 * PetscSinReal(x + 0.3) - 0.3 * PetscSinReal(2 * x + 1.1) + 0.2 * PetscSinReal(3 * x + 2.0);
  }
  PetscCall(DMDAVecRestoreArray(h->da, U, &u));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void) {
  Host h = {.nu = 0.05, .stride = 4};
  PetscInt nx = 256, threads = 1;
  PetscReal T = 18;
  char ckpt[PETSC_MAX_PATH_LEN] = "", probe[PETSC_MAX_PATH_LEN] = "", prefix[PETSC_MAX_PATH_LEN] = "";
  PetscBool dumping;
  PetscMPIInt rank;
  TS ts;
  Vec U;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-nx", &nx, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-nu", &h.nu, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-T", &T, NULL));
  PetscCall(PetscOptionsGetString(NULL, "liereg_", "-ckpt", ckpt, sizeof ckpt, NULL));
  PetscCall(PetscOptionsGetString(NULL, "liereg_", "-probe", probe, sizeof probe, NULL));
  PetscCall(PetscOptionsGetInt(NULL, "liereg_", "-stride", &h.stride, NULL));
  PetscCall(PetscOptionsGetInt(NULL, "liereg_", "-threads", &threads, NULL));
  PetscCall(PetscOptionsGetString(NULL, "liereg_", "-dump", prefix, sizeof prefix, &dumping));
  PetscCheck(ckpt[0] && probe[0], PETSC_COMM_WORLD, PETSC_ERR_USER, "give -liereg_ckpt CKPT.h5 and -liereg_probe P.h5");
  PetscCheck(h.stride >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER, "-liereg_stride must be >= 1");

  /* liereg: encoder + probe on rank 0, which holds the gathered frames */
  LIE_PETSC_CALL(lie_ctx_create(PETSC_COMM_WORLD, &h.lctx));
  if (rank == 0) {
    LIE_PETSC_CALL(lie_encoder_load(h.lctx, ckpt, 1, &h.enc));
    LIE_PETSC_CALL(lie_encoder_set_threads(h.enc, (int)threads));
    LIE_PETSC_CALL(lie_encoder_get_info(h.enc, &h.info));
    LIE_PETSC_CALL(lie_probe_load(h.lctx, probe, &h.probe));
  }
  PetscCallMPI(MPI_Bcast(&h.info, sizeof h.info, MPI_BYTE, 0, PETSC_COMM_WORLD));
  PetscCheck(!strcmp(h.info.pde, "burgers") && (int)nx == h.info.nx, PETSC_COMM_WORLD, PETSC_ERR_USER,
             "%s is a %s encoder for nx = %d; this host runs Burgers with -nx %d", ckpt, h.info.pde, h.info.nx,
             (int)nx);

  /* the host's simulation */
  PetscCall(DMDACreate1d(PETSC_COMM_WORLD, DM_BOUNDARY_PERIODIC, nx, 1, 1, NULL, &h.da));
  PetscCall(DMSetUp(h.da));
  h.dx = 2 * PETSC_PI / nx;
  PetscCall(DMCreateGlobalVector(h.da, &U));
  PetscCall(InitialCondition(&h, U));
  PetscCall(VecScatterCreateToZero(U, &h.gather, &h.useq));
  const double dt = h.info.dt[0], stable = PetscMin(0.25 * h.dx * h.dx / h.nu, 0.5 * h.dx);
  h.k = (PetscInt)PetscCeilReal(dt / stable); /* RK4 steps per stored frame */
  h.nframes = (PetscInt)(T / dt + 0.5) + 1;
  PetscCall(PetscCalloc3((size_t)window_frames(&h.info) * nx, &h.win, h.info.repr, &h.z, h.nframes, &h.t0s));
  if (dumping && rank == 0) {
    PetscCall(PetscCalloc3((size_t)h.nframes * window_frames(&h.info) * nx, &h.all, (size_t)h.nframes * h.info.repr,
                           &h.zs, h.nframes, &h.preds));
  }
  PetscCall(TSCreate(PETSC_COMM_WORLD, &ts));
  PetscCall(TSSetDM(ts, h.da));
  PetscCall(TSSetRHSFunction(ts, NULL, RHS, &h));
  PetscCall(TSSetType(ts, TSRK));
  PetscCall(TSRKSetType(ts, TSRK4));
  PetscCall(TSSetTimeStep(ts, dt / h.k));
  PetscCall(TSSetMaxSteps(ts, (h.nframes - 1) * h.k));
  PetscCall(TSSetMaxTime(ts, 1e30));
  PetscCall(TSMonitorSet(ts, Monitor, &h, NULL));
  PetscCall(TSSetFromOptions(ts));
  PetscCall(TSSolve(ts, U));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "insitu_burgers: %d frames, windows of %d frames every %d, nu = %g\n",
                        (int)h.nframes, window_frames(&h.info), (int)h.stride, (double)h.nu));
  if (dumping && rank == 0) LIE_PETSC_CALL(dump(&h, prefix));

  LIE_PETSC_CALL(lie_probe_destroy(&h.probe));
  LIE_PETSC_CALL(lie_encoder_destroy(&h.enc));
  LIE_PETSC_CALL(lie_ctx_destroy(&h.lctx));
  PetscCall(PetscFree3(h.win, h.z, h.t0s));
  if (h.all) PetscCall(PetscFree3(h.all, h.zs, h.preds));
  PetscCall(VecScatterDestroy(&h.gather));
  PetscCall(VecDestroy(&h.useq));
  PetscCall(VecDestroy(&U));
  PetscCall(TSDestroy(&ts));
  PetscCall(DMDestroy(&h.da));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv) {
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(Run());
  PetscCall(PetscFinalize());
  return 0;
}
