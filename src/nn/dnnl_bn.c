/* Batch norm on oneDNN: training/inference primitives (with the following ReLU fused when
 * plan_relus allows), running statistics as PyTorch, and the synchronised (cross-replica)
 * variant fed by the reduce hook. */
#include "dnnl_impl.h"

#if LIEREG_HAVE_DNNL

int lie_dnnl_bn_setup(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  const dnnl_memory_desc_t *md = &s->md[n->in[0]];
  const unsigned ss = dnnl_use_scale | dnnl_use_shift | (d->fuse_relu ? dnnl_fuse_norm_relu : 0);
  dnnl_batch_normalization_desc_t bd;
  dnnl_primitive_desc_t pd;
  LIE_DNNL(dnnl_batch_normalization_forward_desc_init(&bd, dnnl_forward_training, md, 1e-5f, ss));
  LIE_DNNL(dnnl_primitive_desc_create(&d->fwd_pd, &bd, NULL, s->eng, NULL));
  LIE_CALL(prim(d->fwd_pd, &d->fwd));
  if (d->fuse_relu) LIE_CALL(mem(s, dnnl_primitive_desc_query_md(d->fwd_pd, dnnl_query_workspace_md, 0), NULL, &d->ws));
  /* eval mode: running stats; with the fused ReLU the training propagation kind is kept so
   * the ReLU mask (workspace) exists for a backward pass through an eval-mode forward */
  LIE_DNNL(dnnl_batch_normalization_forward_desc_init(
      &bd, d->fuse_relu ? dnnl_forward_training : dnnl_forward_inference, md, 1e-5f, ss | dnnl_use_global_stats));
  LIE_DNNL(dnnl_primitive_desc_create(&d->inf_pd, &bd, NULL, s->eng, NULL));
  LIE_CALL(prim(d->inf_pd, &d->inf));
  LIE_DNNL(dnnl_batch_normalization_backward_desc_init(&bd, dnnl_backward, md, md, 1e-5f, ss));
  LIE_DNNL(dnnl_primitive_desc_create(&pd, &bd, NULL, s->eng, d->fwd_pd));
  int e = prim(pd, &d->bwd_d);
  dnnl_primitive_desc_destroy(pd);
  LIE_CALL(e);
  LIE_DNNL(dnnl_batch_normalization_backward_desc_init(&bd, dnnl_backward, md, md, 1e-5f, ss | dnnl_use_global_stats));
  LIE_DNNL(dnnl_primitive_desc_create(&pd, &bd, NULL, s->eng, d->inf_pd));
  e = prim(pd, &d->bwd_inf);
  dnnl_primitive_desc_destroy(pd);
  LIE_CALL(e);
  dnnl_memory_desc_t c;
  LIE_CALL(md_1d(&c, net->t[n->in[0]].C));
  LIE_CALL(mem(s, &c, n->mean, &d->mean));
  LIE_CALL(mem(s, &c, n->rstd, &d->var)); /* oneDNN keeps the (biased) variance here */
  LIE_CALL(mem(s, &c, lie_nn_param(net, n->w), &d->scale));
  LIE_CALL(mem(s, &c, lie_nn_param(net, n->b), &d->shift));
  LIE_CALL(mem(s, &c, lie_nn_grad(net, n->w), &d->dscale));
  LIE_CALL(mem(s, &c, lie_nn_grad(net, n->b), &d->dshift));
  LIE_CALL(mem(s, &c, lie_nn_param(net, n->rm), &d->rmean));
  LIE_CALL(mem(s, &c, lie_nn_param(net, n->rv), &d->rvar));
  return LIE_OK;
}

/* ------------------------------------------------------------------ synchronised batch norm
 * With a reduce hook (lie_nn_net_set_bn_reduce) training-mode BN uses the statistics of the
 * global batch, as the reference sync layer (batchnorm_sync.c) does: we sum per-channel
 * moments over the ranks ourselves and run oneDNN's BN with dnnl_use_global_stats (the
 * primitives of eval mode, fed with the global batch statistics instead of the running
 * ones). Backward: oneDNN's global-stats backward gives γ·rstd·dy' (dy' = the ReLU-masked
 * gradient when fused) and the LOCAL Σdy'·x̂ (diff_scale), Σdy' (diff_shift); those sums
 * are reduced and the missing terms of the batch-statistics gradient are subtracted. */

