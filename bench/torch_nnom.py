#!/usr/bin/env python3
"""The nnom arch in PyTorch on CPU, for the side-by-side training benchmark (bench/train_speed.ts).

Not part of training: it exists only to time the same model in another framework. Same layers and
sizes as lib/model/archs.ts (three Conv1D branches with TensorFlow's 'same' padding, BatchNorm,
ReLU, MaxPool; concatenation; one more conv block; dropout 0.2; GRU 12 returning sequences;
flatten; dropout 0.2; Dense 1 sigmoid), Adam 1e-3 on binary cross-entropy, batch 256, random
inputs (speed does not depend on the values). PyTorch's GRU applies the reset gate after the
recurrent product and uses a logistic sigmoid where tfjs uses reset-before and a hard sigmoid:
the same arithmetic within a few multiplies per step.

Prints one JSON object: {"threads", "batch", "train_per_s", "infer_per_s"}.
"""
import argparse
import json
import time

import torch
from torch import nn
import torch.nn.functional as F

LENGTH = 1250


class SameConvBlock(nn.Module):
    """Conv1D with TensorFlow 'same' padding → BatchNorm → ReLU → MaxPool."""

    def __init__(self, channels_in, filters, kernel, stride, pool):
        super().__init__()
        self.conv = nn.Conv1d(channels_in, filters, kernel, stride)
        self.bn = nn.BatchNorm1d(filters, eps=1e-3, momentum=0.01)
        self.kernel, self.stride, self.pool = kernel, stride, pool

    def forward(self, x):
        length = x.shape[-1]
        out = -(-length // self.stride)
        total = max((out - 1) * self.stride + self.kernel - length, 0)
        x = F.pad(x, (total // 2, total - total // 2))
        return F.max_pool1d(F.relu(self.bn(self.conv(x))), self.pool)


class Nnom(nn.Module):
    def __init__(self):
        super().__init__()
        self.b5 = SameConvBlock(1, 8, 5, 2, 4)
        self.b9 = SameConvBlock(1, 4, 9, 2, 4)
        self.b13 = SameConvBlock(1, 4, 13, 2, 4)
        self.mix = SameConvBlock(16, 4, 3, 1, 2)
        self.gru = nn.GRU(4, 12, batch_first=True)
        self.out = nn.Linear(78 * 12, 1)

    def forward(self, x):  # x: [batch, 1, 1250]
        x = torch.cat([self.b5(x), self.b9(x), self.b13(x)], dim=1)
        x = F.dropout(self.mix(x), 0.2, self.training)  # [batch, 4, 78]
        x, _ = self.gru(x.transpose(1, 2))  # [batch, 78, 12]
        x = F.dropout(x.flatten(1), 0.2, self.training)
        return torch.sigmoid(self.out(x))


def segments_per_second(step, batches, batch):
    started = time.perf_counter()
    for _ in range(batches):
        step()
    return batches * batch / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--batches", type=int, default=20, help="timed batches per figure")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = Nnom()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = 0.3 * torch.randn(args.batch, 1, LENGTH)
    y = (torch.arange(args.batch) % 2).float().unsqueeze(1)

    def train_step():
        optimizer.zero_grad()
        loss = F.binary_cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()

    def infer_step():
        with torch.no_grad():
            model(x)

    model.train()
    for _ in range(3):
        train_step()
    train = segments_per_second(train_step, args.batches, args.batch)
    model.eval()
    for _ in range(3):
        infer_step()
    infer = segments_per_second(infer_step, args.batches, args.batch)
    print(json.dumps({"threads": args.threads, "batch": args.batch,
                      "train_per_s": train, "infer_per_s": infer}))


if __name__ == "__main__":
    main()
