/* In-situ inference: a pretrained encoder and a fitted probe applied to windows that live in
 * memory (a simulation's state), without writing HDF5 files in between. Walkthrough with a
 * PETSc TS program: docs/COUPLING.md; Fortran: the `liereg` module (liereg.f90).
 *
 *   lie_encoder enc;  lie_probe pr;  float z[512];  double nu;
 *   lie_encoder_load(ctx, "ckpt.h5", 1, &enc);          // liereg pretrain's checkpoint
 *   lie_probe_load(ctx, "nu.h5", &pr);                   // liereg probe ... -probe_save nu.h5
 *   lie_encoder_embed(enc, 1, nt, nx, u, t0, L, z);      // u: nt frames of nx points
 *   lie_probe_predict(pr, 1, lie_encoder_repr_size(enc), z, &nu);   // nu itself, not log nu
 *   lie_probe_destroy(&pr);  lie_encoder_destroy(&enc);
 *
 * Guarantees
 * - The window becomes the encoder's input by the same code as `liereg embed` (crop to the
 *   checkpoint's crop_t x crop_x starting at frame 0 / point 0 — frames crop_dt apart for a
 *   strided crop —, the checkpoint's per-field
 *   normalisation, coords channels x/L and t/t_end in coords mode); with the same backend,
 *   thread count and batch size the representations are bit-identical to `liereg embed`'s
 *   and lie_probe_predict's values to `liereg probe`'s predictions (tested: insitu_burgers).
 * - Shapes and grids are checked: a window whose nx or L differs from the training grid
 *   recorded in the checkpoint (dt is implicit: frames must be info.dt apart; NS windows
 *   carry their t, and their dt is checked), too few frames, a probe fitted on another
 *   representation size, or a file that is not a checkpoint / probe is one clear error
 *   (LIE_ERR_USAGE or LIE_ERR_FORMAT naming the file), never a silent wrong answer.
 * - A trained time-stepper (liereg timestep -step_ckpt) is available the same way:
 *   lie_stepper_load / lie_stepper_predict below.
 * - Threads: an encoder uses 1 thread unless lie_encoder_set_threads says otherwise (a host
 *   code owns its cores); the OpenMP thread count of the caller is restored after each call.
 * - Nothing here is collective: any rank may load and call (ctx is used for its logger).
 *   Objects are not thread-safe: one encoder per thread.
 * Errors follow core.h: int return codes, lie_error_message(); LIE_PETSC_CALL below turns a
 * liereg error into a PETSc error inside a PETSc callback (TSMonitor, SNES function...). */
#ifndef LIEREG_INFER_H
#define LIEREG_INFER_H
#include "liereg/core.h"
#include "liereg/eval.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- encoder */
typedef struct lie_encoder_s *lie_encoder;

typedef struct {
  char pde[16];    /* "ks", "kdv", "burgers", "ns" */
  char mode[16];   /* "grid" or "coords" (input channels x/L, t/t_end) */
  int nfields;     /* 1 (u) for 1D PDEs; 3 (smoke, vx, vy) for Navier-Stokes */
  int crop_t;      /* frames the encoder sees (the window needs at least this many) */
  int crop_x;      /* points in x it sees (1D: the first crop_x of nx; NS: nx) */
  int crop_y;      /* NS: ny; 0 for 1D */
  int repr;        /* representation size (floats per window) */
  int dims, width; /* 2D (t x x image) or 1D (time as channels) ResNet-18, base width */
  long train_step; /* pretraining steps of the checkpoint */
  int grid_known;  /* 0: old checkpoint without a recorded grid (no grid checks) */
  int nt, nx, ny;  /* training trajectories: stored frames, points (ny 0 for 1D) */
  double dt[2];    /* [min, max] over the training trajectories: time step */
  double dx[2];    /* grid spacing L/nx */
  double L[2];     /* domain length (NS: Lx) */
  double t_end[2]; /* final time (coords mode divides t by it) */
  int crop_dt;     /* the crop_t frames are frames 0, crop_dt, ... of the window: it needs at least
                      (crop_t - 1) crop_dt + 1 frames (1 = consecutive; last so that older layouts hold) */
} lie_encoder_info;

/* Reads checkpoint `ckpt` (liereg pretrain's -o) and builds its frozen encoder (inference
 * mode: batch-norm running statistics; the expander is not loaded) for up to max_batch
 * windows per call, on the default backend (oneDNN when built with it). Every call runs a
 * forward pass of max_batch windows (unused rows are zero), so load with the batch you call
 * with (1 for one window at a time). Not collective.
 * LIE_ERR_USAGE: unreadable file; LIE_ERR_FORMAT: not a liereg training checkpoint (e.g. a
 * data file), both naming the file. */
