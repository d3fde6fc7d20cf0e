"""``clew experiment sequential-vs-parallel``: "To Backtrack or Not to Backtrack" in miniature.

For Countdown and for Sudoku, two causal language models are trained from scratch
(:func:`clew.neural.llm.train_lm.train_lm`, no judge examples) on pools of equal token counts:
one on *direct* solutions (``clew generate --backtracks 0``: the straight path to the answer),
one on the search's own *backtracking* traces (the depth-first search as it ran, dead ends and
``<k`` returns included), both in the ``compact`` style. Both are evaluated on the same held-out
puzzles under the same budgets of generated tokens:

* the direct model by parallel sampling: ``N = budget // direct_max`` samples (``direct_max``:
  the longest direct completion, fixed per instance size in :data:`SCALES`), temperature 1, and
  the puzzle counts as solved when the verifier accepts any of the ``N`` (best-of-N with the
  verifier picking). ``n = direct_factor * N_max`` samples are drawn per puzzle and the accuracy
  at each budget is the unbiased pass@N estimate from them
  (:func:`clew.search._compare.pass_at_k`);
* the backtracking model by one sequential trace: ``seq_samples`` traces sampled at
  temperature 1 up to the largest budget, each cut at every budget; a trace solves the puzzle at
  budget ``B`` when its first ``B`` generated tokens, replayed by :func:`clew.traces.validate`,
  reach the answer. The accuracy at ``B`` is the mean over the traces (pass@1); pass@k over the
  ``seq_samples`` traces is reported too.

Tokens are the models' tokens: ``train-lm``'s tokenizer has one token per character of a trace,
so a record costs ``len(trace) + 2`` (``<bos>``, ``<eos>``). Both models of a task see their
pool for the same number of epochs with the same batch size, so they train on the same number of
tokens; their step counts differ (a backtracking trace is longer than a direct one) and are
printed. The paper's RL stage is not included.

Every size, budget and threshold is in :data:`SCALES` and :func:`verdict`, fixed before any run.
The run is resumable: datasets, pools, models and evaluations live under ``DIR/work`` and a
rerun with the same arguments skips what is finished. ``DIR/results.json`` holds the settings and
every sample's outcome (no timings), byte-identical across reruns with the same seed and thread
count on the CPU; ``DIR/report.md`` and ``DIR/*.png`` are computed from it alone
(:func:`figures`).
"""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from clew import InputError, traces
from clew._io import sha256
from clew.score import score
from clew.search._compare import pass_at_k

NAME = "sequential-vs-parallel"
KINDS = ("direct", "backtracking")
LABELS = {"direct": "direct, best-of-N (parallel)", "backtracking": "backtracking, one trace (sequential)"}


@dataclass(frozen=True)
class Part:
    """One instance family a task trains and evaluates on (Sudoku mixes two sizes)."""

    name: str
    options: dict[str, Any]  # clew generate's task options (and strategy)
    n: int  # records generated for each of the two datasets
    direct_max: int  # the longest direct completion in tokens, <eos> included
    share: float  # this part's share of the task's training tokens
    eval_puzzles: int


@dataclass(frozen=True)
class TaskSpec:
    task: str
    parts: tuple[Part, ...]
    train_tokens: int  # each pool holds at least this many tokens
    budgets: tuple[int, ...]  # generated tokens per puzzle


@dataclass(frozen=True)
class Scale:
    name: str
    size: str  # train-lm model size
    context: int
    batch_size: int
    epochs: int
    lr: float
    seeds: int  # models trained per task and kind: seeds S, S+1, ...
    seq_samples: int  # backtracking traces drawn per puzzle
    direct_factor: int  # direct samples per puzzle = direct_factor * N at the largest budget
    gen_batch: int  # rows per model.generate call
    device: str
    tasks: tuple[TaskSpec, ...]
    splits: tuple[float, float, float] = (0.8, 0.05, 0.15)
    validation: int = 16  # validation traces per part (train-lm's val_loss)

    def describe(self) -> dict[str, Any]:
        return asdict(self)


def _countdown(numbers: str, n: int, tokens: int, budgets: tuple[int, ...], puzzles: int,
               values: str = "1-30", targets: str = "10-60", direct_max: int = 56) -> TaskSpec:
    opts = {"numbers": numbers, "values": values, "targets": targets}
    return TaskSpec("countdown", (Part(f"countdown-{numbers}", opts, n, direct_max, 1.0, puzzles),), tokens, budgets)


def _sudoku_part(size: int, n: int, share: float, puzzles: int, empty: str | None = None) -> Part:
    opts: dict[str, Any] = {"size": size, "strategy": "none"}
    if empty:
        opts["empty"] = empty
    # A straight path guesses at most every cell: "?rc=d\n" is 6 tokens, the last line adds " !", then <eos>.
    return Part(f"sudoku-{size}x{size}", opts, n, size * size * 6 + 3 + 1, share, puzzles)


