"""A policy/value network for Countdown and Sudoku as the prior of :class:`clew.search.EnvMCTS`.

The networks read EnvMCTS's raw float32 observations and answer over its own action indices, so
``PolicyValue.load(MODEL_DIR).evaluator()`` plugs straight into ``EnvMCTS.run(S, evaluator=...)``:

* **Countdown** (:class:`CountdownNet`, a DeepSets scorer): action indices are a state-dependent
  enumeration (pairs in state order, ``+ * - /``, division only when exact), so a fixed output
  layer would have to learn that bookkeeping. Instead the network enumerates the steps itself
  (vectorised, in float64), embeds every child state as a set of numbers relative to the target,
  scores each child with one MLP and scatters the scores to the step's action index. The value
  head reads the same set embedding of the state. Equivariant in the numbers' order by design.
* **Sudoku** (:class:`SudokuCoverNet`, ``arch="cover"``, train-policy's default): a step scorer
  over Sudoku's exact-cover constraints after a few rounds of singles propagation (see the
  class); at 62 blanks its prior solves 3.4-3.7x the uniform prior's puzzles (docs/policy.md).
* **Sudoku** (:class:`SudokuNet`, ``arch="mlp"``, the first release; a checkpoint without
  ``arch``): the input is each cell's digit and its candidates (one-hot, computed in the network
  from rows, columns and boxes); the output is one logit per ``cell * 9 + digit - 1``, masked to
  the cell the environment branches on.

Training goes through the one loop (:func:`clew.neural.train.fit`); checkpoints are the one
format (:mod:`clew.neural.checkpoint`) with the task, action count and observation width in the
architecture, checked on load.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import torch
from torch import nn

from clew import CheckpointError, ClewError, InputError, env_steps
from clew.neural import checkpoint
from clew.neural.devices import resolve_device
from clew.neural.train import Settings, Task, fit

NAME = "policy-value"
VALUES = ("network", "playouts")  # PolicyValue.evaluator(value=...): the value head, or random playouts
MANIFEST = "manifest.json"  # clew.datasets._generate.MANIFEST (not imported: datasets sits above neural)
SLOTS = 8  # Countdown observation: 8 numbers (-1 padded), then the target
_PAIRS = [(i, j) for i in range(SLOTS) for j in range(i + 1, SLOTS)]


class EvaluatorError(ClewError):
    """The network gave priors or values that are not finite numbers."""


def _mlp(sizes: Sequence[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for a, b in itertools.pairwise(sizes):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


class CountdownNet(nn.Module):
    """Countdown priors and values from the observation (see the module notes)."""

    FEATURES = 8
    keep: torch.Tensor
    pi: torch.Tensor
    pj: torch.Tensor

    def __init__(self, num_actions: int, hidden: int = 128) -> None:
        super().__init__()
        self.num_actions = num_actions
        self.embed = _mlp([self.FEATURES, hidden, hidden])
        self.score = _mlp([hidden + 2, hidden, 1])
        self.value = _mlp([hidden + 2, hidden, 1])
        keep = torch.ones(len(_PAIRS), SLOTS, dtype=torch.bool)
        for p, (i, j) in enumerate(_PAIRS):
            keep[p, i] = keep[p, j] = False
        self.register_buffer("keep", keep, persistent=False)
        self.register_buffer("pi", torch.tensor([i for i, _ in _PAIRS]), persistent=False)
        self.register_buffer("pj", torch.tensor([j for _, j in _PAIRS]), persistent=False)

    def _features(self, v: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """Per-number features relative to the target (v, t float64, broadcastable)."""
        t = t.expand_as(v)
        pos = v.clamp(min=1)
        return torch.stack(
            [
                torch.log1p(v.clamp(min=0)) / 7,
                torch.log1p((v - t).abs()) / 7,
                (v == t).double(),
                (v < t).double(),
                (torch.remainder(t, pos) == 0).double() * (v > 0),
                (torch.remainder(pos, t.clamp(min=1)) == 0).double(),
                (v / t.clamp(min=1)).clamp(max=4) / 4,
                (v == 0).double(),
            ],
            -1,
        ).float()

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(logits (B, num_actions), -inf off the legal actions; legal mask; value logits (B,))."""
        x = obs.double()
        nums, t = x[:, :SLOTS], x[:, SLOTS:]
        present = nums >= 0
        count = present.sum(1, keepdim=True).double()
        emb = self.embed(self._features(nums, t)) * present.unsqueeze(-1)  # (B, 8, H)
        tfeat = torch.cat([torch.log1p(t) / 7, count / SLOTS], 1).float()
        value = self.value(torch.cat([emb.sum(1), tfeat], 1)).squeeze(1)
        a, b = nums[:, self.pi], nums[:, self.pj]  # (B, 28)
        big, small = torch.maximum(a, b), torch.minimum(a, b)
        div_ok = (small > 0) & (torch.remainder(big, small.clamp(min=1)) == 0)
        results = torch.stack([a + b, a * b, big - small, torch.where(div_ok, big / small.clamp(min=1), 0)], -1)
        pair_ok = present[:, self.pi] & present[:, self.pj]
        valid = torch.stack([pair_ok, pair_ok, pair_ok, pair_ok & div_ok], -1)  # (B, 28, 4)
        rest = torch.einsum("pk,bkh->bph", self.keep.float(), emb)  # the numbers a step leaves
        child = rest.unsqueeze(2) + self.embed(self._features(results, t.unsqueeze(-1)))  # (B, 28, 4, H)
        ctfeat = torch.cat([torch.log1p(t) / 7, (count - 1) / SLOTS], 1).float()
        scores = self.score(torch.cat([child, ctfeat[:, None, None, :].expand(*child.shape[:3], 2)], -1)).squeeze(-1)
        flat_valid = valid.flatten(1)
        index = flat_valid.long().cumsum(1) - 1  # the step's EnvMCTS action index
        if bool((index[:, -1] >= self.num_actions).any()):
            raise InputError(f"an observation has more steps than this model's {self.num_actions} actions")
        logits = torch.full((len(x), self.num_actions), float("-inf"), device=x.device)
        rows = torch.arange(len(x), device=x.device).unsqueeze(1).expand_as(index)
        logits[rows[flat_valid], index[flat_valid]] = scores.flatten(1)[flat_valid]
        return logits, torch.isfinite(logits), value


