/* liereg nn: a small CNN training engine (fp32) — reference C layers, a network graph with
 * flat parameter / gradient / moment buffers, ResNet-18 (2D and 1D) and MLP builders,
 * AdamW, HDF5 checkpoints with PyTorch state_dict names, and a oneDNN backend.
 * docs/NN.md explains the choices and formulas.
 *
 * Layout conventions (PyTorch's): activations NCHW (1D: NCW, stored as NC1W), conv weights
 * OIHW (1D: OIW), linear weights (out, in). */
#ifndef LIEREG_NN_H
#define LIEREG_NN_H

#include "liereg/core.h"
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ================================================================ reference layers
 * Plain loops, one _forward/_backward pair per layer. Backward functions ACCUMULATE (+=)
 * into every gradient they write (inputs and parameters), so a tensor read by two layers
 * (the residual input) gets the sum of both contributions; callers zero gradients first. */

typedef struct {
  int B, C, H, W; /* input  (B,C,H,W) */
  int K, R, S;    /* weight (K,C,R,S) */
  int sh, sw;     /* strides */
  int ph, pw;     /* zero padding */
} lie_nn_conv_shape;
int lie_nn_conv_out_h(const lie_nn_conv_shape *s);
int lie_nn_conv_out_w(const lie_nn_conv_shape *s);

/* inp (B,C,H,W), weight (K,C,R,S), bias (K) or NULL -> out (B,K,OH,OW) */
void lie_nn_conv2d_forward(float *out, const float *inp, const float *weight, const float *bias,
                           const lie_nn_conv_shape *s);
/* dout (B,K,OH,OW) -> dinp (B,C,H,W), dweight (K,C,R,S), dbias (K); any may be NULL */
void lie_nn_conv2d_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                            const float *weight, const lie_nn_conv_shape *s);
/* inp (B,C,L), weight (K,C,S), bias (K) or NULL -> out (B,K,OL), OL = (L + 2p - S)/stride + 1 */
void lie_nn_conv1d_forward(float *out, const float *inp, const float *weight, const float *bias, int B, int C, int L,
                           int K, int S, int stride, int pad);
void lie_nn_conv1d_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                            const float *weight, int B, int C, int L, int K, int S, int stride, int pad);

/* Batch norm over (B, HW) per channel. Training: normalise with the batch mean and biased
 * variance, save mean/rstd (C) for backward, update running stats with PyTorch's rule
 * r = (1-momentum) r + momentum * stat, using the UNBIASED variance for running_var.
 * Inference: normalise with the running stats (mean/rstd are filled from them).
 * inp (B,C,HW) -> out (B,C,HW) */
void lie_nn_batchnorm_forward(float *out, float *mean, float *rstd, const float *inp, const float *gamma,
                              const float *beta, float *run_mean, float *run_var, int B, int C, int HW, float momentum,
                              float eps, int train);
/* dout (B,C,HW) -> dinp (B,C,HW), dgamma (C), dbeta (C) */
void lie_nn_batchnorm_backward(float *dinp, float *dgamma, float *dbeta, const float *dout, const float *inp,
                               const float *mean, const float *rstd, const float *gamma, int B, int C, int HW,
                               int train);

/* Cross-replica (synchronised) batch norm for data-parallel training. reduce(buf, n, user)
 * must replace buf (n doubles) in place by its sum over all replicas (e.g. MPI_Allreduce);
 * it returns 0 or a LIE_ERR_* code. Training-mode statistics are then those of the global
 * batch: forward sums (count, sum x) and then sum (x - mean)^2 over the replicas; backward
 * sums (count, sum dout, sum dout*xhat) for dinp, while dgamma/dbeta stay LOCAL (+=), since
 * they are summed over replicas with the other parameter gradients. Running stats get the
 * global statistics, so they agree on every replica. With one replica (reduce = identity)
 * the results equal the plain layer's. work: none (stack/heap inside). */
typedef int (*lie_nn_reduce_fn)(double *buf, int n, void *user);
int lie_nn_batchnorm_forward_sync(float *out, float *mean, float *rstd, const float *inp, const float *gamma,
                                  const float *beta, float *run_mean, float *run_var, int B, int C, int HW,
                                  float momentum, float eps, lie_nn_reduce_fn reduce, void *user);