#: The sizes of each scale, fixed before any run (printed in the report).
SCALES: dict[str, Scale] = {
    "smoke": Scale(
        "smoke", "tiny", 512, 16, 2, 3e-3, 1, 2, 1, 64, "cpu",
        (_countdown("3", 300, 4_000, (56, 112, 224), 8),
         TaskSpec("sudoku", (_sudoku_part(4, 300, 1.0, 8, "8-12"),), 4_000, (100, 200, 400))),
    ),
    "cpu": Scale(
        "cpu", "tiny", 1024, 16, 2, 3e-3, 3, 4, 2, 64, "cpu",
        (_countdown("3-4", 1600, 30_000, (56, 112, 224, 448), 32),
         TaskSpec("sudoku", (_sudoku_part(4, 500, 0.5, 16, "8-12"), _sudoku_part(6, 400, 0.5, 16)),
                  30_000, (220, 440, 880))),
    ),
    "gpu": Scale(
        "gpu", "small", 4096, 64, 4, 1e-3, 3, 8, 2, 256, "cuda",
        (_countdown("4", 60_000, 2_000_000, (64, 128, 256, 512, 1024, 2048, 4000), 200,
                    values="1-99", targets="10-100", direct_max=64),
         TaskSpec("sudoku", (_sudoku_part(6, 10_000, 0.5, 100), _sudoku_part(9, 6_000, 0.5, 100, "50-56")),
                  2_000_000, (490, 980, 1960, 3920))),
    ),
    # the tests' own size (not a CLI choice): seconds on the CPU
    "test": Scale(
        "test", "tiny", 256, 8, 1, 3e-3, 1, 2, 1, 32, "cpu",
        (_countdown("3", 120, 600, (56, 112), 3),
         TaskSpec("sudoku", (_sudoku_part(4, 120, 1.0, 3, "8-12"),), 600, (100, 200))),
    ),
}
CLI_SCALES = ("smoke", "cpu", "gpu")


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------


def _write_json(path: Path, value: Any, indent: int | None = 1) -> None:
    """Atomically (a temporary name, then os.replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(value, indent=indent, sort_keys=True, allow_nan=False) + "\n")
    os.replace(tmp, path)


def _prompt(record: dict[str, Any]) -> str:
    return record["trace"][: record["trace"].find("\n") + 1]


def _key(task: str, record: dict[str, Any]) -> str:
    if task == "countdown":
        return f"{record['target']}:" + " ".join(str(v) for v in sorted(record["numbers"]))
    return str(record["puzzle"])


def record_tokens(record: dict[str, Any]) -> int:
    """A record's training tokens: one per character of its trace, plus ``<bos>`` and ``<eos>``."""
    return len(record["trace"]) + 2


def _rows(root: Path, split: str) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    rows: list[dict[str, Any]] = []
    for f in sorted((root / split).glob("*.parquet")):
        rows += pq.read_table(f).to_pylist()
    return rows


def _seed_of(*parts: int) -> int:
    return int(np.random.SeedSequence([int(p) for p in parts]).generate_state(1)[0])


# ---------------------------------------------------------------------------
# answers and the verifier
# ---------------------------------------------------------------------------


def countdown_answer(record: dict[str, Any], completion: str) -> str:
    """The expression a compact Countdown completion's final path spells (its steps composed,
    ``<k`` returns applied) when its last step declares the answer (ends with `` =``); ``""``
    otherwise or where a step names a number the path does not hold."""
    path: list[str] = []
    for line in completion.splitlines():
        if line.startswith("<"):
            try:
                del path[int(line[1:]):]
            except ValueError:
                return ""
        elif line.strip():
            path.append(line)
    if not path or not path[-1].rstrip().endswith(" ="):
        return ""
    pool = [(int(v), str(int(v))) for v in record["numbers"]]
    for line in path:
        head = line.partition(":")[0].split()
        step = head[0] if head else ""
        left, _, _ = step.partition("=")
        for op in "+-*/":
            a, sep, b = left.partition(op)
            if sep and a.isdigit() and b.isdigit():
                break
        else:
            return ""
        picked = []
        for v in (int(a), int(b)):
            at = next((i for i, (value, _) in enumerate(pool) if value == v), None)
            if at is None:
                return ""
            picked.append(pool.pop(at)[1])
        pool.append((-1, f"({picked[0]}{op}{picked[1]})"))
        try:
            pool[-1] = (int(step.partition("=")[2]), pool[-1][1])
        except ValueError:
            return ""
    return pool[0][1] if len(pool) == 1 else ""


_SYMBOLS = "123456789ABCDEFGHIJKLMNOP"


