"""The one training loop of clew's models: epochs, a validation split, a checkpoint per epoch, resume.

A model plugs in as a :class:`Task` (what to build, how to batch, the loss, the validation
metrics); :func:`fit` does the rest the same way for every model:

* batches come in an order fixed by ``(seed, epoch)`` alone, so a run resumed after a kill
  (rerun the same command) ends with the same weights as one that was never stopped;
* the model is built under ``torch.manual_seed(seed)``: same seed and thread count, same weights on the CPU;
* after each epoch, weights and optimizer state go to ``out/epoch-NNN/`` (:mod:`clew.neural.checkpoint`)
  with the validation metrics, and a tqdm bar shows the loss as it goes.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from clew import ClewError, InputError, _io
from clew.neural import checkpoint
from clew.neural.devices import resolve_device


@dataclass
class Task:
    """What :func:`fit` needs from a model.

    ``architecture``: JSON-able, with a ``name``: rebuilds the model (:attr:`build`) and is checked on
    load. ``train``/``validation``: the items; ``collate(items, device)``: a batch; ``loss(model, batch)``:
    a scalar tensor; ``metrics(model, batches)``: validation figures (floats), ``"loss"`` among them.
    ``data``: a fingerprint of the data (stored, and checked on resume)."""

    architecture: dict[str, Any]
    build: Callable[[dict[str, Any]], torch.nn.Module]
    train: Sequence[Any]
    validation: Sequence[Any]
    collate: Callable[[Sequence[Any], torch.device], Any]
    loss: Callable[[torch.nn.Module, Any], torch.Tensor]
    metrics: Callable[[torch.nn.Module, list[Any]], dict[str, float]]
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Settings:
    """The training hyperparameters (all stored in each checkpoint; all but ``epochs`` fixed on resume)."""

    epochs: int = 10
    batch_size: int = 16
    lr: float = 2e-3
    weight_decay: float = 0.0
    seed: int = 0
    grad_clip: float = 1.0

    def identity(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d.pop("epochs")
        return d


def _batches(items: Sequence[Any], size: int, order: np.ndarray) -> list[list[Any]]:
    return [[items[i] for i in order[k : k + size]] for k in range(0, len(order), size)]


def _resume(out: Path, task: Task, settings: Settings, model: torch.nn.Module, opt: torch.optim.Optimizer) -> tuple[int, list[dict[str, Any]]]:
    """The epochs already done in ``out`` (loaded into model and optimizer) and their history."""
    for stale in out.glob(".epoch-*.tmp") if out.is_dir() else ():  # a killed run's half-written epoch
        shutil.rmtree(stale, ignore_errors=True)
    if not (out / checkpoint.POINTER).exists():
        if out.exists() and any(p for p in out.iterdir() if not p.name.startswith(".")):
            raise InputError(f"{out} exists and holds no clew checkpoint; choose an empty or new directory")
        return 0, []
    config = checkpoint.read_config(out)
    same = (
        config.get("architecture") == task.architecture
        and config.get("training") == settings.identity()
        and config.get("data") == task.data
    )
    if not same:
        raise InputError(
            f"{out} holds another training run (architecture, settings or data differ); "
            "choose another --out or delete it"
        )
    checkpoint.load(out, model, opt, architecture=task.architecture)
    return int(config["epoch"]), list(config.get("history", []))


def fit(
    task: Task,
    out: str | os.PathLike[str],
    settings: Settings,
    *,
    device: str = "auto",
    progress: bool | None = None,
    log: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Train ``task``'s model into ``out`` for ``settings.epochs`` epochs (resuming what is there);
    returns the history, one dict of validation metrics per epoch."""
    if settings.epochs < 1:
        raise InputError(f"--epochs must be at least 1, got {settings.epochs}")
    if not task.train:
        raise InputError("no training items: the data set is empty")
    dev = resolve_device(device)
    torch.manual_seed(settings.seed)
    model = task.build(task.architecture).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    outp = Path(out)
    start, history = _resume(outp, task, settings, model, opt)
    show = sys.stderr.isatty() if progress is None else progress
    val_batches = [task.collate(b, dev) for b in _batches(task.validation, settings.batch_size, np.arange(len(task.validation)))]
    for epoch in range(start + 1, settings.epochs + 1):
        order = np.random.default_rng([settings.seed, epoch]).permutation(len(task.train))
        batches = _batches(task.train, settings.batch_size, order)
        bar = progress_bar(len(batches), f"epoch {epoch}/{settings.epochs}", show)
        model.train()
        total = 0.0
        for items in batches:
            value = optimizer_step(model, opt, task.loss(model, task.collate(items, dev)), settings.grad_clip,
                                   f"in epoch {epoch}: lower the learning rate")
            total += value
            bar.update(1)
            bar.set_postfix_str(f"loss {value:.4f}")
        bar.close()
        model.eval()
        with torch.no_grad():
            metrics = task.metrics(model, val_batches) if val_batches else {}
        record = {"epoch": epoch, "train_loss": total / max(1, len(batches)), **metrics}
        history.append(record)
        checkpoint.save(
            outp,
            epoch,
            model,
            opt,
            {
                "architecture": task.architecture,
                "training": settings.identity(),
                "data": task.data,
                "history": history,
                "torch_version": torch.__version__,
            },
        )
        if log is not None:
            log("epoch " + str(epoch) + ": " + ", ".join(f"{k} {v:.4f}" for k, v in record.items() if k != "epoch"))
    return history


def optimizer_step(model: torch.nn.Module, opt: torch.optim.Optimizer, loss: torch.Tensor, grad_clip: float,
                   where: str) -> float:
    """One optimizer step on ``loss`` (gradients clipped to ``grad_clip`` when set); returns the
    loss. A loss that is not finite is a ClewError naming ``where``, before any update."""
    value = float(loss.detach())
    if not math.isfinite(value):
        raise ClewError(f"the loss became {value} {where}")
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if grad_clip:
        torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
    opt.step()
    return value


def progress_bar(total: int, desc: str, show: bool) -> Any:
    return _io.progress_bar(total, show, desc=desc, unit="batch", leave=False)
