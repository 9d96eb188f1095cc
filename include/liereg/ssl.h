/* Self-supervised learning: the VICReg loss (forward + analytic backward, single process and
 * distributed over the ranks of a lie_ctx) and collapse diagnostics (RankMe effective rank,
 * representation std). Formulas and the distributed scheme: docs/SSL.md. */
#ifndef LIEREG_SSL_H
#define LIEREG_SSL_H
#include "liereg/augment.h"
#include "liereg/core.h"
#include "liereg/nn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- VICReg loss */
/* loss = sim_coeff·inv + std_coeff·var + cov_coeff·cov with (Bardes et al. 2022, and the
 * reference code of Mialon et al. 2023), for two views z, z' of shape (N, D):
 *   inv = MSE(z, z')                                   = 1/(N D) Σ_ij (z_ij − z'_ij)²
 *   var = ½ Σ_views 1/D Σ_j relu(1 − sqrt(Var_j + eps)), Var unbiased (÷ N−1)
 *   cov = Σ_views 1/D Σ_{a≠b} C_ab²,  C = Zc^T Zc / (N − 1),  Zc = z − column means
 * N is the *global* batch (all ranks together). */
typedef struct {
  double sim_coeff; /* -vicreg_sim_coeff, default 25 */
  double std_coeff; /* -vicreg_std_coeff, default 25 */
  double cov_coeff; /* -vicreg_cov_coeff, default 1 */
  double eps;       /* -vicreg_eps, default 1e-4 (inside the square root of the variance) */
} lie_vicreg_opts;

/* The three unweighted terms and the weighted total. */
typedef struct {
  double inv, var, cov, loss;
} lie_vicreg_terms;

void lie_vicreg_opts_default(lie_vicreg_opts *opts);
/* Reads -vicreg_sim_coeff, -vicreg_std_coeff, -vicreg_cov_coeff, -vicreg_eps from the PETSc
 * options database (listed by -help); negative coefficients or eps <= 0 are LIE_ERR_USAGE. */
int lie_vicreg_opts_set_from_options(lie_ctx ctx, lie_vicreg_opts *opts);

/* Single process. z, zp (N, D) row-major fp32; sums are accumulated in double.
 * dz, dzp (N, D): gradient of terms->loss w.r.t. z and z' (both NULL: forward only).
 * N >= 2, D >= 1; non-finite input is LIE_ERR_NUMERIC. */
int lie_vicreg_loss(const lie_vicreg_opts *opts, int n, int d, const float *z, const float *zp, lie_vicreg_terms *terms,
                    float *dz, float *dzp);

/* Distributed: each rank holds n_local consecutive rows of the global batch (rank order; counts
 * may differ between ranks). The embeddings are all-gathered, so every rank gets the loss of
 * the gathered batch — bitwise the single-process value — and dz, dzp (n_local, D) receive the
 * gradient for the rank's own rows. Because the loss is over the global batch, the parameter
 * gradient is the SUM (not the mean) over ranks of the local back-propagations. Collective. */
int lie_vicreg_loss_dist(lie_ctx ctx, const lie_vicreg_opts *opts, int n_local, int d, const float *z, const float *zp,
                         lie_vicreg_terms *terms, float *dz, float *dzp);

/* ---------------------------------------------------------------- collapse diagnostics */
/* RankMe (Garrido et al. 2023): exp(−Σ_k p_k log p_k), p_k = σ_k / ‖σ‖₁ + 1e-7, σ the singular
 * values of the (uncentred) embedding matrix Z (N, D), obtained as square roots of the
 * eigenvalues of the Gram matrix Z^T Z (LAPACKE dsyevd). 1 = full collapse, D = isotropic.
 * An all-zero Z is LIE_ERR_NUMERIC. */
int lie_rankme(int n, int d, const float *z, double *rank);
/* The same over the rows held by all ranks (Gram matrix summed with MPI_Allreduce). Collective. */
int lie_rankme_dist(lie_ctx ctx, int n_local, int d, const float *z, double *rank);

/* Representation std: mean over the D features of the unbiased per-feature standard deviation
 * over the N rows (0 = collapse to a point). N >= 2. */
int lie_repr_std(int n, int d, const float *z, double *std);
int lie_repr_std_dist(lie_ctx ctx, int n_local, int d, const float *z, double *std);

/* ================================================================ pretraining (docs/PRETRAIN.md)
 * MPI data-parallel VICReg on Lie-augmented views of 1D or 2D Navier-Stokes trajectories. The global batch B is
 * split into B/P consecutive slices over the P ranks; step s of epoch e uses samples
 * perm_e[s B .. s B + B) of a seeded permutation that does not depend on P, and every view
 * is a pure function of (seed, epoch, sample index), so the loss curve does not depend on
 * the rank count (up to float summation order, see docs/PRETRAIN.md). */