def sudoku_answer(record: dict[str, Any], completion: str) -> str:
    """The grid a compact Sudoku completion's final path leaves (its nodes' ``rc=d`` steps
    written into the puzzle, ``<k`` returns applied, blanks as ``.``) when its last line declares
    it solved (ends with `` !``); ``""`` otherwise."""
    puzzle = record["puzzle"].strip()
    n = math.isqrt(len(puzzle))
    path: list[tuple[int, str]] = []
    for line in completion.splitlines():
        if line.startswith("<"):
            try:
                keep = int(line[1:])
            except ValueError:
                break
            path = [(d, text) for d, text in path if d <= keep]
        elif line.strip():
            depth = (path[-1][0] if path else 0) + 1 if line.startswith("?") else 0
            path.append((depth, line))
    if not path or not path[-1][1].rstrip().endswith("!"):
        return ""
    grid = list(puzzle.replace("0", "."))
    for _, text in path:
        for token in text.split():
            token = token.lstrip("?")
            if len(token) == 4 and token[2] == "=" and token[0] in _SYMBOLS[:n] and token[1] in _SYMBOLS[:n]:
                grid[_SYMBOLS.index(token[0]) * n + _SYMBOLS.index(token[1])] = token[3]
    return "".join(grid)


def judge(task: str, record: dict[str, Any], pieces: Sequence[str]) -> dict[str, Any]:
    """One sample's outcome: ``pieces`` are its generated tokens' texts (``<eos>`` as ``None``,
    ending the sample). ``tokens``: generated tokens, ``<eos>`` included; ``solved_at``: the
    fewest generated tokens (a line's end) whose text :func:`clew.traces.validate` replays as
    legal and solved, or None; ``score``: :func:`clew.score` of the answer that text spells
    (of the whole completion when unsolved); ``legal``: the steps of the longest prefix (at a
    line's end) the verifier replays as legal, which says how far an unsolved sample got."""
    prompt = _prompt_of(record, task)
    text = ""
    tokens = 0
    ends: list[tuple[int, str]] = []
    for piece in pieces:
        tokens += 1
        if piece is None:
            break
        text += piece
        if piece == "\n":
            ends.append((tokens, text))
    if not ends or ends[-1][1] != text:
        ends.append((tokens, text))
    solved_at = None
    answer_text = text
    legal = 0
    for at, prefix in ends:
        if task == "countdown":
            verdict = traces.validate(prompt + prefix, record["numbers"], record["target"], style="compact")
        else:
            verdict = traces.validate(prompt + prefix, task="sudoku", puzzle=record["puzzle"], style="compact")
        if not verdict.valid:
            break
        legal = verdict.steps
        if verdict.solved:
            solved_at, answer_text = at, prefix
            break
    if task == "countdown":
        value = score("countdown", countdown_answer(record, answer_text), record)
    else:
        value = score("sudoku", sudoku_answer(record, answer_text), record)
    return {"tokens": tokens, "solved_at": solved_at, "score": value, "legal": legal}


# ---------------------------------------------------------------------------
# data: the two datasets of each part, the equal-token pools, the held-out puzzles
# ---------------------------------------------------------------------------


def _generate(root: Path, spec: TaskSpec, part: Part, kind: str, scale: Scale, seed: int, workers: int) -> Path:
    from clew.datasets import generate

    out = root / "data" / f"{part.name}-{kind}"
    opts = dict(part.options)
    strategy = opts.pop("strategy", None)
    generate(spec.task, part.n, out, style="compact", strategy=strategy, backtracks=0 if kind == "direct" else None,
             solved_only=True, seed=seed, splits=scale.splits, workers=workers, progress=False, report=False, **opts)
    return out


def _pool_dir(root: Path, task: str, kind: str) -> Path:
    return root / "pools" / f"{task}-{kind}"