int lie_nn_batchnorm_backward_sync(float *dinp, float *dgamma, float *dbeta, const float *dout, const float *inp,
                                   const float *mean, const float *rstd, const float *gamma, int B, int C, int HW,
                                   lie_nn_reduce_fn reduce, void *user);

/* inp (N) -> out (N) = max(inp, 0) */
void lie_nn_relu_forward(float *out, const float *inp, size_t N);
void lie_nn_relu_backward(float *dinp, const float *dout, const float *inp, size_t N);

/* Max pool, -inf padding, ties go to the first maximum in the window (as PyTorch).
 * inp (B,C,H,W) -> out (B,C,OH,OW), OH = (H + 2ph - kh)/sh + 1 */
void lie_nn_maxpool_forward(float *out, const float *inp, int B, int C, int H, int W, int kh, int kw, int sh, int sw,
                            int ph, int pw);
void lie_nn_maxpool_backward(float *dinp, const float *dout, const float *inp, int B, int C, int H, int W, int kh,
                             int kw, int sh, int sw, int ph, int pw);

/* Global average pool: inp (B,C,HW) -> out (B,C) */
void lie_nn_avgpool_forward(float *out, const float *inp, int B, int C, int HW);
void lie_nn_avgpool_backward(float *dinp, const float *dout, int B, int C, int HW);

/* inp (B,Fi), weight (Fo,Fi), bias (Fo) or NULL -> out (B,Fo) */
void lie_nn_linear_forward(float *out, const float *inp, const float *weight, const float *bias, int B, int Fi, int Fo);
void lie_nn_linear_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                            const float *weight, int B, int Fi, int Fo);

/* Residual add: a (N), b (N) -> out (N) = a + b */
void lie_nn_add_forward(float *out, const float *a, const float *b, size_t N);
void lie_nn_add_backward(float *da, float *db, const float *dout, size_t N);

/* Circular (periodic) padding over H and W of channel-blocked rows, as PyTorch's
 * padding_mode='circular'. Plain NCHW is N = B*C rows with blk = 1; a channel-blocked
 * layout (b, c/blk, h, w, c%blk) is N = B*ceil(C/blk) with blk floats per pixel.
 * inp (N,H,W,blk) -> out (N,H+2ph,W+2pw,blk), out[n,i,j] = inp[n,(i-ph) mod H,(j-pw) mod W] */
void lie_nn_circpad_forward(float *out, const float *inp, int N, int H, int W, int blk, int ph, int pw);
/* dout (N,H+2ph,W+2pw,blk) -> dinp (N,H,W,blk) += the sum over the copies of each element */
void lie_nn_circpad_backward(float *dinp, const float *dout, int N, int H, int W, int blk, int ph, int pw);

/* ELU (alpha 1, torch.nn.functional.elu) and GELU (exact erf form, F.gelu's default).
 * inp (N) -> out (N); backward: dinp (N) += dout * f'(inp) */
void lie_nn_elu_forward(float *out, const float *inp, size_t N);
void lie_nn_elu_backward(float *dinp, const float *dout, const float *inp, size_t N);
void lie_nn_gelu_forward(float *out, const float *inp, size_t N);
void lie_nn_gelu_backward(float *dinp, const float *dout, const float *inp, size_t N);

/* Spectral convolution 1D (FNO's SpectralConv1d): y = irfft(W . rfft(x)[:modes], n=L).
 * weight (Ci,Co,modes,2): complex (real, imag) pairs, torch.view_as_real of the cfloat
 * parameter. FFTs on FFTW (double precision; plans made once per L by _plan_create).
 * inp (B,Ci,L) -> out (B,Co,L); backward: dinp (B,Ci,L) +=, dweight (Ci,Co,modes,2) +=. */