/* Training forward with global statistics: buf = [count, Σx] reduced, mean = Σx/count; then
 * [Σ(x − mean)²] reduced (two-pass, as the reference sync layer). Running stats: momentum 0.1,
 * unbiased variance with the global count. n->rstd holds the biased variance here (oneDNN). */
static int sync_stats(lie_nn_net net, lie_nn_node *n, const lie_nn_chan_layout *L) {
  const int C = L->C;
  const float mom = 0.1f;
  double *buf, N;
  int err = LIE_OK;
  LIE_ALLOC(buf, 2 * (size_t)C + 1);
  double *m = buf + 1, *ss = buf + 1 + C;
  const float *x = net->t[n->in[0]].data;
  float *rm = lie_nn_param(net, n->rm), *rv = lie_nn_param(net, n->rv);
  buf[0] = (double)L->B * L->HW;
  lie_nn_chan_sums(L, x, NULL, m);
  LIE_CALL_GOTO(lie_nn_bn_reduce(buf, C + 1, net));
  N = buf[0];
  for (int c = 0; c < C; c++)
    m[c] /= N;
  lie_nn_chan_sums(L, x, m, ss);
  LIE_CALL_GOTO(lie_nn_bn_reduce(ss, C, net));
  for (int c = 0; c < C; c++) {
    double v = ss[c] / N;
    rm[c] = (float)((1.0 - mom) * rm[c] + mom * m[c]);
    rv[c] = (float)((1.0 - mom) * rv[c] + mom * (N > 1 ? ss[c] / (N - 1) : v));
    n->mean[c] = (float)m[c], n->rstd[c] = (float)v;
  }
  lie_nn_param(net, n->nbt)[0] += 1.0f;
done:
  free(buf);
  return err;
}

/* Training forward: the global statistics (sync_stats) through the global-stats primitive. */
static int bn_forward_sync(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  lie_nn_chan_layout L;
  LIE_CALL(chan_layout(net, n->in[0], &L));
  LIE_DNNL(dnnl_stream_wait(s->st));
  LIE_CALL(sync_stats(net, n, &L));
  dnnl_exec_arg_t a[7] = {{DNNL_ARG_SRC, s->data[n->in[0]]}, {DNNL_ARG_DST, s->data[n->out]},
                          {DNNL_ARG_SCALE, d->scale},        {DNNL_ARG_SHIFT, d->shift},
                          {DNNL_ARG_MEAN, d->mean},          {DNNL_ARG_VARIANCE, d->var},
                          {DNNL_ARG_WORKSPACE, d->ws}};
  LIE_CALL(exec(s, d->inf, d->ws ? 7 : 6, a));
  return LIE_OK;
}

/* Training backward with global statistics into `target` (the input gradient or the
 * scratch to be added to it). dγ, dβ stay LOCAL (summed over ranks with the other gradients,
 * as in the reference sync layer); buf = [count, Σdy', Σdy'·x̂] is reduced for dx only. */
static int bn_backward_sync(lie_nn_net net, lie_nn_node *n, dnode *d, dnnl_memory_t target, int want_dx) {
  dstate *s = S(net);
  dnnl_exec_arg_t a[10] = {{DNNL_ARG_SRC, s->data[n->in[0]]}, {DNNL_ARG_MEAN, d->mean},
                           {DNNL_ARG_VARIANCE, d->var},       {DNNL_ARG_DIFF_DST, s->grad[n->out]},
                           {DNNL_ARG_SCALE, d->scale},        {DNNL_ARG_SHIFT, d->shift},
                           {DNNL_ARG_DIFF_SRC, target},       {DNNL_ARG_DIFF_SCALE, d->dscale},
                           {DNNL_ARG_DIFF_SHIFT, d->dshift},  {DNNL_ARG_WORKSPACE, d->ws}};
  LIE_CALL(exec(s, d->bwd_inf, d->ws ? 10 : 9, a));
  if (!want_dx) return LIE_OK;
  lie_nn_chan_layout L;
  LIE_CALL(chan_layout(net, n->in[0], &L));
  LIE_DNNL(dnnl_stream_wait(s->st));
  const int C = L.C;
  const float *dg = lie_nn_grad(net, n->w), *db = lie_nn_grad(net, n->b);
  double *buf;
  void *dx = NULL;
  int err = LIE_OK;
  LIE_ALLOC(buf, 2 * (size_t)C + 1);
  double *sdy = buf + 1, *sdyx = buf + 1 + C;
  buf[0] = (double)L.B * L.HW;
  for (int c = 0; c < C; c++)
    sdy[c] = db[c], sdyx[c] = dg[c];
  LIE_CALL_GOTO(lie_nn_bn_reduce(buf, 2 * C + 1, net));
  if (dnnl_memory_get_data_handle(target, &dx) != dnnl_success) LIE_CALL_GOTO(LIE_ERR_DNNL); /* no message: the name */
  LIE_CALL_GOTO(lie_nn_chan_bn_correct(&L, dx, net->t[n->in[0]].data, n->mean, n->rstd, lie_nn_param(net, n->w), sdy,
                                       sdyx, buf[0], 1e-5f));
done:
  free(buf);
  return err;
}

