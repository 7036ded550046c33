"""The same training step as TrainingBenchmark (trainer-service, TensorFlow Java), in PyTorch, for a side-by-side
figure: JHFace's face model (backbone without top, then BatchNorm, Dropout 0.5, Flatten, Dense 512, BatchNorm), an
ArcFace head (m 0.5, s 64, arcface-tf2's fallback), softmax cross-entropy plus 5e-4 * sum(w^2) of the Dense kernel,
SGD with Nesterov momentum 0.9; one fixed batch of random [-1, 1] pixels with random labels, stepped on repeatedly.
The backbones follow the definitions of facestream's model zoo (Keras' MobileNetV2 with include_top=False, and
MobileFaceNet after Chen et al. 2018, Table 1). Prints one RESULT line per backbone.

usage: python3 torch_training_step.py [--backbones MobileFaceNet,MobileNetV2] [--batch 64] [--size 112]
                                      [--classes 1000] [--steps 20] [--warmup 3] [--threads 2]
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def bn(channels, momentum):
    # Keras' epsilon 1e-3; Keras momentum m is PyTorch momentum 1 - m
    return nn.BatchNorm2d(channels, eps=1e-3, momentum=1 - momentum)


class KerasPad(nn.Module):
    """Keras' correct_pad before a stride-2 VALID convolution on an even map: one row and column, bottom and right."""

    def forward(self, x):
        return F.pad(x, (0, 1, 0, 1))


def make_divisible(v, divisor=8):
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, expansion, stride):
        super().__init__()
        hidden = cin * expansion
        layers = []
        if expansion != 1:
            layers += [nn.Conv2d(cin, hidden, 1, bias=False), bn(hidden, 0.999), nn.ReLU6()]
        if stride == 2:
            layers += [KerasPad(), nn.Conv2d(hidden, hidden, 3, 2, 0, groups=hidden, bias=False)]
        else:
            layers += [nn.Conv2d(hidden, hidden, 3, 1, 1, groups=hidden, bias=False)]
        layers += [bn(hidden, 0.999), nn.ReLU6(), nn.Conv2d(hidden, cout, 1, bias=False), bn(cout, 0.999)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class MobileNetV2(nn.Module):
    """Keras' MobileNetV2 (alpha 1.0) without its top: ends with the 1x1 convolution to 1280 channels."""

    ROWS = [(6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]

    def __init__(self):
        super().__init__()
        first = make_divisible(32)
        layers = [KerasPad(), nn.Conv2d(3, first, 3, 2, 0, bias=False), bn(first, 0.999), nn.ReLU6(),
                  InvertedResidual(first, 16, 1, 1)]
        cin = 16
        for t, c, n, s in self.ROWS:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, t, s if i == 0 else 1))
                cin = c
        layers += [nn.Conv2d(cin, 1280, 1, bias=False), bn(1280, 0.999), nn.ReLU6()]
        self.features = nn.Sequential(*layers)
        self.channels = 1280

    def forward(self, x):
        return self.features(x)


class Bottleneck(nn.Module):
    """MobileFaceNet's bottleneck: expand, depthwise, linear projection; PReLU after the first two."""

    def __init__(self, cin, cout, expansion, stride):
        super().__init__()
        hidden = cin * expansion
        self.body = nn.Sequential(
            nn.Conv2d(cin, hidden, 1, bias=False), bn(hidden, 0.99), nn.PReLU(hidden),
            nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False), bn(hidden, 0.99), nn.PReLU(hidden),
            nn.Conv2d(hidden, cout, 1, bias=False), bn(cout, 0.99))
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class MobileFaceNet(nn.Module):
    """Chen et al. 2018, Table 1: ends with the linear GDConv over the final map and a 1x1 convolution to 128."""

    ROWS = [(2, 64, 5, 2), (4, 128, 1, 2), (2, 128, 6, 1), (4, 128, 1, 2), (2, 128, 2, 1)]

    def __init__(self, size):
        super().__init__()
        layers = [nn.Conv2d(3, 64, 3, 2, 1, bias=False), bn(64, 0.99), nn.PReLU(64),
                  nn.Conv2d(64, 64, 3, 1, 1, groups=64, bias=False), bn(64, 0.99), nn.PReLU(64)]
        cin = 64
        for t, c, n, s in self.ROWS:
            for i in range(n):
                layers.append(Bottleneck(cin, c, t, s if i == 0 else 1))
                cin = c
        side = size
        for _ in range(4):  # the four stride-2 stages (pad 1, kernel 3)
            side = (side + 1) // 2
        layers += [nn.Conv2d(cin, 512, 1, bias=False), bn(512, 0.99), nn.PReLU(512),
                   nn.Conv2d(512, 512, side, 1, 0, groups=512, bias=False), bn(512, 0.99),
                   nn.Conv2d(512, 128, 1, bias=False), bn(128, 0.99)]
        self.features = nn.Sequential(*layers)
        self.channels = 128

    def forward(self, x):
        return self.features(x)