typedef struct lie_nn_fft_plan_s *lie_nn_fft_plan;
int lie_nn_fft_plan_create(int L, lie_nn_fft_plan *p);
void lie_nn_fft_plan_destroy(lie_nn_fft_plan *p);
int lie_nn_spectral_conv1d_forward(float *out, const float *inp, const float *weight, int B, int Ci, int Co, int L,
                                   int modes, lie_nn_fft_plan p);
int lie_nn_spectral_conv1d_backward(float *dinp, float *dweight, const float *dout, const float *inp,
                                    const float *weight, int B, int Ci, int Co, int L, int modes, lie_nn_fft_plan p);

/* Channel concatenation (torch.cat(dim=1)): a (B,Ca,HW), b (B,Cb,HW) -> out (B,Ca+Cb,HW);
 * backward: da +=, db += the two channel slices of dout (either may be NULL). */
void lie_nn_concat_forward(float *out, const float *a, const float *b, int B, int Ca, int Cb, int HW);
void lie_nn_concat_backward(float *da, float *db, const float *dout, int B, int Ca, int Cb, int HW);

/* Transposed convolution, kernel = stride = 2 (ConvTranspose2d(C, K, 2, stride=2)):
 * inp (B,C,H,W), weight (C,K,2,2), bias (K) or NULL -> out (B,K,2H,2W) */
void lie_nn_upconv2x2_forward(float *out, const float *inp, const float *weight, const float *bias, int B, int C, int H,
                              int W, int K);
void lie_nn_upconv2x2_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                               const float *weight, int B, int C, int H, int W, int K);

/* Group norm (torch.nn.GroupNorm(G, C), eps 1e-5): per sample and group of C/G channels,
 * normalise with the group's mean and biased variance, then gamma/beta per channel.
 * inp (B,C,HW) -> out (B,C,HW); mean, rstd (B,G) saved for backward. */
void lie_nn_groupnorm_forward(float *out, float *mean, float *rstd, const float *inp, const float *gamma,
                              const float *beta, int B, int C, int HW, int G, float eps);
void lie_nn_groupnorm_backward(float *dinp, float *dgamma, float *dbeta, const float *dout, const float *inp,
                               const float *mean, const float *rstd, const float *gamma, int B, int C, int HW, int G);

/* ================================================================ networks
 * A network is a list of nodes over per-sample tensor shapes (C,H,W); the batch size is
 * fixed at setup. Parameters (trainable), their gradients, the two AdamW moments and the
 * buffers (BN running stats) each live in ONE contiguous float array, in node order, so a
 * gradient average is one allreduce and a checkpoint one pass over the list. */

typedef enum { LIE_NN_BACKEND_REF = 0, LIE_NN_BACKEND_DNNL = 1 } lie_nn_backend;
const char *lie_nn_backend_name(lie_nn_backend b);
int lie_nn_backend_from_name(const char *name, lie_nn_backend *b);
/* oneDNN when this build has it, else the reference. */
lie_nn_backend lie_nn_backend_default(void);

typedef struct lie_nn_net_s *lie_nn_net;

/* A named tensor of the state dict (parameter or buffer). */
typedef struct {
  char name[96];       /* e.g. "encoder/layer1.0.conv1.weight" */
  int ndims, dims[4];  /* PyTorch shape */
  size_t offset, size; /* into params (trainable) or buffers */
  int trainable;       /* 1: in params/grads/moments; 0: in buffers (running stats) */
  int decay;           /* weight decay applies (conv/linear weights only, see lie_nn_adamw) */
  int is_counter;      /* num_batches_tracked: stored as float here, int64 in files */
} lie_nn_tensor_info;

int lie_nn_net_create(lie_ctx ctx, lie_nn_net *net);
int lie_nn_net_destroy(lie_nn_net *net);
/* Reads -nn_backend ref|dnnl and -threads N (prefix may be NULL). */
int lie_nn_net_set_from_options(lie_nn_net net, const char *prefix);
int lie_nn_net_set_backend(lie_nn_net net, lie_nn_backend b);
lie_nn_backend lie_nn_net_get_backend(lie_nn_net net);

/* Graph building: each call returns the id of its output tensor in *out. Names are
 * state_dict prefixes ("encoder/layer1.0.conv1"). Tensor 0 is the input (C,H,W). */
