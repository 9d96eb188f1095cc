/* One data-parallel VICReg step (the batch comes from pretrain_loader.c).
 *
 *   global batch of step s in epoch e: samples perm_e[k B .. k B + B), k = s mod steps/epoch
 *   rank r takes the slice [r B/P, (r+1) B/P) and builds both views of each sample:
 *     seed_i = derive(seed, e, i), view v from derive(seed_i, 1, v)
 *   local net batch = [view 0 of the slice ; view 1 of the slice]   (2 B/P, C, H, W)
 *   z, z' all-gathered for the loss (lie_vicreg_loss_dist), each rank back-propagates its rows,
 *   gradients summed over ranks, AdamW step.
 * Nothing here depends on P except summation order. */
#include "pretrain_impl.h"

#include <math.h>
#include <petscsys.h>

double lie_pretrain_lr(const struct lie_pretrain_s *p, long step) {
  const lie_pretrain_opts *c = &p->cfg;
  if (c->cosine) return lie_nn_cosine_lr(step, c->warmup, p->total, c->lr, c->min_lr);
  return step < c->warmup ? c->lr * (double)(step + 1) / (double)c->warmup : c->lr;
}

/* Every rank learns whether any rank's output is non-finite (then all stop alike). */
static int check_finite(struct lie_pretrain_s *p, const float *out, size_t n, long step, int epoch) {
  int ok = lie_all_finite_f(out, n), all = 0;
  LIE_MPI(MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, lie_ctx_comm(p->ctx)));
  LIE_CHECK(all, LIE_ERR_NUMERIC,
            "training diverged: non-finite network output at step %ld (epoch %d, lr %.3g); stopping without "
            "writing a checkpoint, %s keeps the last good state",
            step, epoch, lie_pretrain_lr(p, step - 1), p->cfg.out);
  return LIE_OK;
}

int lie_pretrain_step(struct lie_pretrain_s *p, lie_vicreg_terms *terms, int diagnostics, double *rstd,
                      double *rankme) {
  const long step = p->step;
  float *x = NULL;
  int err = lie_pretrain_batch(p, step, &x), got = !err;
  if (got) err = lie_fault(p->ctx, "pretrain_batch"); /* test hook (src/core/fault.c) */
  /* a batch that failed on one rank (a read) is agreed before the forward's collectives */
  LIE_CALL_GOTO(lie_ctx_agree(p->ctx, err));
  LIE_CALL_GOTO(lie_pretrain_compute(p, x, terms, diagnostics, rstd, rankme));
done:
  if (got) lie_pretrain_batch_done(p, step);
  return err;
}

/* This rank's forward pass, then the fault-injection test hook (src/core/fault.c). */
static int forward_local(struct lie_pretrain_s *p, const float *x) {
  PetscLogEventBegin(lie_events.forward, 0, 0, 0, 0);
  int err = lie_nn_net_forward(p->net, x, 1);
  PetscLogEventEnd(lie_events.forward, 0, 0, 0, 0);
  LIE_CALL(err);
  LIE_CALL(lie_fault(p->ctx, "pretrain_step"));
  return LIE_OK;
}

int lie_pretrain_compute(struct lie_pretrain_s *p, const float *x, lie_vicreg_terms *terms, int diagnostics,
                         double *rstd, double *rankme) {
  const int nl = p->nlocal, epoch = (int)(p->step / p->spe);
  int err;
  /* an error of this rank's forward (or backward, below) reaches every rank before the next
   * collective, which the others would otherwise wait in for ever */
  LIE_CALL(lie_ctx_agree(p->ctx, forward_local(p, x)));
  const float *out = lie_nn_net_output(p->net);
  LIE_CALL(check_finite(p, out, 2 * (size_t)nl * p->D, p->step + 1, epoch));
  if (diagnostics) { /* representations of both views of the global batch */
    LIE_CALL(lie_nn_net_get_activation(p->net, p->repr_id, p->repr));
    LIE_CALL(lie_repr_std_dist(p->ctx, 2 * nl, p->Dr, p->repr, rstd));
    err = lie_rankme_dist(p->ctx, 2 * nl, p->Dr, p->repr, rankme);
    if (err == LIE_ERR_NUMERIC)
      *rankme = 0.0, lie_error_clear(); /* all-zero representations: collapsed */
    else
      LIE_CALL(err);
  }
  LIE_CALL(lie_vicreg_loss_dist(p->ctx, &p->cfg.vicreg, nl, p->D, out, out + (size_t)nl * p->D, terms, p->dz,
                                p->dz + (size_t)nl * p->D));
  LIE_CHECK(isfinite(terms->loss), LIE_ERR_NUMERIC,
            "training diverged: loss is %g at step %ld (epoch %d, lr %.3g); stopping without writing a checkpoint, "
            "%s keeps the last good state",
            terms->loss, p->step + 1, epoch, lie_pretrain_lr(p, p->step), p->cfg.out);

  PetscLogEventBegin(lie_events.backward, 0, 0, 0, 0);
  err = lie_nn_net_backward(p->net, p->dz, NULL);
  PetscLogEventEnd(lie_events.backward, 0, 0, 0, 0);
  LIE_CALL(lie_ctx_agree(p->ctx, err));
  LIE_CALL(lie_ssl_allreduce_grads(p->ctx, p->net));
  if (p->cfg.clip > 0) {
    double norm;
    LIE_CALL(lie_nn_clip_grad_norm(p->net, p->cfg.clip, &norm));
  }
  LIE_CALL(lie_nn_adamw_step(p->opt, lie_pretrain_lr(p, p->step)));
  p->step++;
  return LIE_OK;
}
