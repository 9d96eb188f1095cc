/* Private to src/eval/ridge*.c: the eigendecomposition that a ridge fit on a set of training
 * rows reduces to, shared by the single fit and by cross-validation (one decomposition per
 * fold serves the whole λ grid). */
#ifndef LIEREG_RIDGE_IMPL_H
#define LIEREG_RIDGE_IMPL_H
#include "liereg/eval.h"

typedef struct {
  int p, m;
  double *mu, *sc; /* (p) feature means and 1/std (0 for a constant feature) */
  double *ybar;    /* (m) target means */
  double *V;       /* (p,p) eigenvectors of Xs^T Xs, one per column */
  double *ev;      /* (p) its eigenvalues, ascending */
  double *B;       /* (p,m) V^T Xs^T Yc */
} lie_ridge_eig;

/* Standardise/centre over the training rows rows[0..nrows) (all rows when rows == NULL) and
 * decompose. X, Y have been validated (shapes, finiteness) by the caller. */
int lie_ridge_eig_build(const lie_mat *X, const lie_mat *Y, const int *rows, int nrows, lie_ridge_eig *e);
void lie_ridge_eig_free(lie_ridge_eig *e);
/* Ws (p,m) = V diag(1/(ev+λ)) B, directions with ev+λ below rounding level dropped. */
void lie_ridge_eig_weights(const lie_ridge_eig *e, double lambda, double *Ws);
/* Prediction for row x (p) with standardised weights Ws: yhat (m). */
void lie_ridge_eig_predict_row(const lie_ridge_eig *e, const double *Ws, const double *x, double *yhat);
/* Shape and NaN checks shared by fit and CV (LIE_ERR_USAGE / LIE_ERR_NUMERIC). */
int lie_ridge_check_data(const lie_mat *X, const lie_mat *Y);

#endif