int lie_nn_input(lie_nn_net net, int C, int H, int W, int *out);
int lie_nn_conv2d(lie_nn_net net, const char *name, int in, int K, int R, int S, int sh, int sw, int ph, int pw,
                  int bias, int *out);
/* 1D convolution over W of a (C,1,W) tensor; weights are stored OIW in checkpoints. */
int lie_nn_conv1d(lie_nn_net net, const char *name, int in, int K, int S, int stride, int pad, int bias, int *out);
int lie_nn_batchnorm(lie_nn_net net, const char *name, int in, int *out);
int lie_nn_relu(lie_nn_net net, int in, int *out);
int lie_nn_maxpool(lie_nn_net net, int in, int kh, int kw, int sh, int sw, int ph, int pw, int *out);
int lie_nn_avgpool_global(lie_nn_net net, int in, int *out); /* (C,H,W) -> (C,1,1) */
int lie_nn_linear(lie_nn_net net, const char *name, int in, int Fo, int bias, int *out);
int lie_nn_add(lie_nn_net net, int a, int b, int *out);
/* Per-point Linear over the channels of a (C,H,W) tensor (= a 1x1 convolution), with
 * torch.nn.Linear's (Fo, C) weight in the state dict (LPSDA's fc0/fc1/fc2). */
int lie_nn_linear_pointwise(lie_nn_net net, const char *name, int in, int Fo, int bias, int *out);
/* Circular padding by ph rows and pw columns on each side (C,H,W) -> (C,H+2ph,W+2pw). */
int lie_nn_pad_circular(lie_nn_net net, int in, int ph, int pw, int *out);
int lie_nn_elu(lie_nn_net net, int in, int *out);
int lie_nn_gelu(lie_nn_net net, int in, int *out);
/* Spectral convolution over W of a (Ci,1,L) tensor -> (Co,1,L); state "<name>.weights"
 * (Ci,Co,modes,2), zero until initialised (lie_nn_stepper_init draws LPSDA's init). */
int lie_nn_spectral_conv1d(lie_nn_net net, const char *name, int in, int Co, int modes, int *out);
/* (Ca,H,W) and (Cb,H,W) -> (Ca+Cb,H,W) */
int lie_nn_concat(lie_nn_net net, int a, int b, int *out);
/* ConvTranspose2d(C, K, 2, stride=2) with bias: (C,H,W) -> (K,2H,2W); weight (C,K,2,2) */
int lie_nn_upconv2x2(lie_nn_net net, const char *name, int in, int K, int *out);
/* GroupNorm(G, C): "<name>.weight", "<name>.bias" (C); C must be divisible by G */
int lie_nn_groupnorm(lie_nn_net net, const char *name, int in, int G, int *out);

/* Synchronised batch norm: every training-mode batch norm of `net` reduces its statistics
 * with fn (see lie_nn_batchnorm_forward_sync); fn = NULL restores local statistics. Both
 * backends honour it (oneDNN: global-statistics primitives fed by the same reductions). */
int lie_nn_net_set_bn_reduce(lie_nn_net net, lie_nn_reduce_fn fn, void *user);

/* Allocates buffers for batch size B and builds backend primitives. */
int lie_nn_net_setup(lie_nn_net net, int B);
/* PyTorch default init: conv/linear weights kaiming_uniform(a=sqrt(5)) = U(±1/sqrt(fan_in)),
 * biases U(±1/sqrt(fan_in)), BN weight 1 bias 0, running mean 0 var 1. */
int lie_nn_net_init(lie_nn_net net, uint64_t seed);

/* x (B,C,H,W) of the input tensor; train=1 uses batch statistics and updates running stats. */
int lie_nn_net_forward(lie_nn_net net, const float *x, int train);
/* dy has the output's shape; gradients of the parameters are OVERWRITTEN (zeroed first).
 * dx (input's shape) may be NULL. */
