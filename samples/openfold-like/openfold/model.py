# SPDX-License-Identifier: Apache-2.0
import torch


def load(path: str) -> dict:
    return torch.load(path, map_location="cpu")