class FaceModel(nn.Module):
    """JHFace's ArcFaceModel for training: backbone, output layer, ArcFace head."""

    def __init__(self, backbone, size, classes, margin=0.5, scale=64.0):
        super().__init__()
        self.backbone = backbone
        backbone.eval()  # one probe image: batch statistics of a single value are undefined
        with torch.no_grad():
            side = backbone(torch.zeros(1, 3, size, size)).shape[-1]
        self.bn1 = bn(backbone.channels, 0.99)
        self.dropout = nn.Dropout(0.5)
        self.dense = nn.Linear(backbone.channels * side * side, 512)
        self.bn2 = nn.BatchNorm1d(512, eps=1e-3, momentum=0.01)
        self.kernel = nn.Parameter(torch.empty(512, classes))
        nn.init.xavier_uniform_(self.kernel)
        self.margin, self.scale = margin, scale

    def forward(self, x, labels):
        x = self.backbone(x)
        x = self.bn1(x)
        x = self.dropout(x)
        # Keras flattens NHWC: channels last, as the TensorFlow graph does
        x = torch.flatten(x.permute(0, 2, 3, 1), 1)
        embedding = self.bn2(self.dense(x))
        cos = F.normalize(embedding, dim=1) @ F.normalize(self.kernel, dim=0)
        sin = torch.sqrt(torch.clamp(1 - cos * cos, min=1e-7))
        cos_m = cos * math.cos(self.margin) - sin * math.sin(self.margin)
        # arcface-tf2: past pi - m, cos(theta + m) would rise again; use cos(theta) - m * sin(m) there
        cos_m = torch.where(cos > math.cos(math.pi - self.margin), cos_m,
                            cos - math.sin(math.pi - self.margin) * self.margin)
        one_hot = F.one_hot(labels, cos.shape[1]).to(cos.dtype)
        logits = self.scale * (one_hot * cos_m + (1 - one_hot) * cos)
        return F.cross_entropy(logits, labels) + 5e-4 * (self.dense.weight ** 2).sum()


def measure(name, batch, size, classes, steps, warmup):
    backbone = MobileFaceNet(size) if name == "MobileFaceNet" else MobileNetV2()
    model = FaceModel(backbone, size, classes)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    generator = torch.Generator().manual_seed(1)
    images = torch.rand(batch, 3, size, size, generator=generator) * 2 - 1
    labels = torch.randint(0, classes, (batch,), generator=generator)
    times = []
    for step in range(warmup + steps):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = model(images, labels)
        loss.backward()
        optimizer.step()
        if step >= warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--backbones", default="MobileFaceNet,MobileNetV2")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--size", type=int, default=112)
    p.add_argument("--classes", type=int, default=1000)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(a.threads)
    print(f"PyTorch {torch.__version__} training step: batch {a.batch}, {a.size}x{a.size}, ArcFace over "
          f"{a.classes} classes, {a.threads} threads, {a.steps} timed steps after {a.warmup} warm-up steps")
    for name in a.backbones.split(","):
        median = measure(name.strip(), a.batch, a.size, a.classes, a.steps, a.warmup)
        print(f"RESULT framework=pytorch backbone={name.strip()} batch={a.batch} size={a.size} "
              f"median_step_ms={median * 1000:.1f} images_per_s={a.batch / median:.1f}")


if __name__ == "__main__":
    main()
