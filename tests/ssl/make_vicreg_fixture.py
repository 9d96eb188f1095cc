#!/usr/bin/python3
"""Writes tests/ssl/vicreg_fixture.txt: VICReg loss terms and gradients computed by PyTorch
with the reference formula (Mialon et al. 2023, facebookresearch/SSLForPDEs, VICReg.forward),
for test_vicreg to reproduce. Run by hand (Debian's python3-torch), never in CI:

    /usr/bin/python3 tests/ssl/make_vicreg_fixture.py > tests/ssl/vicreg_fixture.txt

The inputs are rounded to float32 (what liereg receives); the reference is then evaluated in
float64 so the fixture is the exact value of the formula, not PyTorch's fp32 rounding of it.
Format, per case: a line `case NAME N D sim_coeff std_coeff cov_coeff eps`, a line
`inv var cov loss` (unweighted terms, weighted total), then N*D values each (row-major) of
z, z', dloss/dz, dloss/dz' on one line per array.
"""
import torch
import torch.nn.functional as F


def off_diagonal(x):
    n, m = x.shape
    return x.flatten()[:-1].view(n - 1, n + 1)[:, 1:].flatten()


def vicreg(x, y, sim, std, cov, eps):
    """The reference forward, with the batch size taken from x and eps as a parameter."""
    n, d = x.shape
    repr_loss = F.mse_loss(x, y)
    x = x - x.mean(dim=0)
    y = y - y.mean(dim=0)
    std_x = torch.sqrt(x.var(dim=0) + eps)
    std_y = torch.sqrt(y.var(dim=0) + eps)
    std_loss = torch.mean(F.relu(1 - std_x)) / 2 + torch.mean(F.relu(1 - std_y)) / 2
    cov_x = (x.T @ x) / (n - 1)
    cov_y = (y.T @ y) / (n - 1)
    cov_loss = off_diagonal(cov_x).pow_(2).sum().div(d) + off_diagonal(cov_y).pow_(2).sum().div(d)
    loss = sim * repr_loss + std * std_loss + cov * cov_loss
    return repr_loss, std_loss, cov_loss, loss


def case(name, n, d, sim, std, cov, eps, gen):
    # Feature scales from 0.3 to 2: about half the std hinges are active, half not.
    scale = torch.linspace(0.3, 2.0, d, dtype=torch.float64)
    mix = torch.randn(d, d, generator=gen, dtype=torch.float64) * 0.3 + torch.eye(d, dtype=torch.float64)
    z = (torch.randn(n, d, generator=gen, dtype=torch.float64) @ mix) * scale + 0.5
    zp = z + 0.4 * torch.randn(n, d, generator=gen, dtype=torch.float64)
    z = z.float().double().requires_grad_(True)
    zp = zp.float().double().requires_grad_(True)
    inv, var, cv, loss = vicreg(z, zp, sim, std, cov, eps)
    loss.backward()
    out = [f"case {name} {n} {d} {sim!r} {std!r} {cov!r} {eps!r}",
           " ".join(f"{v.item():.17e}" for v in (inv, var, cv, loss))]
    for t in (z.detach(), zp.detach(), z.grad, zp.grad):
        out.append(" ".join(f"{v:.17e}" for v in t.flatten().tolist()))
    return "\n".join(out)


def main():
    gen = torch.Generator().manual_seed(20231123)
    print("# VICReg fixture from tests/ssl/make_vicreg_fixture.py, torch", torch.__version__)
    print(case("default", 32, 16, 25.0, 25.0, 1.0, 1e-4, gen))
    print(case("coeffs", 9, 7, 10.0, 5.0, 2.5, 1e-3, gen))


if __name__ == "__main__":
    main()