int lie_encoder_load(lie_ctx ctx, const char *ckpt, int max_batch, lie_encoder *enc);
int lie_encoder_get_info(lie_encoder enc, lie_encoder_info *info);
int lie_encoder_repr_size(lie_encoder enc);
/* OpenMP/oneDNN threads used inside lie_encoder_embed* (default 1; n <= 0: all cores). */
int lie_encoder_set_threads(lie_encoder enc, int n);
/* Coords mode only: the time step and final time used for the t/t_end channel when the
 * checkpoint's training data had several (KS/KdV jitter T); default: the checkpoint's when
 * unique (Burgers, NS), else LIE_ERR_USAGE at the first embed until this is called. */
int lie_encoder_set_time(lie_encoder enc, double dt, double t_end);

/* 1D windows. u (n, nt, nx) row-major doubles: window i, frame k, point j at
 * u[(i nt + k) nx + j], frame k at time t0 + k dt (dt the training step), x_j = j L/nx.
 * Needs nt >= (crop_t - 1) crop_dt + 1, nx = the training nx, L within the training range; a NS encoder is
 * LIE_ERR_USAGE. z (n, repr) floats. n <= max_batch. */
int lie_encoder_embed(lie_encoder enc, int n, int nt, int nx, const double *u, double t0, double L, float *z);
/* Navier-Stokes windows: fields u (smoke), vx, vy (n, nt, nx, ny) each, axes [window, t,
 * x, y]; coordinates x (nx), y (ny) (cell positions as stored in the data) and t (nt) of
 * the frames. nt >= (crop_t - 1) crop_dt + 1, (nx, ny) = the training grid. A 1D encoder is LIE_ERR_USAGE. */
int lie_encoder_embed_ns(lie_encoder enc, int n, int nt, int nx, int ny, const double *u, const double *vx,
                         const double *vy, const double *x, const double *y, const double *t, float *z);
int lie_encoder_destroy(lie_encoder *enc);

/* ---------------------------------------------------------------- probe */
/* lie_probe, lie_probe_info, lie_probe_load / _get_info / _predict / _destroy: declared in
 * liereg/eval.h (the probe file belongs to `liereg probe`), included here. */

/* ---------------------------------------------------------------- stepper */
/* A trained neural time-stepper (liereg timestep ... -step_ckpt S.h5; the weights chosen on
 * validation): from a history of H frames it predicts the next F, as one step of `liereg
 * timestep`'s rollout (docs/TIMESTEP.md). Roll out by feeding back the last H frames. */
typedef struct lie_stepper_s *lie_stepper;

typedef struct {
  char pde[16], model[16]; /* e.g. "burgers", "cnn" */
  char cond[16];           /* "none", "ssl" or "truth": what cond must hold */
  int history, future;     /* H frames in, F frames out */
  int nx;                  /* points per frame */
  int cond_dim;            /* values of the conditioning vector (0 for none) */
} lie_stepper_info;

/* Not collective; 1 thread by default (lie_stepper_set_threads); each call runs a forward of
 * max_batch windows. LIE_ERR_FORMAT naming the file when it is not a stepper checkpoint. */
int lie_stepper_load(lie_ctx ctx, const char *ckpt, int max_batch, lie_stepper *stepper);
int lie_stepper_get_info(lie_stepper stepper, lie_stepper_info *info);
int lie_stepper_set_threads(lie_stepper stepper, int n);
/* u (n, nt = H, nx) history windows, dx (n) and dt (n) their grid spacings, cond (n, cond_dim)
 * the raw conditioning vectors as liereg timestep builds them (truth: Burgers log nu; KS/KdV
 * L and dt; ssl: the encoder's representation, lie_encoder_embed, of the trajectory's first
 * crop_t frames; none: NULL) -> future (n, F, nx). Computed in fp32 like the training. */
int lie_stepper_predict(lie_stepper stepper, int n, int nt, int nx, const double *u, const double *dx, const double *dt,
                        const double *cond, double *future);
int lie_stepper_destroy(lie_stepper *stepper);

/* ---------------------------------------------------------------- embedding files */
/* /<mode>/emb (n, d) of an embedding file (liereg embed): *z malloc'ed (free() it). Not
 * collective (serial HDF5 read). */
int lie_emb_read(const char *path, const char *mode, int *n, int *d, float **z); /* in io (emb_file.c) */

/* ---------------------------------------------------------------- PETSc bridge */
/* In a PETSc callback (returns PetscErrorCode): a liereg error becomes a PETSc error carrying
 * liereg's message, so that PETSc's own traceback continues from there. */
#define LIE_PETSC_CALL(x)                                                                                              \
  do {                                                                                                                 \
    int lie_pc_ = (x);                                                                                                 \
    if (lie_pc_) {                                                                                                     \
      lie_error_trace(lie_pc_, __FILE__, __LINE__, __func__);                                                          \
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "liereg: %s", lie_error_message());                                      \
    }                                                                                                                  \
  } while (0)

#ifdef __cplusplus
}
#endif
#endif
