/* The U-Net's 2x2 stride-2 transposed convolution on oneDNN: its deconvolution primitives
 * (forward, backward data, backward weights) on the tensors' own layouts. PyTorch keeps
 * ConvTranspose2d weights as (in, out, kh, kw); oneDNN's deconvolution weights are
 * (out, in, kh, kw) logically, so the flat buffer is described with the `iohw` tag (same
 * memory, no copy) and reordered to the primitive's preferred layout once per step, as the
 * convolution weights are. */
#include "dnnl_impl.h"

#if LIEREG_HAVE_DNNL

#define TRY(x, what)                                                                                                   \
  do {                                                                                                                 \
    if ((x) != dnnl_success) LIE_ERROR(LIE_ERR_DNNL, "oneDNN: cannot create the %s %s", n->name, what);                \
  } while (0)

/* A step of the weights' set-up after the primitives exist: any failure is reported as this
 * layer's set-up failing. */
#define SETUP(cond) LIE_CHECK_GOTO(cond, LIE_ERR_DNNL, "oneDNN: cannot set up the %s deconvolution", n->name)

int lie_dnnl_upconv_setup(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  const lie_nn_tens *x = &net->t[n->in[0]];
  const dnnl_memory_desc_t *xmd = &s->md[n->in[0]], *ymd = &s->md[n->out];
  dnnl_memory_desc_t wany, wuser, bmd;
  dnnl_dims_t wd = {n->K, x->C, 2, 2}, st = {2, 2}, pad = {0, 0}, bd = {n->K};
  dnnl_deconvolution_desc_t dd;
  dnnl_primitive_desc_t bd_pd = NULL, bw_pd = NULL;
  const dnnl_memory_desc_t *wf, *wb, *dw;
  int err = LIE_OK;
  TRY(dnnl_memory_desc_init_by_tag(&wany, 4, wd, dnnl_f32, dnnl_format_tag_any), "weights descriptor");
  TRY(dnnl_memory_desc_init_by_tag(&wuser, 4, wd, dnnl_f32, dnnl_iohw), "weights descriptor");
  TRY(dnnl_memory_desc_init_by_tag(&bmd, 1, bd, dnnl_f32, dnnl_x), "bias descriptor");
  TRY(dnnl_deconvolution_forward_desc_init(&dd, dnnl_forward_training, dnnl_deconvolution_direct, xmd, &wany, &bmd, ymd,
                                           st, pad, pad),
      "forward descriptor");
  TRY(dnnl_primitive_desc_create(&d->fwd_pd, &dd, NULL, s->eng, NULL), "forward primitive");
  TRY(dnnl_primitive_create(&d->fwd, d->fwd_pd), "forward primitive");
  TRY(dnnl_deconvolution_backward_data_desc_init(&dd, dnnl_deconvolution_direct, xmd, &wany, ymd, st, pad, pad),
      "backward-data descriptor");
  TRY(dnnl_primitive_desc_create(&bd_pd, &dd, NULL, s->eng, d->fwd_pd), "backward-data primitive");
  SETUP(dnnl_primitive_create(&d->bwd_d, bd_pd) == dnnl_success);
  SETUP(dnnl_deconvolution_backward_weights_desc_init(&dd, dnnl_deconvolution_direct, xmd, &wany, &bmd, ymd, st, pad,
                                                      pad) == dnnl_success);
  SETUP(dnnl_primitive_desc_create(&bw_pd, &dd, NULL, s->eng, d->fwd_pd) == dnnl_success);
  SETUP(dnnl_primitive_create(&d->bwd_w, bw_pd) == dnnl_success);
  wf = dnnl_primitive_desc_query_md(d->fwd_pd, dnnl_query_weights_md, 0);
  wb = dnnl_primitive_desc_query_md(bd_pd, dnnl_query_weights_md, 0);
  dw = dnnl_primitive_desc_query_md(bw_pd, dnnl_query_diff_weights_md, 0);
  SETUP(!lie_dnnl_mem(s, &wuser, lie_nn_param(net, n->w), &d->w_user));
  SETUP(!lie_dnnl_mem(s, &wuser, lie_nn_grad(net, n->w), &d->dw_user));
  SETUP(!lie_dnnl_mem(s, &bmd, lie_nn_param(net, n->b), &d->b_user));
  SETUP(!lie_dnnl_mem(s, &bmd, lie_nn_grad(net, n->b), &d->db_user));
  SETUP(!lie_dnnl_layout_bridge(s, d->w_user, wf, 1, &d->w_fwd, &d->r_w_fwd));
  if (dnnl_memory_desc_equal(wf, wb))
    d->w_bwd = d->w_fwd; /* reuse this step's reorder */
  else
    SETUP(!lie_dnnl_layout_bridge(s, d->w_user, wb, 1, &d->w_bwd, &d->r_w_bwd));
  SETUP(!lie_dnnl_layout_bridge(s, d->dw_user, dw, 0, &d->dw_prim, &d->r_dw));
done:
  if (bd_pd) dnnl_primitive_desc_destroy(bd_pd);
  if (bw_pd) dnnl_primitive_desc_destroy(bw_pd);
  return err;
}

// x (B,C,H,W) -> y (B,K,2H,2W), tensors' layouts; weights reordered from (C,K,2,2) first
int lie_dnnl_upconv_forward(lie_nn_net net, lie_nn_node *n, dnode *d) {
  dstate *s = S(net);
  LIE_CALL(lie_dnnl_run_reorder(s, d->r_w_fwd, d->w_user, d->w_fwd));
  dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, s->data[n->in[0]]},
                          {DNNL_ARG_WEIGHTS, d->w_fwd},
                          {DNNL_ARG_BIAS, d->b_user},
                          {DNNL_ARG_DST, s->data[n->out]}};
  LIE_CALL(lie_dnnl_exec(s, d->fwd, 4, a));
  return LIE_OK;
}

// dy -> dx (stored or added), dweight -> (C,K,2,2) flat buffer, dbias
int lie_dnnl_upconv_backward(lie_nn_net net, lie_nn_node *n, dnode *d, int want_dx) {
  dstate *s = S(net);
  dnnl_memory_t dy = s->grad[n->out];
  if (want_dx) {
    if (d->w_bwd != d->w_fwd) LIE_CALL(lie_dnnl_run_reorder(s, d->r_w_bwd, d->w_user, d->w_bwd));
    dnnl_exec_arg_t a[3] = {
        {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_WEIGHTS, d->w_bwd}, {DNNL_ARG_DIFF_SRC, lie_dnnl_grad_target(s, n, d, 0)}};
    LIE_CALL(lie_dnnl_exec(s, d->bwd_d, 3, a));
    LIE_CALL(lie_dnnl_finish_target(net, n, d, 0, NULL));
  }
  dnnl_exec_arg_t b[4] = {{DNNL_ARG_SRC, s->data[n->in[0]]},
                          {DNNL_ARG_DIFF_DST, dy},
                          {DNNL_ARG_DIFF_WEIGHTS, d->dw_prim},
                          {DNNL_ARG_DIFF_BIAS, d->db_user}};
  LIE_CALL(lie_dnnl_exec(s, d->bwd_w, 4, b));
  LIE_CALL(lie_dnnl_run_reorder(s, d->r_dw, d->dw_prim, d->dw_user));
  return LIE_OK;
}
#endif