def build_data(root: Path, scale: Scale, seed: int, workers: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Generate every dataset, write each task's two pools as ``train-lm`` datasets and pick the
    held-out puzzles. Returns the data section of ``results.json``."""
    section: dict[str, Any] = {}
    for spec in scale.tasks:
        chosen: dict[str, list[dict[str, Any]]] = {}
        info: dict[str, Any] = {"pools": {}, "eval": []}
        validation: dict[str, list[dict[str, Any]]] = {}
        tests: dict[str, list[dict[str, Any]]] = {}
        for kind in KINDS:
            chosen[kind], validation[kind] = [], []
            stats: dict[str, Any] = {"parts": {}}
            for part in spec.parts:
                src = _generate(root, spec, part, kind, scale, seed, workers)
                train = _rows(src, "train")
                if kind == "direct":
                    tests[part.name] = _rows(src, "test")
                fits = [r for r in train if record_tokens(r) <= scale.context
                        and (kind != "direct" or record_tokens(r) - len(_prompt(r)) - 1 <= part.direct_max)]
                want = math.ceil(part.share * spec.train_tokens)
                taken, total = [], 0
                for r in fits:
                    if total >= want:
                        break
                    taken.append(r)
                    total += record_tokens(r)
                if total < want:
                    raise InputError(f"{part.name} {kind}: {total} training tokens of {want} wanted; "
                                     f"raise its n in SCALES[{scale.name!r}]")
                backtracks: dict[str, int] = {}
                for r in taken:
                    backtracks[str(r["backtracks"])] = backtracks.get(str(r["backtracks"]), 0) + 1
                stats["parts"][part.name] = {
                    "generated_train": len(train), "too_long": len(train) - len(fits), "records": len(taken),
                    "tokens": total, "backtracks": dict(sorted(backtracks.items(), key=lambda kv: int(kv[0]))),
                }
                chosen[kind] += taken
                validation[kind] += [r for r in _rows(src, "validation") if record_tokens(r) <= scale.context][
                    : scale.validation]
            stats["records"] = len(chosen[kind])
            stats["tokens"] = sum(record_tokens(r) for r in chosen[kind])
            info["pools"][kind] = stats
            _write_pool(_pool_dir(root, spec.task, kind), spec.task, chosen[kind], validation[kind])
        seen = {_key(spec.task, r) for kind in KINDS for r in chosen[kind]}
        for part in spec.parts:
            held = [r for r in tests[part.name] if _key(spec.task, r) not in seen][: part.eval_puzzles]
            if len(held) < part.eval_puzzles:
                raise InputError(f"{part.name}: {len(held)} held-out puzzles of {part.eval_puzzles}; raise its n")
            info["eval"] += [{"part": part.name, **{k: r[k] for k in ("numbers", "target", "puzzle") if k in r}}
                             for r in held]
        section[spec.task] = info
        log(f"{spec.task}: pools of {info['pools']['direct']['tokens']:,} (direct, "
            f"{info['pools']['direct']['records']:,} records) and {info['pools']['backtracking']['tokens']:,} tokens "
            f"(backtracking, {info['pools']['backtracking']['records']:,} records); {len(info['eval'])} held-out puzzles")
    return section


def _write_pool(out: Path, task: str, train: list[dict[str, Any]], validation: list[dict[str, Any]]) -> None:
    """A ``train-lm`` dataset: manifest.json and train/validation JSON Lines shards."""
    shards = []
    for split, rows in (("train", train), ("validation", validation)):
        path = out / split / f"{split}-00000.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        keep = [{k: r[k] for k in ("numbers", "target", "puzzle", "trace", "backtracks") if k in r} for r in rows]
        text = "".join(json.dumps(r, sort_keys=True) + "\n" for r in keep)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        shards.append({"split": split, "path": str(path.relative_to(out)), "sha256": sha256(path),
                       "records": len(rows)})
    _write_json(out / "manifest.json", {"config": {"task": task, "style": "compact"}, "shards": shards})


# ---------------------------------------------------------------------------
# models and their evaluation
# ---------------------------------------------------------------------------


def _train(root: Path, scale: Scale, task: str, kind: str, seed: int, records: int,
           log: Callable[[str], None]) -> dict[str, Any]:
    from clew.neural.llm.train_lm import LMSettings, train_lm

    steps = max(1, math.ceil(scale.epochs * records / scale.batch_size))
    settings = LMSettings(size=scale.size, steps=steps, context=scale.context, batch_size=scale.batch_size,
                          lr=scale.lr, seed=seed, judge=False)
    out = root / "models" / f"{task}-{kind}-seed{seed}"
    summary = train_lm(_pool_dir(root, task, kind), out, settings, device=scale.device, eval_every=steps,
                       save_every=max(1, steps // 4), eval_examples=scale.validation * 2, progress=False)
    log(f"  {task} {kind} seed {seed}: {steps} steps, val_loss {summary.get('val_loss_start', 0):.3f} -> "
        f"{summary.get('val_loss', 0):.3f}")
    return {"model": str(out), "steps": steps, "epochs": scale.epochs, "batch_size": scale.batch_size,
            "train_examples": summary["train_examples"], "parameters": summary["parameters"],
            "val_loss_start": summary.get("val_loss_start"), "val_loss": summary.get("val_loss"),
            "train_loss": summary.get("train_loss")}


def _samples_per_puzzle(scale: Scale, spec: TaskSpec, part: Part, kind: str) -> tuple[int, int]:
    """(samples drawn, max new tokens each) for one puzzle of ``part``."""
    if kind == "direct":
        return scale.direct_factor * max(1, spec.budgets[-1] // part.direct_max), part.direct_max
    return scale.seq_samples, spec.budgets[-1]


def _evaluate(model_dir: Path, scale: Scale, spec: TaskSpec, kind: str, seed: int,
              puzzles: list[dict[str, Any]]) -> list[list[list[Any]]]:
    """Every sample's ``[tokens, solved_at, score, legal]`` (:func:`judge`), per puzzle, in puzzle order."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    parts = {p.name: p for p in spec.parts}
    from clew.neural.devices import resolve_device

    dev = resolve_device(scale.device)
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir).to(dev).eval()
    vocab = tok.convert_ids_to_tokens(list(range(len(tok))))
    specials = {tok.pad_token_id, tok.bos_token_id, tok.unk_token_id}
    text_of: list[str | None] = [None if i == tok.eos_token_id else ("\ufffd" if i in specials else t)
                                 for i, t in enumerate(vocab)]
    rows: list[tuple[int, int, int]] = []  # (puzzle, sample, max_new_tokens)
    for p, entry in enumerate(puzzles):
        count, limit = _samples_per_puzzle(scale, spec, parts[entry["part"]], kind)
        rows += [(p, s, limit) for s in range(count)]
    by_limit: dict[int, list[tuple[int, int, int]]] = {}
    for row in rows:
        by_limit.setdefault(row[2], []).append(row)
    out: list[list[list[Any]]] = [[] for _ in puzzles]
    results: dict[tuple[int, int], list[Any]] = {}
    chunk_id = 0
    for limit in sorted(by_limit):
        group = by_limit[limit]
        for k in range(0, len(group), scale.gen_batch):
            chunk = group[k : k + scale.gen_batch]
            prompts = [_prompt_of(puzzles[p], spec.task) for p, _, _ in chunk]
            enc = tok(prompts, return_tensors="pt", padding=True).to(dev)
            torch.manual_seed(_seed_of(seed, KINDS.index(kind), chunk_id))
            chunk_id += 1
            with torch.no_grad():
                gen = model.generate(**enc, max_new_tokens=limit, do_sample=True, temperature=1.0, top_k=0,
                                     top_p=1.0, pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id)
            for (p, s, _), ids in zip(chunk, gen[:, enc["input_ids"].shape[1]:].tolist()):
                pieces = [text_of[i] for i in ids]
                if None in pieces:
                    pieces = pieces[: pieces.index(None) + 1]
                o = judge(spec.task, puzzles[p], pieces)
                results[(p, s)] = [o["tokens"], o["solved_at"], o["score"], o["legal"]]
    for (p, s) in sorted(results):
        out[p].append(results[(p, s)])
    return out