#define LIE_PRETRAIN_PATH 1024
/* Global batch of -train_batch 0 (the default) when the data hold at least that many. */
#define LIE_PRETRAIN_BATCH 32
#define LIE_PRETRAIN_MAX_EXPANDER 8
#define LIE_PRETRAIN_CKPT_VERSION 1

typedef struct {
  /* data */
  char data[LIE_PRETRAIN_PATH]; /* -data FILE.h5 */
  char mode[16];                /* -data_mode (train) */
  char field[128];              /* -data_field ("" = the pde_* dataset) */
  lie_pde pde;                  /* -pde, default from the file's root attribute "pde" */
  /* model */
  int dims;                                /* -model_dims 2 (t x x image) or 1 (time as channels) */
  int width;                               /* -model_width (64 = torchvision ResNet-18) */
  int nexpander;                           /* layers of the expander */
  int expander[LIE_PRETRAIN_MAX_EXPANDER]; /* -model_expander 512,512,512 */
  lie_nn_backend backend;                  /* -nn_backend */
  int backend_set;                         /* given explicitly */
  int threads;                             /* -threads (0 = all cores available) */
  /* optimisation */
  int epochs;         /* -train_epochs (length of the lr schedule) */
  long steps;         /* -train_steps: stop when the global step reaches this (0 = end of the epochs) */
  int batch;          /* -train_batch: GLOBAL batch, divisible by the rank count */
  double lr, min_lr;  /* -train_lr, -train_min_lr */
  long warmup;        /* -train_warmup (steps) */
  int cosine;         /* -train_schedule cosine|constant */
  double wd;          /* -train_wd (AdamW weight decay) */
  double clip;        /* -train_clip (max global grad norm, 0 = off) */
  uint64_t seed;      /* -seed */
  int sync_bn;        /* -train_sync_bn (default 1) */
  int prefetch;       /* -train_prefetch (default 1); 0 forces loader_threads 0 */
  int loader_threads; /* -pretrain_loader_threads (default 1): threads building views ahead;
                         0 = views built by the main thread inside the step */
  double min_rankme;  /* -train_min_rankme: stop as collapsed below this (default 1.1) */
  /* outputs */
  char out[LIE_PRETRAIN_PATH];    /* -o CKPT.h5 */
  char log[LIE_PRETRAIN_PATH];    /* -train_log FILE.csv */
  char resume[LIE_PRETRAIN_PATH]; /* -train_resume CKPT.h5 */
  long ckpt_every;                /* -train_ckpt_every N steps (0 = only at the end) */
  long progress_every;            /* -train_progress N steps */
  lie_aug_opts aug;
  lie_vicreg_opts vicreg;
} lie_pretrain_opts;

/* Defaults that do not depend on the data (pde/aug are set by set_from_options). */
void lie_pretrain_opts_default(lie_pretrain_opts *cfg);
/* Reads every option above (+ -aug_*, -vicreg_*) from the PETSc options database; opens the
 * data file's root to learn the PDE when -pde is not given. Collective; LIE_ERR_USAGE on a
 * bad value. */
int lie_pretrain_opts_set_from_options(lie_ctx ctx, lie_pretrain_opts *cfg);
/* Validates values and that the data (and resume checkpoint) are readable: LIE_ERR_USAGE. */
int lie_pretrain_opts_check(const lie_pretrain_opts *cfg);

/* ---------------------------------------------------------------- model */
/* The model input of one view.
 * 1D data (crop_y = 0): (cin, crop_t, crop_x) for dims 2, (cin*crop_t, 1, crop_x) for dims 1,
 *   cin = 1 (u) in grid mode and 3 (u, x, t) in coords mode.
 * 2D Navier-Stokes data (crop_y = ny > 0, dims 2 only): the image (x, y) of the whole grid,
 *   (cin*crop_t, crop_x = nx, crop_y = ny), channel f*crop_t + n = field f at frame n, fields
 *   smoke, vx, vy (cin = 3, grid mode) [+ X/Lx, Y/Ly, T/T_end (cin = 6, coords mode)]. */
