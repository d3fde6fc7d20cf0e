"""Device choice: ``"auto"`` is the first CUDA GPU when torch sees one, the CPU otherwise."""

from __future__ import annotations

import torch

from clew import InputError


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """A ``torch.device`` from ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:1"``...; InputError for an unusable one."""
    if isinstance(device, torch.device):
        return device
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, ValueError) as exc:
        raise InputError(f"unknown device {device!r} (use auto, cpu or cuda[:N])") from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise InputError(f"device {device!r} asked for, but torch sees no CUDA GPU (use --device cpu or auto)")
    return dev