int lie_nn_net_backward(lie_nn_net net, const float *dy, float *dx);
/* The output of the last node, plain NCHW, valid after forward. */
const float *lie_nn_net_output(lie_nn_net net);
int lie_nn_net_tensor_shape(lie_nn_net net, int id, int *C, int *H, int *W);
int lie_nn_net_output_id(lie_nn_net net);
int lie_nn_net_batch(lie_nn_net net);
/* Copy of tensor id's activation (plain NCHW) after forward, for tests. */
int lie_nn_net_get_activation(lie_nn_net net, int id, float *dst);

/* Flat buffers (valid after setup). */
float *lie_nn_net_params(lie_nn_net net, size_t *n);
float *lie_nn_net_grads(lie_nn_net net, size_t *n);
float *lie_nn_net_buffers(lie_nn_net net, size_t *n);
int lie_nn_net_ntensors_info(lie_nn_net net);
const lie_nn_tensor_info *lie_nn_net_tensor_info(lie_nn_net net, int i);
/* Pointer to a named state tensor (in params or buffers), NULL if none. */
float *lie_nn_net_find(lie_nn_net net, const char *name, const lie_nn_tensor_info **info);
/* Forward FLOPs per sample (multiply-add = 2) of conv and linear layers. */
double lie_nn_net_flops(lie_nn_net net);

/* ================================================================ models */
typedef struct {
  int dims;  /* 2: input (cin,H,W); 1: input (cin,L) as (cin,1,L) */
  int cin;   /* input channels */
  int width; /* base width w: stages w,2w,4w,8w (64 = torchvision) */
} lie_nn_resnet_opts;
/* Appends ResNet-18 (torchvision: 7x7/2 stem, BN, ReLU, maxpool 3/2, 4 stages of 2 BasicBlocks,
 * global average pool) to `net` reading tensor `in`; names "<prefix>conv1.weight" etc.
 * *out is the (8w,1,1) representation. */
int lie_nn_resnet18(lie_nn_net net, const char *prefix, const lie_nn_resnet_opts *o, int in, int *out);
/* MLP as VICReg's expander: for each of nlayers-1 hidden layers Linear+BN+ReLU, then a
 * Linear without bias; sizes[0] = input dim, sizes[1..nlayers] = output dims. Names
 * "<prefix>0.weight", "<prefix>1.running_mean" ... (nn.Sequential indices). */
int lie_nn_mlp(lie_nn_net net, const char *prefix, int nlayers, const int *sizes, int in, int *out);
/* Generic small MLP head: Linear(+bias), ReLU, ..., Linear(+bias), no BN; names
 * "<prefix>0.weight", "<prefix>2.weight", ... (nn.Sequential indices). */
int lie_nn_mlp_head(lie_nn_net net, const char *prefix, int nlayers, const int *sizes, int in, int *out);

/* Neural time-steppers (LPSDA's CNN, FNO1d, ResNet; a PDEArena-style 2D U-Net).
 * docs/NN.md "Stepper models" gives the exact architectures and state-dict names. */
typedef enum { LIE_NN_STEPPER_CNN, LIE_NN_STEPPER_FNO, LIE_NN_STEPPER_RESNET, LIE_NN_STEPPER_UNET } lie_nn_stepper_kind;
/* "cnn", "fno", "resnet", "unet"; anything else is a usage error naming the value. */
int lie_nn_stepper_kind_from_name(const char *name, lie_nn_stepper_kind *k);
const char *lie_nn_stepper_kind_name(lie_nn_stepper_kind k);
typedef struct {
  lie_nn_stepper_kind kind;
  int cin;    /* input channels: history frames + extra channels (dx, dt, conditioning) */
  int cout;   /* output channels: future frames */
  int width;  /* hidden width (cnn 128, fno 256, resnet 256, unet: base width 64) */
  int modes;  /* fno: Fourier modes (32) */
  int layers; /* fno: Fourier layers (5); unet: depth = number of down-sampling levels (4) */
} lie_nn_stepper_opts;
/* LPSDA's defaults for kind k (PDEArena's for unet) with cin = 22, cout = 20 (history 20 +
 * dx, dt; future 20): callers set cin/cout. */
