/* 2D Navier–Stokes: XDMF (v2) sidecar so ParaView/VisIt open the HDF5 file directly.
 * A temporal collection of frames; each frame is a spatial collection with one uniform
 * grid per trajectory (the first xdmf_max), fields as hyperslabs of /<mode>/{u,vx,vy}.
 * The stored arrays are [x, y] with y fastest, and XDMF lists the fastest axis last, so
 * the mesh is declared (nx, ny) with origin/spacing in the same order; ParaView's X axis is
 * then our y (see docs/NS2D.md). Written by world rank 0 to NAME.xmf.tmp, then renamed. */
#include "solvers/ns2d_impl.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

/* FILE.h5.tmp -> final "FILE.h5" and sidecar "FILE.xmf". */
static void names(const char *path, char *h5, char *xmf, size_t n) {
  snprintf(h5, n, "%s", path);
  size_t l = strlen(h5);
  if (l > 4 && !strcmp(h5 + l - 4, ".tmp")) h5[l -= 4] = 0;
  snprintf(xmf, n, "%s", h5);
  if (l > 3 && !strcmp(xmf + l - 3, ".h5"))
    xmf[l - 3] = 0;
  else if (l > 5 && !strcmp(xmf + l - 5, ".hdf5"))
    xmf[l - 5] = 0;
  strncat(xmf, ".xmf", n - strlen(xmf) - 1);
}

static void field(FILE *f, const char *label, const char *h5base, const char *mode, const char *dset, int i, int k,
                  int n, int nsave, int nx, int ny) {
  fprintf(f, "      <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Node\">\n", label);
  fprintf(f, "       <DataItem ItemType=\"HyperSlab\" Dimensions=\"%d %d\" Type=\"HyperSlab\">\n", nx, ny);
  fprintf(f, "        <DataItem Dimensions=\"3 4\" Format=\"XML\">%d %d 0 0 1 1 1 1 1 1 %d %d</DataItem>\n", i, k, nx,
          ny);
  fprintf(f,
          "        <DataItem Dimensions=\"%d %d %d %d\" NumberType=\"Float\" Precision=\"8\" "
          "Format=\"HDF\">%s:/%s/%s</DataItem>\n",
          n, nsave, nx, ny, h5base, mode, dset);
  fprintf(f, "       </DataItem>\n      </Attribute>\n");
}

int lie_ns2d_xdmf_write(lie_ns2d ns, const char *path, lie_split split, int n) {
  const lie_ns2d_opts *p = &ns->par;
  char h5[4096], xmf[4096], tmp[4200], base[4096];
  if (lie_ctx_rank(ns->ctx) != 0) return LIE_OK;
  names(path, h5, xmf, sizeof h5);
  snprintf(base, sizeof base, "%s", h5);
  const char *h5base = basename(base); /* relative: the pair can be moved together */
  snprintf(tmp, sizeof tmp, "%s.tmp", xmf);
  FILE *f = fopen(tmp, "w");
  LIE_CHECK(f, LIE_ERR_IO, "cannot write XDMF sidecar %s", tmp);
  int nsave = p->nsteps - p->nskip, ntraj = n < p->xdmf_max ? n : p->xdmf_max;
  const char *mode = lie_split_name(split);
  fprintf(f, "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n<Xdmf Version=\"2.0\">\n <Domain>\n");
  fprintf(f, "  <Grid Name=\"ns2d\" GridType=\"Collection\" CollectionType=\"Temporal\">\n");
  for (int k = 0; k < nsave; k++) {
    fprintf(f, "   <Grid Name=\"frame%d\" GridType=\"Collection\" CollectionType=\"Spatial\">\n", k);
    fprintf(f, "    <Time Value=\"%.17g\"/>\n", (p->nskip + k + 1) * p->dt);
    for (int i = 0; i < ntraj; i++) {
      fprintf(f, "     <Grid Name=\"traj%d\" GridType=\"Uniform\">\n", i);
      fprintf(f, "      <Topology TopologyType=\"2DCoRectMesh\" Dimensions=\"%d %d\"/>\n", p->nx, p->ny);
      fprintf(f, "      <Geometry GeometryType=\"ORIGIN_DXDY\">\n");
      fprintf(f, "       <DataItem Format=\"XML\" Dimensions=\"2\">%.17g %.17g</DataItem>\n", 0.5 * ns->dx,
              0.5 * ns->dy);
      fprintf(f, "       <DataItem Format=\"XML\" Dimensions=\"2\">%.17g %.17g</DataItem>\n", ns->dx, ns->dy);
      fprintf(f, "      </Geometry>\n");
      field(f, "smoke", h5base, mode, "u", i, k, n, nsave, p->nx, p->ny);
      field(f, "vx", h5base, mode, "vx", i, k, n, nsave, p->nx, p->ny);
      field(f, "vy", h5base, mode, "vy", i, k, n, nsave, p->nx, p->ny);
      fprintf(f, "     </Grid>\n");
    }
    fprintf(f, "   </Grid>\n");
  }
  fprintf(f, "  </Grid>\n </Domain>\n</Xdmf>\n");
  int bad = ferror(f);
  bad |= fclose(f) != 0;
  LIE_CHECK(!bad, LIE_ERR_IO, "error writing XDMF sidecar %s", tmp);
  LIE_CHECK(rename(tmp, xmf) == 0, LIE_ERR_IO, "cannot rename %s to %s", tmp, xmf);
  return LIE_OK;
}