def _prompt_of(entry: dict[str, Any], task: str) -> str:
    """The prompt line generation starts from (train-lm's: the first line of a compact trace)."""
    from clew.neural.llm.formats import countdown_prompt, sudoku_prompt  # clew.neural imports torch

    return countdown_prompt(entry["numbers"], entry["target"]) if task == "countdown" else sudoku_prompt(entry["puzzle"])


# ---------------------------------------------------------------------------
# figures, verdict, report
# ---------------------------------------------------------------------------


def accuracy(samples: Sequence[Sequence[Any]], kind: str, budget: int, direct_max: int) -> float:
    """One puzzle's accuracy at ``budget``: direct, pass@N (``N = budget // direct_max``) over its
    samples (solved: the verifier accepted it within ``direct_max`` tokens); backtracking, the share
    of its traces solved within ``budget`` tokens."""
    n = len(samples)
    if kind == "direct":
        k = budget // direct_max
        c = sum(1 for s in samples if s[1] is not None)
        return pass_at_k(n, c, min(k, n)) if k >= 1 else 0.0
    return sum(1 for s in samples if s[1] is not None and s[1] <= budget) / n


def _mean_sd(values: Sequence[float]) -> tuple[float, float]:
    return (statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0)


def figures(results: dict[str, Any]) -> dict[str, Any]:
    """Every number of the report, from ``results.json`` alone: per task, kind and budget the
    accuracy of each seed; per task and kind pass@k at the largest budget; the mean accuracy
    over the budgets (the verdict's measure)."""
    scale = results["scale"]
    out: dict[str, Any] = {}
    for spec in scale["tasks"]:
        task = spec["task"]
        dmax = {p["name"]: p["direct_max"] for p in spec["parts"]}
        entries = results["data"][task]["eval"]
        fig: dict[str, Any] = {"budgets": spec["budgets"], "accuracy": {}, "pass_at_k": {}, "area": {}, "parts": {}}
        for kind in KINDS:
            runs = results["runs"][task][kind]
            per_seed = {}
            for seed, run in runs.items():
                per_seed[seed] = [statistics.fmean(accuracy(s, kind, b, dmax[e["part"]])
                                                   for s, e in zip(run["samples"], entries))
                                  for b in spec["budgets"]]
            fig["accuracy"][kind] = per_seed
            fig["area"][kind] = {seed: statistics.fmean(v) for seed, v in per_seed.items()}
            fig["parts"][kind] = {
                part: {seed: statistics.fmean(accuracy(s, kind, spec["budgets"][-1], dmax[part])
                                              for s, e in zip(run["samples"], entries) if e["part"] == part)
                       for seed, run in runs.items()}
                for part in dmax
            }
            flat = {seed: [x for s in run["samples"] for x in s] for seed, run in runs.items()}
            fig.setdefault("progress", {})[kind] = {
                "legal_steps": {seed: statistics.fmean(x[3] for x in xs) for seed, xs in flat.items()},
                "some_legal": {seed: statistics.fmean(x[3] > 0 for x in xs) for seed, xs in flat.items()},
                "tokens": {seed: statistics.fmean(x[0] for x in xs) for seed, xs in flat.items()},
            }
            n = min(len(s) for run in runs.values() for s in run["samples"])
            ks = sorted({1, n} | ({2, 4} & set(range(1, n + 1))))
            fig["pass_at_k"][kind] = {
                str(k): {seed: statistics.fmean(pass_at_k(len(s), sum(1 for x in s if x[1] is not None), k)
                                                for s in run["samples"]) for seed, run in runs.items()}
                for k in ks
            }
        out[task] = fig
    return out