void lie_nn_stepper_opts_default(lie_nn_stepper_kind k, lie_nn_stepper_opts *o);
/* 1D kinds: input tensor (cin,1,nx) -> output (cout,1,nx); unet: (cin,nx,ny) -> (cout,nx,ny)
 * (nx, ny divisible by 2^layers). Appends to net reading tensor `in`; state-dict names
 * "<prefix><torch name>" as the PyTorch module's. */
int lie_nn_stepper(lie_nn_net net, const char *prefix, const lie_nn_stepper_opts *o, int in, int *out);
/* The module's own init where PyTorch's differs from lie_nn_net_init's defaults (cnn:
 * xavier_uniform_ on the 8 convolutions; fno: spectral weights scale*U[0,1) per real and
 * imaginary part, scale = 1/(width^2)); call after lie_nn_net_init. */
int lie_nn_stepper_init(lie_nn_net net, const char *prefix, const lie_nn_stepper_opts *o, uint64_t seed);

/* ================================================================ optimisation */
typedef struct {
  double lr, beta1, beta2, eps, weight_decay;
  int decay_all; /* 0 (default): no weight decay on biases and BN parameters */
} lie_nn_adamw_opts;
void lie_nn_adamw_opts_default(lie_nn_adamw_opts *o); /* lr 3e-4, betas (0.9,0.999), eps 1e-8, wd 1e-6 */
typedef struct lie_nn_adamw_s *lie_nn_adamw;
int lie_nn_adamw_create(lie_nn_net net, const lie_nn_adamw_opts *o, lie_nn_adamw *opt);
int lie_nn_adamw_destroy(lie_nn_adamw *opt);
/* One step with learning rate lr (PyTorch's torch.optim.AdamW update). */
int lie_nn_adamw_step(lie_nn_adamw opt, double lr);
long lie_nn_adamw_nsteps(lie_nn_adamw opt);
float *lie_nn_adamw_moments(lie_nn_adamw opt, float **exp_avg_sq, size_t *n);
int lie_nn_adamw_set_nsteps(lie_nn_adamw opt, long t);
/* Scales the gradients so their global L2 norm is at most max_norm (as
 * torch.nn.utils.clip_grad_norm_); returns the norm before clipping in *norm. */
int lie_nn_clip_grad_norm(lie_nn_net net, double max_norm, double *norm);
/* Linear warmup over `warmup` steps to base_lr, then cosine decay to min_lr at `total`. */
double lie_nn_cosine_lr(long step, long warmup, long total, double base_lr, double min_lr);

/* ================================================================ checkpoints (HDF5)
 * One dataset per state_dict entry at its name ("encoder/layer1.0.conv1.weight", OIHW,
 * float32; num_batches_tracked int64 scalar), under group `root` ("" or "/" for the file
 * root). Optimizer moments (if opt) under "optimizer/exp_avg/<name>" and
 * "optimizer/exp_avg_sq/<name>" with attribute "step". Rank 0 writes; every rank reads. */
int lie_nn_checkpoint_save(lie_nn_net net, lie_nn_adamw opt, const char *path);
int lie_nn_checkpoint_load(lie_nn_net net, lie_nn_adamw opt, const char *path);
/* Lower level on an open HDF5 file/group id (hid_t as int64_t to keep hdf5.h out). */
int lie_nn_state_write(lie_nn_net net, int64_t loc, const char *root, int which);
int lie_nn_state_read(lie_nn_net net, int64_t loc, const char *root, int which);
enum { LIE_NN_STATE_PARAMS = 1, LIE_NN_STATE_BUFFERS = 2, LIE_NN_STATE_GRADS = 4, LIE_NN_STATE_ALL = 3 };

/* ================================================================ threads */
/* Cores this process may run on (sched_getaffinity), at least 1. */
int lie_nn_cores_available(void);
/* Sets OpenMP (and so oneDNN) threads; n <= 0 means lie_nn_cores_available(). */
int lie_nn_set_threads(int n);
/* For a library call inside a caller's program: sets n threads (n <= 0: all cores) and returns
 * the caller's OpenMP count, to be given back with lie_nn_set_threads(saved) after the call. */
int lie_nn_threads_enter(int n);

#ifdef __cplusplus
}
#endif
#endif