typedef struct {
  int dims, width, cin, crop_t, crop_x;
  int nexpander, expander[LIE_PRETRAIN_MAX_EXPANDER]; /* 0 layers: encoder only */
  int crop_y;                                         /* 0 for 1D data; ny for NS */
  int crop_dt; /* frame stride of the time crop: frames t0, t0 + crop_dt, ... (0 reads as 1) */
} lie_ssl_model_opts;
/* Stored frames the model's time crop spans: (crop_t - 1) crop_dt + 1. */
int lie_ssl_model_span(const lie_ssl_model_opts *m);
/* Builds "encoder/..." ResNet-18 (+ "expander/..." MLP) into a fresh net (not set up);
 * *repr_id is the representation tensor (8 width), *out_id the network output. */
int lie_ssl_model_build(lie_nn_net net, const lie_ssl_model_opts *m, int *repr_id, int *out_id);
int lie_ssl_model_input_shape(const lie_ssl_model_opts *m, int *C, int *H, int *W);
/* LIE_ERR_USAGE when a lower bound of the memory of nsamples inputs through the network
 * exceeds what the node has (checked before the network is set up). */
int lie_ssl_model_check_memory(const lie_ssl_model_opts *m, int nsamples, int training);

/* ---------------------------------------------------------------- data: views */
/* A trajectory source with the normalisation used by training and embedding: 1D files
 * (liereg/LPSDA layout) or 2D Navier-Stokes files (PDEArena layout), detected from the file
 * (root attribute pde, else the datasets). NS: -data_field must be empty (or "u"). */
#define LIE_SSL_MAX_FIELDS 4
typedef struct lie_ssl_data_s *lie_ssl_data;
/* ctx NULL: opened by this process alone through a serial HDF5 driver (no MPI call), e.g. one
 * handle per loader thread. */
int lie_ssl_data_open(lie_ctx ctx, const char *path, const char *mode, const char *field, lie_ssl_data *d);
int lie_ssl_data_sizes(lie_ssl_data d, int *n, int *nt, int *nx);
/* As sizes, plus ny (0 for 1D data). */
int lie_ssl_data_grid(lie_ssl_data d, int *n, int *nt, int *nx, int *ny);
int lie_ssl_data_is_ns(lie_ssl_data d);
/* The trajectory layout's name ("1D", "Navier-Stokes"): two handles with the same name hold the
 * same kind of data. */
const char *lie_ssl_data_layout(lie_ssl_data d);
/* Normalised fields: 1 (u) for 1D data, 3 (smoke, vx, vy) for NS. */
int lie_ssl_data_nfields(lie_ssl_data d);
/* Mean and std of u over the first min(n, 64) trajectories (same on every rank). 1D only. */
int lie_ssl_data_stats(lie_ssl_data d, double *mean, double *std);
/* Per field (nfields values each), over the first min(n, 64) trajectories. NS: smoke mean and
 * std; vx and vy means and one pooled velocity std sqrt((Var vx + Var vy)/2) for both. */
int lie_ssl_data_stats_fields(lie_ssl_data d, double *mean, double *std);
void lie_ssl_data_set_norm(lie_ssl_data d, double mean, double std); /* every field */
void lie_ssl_data_set_norm_fields(lie_ssl_data d, const double *mean, const double *std);
/* The model input layout for this data, crops from aug (crop_t 0 = nt/2; crop_x 0 = all):
 * LIE_ERR_USAGE when a crop does not fit, or NS data with dims != 2 or a space crop. */
int lie_ssl_data_model_opts(lie_ssl_data d, const lie_aug_opts *aug, int dims, int width, lie_ssl_model_opts *m);
/* LIE_ERR_USAGE naming `path` when a model's input does not fit the data's trajectories (1D: a
 * 1D model whose crop is no larger; NS: the whole x-y grid and at most the stored frames). */
int lie_ssl_data_fits(lie_ssl_data d, const lie_ssl_model_opts *m, const char *path);
/* The crops of views for model m: crop_t frames crop_dt apart; crop_x points, or 0 (whole grid)
 * for models over an x-y grid. */
void lie_ssl_model_view_crop(const lie_ssl_model_opts *m, lie_aug_opts *aug);
/* One augmented view of trajectory `index` into x (model input of one sample, fp32):
 * (u - mean)/std, and in coords mode x/L and t/T_end as extra channels. */
int lie_ssl_data_view(lie_ssl_data d, const lie_aug_opts *aug, const lie_ssl_model_opts *m, uint64_t seed, int index,
                      float *x);
/* Reads trajectory `index` into d's buffer: its views and plain crop then read no file (a loader
 * thread reads under a lock, then builds the views without it). */
int lie_ssl_data_load(lie_ssl_data d, int index);
/* The deterministic embedding crop: frames 0, crop_dt, ..., (crop_t - 1) crop_dt, points
 * [0, crop_x), no transform. */
