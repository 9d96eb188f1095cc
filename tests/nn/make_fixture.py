#!/usr/bin/python3
"""Makes the PyTorch fidelity fixtures tests/nn/fixture_resnet{2d,1d}.h5 (run by hand:
`/usr/bin/python3 tests/nn/make_fixture.py` with Debian's python3-torch and python3-h5py;
CI only reads the committed files).

Each file holds, for a tiny ResNet-18 encoder + expander MLP in training mode:
  encoder/<state_dict name>, expander/<name>   initial weights and buffers (PyTorch layouts)
  fixture/input, fixture/target                x and the regression target t
  fixture/representation, fixture/output       encoder output h and expander output z
  fixture/loss                                 L = 0.5 * mean((z - t)^2)
  grad/encoder/..., grad/expander/...          dL/dparam
  after/encoder/..., after/expander/...        state after the forward (running stats) and one
                                               AdamW step (lr 1e-2, betas .9/.999, eps 1e-8,
                                               weight decay 0.1 on conv/linear weights only)
  fixture/output_eval                          expander output in eval mode after the step
Weights and inputs are float32 values; the computation runs in float64 and is stored as
float32.
torchvision is not packaged for this Debian, so the ResNet-18 below is torchvision's
structure and state_dict names written out in plain torch (conv1, bn1, layerL.i.conv1, ...,
layerL.0.downsample.{0,1}, fc removed)."""
import sys

import h5py
import numpy as np
import torch
import torch.nn as nn


class BasicBlock(nn.Module):
    def __init__(self, conv, bn, cin, planes, stride):
        super().__init__()
        self.conv1 = conv(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = bn(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = bn(planes)
        self.downsample = None
        if stride != 1 or cin != planes:
            self.downsample = nn.Sequential(conv(cin, planes, 1, stride, 0, bias=False), bn(planes))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        idt = x if self.downsample is None else self.downsample(x)
        return self.relu(out + idt)


class ResNet18(nn.Module):
    def __init__(self, dims, cin, width):
        super().__init__()
        conv = nn.Conv2d if dims == 2 else nn.Conv1d
        bn = nn.BatchNorm2d if dims == 2 else nn.BatchNorm1d
        pool = nn.MaxPool2d if dims == 2 else nn.MaxPool1d
        self.conv1 = conv(cin, width, 7, 2, 3, bias=False)
        self.bn1 = bn(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = pool(3, 2, 1)
        c = width
        for i in range(4):
            planes = width << i
            blocks = [BasicBlock(conv, bn, c, planes, 1 if i == 0 else 2), BasicBlock(conv, bn, planes, planes, 1)]
            setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))
            c = planes
        self.avgpool = nn.AdaptiveAvgPool2d(1) if dims == 2 else nn.AdaptiveAvgPool1d(1)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(self.avgpool(x), 1)


def expander(sizes):
    layers = []
    for i in range(len(sizes) - 2):
        layers += [nn.Linear(sizes[i], sizes[i + 1]), nn.BatchNorm1d(sizes[i + 1]), nn.ReLU(True)]
    layers.append(nn.Linear(sizes[-2], sizes[-1], bias=False))
    return nn.Sequential(*layers)


def put(f, name, t):
    a = t.detach().cpu().numpy() if torch.is_tensor(t) else np.asarray(t)
    if a.dtype == np.float64:
        a = a.astype(np.float32)
    f.create_dataset(name, data=a)


def put_state(f, root, modules):
    for prefix, m in modules:
        for k, v in m.state_dict().items():
            put(f, f"{root}{prefix}/{k}", v)


def make(path, dims, cin, width, shape, exp_sizes, seed):
    torch.manual_seed(seed)
    enc = ResNet18(dims, cin, width)
    exp = expander([8 * width] + exp_sizes)
    mods = [("encoder", enc), ("expander", exp)]
    x = torch.randn(*shape)
    t = torch.randn(shape[0], exp_sizes[-1])
    # float32 weights and inputs, computed in float64: the reference is then exact for the
    # stored float32 values, so the C test measures its own rounding, not torch's.
    enc.double(), exp.double()
    x, t = x.double(), t.double()
    with h5py.File(path, "w") as f:
        f.attrs["generator"] = "tests/nn/make_fixture.py, torch " + torch.__version__
        put_state(f, "", mods)
        enc.train(), exp.train()
        h = enc(x)
        z = exp(h)
        loss = 0.5 * ((z - t) ** 2).mean()
        loss.backward()
        for name, v in [("input", x), ("target", t), ("representation", h), ("output", z), ("loss", loss)]:
            put(f, "fixture/" + name, v)
        for prefix, m in mods:
            for k, p in m.named_parameters():
                put(f, f"grad/{prefix}/{k}", p.grad)
        decay = [p for m in (enc, exp) for n, p in m.named_parameters() if p.dim() > 1]
        other = [p for m in (enc, exp) for n, p in m.named_parameters() if p.dim() <= 1]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                                lr=1e-2, betas=(0.9, 0.999), eps=1e-8)
        opt.step()
        put_state(f, "after/", mods)
        enc.eval(), exp.eval()
        with torch.no_grad():
            put(f, "fixture/output_eval", exp(enc(x)))
    print(path, "loss", float(loss))


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/nn"
    torch.set_num_threads(1)
    make(f"{out}/fixture_resnet2d.h5", 2, 3, 4, (3, 3, 32, 48), [32, 32, 16], 1)
    make(f"{out}/fixture_resnet1d.h5", 1, 6, 8, (3, 6, 64), [32, 32, 16], 2)