#: The verdict's rule, fixed before any run: per task, each seed's mean accuracy over the budget
#: list; a kind wins a task when its mean over seeds exceeds the other's by more than the larger of
#: the two standard deviations over seeds. The paper is reproduced when direct wins Countdown and
#: backtracking wins Sudoku.
def verdict(figs: dict[str, Any]) -> dict[str, Any]:
    winners: dict[str, str] = {}
    for task, fig in figs.items():
        (md, sd), (mb, sb) = (_mean_sd(list(fig["area"][k].values())) for k in KINDS)
        margin = max(sd, sb)
        winners[task] = "direct" if md - mb > margin else "backtracking" if mb - md > margin else "neither"
    reproduced = winners.get("countdown") == "direct" and winners.get("sudoku") == "backtracking"
    return {"winners": winners, "reproduced": reproduced}


def _pm(values: Sequence[float]) -> str:
    m, s = _mean_sd(values)
    return f"{m:.3f} ± {s:.3f}" if len(values) > 1 else f"{m:.3f}"


def verdict_sentence(figs: dict[str, Any], seeds: int) -> str:
    v = verdict(figs)
    bits = []
    for task, fig in figs.items():
        d, b = (_pm(list(fig["area"][k].values())) for k in KINDS)
        w = v["winners"][task]
        bits.append(f"on {task} direct/best-of-N {d} vs backtracking {b} mean accuracy over the budgets "
                    f"({'no clear winner' if w == 'neither' else w + ' ahead'})")
    head = "Reproduced at this scale" if v["reproduced"] else "Not reproduced at this scale"
    if all(a == 0 for fig in figs.values() for per in fig["area"].values() for a in per.values()):
        head += ", no model solved any held-out puzzle"
    spread = f"mean ± sd over {seeds} seeds" if seeds > 1 else "one seed, no spread"
    return f"{head} ({spread}): " + "; ".join(bits) + "."