int lie_ssl_data_plain(lie_ssl_data d, const lie_aug_opts *aug, const lie_ssl_model_opts *m, int index, float *x);
int lie_ssl_data_close(lie_ssl_data *d);

/* ---------------------------------------------------------------- distributed */
/* Sum of the flat gradient buffer over the ranks (in place). Collective. */
int lie_ssl_allreduce_grads(lie_ctx ctx, lie_nn_net net);
/* Installs MPI-summed batch-norm statistics on net (lie_nn_net_set_bn_reduce). */
int lie_ssl_sync_bn(lie_ctx ctx, lie_nn_net net);

/* ---------------------------------------------------------------- trainer */
typedef struct lie_pretrain_s *lie_pretrain;
typedef enum { LIE_PRETRAIN_DONE = 0, LIE_PRETRAIN_STOPPED, LIE_PRETRAIN_INTERRUPTED } lie_pretrain_status;
typedef struct {
  lie_pretrain_status status;
  long step;      /* global step reached */
  long steps_run; /* steps run by this call */
  int epoch;
  lie_vicreg_terms last;
  double samples_per_s;
  double rankme, repr_std; /* diagnostics of the last finished epoch (0 if none) */
  const double *loss;      /* loss of each step of this call (steps_run values, valid until destroy) */
} lie_pretrain_result;

/* lie_pretrain_bench: the whole pretraining step (views from the loader + network) against the
 * network part alone on a fixed batch, in one run (liereg bench pretrain). */
typedef struct {
  long steps;                    /* timed steps of each kind */
  double pipeline_samples_per_s; /* whole step: batch from the input pipeline + network */
  double network_samples_per_s;  /* network only (forward, loss, backward, allreduce, AdamW) */
  double views_s_per_batch;      /* one batch built by the main thread alone (no overlap) */
  double wait_s_per_step;        /* whole steps: the main thread waiting for its batch (0: ahead) */
  /* the same blocks per CPU second of this process (all its threads): less sensitive to a
   * loaded machine than wall time; their ratio is the network's share of the step's CPU work */
  double pipeline_samples_per_cpu_s, network_samples_per_cpu_s;
  int in_c, in_h, in_w; /* the network's input per view */
  int nlocal;           /* samples per rank and step */
} lie_pretrain_bench_result;

/* Opens the data, builds the model and optimiser, resumes from cfg->resume if set. Checks
 * batch divisibility and crop sizes (LIE_ERR_USAGE). Collective. */
int lie_pretrain_create(lie_ctx ctx, const lie_pretrain_opts *cfg, lie_pretrain *p);
/* rounds x (warmup + steps network-only steps, then warmup + steps whole steps); only the
 * `steps` of each block are timed; the loader threads are idle during network-only blocks.
 * Trains the model (changes its state); writes no file. Collective. */
int lie_pretrain_bench(lie_pretrain p, int warmup, int steps, int rounds, lie_pretrain_bench_result *r);
/* Trains until cfg->steps / the epochs are done or SIGUSR1/SIGTERM arrives (then checkpoints
 * at the next step boundary and returns status INTERRUPTED). Non-finite loss or a RankMe
 * below cfg->min_rankme is LIE_ERR_NUMERIC, leaving the last checkpoint untouched. */
int lie_pretrain_run(lie_pretrain p, lie_pretrain_result *res);
lie_nn_net lie_pretrain_net(lie_pretrain p);
int lie_pretrain_destroy(lie_pretrain *p);
/* Asks a running lie_pretrain_run to checkpoint and return (what the signal handler does). */
void lie_pretrain_request_stop(void);

/* The grid of the training trajectories, recorded in the checkpoint (group /train/grid) so
 * that embed and the inference API (liereg/infer.h) refuse windows on another grid, and so
 * that coords-mode inputs (x/L, t/T_end) can be rebuilt in-situ. Each range is [min, max]
 * over the trajectories of the training split (KS/KdV jitter L and T; Burgers and NS do not).
 * 1D: dx = L/nx, dt = t[1] - t[0], t0 = t[0], t_end = t[nt-1]. NS: L = Lx, ly = Ly, ny > 0. */
typedef struct {
  int known; /* 0: a checkpoint written before grids were recorded (no checks possible) */
  int nt, nx, ny;
  double dt[2], dx[2], L[2], ly[2], t0[2], t_end[2];
} lie_train_grid;
/* The grid of every trajectory of d (reads each trajectory's t row once). */
int lie_ssl_data_train_grid(lie_ssl_data d, lie_train_grid *g);
/* LIE_ERR_USAGE with one message naming `ckpt` and `what` (e.g. "DATA.h5:/test" or "the
 * window") when `have` is not inside `trained`: nx/ny differ, or dt, L (Ly) outside the
 * training range widened by half its width on each side (fixed grids: relative 1e-6; jittered
 * KS/KdV L and T: other draws of the same distribution pass). nt and t are not checked. */
