"""NeuroBack's idea on clew's solver: predict the phases of a formula's backbone once, seed them.

* :func:`load_phase_data` reads what ``clew neural make-phase-data`` wrote (graphs rebuilt in Rust);
* :func:`train_phases` trains a :class:`~clew.neural.phase_model.PhaseGNN` on it with the shared loop;
* :class:`PhasePredictor` loads a trained model and predicts (:class:`Prediction`) or seeds phases.

A variable's *confidence* is the network's probability that its predicted literal is true in every
model: P(in the backbone) x P(that phase | in the backbone). ``set_phases`` seeds only the literals
at or above a threshold.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import torch
import torch.nn.functional as F

from clew import CheckpointError, InputError
from clew.graph import CnfGraph, cnf_graph
from clew.neural import checkpoint, phase_model
from clew.neural.devices import resolve_device
from clew.neural.train import Settings, Task, fit


@dataclass(frozen=True)
class Prediction:
    """Per variable ``v`` (index ``v - 1``): ``phase`` (int8, +1 or -1) and ``confidence`` (float32 in [0, 1])."""

    phase: np.ndarray
    confidence: np.ndarray

    def literals(self, threshold: float = 0.9) -> list[int]:
        """The predicted literals whose confidence is at least ``threshold``, by variable."""
        chosen = np.flatnonzero(self.confidence >= threshold)
        return ((chosen + 1) * self.phase[chosen].astype(np.int64)).tolist()


@dataclass
class PhaseItem:
    """One formula ready for training: its graph and, per variable, the backbone labels."""

    source: str
    graph: CnfGraph
    in_backbone: np.ndarray  # float32 0/1
    positive: np.ndarray  # float32 0/1 (meaningful where in_backbone)


def _labels(num_vars: int, backbone: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    bb = np.asarray(backbone, dtype=np.int64)
    in_bb = np.zeros(num_vars, np.float32)
    pos = np.zeros(num_vars, np.float32)
    in_bb[np.abs(bb) - 1] = 1
    pos[bb[bb > 0] - 1] = 1
    return in_bb, pos


def _shard_paths(data: Path) -> tuple[list[Path], dict[str, Any]]:
    manifest_path = data / "manifest.json"
    if not manifest_path.is_file():
        raise InputError(f"{data} holds no manifest.json: make it with clew neural make-phase-data")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("dataset") != "clew phase data":
        raise InputError(f"{data} is not phase data (its manifest says {manifest.get('dataset')!r})")
    return [data / s["path"] for s in manifest["shards"]], manifest


def load_phase_data(
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
) -> tuple[list[PhaseItem], dict[str, Any]]:
    """The formulas of one phase data set (or several, e.g. a mix of families) as training items,
    and a fingerprint of the data."""
    dirs = [data] if isinstance(data, (str, os.PathLike)) else list(data)
    paths, shas = [], []
    for d in dirs:
        shard_paths, manifest = _shard_paths(Path(d))
        paths += shard_paths
        shas += [s["sha256"] for s in manifest["shards"]]
    items: list[PhaseItem] = []
    for path in paths:
        table = pq.read_table(path, columns=["source", "num_vars", "literals", "clause_offsets", "backbone"])
        for row in table.to_pylist():
            nv = int(row["num_vars"])
            graph = CnfGraph.from_flat(
                np.asarray(row["literals"], np.int32), np.asarray(row["clause_offsets"], np.int64), nv
            )
            in_bb, pos = _labels(nv, row["backbone"])
            items.append(PhaseItem(row["source"], graph, in_bb, pos))
    digest = hashlib.sha256("".join(shas).encode()).hexdigest()
    return items, {"rows": len(items), "shards_sha256": digest}


@dataclass
class Batch:
    edge_index: torch.Tensor
    edge_sign: torch.Tensor
    node_type: torch.Tensor
    in_backbone: torch.Tensor
    positive: torch.Tensor


def _graph_tensors(graph: CnfGraph, device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return (
        torch.from_numpy(np.ascontiguousarray(graph.edge_index, dtype=np.int64)).to(device),
        torch.from_numpy(np.ascontiguousarray(graph.edge_sign, dtype=np.int8)).to(device),
        torch.from_numpy(np.ascontiguousarray(graph.node_type, dtype=np.int8)).to(device),
    )


def collate(items: Sequence[PhaseItem], device: torch.device) -> Batch:
    graph = CnfGraph.batch([it.graph for it in items])
    ei, sign, nt = _graph_tensors(graph, device)
    return Batch(
        ei,
        sign,
        nt,
        torch.from_numpy(np.concatenate([it.in_backbone for it in items])).to(device),
        torch.from_numpy(np.concatenate([it.positive for it in items])).to(device),
    )


def phase_loss(model: torch.nn.Module, batch: Batch) -> torch.Tensor:
    """Backbone membership (all variables) plus class-balanced phase loss (backbone variables)."""
    bb_logit, phase_logit = model(batch.edge_index, batch.edge_sign, batch.node_type)
    loss = F.binary_cross_entropy_with_logits(bb_logit, batch.in_backbone)
    mask = batch.in_backbone > 0
    if mask.any():
        target = batch.positive[mask]
        n_pos = target.sum()
        n_neg = target.numel() - n_pos
        # Each phase class weighs half, whatever its share (balanced accuracy is the metric).
        weight = torch.where(target > 0, 0.5 / n_pos.clamp(min=1), 0.5 / n_neg.clamp(min=1))
        per = F.binary_cross_entropy_with_logits(phase_logit[mask], target, reduction="none")
        loss = loss + (weight * per).sum()
    return loss


def balanced_accuracy(predicted_positive: np.ndarray, positive: np.ndarray) -> float:
    """Mean of the recall on positive and on negative backbone literals (NaN without any)."""
    recalls = [float((predicted_positive[positive == c] == c).mean()) for c in (True, False) if (positive == c).any()]
    return float(np.mean(recalls)) if recalls else float("nan")


def phase_metrics(model: torch.nn.Module, batches: list[Batch]) -> dict[str, float]:
    losses, pred, truth, bb_ok = [], [], [], []
    for b in batches:
        losses.append(float(phase_loss(model, b)))
        bb_logit, phase_logit = model(b.edge_index, b.edge_sign, b.node_type)
        mask = b.in_backbone > 0
        pred.append((phase_logit[mask] > 0).cpu().numpy())
        truth.append((b.positive[mask] > 0).cpu().numpy())
        bb_ok.append(((bb_logit > 0) == mask).float().mean().item())
    p, t = np.concatenate(pred), np.concatenate(truth)
    return {
        "loss": float(np.mean(losses)),
        "balanced_accuracy": balanced_accuracy(p, t),
        "accuracy": float((p == t).mean()) if len(t) else float("nan"),
        "backbone_accuracy": float(np.mean(bb_ok)),
    }


def _split(n: int, seed: int, fraction: float) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng([seed, 0x5EED]).permutation(n)
    k = int(round(n * fraction)) if n > 1 else 0
    k = min(max(k, 1 if n > 1 else 0), n - 1)
    return np.sort(order[k:]), np.sort(order[:k])


def train_phases(
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    epochs: int = 10,
    device: str = "auto",
    seed: int = 0,
    batch_size: int = 16,
    lr: float = 2e-3,
    validation: float = 0.1,
    progress: bool | None = None,
    log: Any = None,
    **arch: Any,
) -> list[dict[str, Any]]:
    """Train a phase network on ``data`` (one phase data directory or several) into ``out``
    (resuming what is there); returns the history.

    ``arch``: ``dim``, ``rounds``, ``max_vars`` (see :func:`clew.neural.phase_model.architecture`)."""
    items, fingerprint = load_phase_data(data)
    if not items:
        raise InputError(f"{data} holds no formulas")
    fingerprint["validation"] = validation
    train_idx, val_idx = _split(len(items), seed, validation)
    task = Task(
        architecture=phase_model.architecture(**arch),
        build=phase_model.PhaseGNN,
        train=[items[i] for i in train_idx],
        validation=[items[i] for i in val_idx],
        collate=collate,
        loss=phase_loss,
        metrics=phase_metrics,
        data=fingerprint,
    )
    settings = Settings(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed)
    return fit(task, out, settings, device=device, progress=progress, log=log)


Formula = Sequence[Sequence[int]]


class PhasePredictor:
    """A trained phase network: ``PhasePredictor.load(MODEL_DIR)``, then ``predict``/``set_phases``."""

    def __init__(self, model: phase_model.PhaseGNN, config: dict[str, Any], device: torch.device) -> None:
        self.model = model.eval()
        self.config = config
        self.device = device
        self.max_vars = int(config["architecture"]["max_vars"])

    @classmethod
    def load(cls, model_dir: str | os.PathLike[str], device: str = "auto") -> PhasePredictor:
        """The latest epoch in ``model_dir`` (or the epoch folder it names); CheckpointError if unusable."""
        config = checkpoint.read_config(model_dir)
        checkpoint.check_architecture(config, {"name": phase_model.NAME, "version": phase_model.DEFAULTS["version"]})
        try:
            model = phase_model.PhaseGNN(config["architecture"])
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(f"{config['path']}: the architecture config is incomplete ({exc})") from None
        checkpoint.load(config["path"], model)
        dev = resolve_device(device)
        return cls(model.to(dev), config, dev)

    def _graph(self, clauses: Formula, num_vars: int | None = None) -> CnfGraph:
        if len(clauses) == 0:
            raise InputError("the formula is empty: no clauses to predict phases for")
        graph = cnf_graph(clauses, num_vars)
        if graph.num_vars == 0:
            raise InputError("the formula has no variables: no phases to predict")
        if graph.num_vars > self.max_vars:
            raise InputError(f"the formula has {graph.num_vars:,} variables; this model accepts at most {self.max_vars:,}")
        return graph

    def predict(self, clauses: Formula, num_vars: int | None = None) -> Prediction:
        """Phases and confidences for variables 1..num_vars (default: the largest variable used)."""
        return self._forward([self._graph(clauses, num_vars)])[0]

    def predict_batch(self, formulas: Iterable[Formula]) -> list[Prediction]:
        """:meth:`predict` for many formulas in one forward pass over their disjoint union."""
        graphs = [self._graph(f) for f in formulas]
        return self._forward(graphs) if graphs else []

    def _forward(self, graphs: list[CnfGraph]) -> list[Prediction]:
        graph = graphs[0] if len(graphs) == 1 else CnfGraph.batch(graphs)
        with torch.inference_mode():
            bb_logit, phase_logit = self.model(*_graph_tensors(graph, self.device))
            p_bb = torch.sigmoid(bb_logit)
            p_pos = torch.sigmoid(phase_logit)
            phase = torch.where(phase_logit >= 0, 1, -1).to(torch.int8).cpu().numpy()
            confidence = (p_bb * torch.maximum(p_pos, 1 - p_pos)).float().cpu().numpy()
        cuts = np.cumsum([0] + [g.num_vars for g in graphs])
        return [Prediction(phase[a:b].copy(), confidence[a:b].copy()) for a, b in zip(cuts[:-1], cuts[1:])]

    def set_phases(self, solver: Any, clauses: Formula, *, threshold: float = 0.9, sticky: bool = False) -> list[int]:
        """Predict ``clauses``' phases and seed the confident ones into ``solver``
        (``sticky=False``: only the saved phases, which phase saving then overwrites); returns them."""
        if not 0.0 <= threshold <= 1.0:
            raise InputError(f"the phase threshold must be in [0, 1], got {threshold}")
        literals = self.predict(clauses).literals(threshold)
        solver.set_phases(literals, sticky=sticky)
        return literals