def plot(results: dict[str, Any], figs: dict[str, Any], out: Path) -> list[Path]:
    """One PNG per task: accuracy against the token budget, both models (mean over seeds with the
    sd as error bars, each seed faint)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    colors = {"direct": "tab:blue", "backtracking": "tab:red"}
    styles = {"direct": ("o", "-"), "backtracking": ("s", "--")}  # told apart where the lines overlap
    for task, fig in figs.items():
        budgets = fig["budgets"]
        f, ax = plt.subplots(figsize=(5.5, 3.8), dpi=110)
        for kind in KINDS:
            seeds = fig["accuracy"][kind]
            for vals in seeds.values():
                ax.plot(budgets, vals, color=colors[kind], alpha=0.25, linewidth=0.8)
            mean = [statistics.fmean(v[i] for v in seeds.values()) for i in range(len(budgets))]
            sd = [statistics.stdev([v[i] for v in seeds.values()]) if len(seeds) > 1 else 0.0
                  for i in range(len(budgets))]
            ax.errorbar(budgets, mean, yerr=sd, color=colors[kind], marker=styles[kind][0], linestyle=styles[kind][1],
                        markerfacecolor="none" if kind == "backtracking" else colors[kind], markersize=7, capsize=3,
                        label=LABELS[kind])
        ax.set_xscale("log", base=2)
        ax.set_xticks(budgets)
        ax.set_xticklabels([str(b) for b in budgets])
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("generated tokens per puzzle (budget)")
        ax.set_ylabel("accuracy (held-out puzzles)")
        ax.set_title(f"{task}: {results['scale']['name']} scale, {len(next(iter(fig['accuracy'].values())))} seed(s)")
        ax.legend(fontsize=8, loc="upper left")
        ax.grid(alpha=0.3)
        f.tight_layout()
        path = out / f"accuracy-{task}.png"
        f.savefig(path)
        plt.close(f)
        paths.append(path)
    return paths


def report(results: dict[str, Any], timings: dict[str, float] | None = None) -> str:
    """``report.md``'s text, every figure from :func:`figures` of ``results``."""
    figs = figures(results)
    scale = results["scale"]
    seeds = results["seeds"]
    lines = [
        "# To Backtrack or Not to Backtrack, in miniature",
        "",
        f"**Verdict.** {verdict_sentence(figs, len(seeds))}",
        "",
        "## What was run",
        "",
        "```console",
        f"$ {results['command']}",
        "```",
        "",
        f"Scale `{scale['name']}`; seeds {', '.join(map(str, seeds))} (data seed {results['seed']}); "
        f"torch threads {results['threads']}; device {scale['device']}; clew {results['clew']}. "
        "The paper's RL stage is **not included**.",
        "",
        "For each task two Llama-style models (`train-lm` size "
        f"`{scale['size']}`, context {scale['context']}, no judge examples) are trained from scratch on token "
        "pools of (nearly) equal size: *direct* = `clew generate --style compact --backtracks 0` (the straight "
        "path to the answer), *backtracking* = the depth-first search's own compact trace (dead ends and `<k` "
        "returns included). Tokens are the models' tokens: one per character of a trace plus `<bos>`/`<eos>`. "
        f"Both see their pool for {scale['epochs']} epochs at batch size {scale['batch_size']} "
        f"(lr {scale['lr']}), so they train on the same number of tokens; their step counts differ.",
        "",
        "Evaluation, on the same held-out puzzles (test split, none in either pool) and the same budgets of "
        "generated tokens per puzzle: the direct model draws `N = budget // direct_max` samples at temperature 1 "
        "(best-of-N, the verifier `clew.traces.validate` picking); its accuracy is the unbiased pass@N estimate "
        f"from {scale['direct_factor']}× N(largest budget) samples a puzzle. The backtracking model samples "
        f"{scale['seq_samples']} traces a puzzle at temperature 1 up to the largest budget; a trace solves the "
        "puzzle at budget B when its first B tokens replay as legal and solved; its accuracy is the mean over "
        "the traces (pass@1). Verdict rule (fixed in the code before any run): per task, each seed's accuracy "
        "averaged over the budgets; a model wins when its mean over seeds beats the other's by more than the "
        "larger sd over seeds; reproduced = direct wins Countdown and backtracking wins Sudoku.",
        "",
        "## Sizes",
        "",
        "| task | part | generate options | direct_max | training tokens (share) | held-out puzzles | budgets |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for spec in scale["tasks"]:
        for part in spec["parts"]:
            opts = " ".join(f"--{k} {v}" for k, v in part["options"].items())
            lines.append(f"| {spec['task']} | {part['name']} | `{opts}` | {part['direct_max']} | "
                         f"{spec['train_tokens']:,} ({part['share']:g}) | {part['eval_puzzles']} | "
                         f"{', '.join(map(str, spec['budgets']))} |")
    lines += ["", "## Data and training", "",
              "| task | model | records | tokens | backtracks: records (the first 8) | steps | val loss start → end (per seed) |",
              "|---|---|---:|---:|---|---:|---|"]
    for spec in scale["tasks"]:
        task = spec["task"]
        for kind in KINDS:
            pool = results["data"][task]["pools"][kind]
            bt: dict[str, int] = {}
            for part in pool["parts"].values():
                for k, v in part["backtracks"].items():
                    bt[k] = bt.get(k, 0) + v
            bts = ", ".join(f"{k}: {v}" for k, v in sorted(bt.items(), key=lambda kv: int(kv[0]))[:8])
            runs = results["runs"][task][kind]
            steps = sorted({r["training"]["steps"] for r in runs.values()})
            losses = "; ".join(f"{r['training']['val_loss_start']:.2f} → {r['training']['val_loss']:.2f}"
                               for r in runs.values())
            lines.append(f"| {task} | {kind} | {pool['records']:,} | {pool['tokens']:,} | {bts} | "
                         f"{', '.join(map(str, steps))} | {losses} |")
    lines += ["", "## Accuracy against the budget", "",
              "Mean ± sd over seeds (one seed: the value). Direct: best-of-N; backtracking: one trace.", "",
              "| task | budget (tokens) | N (direct samples) | direct | backtracking |", "|---|---:|---|---:|---:|"]
    for spec in scale["tasks"]:
        task = spec["task"]
        fig = figs[task]
        for i, b in enumerate(spec["budgets"]):
            ns = "/".join(str(b // p["direct_max"]) for p in spec["parts"])
            cells = [_pm([v[i] for v in fig["accuracy"][k].values()]) for k in KINDS]
            lines.append(f"| {task} | {b} | {ns} | {cells[0]} | {cells[1]} |")
    lines += ["", "Per part at the largest budget:", "", "| task | part | direct | backtracking |", "|---|---|---:|---:|"]
    for spec in scale["tasks"]:
        for part in spec["parts"]:
            cells = [_pm(list(figs[spec["task"]]["parts"][k][part["name"]].values())) for k in KINDS]
            lines.append(f"| {spec['task']} | {part['name']} | {cells[0]} | {cells[1]} |")
    lines += ["", "## pass@k", "",
              "Unbiased estimator over each puzzle's samples: direct samples are each one short attempt "
              "(`direct_max` tokens), backtracking samples are each one trace of the largest budget (pass@k "
              "with k traces spends k times that budget).", "",
              "| task | model | k | pass@k |", "|---|---|---:|---:|"]
    for spec in scale["tasks"]:
        for kind in KINDS:
            for k, per in figs[spec["task"]]["pass_at_k"][kind].items():
                lines.append(f"| {spec['task']} | {kind} | {k} | {_pm(list(per.values()))} |")
    lines += ["", "## How far the samples get", "",
              "Per sample, mean over seeds: the legal steps the verifier replays before the first illegal line "
              "(or the answer), the share of samples with at least one legal step, and the generated tokens.", "",
              "| task | model | legal steps | samples with a legal step | tokens |", "|---|---|---:|---:|---:|"]
    for spec in scale["tasks"]:
        for kind in KINDS:
            prog = figs[spec["task"]]["progress"][kind]
            lines.append(f"| {spec['task']} | {kind} | {_pm(list(prog['legal_steps'].values()))} | "
                         f"{_pm(list(prog['some_legal'].values()))} | {_pm(list(prog['tokens'].values()))} |")
    agree = total = 0
    for task in results["runs"]:
        for kind in KINDS:
            for run in results["runs"][task][kind].values():
                for samples in run["samples"]:
                    for s in samples:
                        total += 1
                        agree += int((s[1] is not None) == (s[2] == 1.0))
    lines += ["", f"`clew.score` of each sample's answer agrees with the trace verifier on {agree:,} of "
              f"{total:,} samples.", "", "## Plots", ""]
    for spec in scale["tasks"]:
        lines.append(f"![accuracy vs budget, {spec['task']}](accuracy-{spec['task']}.png)")
        lines.append("")
    if timings:
        lines += ["## Time (not in results.json)", "",
                  ", ".join(f"{k} {timings[k]:.0f} s" for k in ("data", "training", "evaluation", "total")
                            if k in timings) + ".", ""]
    lines += ["`results.json` holds these settings and every sample's `[tokens, solved_at, score, legal]` "
              "(generated tokens with `<eos>`; the fewest tokens at which the verifier accepts it, or null; "
              "`clew.score` of its answer; its legal steps); every number above is recomputed from it by "
              "`clew.experiments.sequential_vs_parallel.figures`.", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# the run
# ---------------------------------------------------------------------------


def run(scale: str | Scale, out: str | os.PathLike[str], *, seed: int = 0, threads: int = 1,
        command: str | None = None, log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run (or resume) the experiment into ``out``; returns ``results.json``'s content."""
    import torch

    import clew

    say = log or (lambda line: None)
    cfg = scale if isinstance(scale, Scale) else SCALES.get(scale)  # type: ignore[arg-type]
    if cfg is None:
        raise InputError(f"--scale must be one of {', '.join(CLI_SCALES)}, got {scale!r}")
    if threads < 1:
        raise InputError(f"--threads must be at least 1, got {threads}")
    if cfg.device.startswith("cuda") and not torch.cuda.is_available():
        raise InputError(f"the {cfg.name} scale runs on CUDA and no CUDA device is visible; use --scale cpu")
    torch.set_num_threads(threads)
    root = Path(out)
    work = root / "work"
    work.mkdir(parents=True, exist_ok=True)
    settings = json.loads(json.dumps({"scale": cfg.describe(), "seed": seed, "threads": threads}))
    stamp = work / "settings.json"
    if stamp.exists() and json.loads(stamp.read_text()) != settings:
        raise InputError(f"{root} holds a run with other settings ({stamp}); choose another --out or delete it")
    _write_json(stamp, settings)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    data = build_data(work, cfg, seed, threads, say)
    timings["data"] = time.perf_counter() - t0
    seeds = [seed + i for i in range(cfg.seeds)]
    runs: dict[str, Any] = {}
    t_train = t_eval = 0.0
    for spec in cfg.tasks:
        runs[spec.task] = {kind: {} for kind in KINDS}
        for s in seeds:
            for kind in KINDS:
                t = time.perf_counter()
                training = _train(work, cfg, spec.task, kind, s, data[spec.task]["pools"][kind]["records"], say)
                t_train += time.perf_counter() - t
                t = time.perf_counter()
                done = work / "evals" / f"{spec.task}-{kind}-seed{s}.json"
                if done.exists():
                    samples = json.loads(done.read_text())
                else:
                    samples = _evaluate(Path(training["model"]), cfg, spec, kind, s, data[spec.task]["eval"])
                    _write_json(done, samples, indent=None)
                t_eval += time.perf_counter() - t
                training.pop("model")
                runs[spec.task][kind][str(s)] = {"training": training, "samples": samples}
    timings["training"], timings["evaluation"] = t_train, t_eval
    results = {
        "experiment": NAME, "clew": clew.__version__, "command": command or f"clew experiment {NAME} "
        f"--scale {cfg.name} --out {root} --seed {seed}", "scale": cfg.describe(), "seed": seed, "seeds": seeds,
        "threads": threads, "rl_stage": False, "data": data, "runs": runs,
    }
    _write_json(root / "results.json", results)
    results = json.loads((root / "results.json").read_text())  # the report reads what the file holds
    t = time.perf_counter()
    plot(results, figures(results), root)
    timings["total"] = time.perf_counter() - t0 + (time.perf_counter() - t)
    (root / "report.md").write_text(report(results, timings))
    _write_json(work / "timings.json", timings)
    say(verdict_sentence(figures(results), len(seeds)))
    return results


__all__ = ["SCALES", "CLI_SCALES", "Scale", "TaskSpec", "Part", "run", "figures", "verdict", "verdict_sentence",
           "accuracy", "judge", "countdown_answer", "sudoku_answer", "report", "plot", "record_tokens"]