int lie_train_grid_check(const lie_train_grid *trained, const char *ckpt, const lie_train_grid *have, const char *what);
/* /train/grid attributes (rank-0 serial HDF5 handles). A missing group reads as known = 0. */
int lie_train_grid_write(int64_t file, const lie_train_grid *g); /* hid_t, kept as int64_t */
int lie_train_grid_read(int64_t file, const char *path, lie_train_grid *g);

/* ---------------------------------------------------------------- windows -> model input */
/* The one conversion of a raw 1D window to the model input, used by `liereg embed` (through
 * lie_ssl_data_plain) and by the inference API: frames 0, crop_dt, ..., (crop_t - 1) crop_dt
 * (crop_dt 1: [0, crop_t)) and points [0, crop_x) of
 * u (nt, nx), x_j = j L/nx, t_n = t0 + n dt; x = (u - mean)/std [, X/L, T/t_end] as fp32. */
int lie_ssl_window1d_input(const lie_ssl_model_opts *m, double mean, double std, const double *u, int nt, int nx,
                           double L, double t0, double dt, double t_end, float *x);
/* The same for a Navier-Stokes window: fields u (smoke), vx, vy (nt, nx, ny) each on the
 * coordinates x (nx), y (ny), t (nt) (box Lx = nx (x1 - x0), Ly likewise), the crop_t frames
 * crop_dt apart from frame 0; mean/std per field (3); coords channels X/Lx, Y/Ly, T/t_end. */
int lie_ssl_window_ns_input(const lie_ssl_model_opts *m, const double *mean, const double *std, const double *u,
                            const double *vx, const double *vy, int nt, int nx, int ny, const double *xc,
                            const double *yc, const double *tc, double t_end, float *x);

/* Training checkpoint: net + AdamW state via the nn checkpoint API plus group /train with the
 * step, seed, epoch, data position, normalisation and model/batch configuration, stamped with
 * LIE_PRETRAIN_CKPT_VERSION (resume refuses another version). Written atomically by rank 0. */
typedef struct {
  int version;
  long step;
  int epoch;
  long epoch_step; /* steps done in the current epoch (data position) */
  uint64_t seed;
  int batch;
  double norm_mean, norm_std;
  lie_ssl_model_opts model;
  char pde[16], aug_mode[16];
  /* per-field normalisation (attributes norm_fields, norm_mean_<f>, norm_std_<f> for f >= 1;
   * field 0 is norm_mean/norm_std; absent in 1D checkpoints: nnorm = 1) */
  int nnorm;
  double norm_fmean[LIE_SSL_MAX_FIELDS], norm_fstd[LIE_SSL_MAX_FIELDS];
  lie_train_grid grid; /* the training data's grid (/train/grid) */
} lie_pretrain_state;
int lie_pretrain_ckpt_save(lie_ctx ctx, lie_nn_net net, lie_nn_adamw opt, const lie_pretrain_state *st,
                           const char *path);
/* Reads /train only (to build a net for it). */
int lie_pretrain_ckpt_read_state(lie_ctx ctx, const char *path, lie_pretrain_state *st);
/* Loads the weights (and the optimiser when opt != NULL) of a checkpoint read above. */
int lie_pretrain_ckpt_load(lie_ctx ctx, lie_nn_net net, lie_nn_adamw opt, const char *path);

/* ---------------------------------------------------------------- embed */
/* Frozen-encoder representations (N, 8 width) of every trajectory of the data files with the
 * checkpoint's crop and normalisation, computed in parallel, written to out as one group per
 * split (/train, /valid, /test: the probe's layout, docs/EVAL.md) holding `emb` and copies of
 * the per-trajectory parameter datasets (lie_emb_group_create). Each file contributes its
 * group `mode` if given, else every one of train/valid/test it has; a split may appear once. */
#define LIE_EMBED_MAX_FILES 8
typedef struct {
  char ckpt[LIE_PRETRAIN_PATH], out[LIE_PRETRAIN_PATH];
  int ndata;
  char data[LIE_EMBED_MAX_FILES][LIE_PRETRAIN_PATH];
  char mode[16], field[128];
  int batch; /* samples per forward pass (-embed_batch, default 16) */
  lie_nn_backend backend;
} lie_embed_opts;
int lie_embed_run(lie_ctx ctx, const lie_embed_opts *cfg);

#ifdef __cplusplus
}
#endif
#endif
