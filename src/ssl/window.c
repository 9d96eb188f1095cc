/* Raw windows -> model input: the single place where a trajectory window becomes the
 * encoder's fp32 input (crop — crop_t frames crop_dt apart from frame 0 —, normalisation,
 * coords channels). `liereg embed` reaches it
 * through lie_ssl_data_plain (views1d.c, views_ns.c) and the inference API (src/infer/) calls
 * it on in-memory windows, so both give bit-identical inputs for the same numbers. */
#include "liereg/ssl.h"
#include "views_impl.h"

#include <string.h>

/* field (crop_t x crop_x, coords when cin = 3) -> x (cin, crop_t, crop_x) */
void lie_ssl_field1d_input(const lie_ssl_model_opts *m, double mean, double std, const lie_field1d *f, double L,
                           double T, float *x) {
  size_t n = (size_t)f->nt * f->nx;
  for (size_t k = 0; k < n; k++)
    x[k] = (float)((f->u[k] - mean) / std);
  if (m->cin == 3)
    for (size_t k = 0; k < n; k++) {
      x[n + k] = (float)(f->X[k] / L);
      x[2 * n + k] = (float)(f->T[k] / T);
    }
}

int lie_ssl_window1d_input(const lie_ssl_model_opts *m, double mean, double std, const double *u, int nt, int nx,
                           double L, double t0, double dt, double t_end, float *x) {
  lie_field1d in, out;
  LIE_CHECK(m->crop_y == 0 && (m->cin == 1 || m->cin == 3), LIE_ERR_ARG,
            "a 1D window for a model with %d input channels%s", m->cin, m->crop_y ? " (a Navier-Stokes model)" : "");
  LIE_CHECK(lie_ssl_model_span(m) <= nt && m->crop_x <= nx, LIE_ERR_USAGE,
            "the model's input %d x %d (spanning %d frames) is larger than the window %d x %d", m->crop_t, m->crop_x,
            lie_ssl_model_span(m), nt, nx);
  LIE_CALL(lie_field1d_alloc(nt, nx, m->cin == 3, &in));
  memcpy(in.u, u, (size_t)nt * nx * sizeof(double));
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_field1d_set_grid(&in, L, t0, dt));
  LIE_CALL_GOTO(lie_field1d_crop_strided(&in, 0, m->crop_t, m->crop_dt > 1 ? m->crop_dt : 1, 0, m->crop_x, &out));
  lie_ssl_field1d_input(m, mean, std, &out, L, t_end > 0 ? t_end : 1.0, x);
  lie_field1d_free(&out);
done:
  lie_field1d_free(&in);
  return err;
}

int lie_ssl_window_ns_input(const lie_ssl_model_opts *m, const double *mean, const double *std, const double *u,
                            const double *vx, const double *vy, int nt, int nx, int ny, const double *xc,
                            const double *yc, const double *tc, double t_end, float *x) {
  LIE_CHECK(lie_ssl_model_span(m) <= nt && m->crop_x == nx && m->crop_y == ny, LIE_ERR_USAGE,
            "the model's input (%d frames spanning %d, of %d x %d) does not fit the NS window (%d frames of %d x %d)",
            m->crop_t, lie_ssl_model_span(m), m->crop_x, m->crop_y, nt, nx, ny);
  LIE_CHECK(m->cin == 3 || m->cin == 6, LIE_ERR_ARG, "NS model input has %d channels per frame (3 or 6)", m->cin);
  const size_t fr = (size_t)nx * ny, len = (size_t)m->crop_t * fr;
  const int S = m->crop_dt > 1 ? m->crop_dt : 1; /* model frame n is stored frame n S */
  const double *F[3] = {u, vx, vy};
  for (int c = 0; c < 3; c++) {
    float *dst = x + (size_t)c * len; /* frames of field c are consecutive channels */
    const double mu = mean[c], is = 1.0 / std[c];
    for (int n = 0; n < m->crop_t; n++) {
      const double *src = F[c] + (size_t)n * S * fr;
      for (size_t k = 0; k < fr; k++)
        dst[(size_t)n * fr + k] = (float)((src[k] - mu) * is);
    }
  }
  if (m->cin == 3) return LIE_OK;
  const double Lx = nx * (xc[1] - xc[0]), Ly = ny * (yc[1] - yc[0]), T = t_end > 0 ? t_end : 1.0;
  float *X = x + 3 * len, *Y = x + 4 * len, *Tc = x + 5 * len;
  for (int n = 0; n < m->crop_t; n++)
    for (int i = 0; i < nx; i++)
      for (int j = 0; j < ny; j++) {
        size_t k = (size_t)n * fr + (size_t)i * ny + j;
        X[k] = (float)(xc[i] / Lx);
        Y[k] = (float)(yc[j] / Ly);
        Tc[k] = (float)(tc[n * S] / T);
      }
  return LIE_OK;
}