// x (B,C,H,W) -> y; training: batch statistics (or global ones with the reduce hook), running
// stats updated; inference: running statistics
int lie_dnnl_bn_forward(lie_nn_net net, lie_nn_node *n, dnode *d, int train) {
  dstate *s = S(net);
  if (train && net->bn_reduce) {
    LIE_CALL(bn_forward_sync(net, n, d));
    return LIE_OK;
  }
  dnnl_exec_arg_t a[7] = {{DNNL_ARG_SRC, s->data[n->in[0]]},
                          {DNNL_ARG_DST, s->data[n->out]},
                          {DNNL_ARG_SCALE, d->scale},
                          {DNNL_ARG_SHIFT, d->shift},
                          {DNNL_ARG_MEAN, train ? d->mean : d->rmean},
                          {DNNL_ARG_VARIANCE, train ? d->var : d->rvar},
                          {DNNL_ARG_WORKSPACE, d->ws}};
  LIE_CALL(exec(s, train ? d->fwd : d->inf, d->ws ? 7 : 6, a));
  if (train) { /* running stats as torch: unbiased variance, momentum 0.1 */
    const lie_nn_tens *t = &net->t[n->in[0]];
    double N = (double)net->B * t->H * t->W, unb = N > 1 ? N / (N - 1) : 1.0;
    float *rm = lie_nn_param(net, n->rm), *rv = lie_nn_param(net, n->rv);
    for (int c = 0; c < t->C; c++) {
      rm[c] = (float)(0.9 * rm[c] + 0.1 * n->mean[c]);
      rv[c] = (float)(0.9 * rv[c] + 0.1 * n->rstd[c] * unb);
    }
    lie_nn_param(net, n->nbt)[0] += 1.0f;
  }
  return LIE_OK;
}

// dy -> dx (stored or added; the batch-statistics or running-statistics gradient), dgamma, dbeta
int lie_dnnl_bn_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx) {
  dstate *s = S(net);
  int train = net->last_train;
  if (train && net->bn_reduce) {
    LIE_CALL(bn_backward_sync(net, n, d, grad_target(s, n, d, 0), want_dx));
    LIE_CALL(finish_target(net, n, d, 0, NULL));
    return LIE_OK;
  }
  dnnl_exec_arg_t a[10] = {{DNNL_ARG_SRC, s->data[n->in[0]]},
                           {DNNL_ARG_MEAN, train ? d->mean : d->rmean},
                           {DNNL_ARG_VARIANCE, train ? d->var : d->rvar},
                           {DNNL_ARG_DIFF_DST, s->grad[n->out]},
                           {DNNL_ARG_SCALE, d->scale},
                           {DNNL_ARG_SHIFT, d->shift},
                           {DNNL_ARG_DIFF_SRC, grad_target(s, n, d, 0)},
                           {DNNL_ARG_DIFF_SCALE, d->dscale},
                           {DNNL_ARG_DIFF_SHIFT, d->dshift},
                           {DNNL_ARG_WORKSPACE, d->ws}};
  LIE_CALL(exec(s, train ? d->bwd_d : d->bwd_inf, d->ws ? 10 : 9, a));
  LIE_CALL(finish_target(net, n, d, 0, NULL));
  return LIE_OK;
}
#endif