class SudokuNet(nn.Module):
    """9x9 Sudoku priors and values from the observation (see the module notes)."""

    peers: torch.Tensor

    def __init__(self, num_actions: int = 729, hidden: int = 512) -> None:
        super().__init__()
        if num_actions != 729:
            raise CheckpointError(f"the Sudoku network is for 9x9 grids (729 actions), not {num_actions}")
        self.num_actions = num_actions
        self.body = _mlp([81 * 19, hidden, hidden])
        self.policy = nn.Linear(hidden, num_actions)
        self.value = nn.Linear(hidden, 1)
        self.register_buffer("peers", _peers(), persistent=False)

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        _cells, onehot, cand, legal, _branch = _sudoku_inputs(obs, self.peers)
        h = self.body(torch.cat([onehot, cand.float()], -1).flatten(1))
        logits = self.policy(h).masked_fill(~legal, float("-inf"))
        return logits, legal, self.value(h).squeeze(1)


def _sudoku_inputs(obs: torch.Tensor, peers: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """(cells (B, 81) long, digit one-hot (B, 81, 10), candidates (B, 81, 9) bool, the environment's
    legal mask (B, 729), the branching cell (B,)) of Sudoku observations."""
    cells = obs.round().long().clamp(0, 9)
    onehot = nn.functional.one_hot(cells, 10).float()  # column 0 = empty
    taken = torch.einsum("ab,nbd->nad", peers, onehot[..., 1:]) > 0
    cand = (~taken) & (cells == 0).unsqueeze(-1)
    # the environment's branching cell: the first empty cell with at most one candidate, else
    # the first with the fewest
    counts = cand.sum(-1).masked_fill(cells != 0, 99)
    low = counts <= 1
    branch = torch.where(low.any(1), low.float().argmax(1), counts.argmin(1))
    legal = torch.zeros_like(cand)
    rows = torch.arange(len(obs), device=obs.device)
    legal[rows, branch] = cand[rows, branch]
    legal = legal.flatten(1) & (counts.min(1).values < 99).unsqueeze(1)
    return cells, onehot, cand, legal, branch


def _peers() -> torch.Tensor:
    peers = torch.zeros(81, 81)
    for a in range(81):
        for b in range(81):
            ra, ca, rb, cb = a // 9, a % 9, b // 9, b % 9
            if a != b and (ra == rb or ca == cb or (ra // 3, ca // 3) == (rb // 3, cb // 3)):
                peers[a, b] = 1
    return peers


class SudokuCoverNet(nn.Module):
    """9x9 Sudoku priors and values from the exact-cover constraints: a step scorer over children.

    Sudoku is an exact cover of 324 constraints (each cell holds a digit; each row, column and box
    holds each digit once) by 729 candidates. A state is first propagated ``rounds`` times (fixed,
    not learned): every candidate that is the last one left for an open constraint (a naked or a
    hidden single) is placed, and the candidates it excludes are struck. Its features are then,
    per constraint, whether it is met, whether it is met twice (two singles clashed), and if open
    how many candidates are left (0: a dead end, including the ones the branching rule does not
    see, such as a digit with no place left in a row; 1; 2; the count / 9): 6 x 324 inputs. One
    MLP embeds a state; the value reads the state's embedding, the prior of digit ``d`` at the
    branching cell reads the embedding of the child that places it (the Countdown network's
    design), computed only where the branching cell has a choice (a forced move's prior is 1
    whatever it scores)."""

    peers: torch.Tensor
    cover: torch.Tensor
    FEATURES = 6 * 324

    def __init__(self, num_actions: int = 729, hidden: int = 128, dropout: float = 0.1, rounds: int = 3) -> None:
        super().__init__()
        if num_actions != 729:
            raise CheckpointError(f"the Sudoku network is for 9x9 grids (729 actions), not {num_actions}")
        self.num_actions = num_actions
        self.rounds = rounds
        self.embed = nn.Sequential(nn.Linear(self.FEATURES, hidden), nn.ReLU(), nn.Dropout(dropout),
                                   nn.Linear(hidden, hidden), nn.ReLU())
        self.score = nn.Linear(hidden, 1)
        self.value = nn.Linear(hidden, 1)
        self.register_buffer("peers", _peers(), persistent=False)
        cover = torch.zeros(81, 9, 324)  # candidate (cell, digit) -> the four constraints it meets
        for cell in range(81):
            r, c = divmod(cell, 9)
            for d in range(9):
                for k in (cell, 81 + r * 9 + d, 162 + c * 9 + d, 243 + (r // 3 * 3 + c // 3) * 9 + d):
                    cover[cell, d, k] = 1
        self.register_buffer("cover", cover.reshape(729, 324), persistent=False)

    def _features(self, cand: torch.Tensor, placed: torch.Tensor) -> torch.Tensor:
        """(n, 1944) constraint features of candidates and placed digits, both (n, 81, 9), after
        ``rounds`` of singles propagation."""
        cand, placed = cand.flatten(1), placed.flatten(1)
        met = placed @ self.cover
        for _ in range(self.rounds):
            left = cand @ self.cover
            single = ((met == 0) & (left == 1)).float()
            put = cand * ((single @ self.cover.T) > 0)  # the last candidate of an open constraint
            struck = ((put @ self.cover) @ self.cover.T) > 0  # shares a constraint with a placement
            cand = cand * ~struck
            placed = placed + put
            met = placed @ self.cover
        left, open_ = cand @ self.cover, met == 0
        flags = torch.cat([~open_, open_ & (left == 0), open_ & (left == 1), open_ & (left == 2), met > 1], 1)
        return torch.cat([flags.float(), left / 9], 1)

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        _cells, onehot, cand, legal, branch = _sudoku_inputs(obs, self.peers)
        placed, candf = onehot[..., 1:], cand.float()
        rows = torch.arange(len(obs), device=obs.device)
        options = cand[rows, branch]  # (B, 9)
        options &= (options.sum(1) >= 2).unsqueeze(1)
        leaf, digit = options.nonzero(as_tuple=True)
        at = nn.functional.one_hot(branch[leaf], 81).float().unsqueeze(-1)  # (K, 81, 1)
        put = nn.functional.one_hot(digit, 9).float().unsqueeze(1)  # (K, 1, 9)
        child_cand = candf[leaf] * (1 - at) * (1 - self.peers[branch[leaf]].unsqueeze(-1) * put)
        child_placed = placed[leaf] + at * put
        emb = self.embed(torch.cat([self._features(candf, placed), self._features(child_cand, child_placed)]))
        value = self.value(emb[: len(obs)]).squeeze(1)
        logits = torch.zeros(len(obs), self.num_actions, device=obs.device)
        logits[leaf, branch[leaf] * 9 + digit] = self.score(emb[len(obs) :]).squeeze(1)
        return logits.masked_fill(~legal, float("-inf")), legal, value


# each task's networks; the first is what a checkpoint without "arch" holds (the first release)
ARCHS = {"countdown": ("deepsets",), "sudoku": ("mlp", "cover")}
DEFAULT_ARCH = {"countdown": "deepsets", "sudoku": "cover"}  # train-policy's, chosen by measurement (docs/policy.md)


def build(arch: dict[str, Any]) -> nn.Module:
    """The network of a stored architecture (a checkpoint without ``arch`` is the first kind: the
    Countdown step scorer or the Sudoku MLP)."""
    if arch.get("name") != NAME or arch.get("task") not in ARCHS:
        raise CheckpointError(f"not a policy-value architecture: {arch}")
    kind = arch.get("arch", ARCHS[arch["task"]][0])
    if kind not in ARCHS[arch["task"]]:
        raise CheckpointError(f"no {kind!r} network for {arch['task']} (choose from {', '.join(ARCHS[arch['task']])})")
    if kind == "cover":
        return SudokuCoverNet(
            int(arch["num_actions"]), int(arch["hidden"]), float(arch["dropout"]), int(arch["rounds"])
        )
    cls = CountdownNet if arch["task"] == "countdown" else SudokuNet
    return cls(int(arch["num_actions"]), int(arch["hidden"]))


def _log_priors(logits: torch.Tensor) -> torch.Tensor:
    """log-softmax over the legal actions, 0 probability (not NaN) where a row has none."""
    safe = torch.where(torch.isfinite(logits), logits, torch.full_like(logits, -1e9))
    return torch.log_softmax(safe, 1)


def _loss(model: nn.Module, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
    obs, policy, value = batch
    logits, _legal, v = model(obs)
    live = value > 0.5
    ce = -(policy * _log_priors(logits)).sum(1)
    policy_loss = ce[live].mean() if bool(live.any()) else ce.sum() * 0
    return policy_loss + nn.functional.binary_cross_entropy_with_logits(v, value)


def _metrics(model: nn.Module, batches: list[Any]) -> dict[str, float]:
    loss = hits = live = value_hits = total = 0.0
    for obs, policy, value in batches:
        logits, _legal, v = model(obs)
        loss += float(_loss(model, (obs, policy, value))) * len(obs)
        ok = value > 0.5
        best = logits.argmax(1)
        hits += float((policy[torch.arange(len(obs)), best] > 0)[ok].sum())
        live += float(ok.sum())
        value_hits += float(((v > 0) == ok).sum())
        total += len(obs)
    return {"loss": loss / total, "accuracy": hits / max(live, 1), "value_accuracy": value_hits / total}


def architecture(
    task: str, num_actions: int, obs_dim: int, *, arch: str | None = None, hidden: int | None = None,
    dropout: float = 0.1, rounds: int = 3,
) -> dict[str, Any]:
    """The stored architecture of a new network (checked by :func:`build`)."""
    kind = arch or DEFAULT_ARCH.get(task, "")
    spec: dict[str, Any] = {"name": NAME, "task": task, "num_actions": num_actions, "obs_dim": obs_dim}
    if kind == "cover":
        spec.update(arch=kind, hidden=int(hidden or 128), dropout=float(dropout), rounds=int(rounds))
    else:  # the first networks' architecture, unchanged: their training runs resume
        spec.update(hidden=int(hidden or (192 if task == "countdown" else 512)))
        if kind != ARCHS.get(task, ("",))[0]:
            spec["arch"] = kind
    build(spec)  # CheckpointError for a network the task has not
    return spec


def train_policy(
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], out: str | os.PathLike[str], **options: Any
) -> list[dict[str, Any]]:
    """Train a policy/value network on a make-policy-data directory (or several of one task, their
    rows together) into ``out``; returns the history (validation loss, policy accuracy = the
    argmax is a good action, value accuracy). The validation split holds whole puzzles (a tenth,
    chosen by ``seed``). ``options``: those of :func:`train_arrays` (``epochs``, ``device``,
    ``seed``, ``batch_size``, ``lr``, ``hidden``, ``arch``...)."""
    dirs = [data] if isinstance(data, (str, os.PathLike)) else list(data)
    loaded = [load_policy_data(d) for d in dirs]
    manifest = loaded[0][0]

    def shape(m: dict[str, Any]) -> tuple[Any, ...]:
        return m["config"]["task"], m["num_actions"], m["obs_dim"]

    for d, (m, _cols) in zip(dirs, loaded, strict=True):
        if shape(m) != shape(manifest):
            raise InputError(f"{d} holds another task or shape than {dirs[0]}")
    cols = {k: np.concatenate([c[k] for _m, c in loaded]) for k in loaded[0][1]}
    if len(loaded) > 1:  # each directory's puzzle ids apart: the validation split keeps whole puzzles
        offset = [c["instance"].astype(np.int64) + (i << 40) for i, (_m, c) in enumerate(loaded)]
        cols["instance"] = np.concatenate(offset)
    fingerprint: dict[str, Any] = {"shards": [s["sha256"] for m, _c in loaded for s in m["shards"]],
                                   "config": manifest["config"]}
    if len(loaded) > 1:
        fingerprint["configs"] = [m["config"] for m, _c in loaded]
    return train_arrays(
        cols, manifest["config"]["task"], int(manifest["num_actions"]), int(manifest["obs_dim"]), fingerprint, out,
        **options,
    )


def train_arrays(
    cols: dict[str, np.ndarray],
    task: str,
    num_actions: int,
    obs_dim: int,
    fingerprint: dict[str, Any],
    out: str | os.PathLike[str],
    *,
    epochs: int = 10,
    device: str = "auto",
    seed: int = 0,
    batch_size: int = 256,
    lr: float = 2e-3,
    hidden: int | None = None,
    arch: str | None = None,
    dropout: float = 0.1,
    rounds: int = 3,
    weight_decay: float = 0.0,
    validation: float = 0.1,
    progress: bool | None = None,
    log: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """:func:`train_policy` on columns in memory (``observation``, ``policy``, ``value``,
    ``instance``); ``fingerprint`` identifies the data for resuming. ``arch``: the network
    (:data:`ARCHS`; default :data:`DEFAULT_ARCH`); ``dropout`` and ``rounds`` (of singles propagation)
    are the cover network's."""
    spec_arch = architecture(task, num_actions, obs_dim, arch=arch, hidden=hidden, dropout=dropout, rounds=rounds)
    instances = np.unique(cols["instance"])
    held = np.random.default_rng(seed).permutation(instances)[: max(1, int(len(instances) * validation))]
    is_val = np.isin(cols["instance"], held) if len(instances) > 1 else np.zeros(len(cols["value"]), bool)
    obs = torch.from_numpy(cols["observation"].astype(np.float32))
    policy = torch.from_numpy(cols["policy"].astype(np.float32))
    value = torch.from_numpy(cols["value"].astype(np.float32))

    def collate(items: Sequence[int], dev: torch.device) -> tuple[torch.Tensor, ...]:
        idx = torch.as_tensor(np.asarray(items, np.int64))
        return obs[idx].to(dev), policy[idx].to(dev), value[idx].to(dev)

    fingerprint = dict(fingerprint, validation=validation)
    spec = Task(spec_arch, build, np.flatnonzero(~is_val).tolist(), np.flatnonzero(is_val).tolist(), collate, _loss,
                _metrics, data=fingerprint)
    settings = Settings(epochs=epochs, batch_size=batch_size, lr=lr, weight_decay=weight_decay, seed=seed)
    return fit(spec, out, settings, device=device, progress=progress, log=log)


def load_policy_data(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(manifest, columns as numpy arrays: observation (n, obs_dim), legal, policy (n, num_actions),
    value, instance, depth) of a make-policy-data directory."""
    p = Path(path)
    if not (p / MANIFEST).is_file():
        raise InputError(f"{p} holds no policy data ({MANIFEST} missing): run clew neural make-policy-data first")
    manifest = json.loads((p / MANIFEST).read_text())
    if manifest.get("dataset") != "clew policy data":
        raise InputError(f"{p} is not a policy data set (it is {manifest.get('dataset')!r})")
    tables = [pq.read_table(p / s["path"]) for s in manifest["shards"]]
    table = pa.concat_tables(tables)
    cols: dict[str, np.ndarray] = {}
    for name in ("observation", "legal", "policy"):
        col = table.column(name).combine_chunks()
        width = col.type.list_size
        cols[name] = np.asarray(col.flatten().to_numpy(zero_copy_only=False)).reshape(-1, width)
    for name in ("value", "instance", "depth"):
        cols[name] = table.column(name).to_numpy()
    return manifest, cols


class PolicyValue:
    """A trained policy/value network (``PolicyValue.load(MODEL_DIR)``) for EnvMCTS."""

    def __init__(self, model: nn.Module, architecture: dict[str, Any], device: torch.device) -> None:
        self.model = model.eval()
        self.architecture = architecture
        self.device = device
        self.task: str = architecture["task"]
        self.num_actions: int = architecture["num_actions"]
        self.obs_dim: int = architecture["obs_dim"]

    @classmethod
    def load(cls, model_dir: str | os.PathLike[str], device: str = "cpu") -> PolicyValue:
        config = checkpoint.read_config(model_dir)
        checkpoint.check_architecture(config, {"name": NAME})
        arch = config["architecture"]
        dev = resolve_device(device)
        model = build(arch)
        checkpoint.load(Path(config["path"]), model)
        return cls(model.to(dev), arch, dev)

    def check(self, task: str, num_actions: int, obs_dim: int | None) -> None:
        """CheckpointError unless this network fits a search over ``task`` with these shapes."""
        want = {"task": task, "num_actions": num_actions, "obs_dim": obs_dim}
        have = {k: self.architecture[k] for k in want}
        if have != want:
            raise CheckpointError(f"the model is for {have}, the search is {want}")

    def evaluator(
        self, device: str = "auto", value: str = "network", seed: int = 0, cache: int = 0
    ) -> Callable[[Any], tuple[np.ndarray, np.ndarray]]:
        """``evaluator(observations) -> (priors, values)`` for ``EnvMCTS.run``/``run_mcts_env``:
        float32 ``(n, obs_dim)`` in; float32 priors ``(n, num_actions)`` (softmax over the legal
        actions) and values ``(n,)`` in [0, 1] out. One forward pass per call, no Python loop over
        the leaves; pinned memory and non-blocking copies on CUDA.

        ``value="playouts"`` (Sudoku): the network's priors with the value of one random playout
        per leaf, as EnvMCTS's own (:func:`clew.env_steps.sudoku_playouts`, a numpy generator
        seeded by ``seed``), instead of the value head. ``cache=N``: keep the network's answers
        for the last ``N`` distinct observations and pass only the others through it (exact: a
        row's answer does not depend on the rows batched with it; playouts are drawn afresh). A
        search that starts a new forest every move meets the same states again (Sudoku at 61
        blanks, 64 simulations: 6.5 leaves per distinct state)."""
        if value not in VALUES:
            raise InputError(f"value={value!r}: choose from {', '.join(VALUES)}")
        if value == "playouts" and self.task != "sudoku":
            raise InputError("value='playouts' is for Sudoku networks (Countdown's playouts are not in Python)")
        rng = np.random.default_rng(seed)
        dev = resolve_device(device)
        model = self.model.to(dev)
        cuda = dev.type == "cuda"
        memo: dict[bytes, tuple[np.ndarray, np.float32]] = {}

        def forward(obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            x = torch.from_numpy(obs)
            if cuda:
                x = x.pin_memory().to(dev, non_blocking=True)
            with torch.inference_mode():
                logits, _legal, v = model(x)
                if bool(torch.isnan(logits).any()) or not bool(torch.isfinite(v).all()):
                    raise EvaluatorError("the network returned NaN or infinite priors/values")
                # -inf off the legal actions: 0 after the softmax; a row with none is NaN, made 0
                priors = torch.softmax(logits, 1).nan_to_num_(0.0)
                return priors.float().cpu().numpy(), torch.sigmoid(v).float().cpu().numpy()

        def cached(obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            keys = [row.tobytes() for row in obs]
            new: dict[bytes, int] = {}
            for i, k in enumerate(keys):
                if k not in memo and k not in new:
                    new[k] = i
            fresh: dict[bytes, tuple[np.ndarray, np.float32]] = {}
            if new:
                p, v = forward(obs[list(new.values())])
                fresh = {k: (p[j], v[j]) for j, k in enumerate(new)}
            hits = [fresh[k] if k in fresh else memo[k] for k in keys]
            memo.update(fresh)
            for k in list(itertools.islice(memo, max(0, len(memo) - cache))):  # the oldest go first
                del memo[k]
            return np.stack([h[0] for h in hits]), np.array([h[1] for h in hits], np.float32)

        def evaluate(observations: Any) -> tuple[np.ndarray, np.ndarray]:
            obs = np.asarray(observations, np.float32)
            if obs.ndim != 2 or obs.shape[1] != self.obs_dim:
                raise InputError(f"observations of shape {obs.shape}; this model takes (n, {self.obs_dim})")
            priors, values = cached(obs) if cache > 0 and len(obs) else forward(obs)
            if value == "playouts":
                values = env_steps.sudoku_playouts(obs, rng)
            return priors, values

        return evaluate
