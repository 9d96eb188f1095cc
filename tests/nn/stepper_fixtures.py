#!/usr/bin/python3
"""Makes the PyTorch fidelity fixtures tests/nn/fixture_stepper_{cnn,fno,resnet,unet}.h5 for
the time-stepping models (run by hand: `/usr/bin/python3 tests/nn/stepper_fixtures.py` with
Debian's python3-torch and python3-h5py; CI only reads the committed files).

The modules are LPSDA's CNN, FNO1d and ResNet (experiments/models_cnn.py, models_fno.py;
Brandstetter et al. 2022) and a PDEArena-style U-Net, re-typed here with the same
structure and state_dict names. Their forward takes the already assembled input
[batch, channels, x] (LPSDA concatenates the history, dx and dt along the last axis of a
[batch, x, time] tensor and permutes: the same numbers).

Each file holds, for one small model in training mode:
  model/<state_dict name>     initial weights and buffers (complex weights as
                              torch.view_as_real: trailing dimension 2 = (real, imag))
  fixture/input, fixture/dy   x and the output gradient dL/dy (L = sum(dy * y))
  fixture/output              y
  fixture/dinput              dL/dx
  grad/model/<name>           dL/dparam (complex: view_as_real of the gradient)
  after/model/<name>          buffers after the forward (BN running statistics)
Weights and inputs are float32 values; PyTorch computes in float64; stored as float32.
The script finally reloads each file's state dict into a fresh module with strict=True and
checks it reproduces the output (the state dicts are loadable by PyTorch)."""
import sys

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class CNN(nn.Module):
    """LPSDA's CNN: per-point fc0, 8 circular Conv1d with x = elu(x + conv(x)), fc1, elu, fc2."""

    def __init__(self, cin, cout, width=128):
        super().__init__()
        self.fc0 = nn.Linear(cin, width)
        self.fc1 = nn.Linear(width, 128)
        self.fc2 = nn.Linear(128, cout)
        self.conv_layers = nn.ModuleList(
            [nn.Conv1d(width, width, k, padding=k // 2, padding_mode="circular", bias=True)
             for k in (3, 5, 5, 7, 7, 9, 9, 15)])
        for layer in self.conv_layers:
            nn.init.xavier_uniform_(layer.weight)

    def forward(self, x):  # [b, c, x]
        x = self.fc0(x.permute(0, 2, 1)).permute(0, 2, 1)
        for layer in self.conv_layers:
            x = F.elu(x + layer(x))
        x = x.permute(0, 2, 1)
        return self.fc2(F.elu(self.fc1(x))).permute(0, 2, 1)


class SpectralConv1d(nn.Module):
    def __init__(self, cin, cout, modes):
        super().__init__()
        self.cout, self.modes = cout, modes
        scale = 1 / (cin * cout)
        self.weights = nn.Parameter(scale * torch.rand(cin, cout, modes, dtype=torch.cfloat))

    def forward(self, x):
        x_ft = torch.fft.rfft(x)
        out_ft = torch.zeros(x.shape[0], self.cout, x.size(-1) // 2 + 1, dtype=x_ft.dtype)
        out_ft[:, :, :self.modes] = torch.einsum("bix,iox->box", x_ft[:, :, :self.modes], self.weights)
        return torch.fft.irfft(out_ft, n=x.size(-1))


class FNO1d(nn.Module):
    """LPSDA's FNO1d: fc0, layers x gelu(fourier(x) + conv1x1(x)), fc1, gelu, fc2."""

    def __init__(self, cin, cout, modes=32, width=256, num_layers=5):
        super().__init__()
        self.fc0 = nn.Linear(cin, width)
        self.fc1 = nn.Linear(width, 128)
        self.fc2 = nn.Linear(128, cout)
        self.fourier_layers = nn.ModuleList([SpectralConv1d(width, width, modes) for _ in range(num_layers)])
        self.conv_layers = nn.ModuleList([nn.Conv1d(width, width, 1) for _ in range(num_layers)])

    def forward(self, x):
        x = self.fc0(x.permute(0, 2, 1)).permute(0, 2, 1)
        for fourier, conv in zip(self.fourier_layers, self.conv_layers):
            x = F.gelu(fourier(x) + conv(x))
        x = x.permute(0, 2, 1)
        return self.fc2(F.gelu(self.fc1(x))).permute(0, 2, 1)


class BasicBlock1d(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.Conv1d(cin, cout, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm1d(cout)
        self.conv2 = nn.Conv1d(cout, cout, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm1d(cout)
        self.shortcut = nn.Sequential()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out)) + self.shortcut(x)
        return F.relu(out)


class ResNet(nn.Module):
    """LPSDA's 1D ResNet: conv1 (1x1, bias), gelu, 4 layers of 2 BasicBlock1d, per-point fc1."""

    def __init__(self, cin, cout, width=256, num_blocks=(2, 2, 2, 2)):
        super().__init__()
        self.conv1 = nn.Conv1d(cin, width, kernel_size=1, bias=True)
        for i, n in enumerate(num_blocks):
            setattr(self, f"layer{i + 1}", nn.Sequential(*[BasicBlock1d(width, width) for _ in range(n)]))
        self.fc1 = nn.Linear(width, cout)

    def forward(self, x):
        x = F.gelu(self.conv1(x))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc1(x.permute(0, 2, 1)).permute(0, 2, 1)


def to_double(model):
    """float64 arithmetic; Module.double() leaves complex parameters complex64"""
    model = model.double()
    for p in model.parameters():
        if p.is_complex():
            p.data = p.data.to(torch.complex128)
    return model


def to_numpy(t):
    t = t.detach()
    if t.is_complex():
        t = torch.view_as_real(t)
    return t.numpy()


def make(path, model, x_shape, seed):
    torch.manual_seed(seed)
    model = model.float()  # float32 (complex64) values, then float64 arithmetic
    x = torch.randn(*x_shape).float()
    sd0 = {k: to_numpy(v).copy() for k, v in model.state_dict().items()}
    model = to_double(model)
    model.train()
    xd = x.double().requires_grad_(True)
    y = model(xd)
    dy = torch.rand(*y.shape).float() * 2 - 1
    (y * dy.double()).sum().backward()
    with h5py.File(path, "w") as f:
        for k, v in sd0.items():
            f.create_dataset("model/" + k, data=v)
        f.create_dataset("fixture/input", data=x.numpy())
        f.create_dataset("fixture/dy", data=dy.numpy())
        f.create_dataset("fixture/output", data=y.detach().float().numpy())
        f.create_dataset("fixture/dinput", data=xd.grad.float().numpy())
        for k, p in model.named_parameters():
            f.create_dataset("grad/model/" + k, data=to_numpy(p.grad.to(torch.complex64 if p.is_complex()
                                                                       else torch.float32)))
        for k, b in model.named_buffers():
            f.create_dataset("after/model/" + k, data=to_numpy(b) if b.dtype == torch.int64 else
                             b.detach().float().numpy())
    return y.detach()


def reload_check(path, fresh, want):
    """The stored state dict loads into a fresh module (strict) and reproduces the output."""
    with h5py.File(path) as f:
        sd = {}
        for k, v in f["model"].items():
            a = torch.as_tensor(np.asarray(v[()]))
            ref = fresh.state_dict()[k]
            sd[k] = torch.view_as_complex(a.contiguous()) if ref.is_complex() else a
        x = torch.from_numpy(f["fixture/input"][()])
    fresh.load_state_dict(sd, strict=True)
    fresh = to_double(fresh).train()
    err = (fresh(x.double()) - want).abs().max().item()
    assert err < 1e-12, f"{path}: reloaded module differs by {err}"
    print(f"{path}: written, reload max diff {err:.1e}")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/nn"
    cfgs = {
        "cnn": (lambda: CNN(6, 4, width=16), (3, 6, 32)),
        "fno": (lambda: FNO1d(6, 4, modes=6, width=8, num_layers=2), (3, 6, 32)),
        "resnet": (lambda: ResNet(6, 4, width=8), (3, 6, 32)),
    }
    for seed, (name, (ctor, shape)) in enumerate(cfgs.items()):
        path = f"{out}/fixture_stepper_{name}.h5"
        y = make(path, ctor(), shape, 100 + seed)
        reload_check(path, ctor(), y)


if __name__ == "__main__":
    main()
