#!/usr/bin/env python3
"""Independent NumPy implementation of PDEArena's PhiFlow smoke step, used to make the
fixture tests/ns2d/ns2d_reference.txt (run by hand: python3 make_reference.py > ns2d_reference.txt).

It follows PhiFlow 2 semantics as documented in docs/NS2D.md, written differently from the C
code on purpose: generic bilinear sampling of both staggered components at every sample point
(the C code uses own-point means), np.pad/np.roll stencils, and a dense least-squares pressure
solve. A non-square grid and domain catch transposed axes. Arrays are [x, y] (axis 0 = x).
"""
import numpy as np

NX, NY, LX, LY = 12, 10, 6.0, 5.0
DT, NU, B, STEPS = 0.5, 0.05, 0.4, 3
DX, DY = LX / NX, LY / NY


def ic(bc):
    xc = (np.arange(NX) + 0.5) * DX
    yc = (np.arange(NY) + 0.5) * DY
    xf = np.arange(NX) * DX
    yf = np.arange(NY) * DY
    s = 1.0 + np.sin(2 * np.pi * xc[:, None] / LX) * np.cos(2 * np.pi * yc[None, :] / LY) + 0.2 * np.cos(4 * np.pi * xc[:, None] / LX)
    u = 0.8 * np.sin(2 * np.pi * xf[:, None] / LX) * np.cos(2 * np.pi * yc[None, :] / LY) + 0.3 * np.sin(2 * np.pi * yc[None, :] / LY)
    v = -0.6 * np.cos(2 * np.pi * xc[:, None] / LX) * np.sin(2 * np.pi * yf[None, :] / LY) + 0.25 * np.cos(2 * np.pi * xc[:, None] / LX)
    u = u + 0 * yc[None, :]
    v = v + 0 * xc[:, None]
    if bc == "box":
        u[0, :] = 0.0
        v[:, 0] = 0.0
    return s, u, v


def get(a, i, j, ext):
    n, m = a.shape
    if ext == "periodic":
        return a[i % n, j % m]
    if ext == "clamp":
        return a[np.clip(i, 0, n - 1), np.clip(j, 0, m - 1)]
    ok = (i >= 0) & (i < n) & (j >= 0) & (j < m)
    return np.where(ok, a[np.clip(i, 0, n - 1), np.clip(j, 0, m - 1)], 0.0)


def sample(a, ox, oy, ext, X, Y):
    fx, fy = X / DX - ox, Y / DY - oy
    if ext == "periodic":
        fx, fy = np.mod(fx, NX), np.mod(fy, NY)
    else:
        fx, fy = np.clip(fx, -1, NX), np.clip(fy, -1, NY)
    i0, j0 = np.floor(fx).astype(int), np.floor(fy).astype(int)
    tx, ty = fx - i0, fy - j0
    return ((1 - tx) * (1 - ty) * get(a, i0, j0, ext) + tx * (1 - ty) * get(a, i0 + 1, j0, ext)
            + (1 - tx) * ty * get(a, i0, j0 + 1, ext) + tx * ty * get(a, i0 + 1, j0 + 1, ext))


def laplacian_dense(bc):
    n = NX * NY
    L = np.zeros((n, n))
    for i in range(NX):
        for j in range(NY):
            r = i * NY + j
            for di, dj, h2 in ((-1, 0, DX * DX), (1, 0, DX * DX), (0, -1, DY * DY), (0, 1, DY * DY)):
                a, b = i + di, j + dj
                if bc == "periodic":
                    a, b = a % NX, b % NY
                elif not (0 <= a < NX and 0 <= b < NY):
                    continue
                L[r, r] -= 1 / h2
                L[r, a * NY + b] += 1 / h2
    return L


def step(s, u, v, bc, L):
    per = bc == "periodic"
    ev, es = ("periodic", "periodic") if per else ("zero", "clamp")
    I, J = np.meshgrid(np.arange(NX), np.arange(NY), indexing="ij")
    pts = {"c": ((I + 0.5) * DX, (J + 0.5) * DY), "u": (I * DX, (J + 0.5) * DY), "v": ((I + 0.5) * DX, J * DY)}
    vel = {k: (sample(u, 0, 0.5, ev, *p), sample(v, 0.5, 0, ev, *p)) for k, p in pts.items()}
    back = {k: (pts[k][0] - DT * vel[k][0], pts[k][1] - DT * vel[k][1]) for k in pts}
    s = sample(s, 0.5, 0.5, es, *back["c"])
    un = sample(u, 0, 0.5, ev, *back["u"])
    vn = sample(v, 0.5, 0, ev, *back["v"])
    s_below = np.roll(s, 1, axis=1)
    vn = vn + DT * B * 0.5 * (s_below + s)
    if not per:
        un[0, :] = 0.0
        vn[:, 0] = 0.0
    # explicit diffusion, zero ghosts (box) or wrap
    def lap(a):
        if per:
            return ((np.roll(a, 1, 0) - 2 * a + np.roll(a, -1, 0)) / DX**2 + (np.roll(a, 1, 1) - 2 * a + np.roll(a, -1, 1)) / DY**2)
        p = np.pad(a, 1)
        return ((p[:-2, 1:-1] - 2 * a + p[2:, 1:-1]) / DX**2 + (p[1:-1, :-2] - 2 * a + p[1:-1, 2:]) / DY**2)
    un = un + NU * DT * lap(un)
    vn = vn + NU * DT * lap(vn)
    if not per:
        un[0, :] = 0.0
        vn[:, 0] = 0.0
    # projection
    ur = np.roll(un, -1, 0) if per else np.concatenate([un[1:], np.zeros((1, NY))], 0)
    vt = np.roll(vn, -1, 1) if per else np.concatenate([vn[:, 1:], np.zeros((NX, 1))], 1)
    div = (ur - un) / DX + (vt - vn) / DY
    p = np.linalg.lstsq(L, div.reshape(-1), rcond=None)[0].reshape(NX, NY)
    gx = (p - np.roll(p, 1, 0)) / DX
    gy = (p - np.roll(p, 1, 1)) / DY
    if not per:
        gx[0, :] = 0.0
        gy[:, 0] = 0.0
    return s, un - gx, vn - gy


def main():
    print(f"# ns2d reference (tests/ns2d/make_reference.py): nx {NX} ny {NY} Lx {LX} Ly {LY} dt {DT} nu {NU} b {B} steps {STEPS}")
    print("# per bc: lines 's', 'u', 'v' with nx*ny values in [x][y] order after the last step")
    for bc in ("box", "periodic"):
        s, u, v = ic(bc)
        L = laplacian_dense(bc)
        for _ in range(STEPS):
            s, u, v = step(s, u, v, bc, L)
        for name, a in (("s", s), ("u", u), ("v", v)):
            print(bc, name, " ".join(f"{x:.17g}" for x in a.reshape(-1)))


if __name__ == "__main__":
    main()
