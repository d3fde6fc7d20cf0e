"""The checkpoint format every clew model uses: safetensors weights, JSON config, no pickle.

A model directory holds one folder per saved epoch and a pointer to the latest::

    MODEL_DIR/checkpoint.json          {"latest": "epoch-003"}
    MODEL_DIR/epoch-003/config.json    architecture, training config, metrics, sha256 of each file
    MODEL_DIR/epoch-003/model.safetensors
    MODEL_DIR/epoch-003/optimizer.safetensors

Each epoch folder is written under a temporary name and renamed whole, then the pointer is
replaced (``os.replace``), so a kill at any moment leaves the previous checkpoint usable and
never half a new one. Loading checks every file's sha256 against ``config.json`` and the
architecture against the one asked for: missing, truncated, tampered or foreign weights are a
:class:`clew.CheckpointError`, never a crash or a silently different model.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from clew import CheckpointError
from clew._io import sha256

POINTER = "checkpoint.json"
CONFIG = "config.json"
WEIGHTS = "model.safetensors"
OPTIMIZER = "optimizer.safetensors"
FORMAT = 1


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)


def optimizer_tensors(optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """An optimizer's state dict as (flat tensors for safetensors, the JSON-able rest)."""
    sd = optimizer.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for index, state in sd["state"].items():
        for key, value in state.items():
            if isinstance(value, torch.Tensor):
                tensors[f"{index}.{key}"] = value.detach().cpu().contiguous()
            else:
                scalars.setdefault(str(index), {})[key] = value
    return tensors, {"param_groups": sd["param_groups"], "scalars": scalars}


def load_optimizer(optimizer: torch.optim.Optimizer, tensors: dict[str, torch.Tensor], rest: dict[str, Any]) -> None:
    state: dict[int, dict[str, Any]] = {}
    for name, value in tensors.items():
        index, key = name.split(".", 1)
        state.setdefault(int(index), {})[key] = value
    for index, values in rest.get("scalars", {}).items():
        state.setdefault(int(index), {}).update(values)
    try:
        optimizer.load_state_dict({"state": state, "param_groups": rest["param_groups"]})
    except (KeyError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"the optimizer state does not fit this model: {exc}") from None


def save(
    out: str | os.PathLike[str],
    epoch: int,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer | None,
    config: dict[str, Any],
    *,
    unit: str = "epoch",
) -> Path:
    """Save epoch ``epoch`` of ``model`` (and ``optimizer``) under ``out`` atomically; returns its folder.

    ``config`` must hold ``architecture`` (a dict with at least ``name``); it is stored with the
    files' checksums and the epoch in the folder's ``config.json``. ``unit`` names the folder
    (``step-000100`` for a loop that checkpoints every so many steps)."""
    if "architecture" not in config or "name" not in config["architecture"]:
        raise ValueError("a checkpoint config needs an 'architecture' with a 'name'")
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    name = f"{unit}-{epoch:03d}"
    final = root / name
    tmp = root / f".{name}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    weights = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(weights, str(tmp / WEIGHTS), metadata={"format": str(FORMAT)})
    files = {WEIGHTS: sha256(tmp / WEIGHTS)}
    meta = dict(config, epoch=epoch, format=FORMAT)
    if optimizer is not None:
        tensors, rest = optimizer_tensors(optimizer)
        save_file(tensors, str(tmp / OPTIMIZER), metadata={"format": str(FORMAT)})
        files[OPTIMIZER] = sha256(tmp / OPTIMIZER)
        meta["optimizer"] = rest
    meta["files"] = files
    _write_json(tmp / CONFIG, meta)
    if final.exists():  # a rerun of an epoch whose pointer update was lost
        shutil.rmtree(final)
    os.replace(tmp, final)
    _write_json(root / POINTER, {"latest": name})
    return final


def resolve(path: str | os.PathLike[str]) -> Path:
    """The epoch folder ``path`` names: a model directory (its latest epoch) or an epoch folder."""
    p = Path(path)
    if (p / CONFIG).is_file():
        return p
    pointer = p / POINTER
    if not pointer.is_file():
        what = "does not exist" if not p.exists() else f"holds no checkpoint ({POINTER} or {CONFIG} missing)"
        raise CheckpointError(f"{p} {what}: train a model into it first")
    try:
        latest = json.loads(pointer.read_text())["latest"]
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"{pointer} is unreadable ({exc})") from None
    if not isinstance(latest, str) or "/" in latest or not (p / latest / CONFIG).is_file():
        raise CheckpointError(f"{pointer} points to {latest!r}, which is not a checkpoint folder in {p}")
    return p / latest


def read_config(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``config.json`` of the checkpoint ``path`` names (see :func:`resolve`)."""
    folder = resolve(path)
    try:
        config = json.loads((folder / CONFIG).read_text())
    except ValueError as exc:
        raise CheckpointError(f"{folder / CONFIG} is not valid JSON ({exc}): the checkpoint is damaged") from None
    if not isinstance(config, dict) or not isinstance(config.get("files"), dict) or "architecture" not in config:
        raise CheckpointError(f"{folder / CONFIG} is not a clew checkpoint config")
    config["path"] = str(folder)
    return config


def _tensors(folder: Path, config: dict[str, Any], name: str) -> dict[str, torch.Tensor]:
    path = folder / name
    want = config["files"].get(name)
    if want is None:
        raise CheckpointError(f"{folder / CONFIG} lists no {name}")
    if not path.is_file():
        raise CheckpointError(f"{path} is missing")
    if sha256(path) != want:
        raise CheckpointError(f"{path} does not match its sha256 in {CONFIG}: it is truncated or was changed")
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"{path} is not a readable safetensors file ({exc})") from None


def check_architecture(config: dict[str, Any], expected: dict[str, Any]) -> None:
    """CheckpointError unless the checkpoint's architecture is ``expected`` (the fields it names)."""
    have = config["architecture"]
    diff = [k for k in expected if have.get(k) != expected[k]]
    if diff:
        shown = ", ".join(f"{k}={have.get(k)!r} (expected {expected[k]!r})" for k in diff)
        raise CheckpointError(f"{config['path']} holds another architecture: {shown}")


def load(
    path: str | os.PathLike[str],
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    architecture: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Load the checkpoint ``path`` names into ``model`` (and ``optimizer``); returns its config.

    ``architecture``: fields the checkpoint's architecture must have (e.g. ``{"name": "phase-gnn"}``)."""
    config = read_config(path)
    if architecture is not None:
        check_architecture(config, architecture)
    folder = Path(config["path"])
    weights = _tensors(folder, config, WEIGHTS)
    own = model.state_dict()
    if set(weights) != set(own) or any(weights[k].shape != own[k].shape for k in own):
        missing = sorted(set(own) - set(weights))[:3]
        extra = sorted(set(weights) - set(own))[:3]
        shapes = [k for k in own if k in weights and weights[k].shape != own[k].shape][:3]
        raise CheckpointError(
            f"{folder / WEIGHTS} does not fit this architecture (missing {missing}, unexpected {extra}, "
            f"other shapes {shapes})"
        )
    model.load_state_dict(weights)
    if optimizer is not None:
        load_optimizer(optimizer, _tensors(folder, config, OPTIMIZER), config.get("optimizer", {}))
    return config
