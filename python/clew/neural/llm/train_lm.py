"""``clew neural train-lm``: a small causal language model trained from scratch on clew's traces.

What a run makes, in ``MODEL_DIR``:

* at the top level, a Hugging Face model directory (``config.json``, ``model.safetensors``,
  ``generation_config.json``, ``tokenizer.json``, ``tokenizer_config.json``), so
  ``AutoModelForCausalLM.from_pretrained(MODEL_DIR)``, ``AutoTokenizer.from_pretrained(MODEL_DIR)``
  and ``transformers serve MODEL_DIR`` load it offline; rewritten at every checkpoint;
* ``checkpoints/``: the resume state in clew's checkpoint format (:mod:`clew.neural.checkpoint`:
  safetensors weights and AdamW state, JSON step, history, torch RNG state, sha256 of each file;
  written under a temporary name and renamed whole). Rerunning the same command resumes from it
  and ends with the same weights as a run never stopped: batches are a pure function of
  ``(seed, epoch)`` and the learning rate a pure function of the step.

The model is a Llama-style decoder (``LlamaConfig``: rotary positions, RMSNorm, SwiGLU; what
Qwen2 is, less the attention biases) rather than GPT-2: rotary positions cost no parameters
(GPT-2's learned table would be a real share of a 1M-parameter model at ``--context 1024``) and
a step's text means the same wherever it stands in a trace. Not ``Qwen2Config`` itself:
transformers 5's ``AutoTokenizer`` forces its byte-level ``Qwen2Tokenizer`` on any ``qwen2``
directory, which would replace this character tokenizer; for ``llama`` it honours the
tokenizer the directory ships.

The tokenizer (``tokenizers``, a WordLevel model) has one token per character seen in the
training text, plus ``<pad> <bos> <eos> <unk>`` and three words that must be single tokens:
:data:`~clew.neural.llm.formats.JUDGE_QUESTION` and the two
:data:`~clew.neural.llm.formats.JUDGE_ANSWERS`. Its post-processor puts ``<bos>`` before every
text it encodes with special tokens (as training saw it); pad on the left, for generation.

Training examples: each trace (``<bos>`` prompt line, the rest of the trace, ``<eos>``) and,
unless ``judge=False``, judge examples (:func:`~clew.neural.llm.formats.judge_text`) for states
on the trace's paths, labelled by clew's exact solvers (:func:`compact_states`). The loss is on
the completion only: the trace after its prompt line, the judge's answer after the question;
the prompt itself (random numbers, a random puzzle) is not predictable and is not trained on.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import torch

from clew import ClewError, InputError, _io, countdown, sudoku
from clew.neural import checkpoint
from clew.neural.devices import resolve_device
from clew.neural.train import optimizer_step
from clew.neural.llm.formats import JUDGE_ANSWERS, JUDGE_QUESTION, countdown_prompt, judge_text, sudoku_prompt

NAME = "clew-lm"
MANIFEST = "manifest.json"  # clew.datasets' manifest (not imported: datasets sits above neural)
CHECKPOINTS = "checkpoints"
SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>")
WORDS = (JUDGE_QUESTION, *JUDGE_ANSWERS)  # single tokens, matched before single characters
IGNORE = -100

#: Model sizes: LlamaConfig fields. tiny ~0.85M parameters, small ~6.8M (with a ~40-token vocabulary).
SIZES: dict[str, dict[str, int]] = {
    "tiny": {"hidden_size": 128, "num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": 4,
             "intermediate_size": 384},
    "small": {"hidden_size": 256, "num_hidden_layers": 8, "num_attention_heads": 8, "num_key_value_heads": 8,
              "intermediate_size": 768},
}


@dataclass(frozen=True)
class LMSettings:
    """Everything that shapes the weights (stored in each checkpoint, checked on resume)."""

    size: str = "tiny"
    steps: int = 1000
    context: int = 1024
    batch_size: int = 32
    lr: float = 3e-3
    weight_decay: float = 0.01
    seed: int = 0
    judge: bool = True
    judge_per_trace: int = 4
    grad_clip: float = 1.0


@dataclass(frozen=True)
class Example:
    """One training sequence: ``prefix`` (not trained on) then ``completion`` (trained on).
    ``label``: the judge's answer (True: yes) for judge examples, None for traces."""

    prefix: str
    completion: str
    label: bool | None = None


# ---------------------------------------------------------------------------
# the dataset
# ---------------------------------------------------------------------------


def read_dataset(data: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """A ``clew generate`` directory's manifest and its train and validation records (dicts)."""
    root = Path(data)
    manifest_path = root / MANIFEST
    if not manifest_path.is_file():
        raise InputError(f"{root} is not a clew generate dataset ({MANIFEST} missing): make one with clew generate")
    try:
        manifest = json.loads(manifest_path.read_text())
        task = manifest["config"]["task"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{manifest_path} is not a clew generate manifest ({exc})") from None
    if task not in ("countdown", "sudoku"):
        raise InputError(f"{root}: train-lm trains on countdown or sudoku traces, not {task!r}")
    splits: dict[str, list[dict[str, Any]]] = {}
    for split in ("train", "validation"):
        files = sorted((root / split).glob("*.parquet")) or sorted((root / split).glob("*.jsonl"))
        rows: list[dict[str, Any]] = []
        for f in files:
            try:
                if f.suffix == ".parquet":
                    rows += pq.read_table(f).to_pylist()
                else:
                    rows += [json.loads(line) for line in f.read_text().splitlines() if line.strip()]
            except (pa.ArrowException, OSError, ValueError) as exc:
                raise InputError(f"{f} is unreadable ({exc})") from None
        if rows and "trace" not in rows[0]:
            raise InputError(f"{root}/{split} has no trace column")
        splits[split] = rows
    if not splits["train"]:
        raise InputError(f"{root} has no training records (train/*.parquet or train/*.jsonl)")
    return manifest, splits


def data_fingerprint(manifest: dict[str, Any]) -> dict[str, Any]:
    """What identifies a dataset: its config and the sha256 of its train and validation shards."""
    shards = sorted(s["sha256"] for s in manifest.get("shards", []) if s.get("split") in ("train", "validation"))
    return {"config": manifest["config"], "shards": shards}


def record_prompt(record: dict[str, Any], task: str) -> str:
    """The prompt line of a record, as generation starts from it: the first line of its compact
    trace (:func:`~clew.neural.llm.formats.countdown_prompt`, :func:`~clew.neural.llm.formats.sudoku_prompt`)."""
    if task == "countdown":
        return countdown_prompt(record["numbers"], record["target"])
    if task == "sudoku":
        return sudoku_prompt(record["puzzle"])
    raise InputError(f"task must be 'countdown' or 'sudoku', got {task!r}")


def _countdown_solvable(left: list[int], target: int) -> bool:
    """Countdown's rules (every number used once): is ``target`` reachable from ``left``?"""
    if len(left) == 1:
        return left[0] == target
    return countdown.solve(left, target) is not None


def _countdown_states(record: dict[str, Any]) -> list[tuple[str, bool]]:
    """Every state a compact Countdown trace visits: (prompt + the path's step lines, solvable).
    A line ``<k`` returns to depth ``k`` (k steps kept); a step line ``a*b=c:rest`` leaves
    ``rest``, a last step ``a*b=c =`` or ``... x`` leaves ``[c]``."""
    target = int(record["target"])
    prompt = countdown_prompt(record["numbers"], target)
    states = [(prompt, _countdown_solvable(list(record["numbers"]), target))]
    path: list[str] = []
    for line in record["trace"][len(prompt):].splitlines():
        if not line:
            continue
        if line.startswith("<"):
            del path[int(line[1:]):]
            continue
        step, sep, rest = line.partition(":")
        if sep:
            left = [int(v) for v in rest.split()]
        else:
            left = [int(step.split()[0].rsplit("=", 1)[1])]
        path.append(line + "\n")
        states.append((prompt + "".join(path), _countdown_solvable(left, target)))
    return states


_SUDOKU_ALPHABET = "123456789ABCDEFGHIJKLMNOP"


def _sudoku_states(record: dict[str, Any], box: Any) -> list[tuple[str, bool]]:
    """Every state a compact Sudoku trace visits, one per step token (``rc=d`` or a guess
    ``?rc=d``), each ended by the character after it in the trace (`` `` or ``\\n``), as StepEnv
    writes them; solvable: the grid after the path's steps still has a solution. A line is one
    node of the search: its guess, then its deductions, then ``x`` (dead) or ``!`` (solved);
    ``<k`` returns to the node at depth ``k`` (the root is depth 0; each guess one deeper)."""
    puzzle = record["puzzle"].strip()
    prompt = sudoku_prompt(puzzle)
    n = math.isqrt(len(puzzle))

    def solvable(grid: list[str]) -> bool:
        try:
            return sudoku.count_solutions("".join(grid), limit=1, box=box) > 0
        except ClewError:
            return False

    states = [(prompt, solvable(list(puzzle)))]
    path: list[tuple[int, str]] = []  # (depth, line text with its "\n") of the nodes on the path
    for line in record["trace"][len(prompt):].splitlines():
        if not line:
            continue
        if line.startswith("<"):
            keep = int(line[1:])
            path = [(d, text) for d, text in path if d <= keep]
            continue
        depth = (path[-1][0] if path else 0) + 1 if line.startswith("?") else 0
        grid = list(puzzle)
        for _, text in path:
            _apply(grid, text, n)
        before = prompt + "".join(text for _, text in path)
        written = line + "\n"
        at = 0
        for token in line.split(" "):
            end = at + len(token)
            if token not in ("x", "!"):
                _apply(grid, token, n)
                states.append((before + written[: end + 1], solvable(grid)))
            at = end + 1
        path.append((depth, written))
    return states


def _apply(grid: list[str], text: str, n: int) -> None:
    """Write the ``rc=d`` assignments of ``text`` (a token or a node line) into ``grid``."""
    for token in text.split():
        token = token.lstrip("?")
        if len(token) == 4 and token[2] == "=":
            r, c = _SUDOKU_ALPHABET.index(token[0]), _SUDOKU_ALPHABET.index(token[1])
            grid[r * n + c] = token[3]


def compact_states(record: dict[str, Any], task: str, box: Any = None) -> list[tuple[str, bool]]:
    """The states on a compact trace's paths as (state text, solvable by clew's exact solver),
    in trace order, the root first. The state text is what StepEnv builds for that state."""
    return _countdown_states(record) if task == "countdown" else _sudoku_states(record, box)


def make_examples(
    records: Sequence[dict[str, Any]], task: str, style: str, settings: LMSettings, box: Any, salt: int,
) -> tuple[list[Example], list[Example], str | None]:
    """(trace examples, judge examples, a note when judge examples were skipped) of ``records``.
    At most ``judge_per_trace`` states a trace, drawn by ``(seed, salt, record index)``."""
    traces: list[Example] = []
    judges: list[Example] = []
    for i, record in enumerate(records):
        text = record["trace"]
        prompt = record_prompt(record, task) if style == "compact" else text[: text.find("\n") + 1]
        if not text.startswith(prompt):
            prompt = text[: text.find("\n") + 1]
        traces.append(Example(prompt, text[len(prompt):]))
        if settings.judge and style == "compact" and settings.judge_per_trace > 0:
            states = compact_states(record, task, box)
            rng = np.random.default_rng([settings.seed, salt, i])
            pick = sorted(rng.permutation(len(states))[: settings.judge_per_trace])
            for k in pick:
                state, solvable = states[k]
                full = judge_text(state, solvable)
                question = state + JUDGE_QUESTION
                judges.append(Example(question, full[len(question):], solvable))
    note = None
    if settings.judge and style != "compact":
        note = f"no judge examples: train-lm reads states only from compact traces, not {style!r} ones"
    return traces, judges, note


# ---------------------------------------------------------------------------
# the tokenizer and the model
# ---------------------------------------------------------------------------


def build_tokenizer(texts: Sequence[str], context: int) -> Any:
    """A character-level ``PreTrainedTokenizerFast`` over the characters of ``texts`` (digits,
    space and newline always in), with the judge's words as single tokens."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    chars = set("0123456789 \n")
    for t in texts:
        chars.update(t)
    vocab = {tok: i for i, tok in enumerate([*SPECIALS, *WORDS, *sorted(chars)])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    words = "|".join(w.replace("?", r"\?") for w in WORDS)
    tok.pre_tokenizer = pre_tokenizers.Split(Regex(words + r"|[\s\S]"), behavior="isolated")
    tok.decoder = decoders.Fuse()  # characters join as they are: no spaces added
    tok.post_processor = processors.TemplateProcessing(
        single="<bos> $A", pair="<bos> $A $B", special_tokens=[("<bos>", vocab["<bos>"])]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<bos>", eos_token="<eos>", pad_token="<pad>", unk_token="<unk>",
        padding_side="left", clean_up_tokenization_spaces=False, model_max_length=context,
    )


def architecture(size: str, vocab_size: int, context: int, tokenizer: Any) -> dict[str, Any]:
    """The LlamaConfig fields of a model (JSON-able: stored in checkpoints and compared on resume)."""
    if size not in SIZES:
        raise InputError(f"--size must be one of {', '.join(SIZES)}, got {size!r}")
    return {
        "name": NAME, "model_type": "llama", "size": size, "vocab_size": vocab_size,
        "max_position_embeddings": context, "tie_word_embeddings": False, "rope_theta": 10000.0,  # untied: the vocabulary is tiny
        "bos_token_id": tokenizer.bos_token_id, "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id, **SIZES[size],
    }


def build_model(arch: dict[str, Any]) -> torch.nn.Module:
    from transformers import AutoModelForCausalLM, LlamaConfig

    fields = {k: v for k, v in arch.items() if k not in ("name", "model_type", "size")}
    config = LlamaConfig(**fields, attention_dropout=0.0, use_cache=True)
    return AutoModelForCausalLM.from_config(config)


def encode(tokenizer: Any, examples: Sequence[Example], context: int) -> tuple[list[tuple[list[int], int]], int]:
    """Each example as (token ids: ``<bos>`` prefix completion ``<eos>``, index of the first
    trained position), and how many were dropped for being longer than ``context`` tokens."""
    backend = tokenizer.backend_tokenizer
    prefixes = backend.encode_batch([e.prefix for e in examples], add_special_tokens=False)
    completions = backend.encode_batch([e.completion for e in examples], add_special_tokens=False)
    out: list[tuple[list[int], int]] = []
    dropped = 0
    for p, c in zip(prefixes, completions):
        ids = [tokenizer.bos_token_id, *p.ids, *c.ids, tokenizer.eos_token_id]
        if len(ids) > context:
            dropped += 1
            continue
        out.append((ids, 1 + len(p.ids)))
    return out, dropped


def collate(items: Sequence[tuple[list[int], int]], pad: int, device: torch.device) -> dict[str, torch.Tensor]:
    """Right-padded ids, attention mask and labels (IGNORE before each item's completion)."""
    width = max(len(ids) for ids, _ in items)
    ids = torch.full((len(items), width), pad, dtype=torch.long)
    labels = torch.full((len(items), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    for row, (seq, start) in enumerate(items):
        ids[row, : len(seq)] = torch.tensor(seq)
        labels[row, start : len(seq)] = ids[row, start : len(seq)]
        mask[row, : len(seq)] = 1
    return {"input_ids": ids.to(device), "attention_mask": mask.to(device), "labels": labels.to(device)}


def _losses(model: torch.nn.Module, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """(summed next-token loss over the trained positions, the count of those positions)."""
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    target = batch["labels"][:, 1:]
    loss = torch.nn.functional.cross_entropy(
        logits[:, :-1].float().reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=IGNORE, reduction="sum"
    )
    return loss, (target != IGNORE).sum()


def epoch_batches(count: int, batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    """The batches of one epoch (indices), a pure function of ``(seed, epoch)``. Not sorted by
    length: that would make batches of judge examples only (a few answer tokens each), whose
    steps pull every position towards yes/no and, measured, undo the traces' progress."""
    order = np.random.default_rng([seed, epoch]).permutation(count)
    return [[int(i) for i in order[k : k + batch_size]] for k in range(0, count, batch_size)]


def learning_rate(step: int, settings: LMSettings) -> float:
    """Linear warmup (a tenth of the steps, at most 100), then cosine down to a tenth of ``lr``."""
    warmup = max(1, min(100, settings.steps // 10))
    if step < warmup:
        return settings.lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, settings.steps - warmup)
    return settings.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


@torch.no_grad()
def evaluate(
    model: torch.nn.Module, traces: Sequence[tuple[list[int], int]], judges: Sequence[tuple[list[int], int]],
    answers: tuple[int, int], pad: int, device: torch.device, batch_size: int,
) -> dict[str, float]:
    """``val_loss`` (per trained token of the validation traces); ``judge_acc`` (the share of
    validation judge examples where the answer's token is the likelier of yes/no) and
    ``judge_loss``."""
    model.eval()
    metrics: dict[str, float] = {}
    for name, items in (("val_loss", traces), ("judge_loss", judges)):
        total, count, right = 0.0, 0, 0
        for k in range(0, len(items), batch_size):
            batch = collate(items[k : k + batch_size], pad, device)
            loss, n = _losses(model, batch)
            total += float(loss)
            count += int(n)
            if name == "judge_loss":
                logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
                for row, (seq, start) in enumerate(items[k : k + batch_size]):
                    yes, no = logits[row, start - 1, answers[0]], logits[row, start - 1, answers[1]]
                    right += int((yes > no) == (seq[start] == answers[0]))
        if items:
            metrics[name] = total / max(1, count)
            if name == "judge_loss":
                metrics["judge_acc"] = right / len(items)
    model.train()
    return metrics


# ---------------------------------------------------------------------------
# checkpoints and the Hugging Face export
# ---------------------------------------------------------------------------


def _export(out: Path, model: torch.nn.Module, tokenizer: Any) -> None:
    """Write the HF directory files at ``out``'s top level, each replaced whole (os.replace)."""
    from transformers import GenerationConfig
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # its per-file bars would break train-lm's own on stderr
    with tempfile.TemporaryDirectory(dir=out, prefix=".export-") as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        GenerationConfig(
            bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id, do_sample=False,
        ).save_pretrained(tmp)
        for f in sorted(Path(tmp).iterdir()):
            os.replace(f, out / f.name)


def _identity(arch: dict[str, Any], settings: LMSettings, data: dict[str, Any], vocab: list[str]) -> dict[str, Any]:
    return {"architecture": arch, "training": asdict(settings), "data": data, "vocab": vocab}


def _resume(out: Path, identity: dict[str, Any], model: torch.nn.Module, opt: torch.optim.Optimizer) -> tuple[int, list[dict[str, Any]]]:
    """(steps done, history) of the run in ``out``, loaded into model and optimizer; (0, []) for a new one."""
    ckpts = out / CHECKPOINTS
    for stale in ckpts.glob(".step-*.tmp") if ckpts.is_dir() else ():  # a killed save's half folder
        shutil.rmtree(stale, ignore_errors=True)
    if not (ckpts / checkpoint.POINTER).exists():
        if out.exists() and any(not p.name.startswith(".") for p in out.iterdir()):
            raise InputError(f"{out} exists and holds no train-lm checkpoint; choose an empty or new --out")
        return 0, []
    config = checkpoint.read_config(ckpts)
    differ = [k for k in identity if config.get(k) != identity[k]]
    if differ:
        raise InputError(
            f"{out} holds another train-lm run ({', '.join(differ)} differ): choose another --out or delete it"
        )
    checkpoint.load(ckpts, model, opt, architecture={"name": NAME})
    if "rng" in config:
        torch.set_rng_state(torch.frombuffer(bytearray(bytes.fromhex(config["rng"])), dtype=torch.uint8))
    return int(config["epoch"]), list(config.get("history", []))


def _save(out: Path, step: int, model: torch.nn.Module, opt: torch.optim.Optimizer, identity: dict[str, Any],
          history: list[dict[str, Any]], tokenizer: Any) -> None:
    ckpts = out / CHECKPOINTS
    meta = {**identity, "history": history, "rng": torch.get_rng_state().numpy().tobytes().hex(),
            "torch_version": torch.__version__}
    folder = checkpoint.save(ckpts, step, model, opt, meta, unit="step")
    for old in ckpts.glob("step-*"):  # only the latest is kept
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    _export(out, model, tokenizer)


# ---------------------------------------------------------------------------
# the run
# ---------------------------------------------------------------------------


def train_lm(
    data: str | os.PathLike[str],
    out: str | os.PathLike[str],
    settings: LMSettings,
    *,
    device: str = "auto",
    eval_every: int = 0,
    save_every: int = 0,
    eval_examples: int = 256,
    progress: bool | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Train (or resume) a model on ``data`` into ``out``; returns the summary (the CLI's JSON line).

    ``eval_every``/``save_every``: steps between validations / checkpoints (0: a tenth of the
    steps, at least 1); both also run at the last step, validation also at step 0."""
    say = log or (lambda line: None)
    if settings.steps < 1:
        raise InputError(f"--steps must be at least 1, got {settings.steps}")
    if settings.batch_size < 1 or settings.context < 8 or not settings.lr > 0:
        raise InputError("--batch-size must be positive, --context at least 8 and --lr positive")
    started = time.perf_counter()
    manifest, splits = read_dataset(data)
    config = manifest["config"]
    task, style = config["task"], config.get("style", "")
    box = config.get("box")
    train_x, train_j, note = make_examples(splits["train"], task, style, settings, box, salt=0)
    val_x, val_j, _ = make_examples(splits["validation"], task, style, settings, box, salt=1)
    if note:
        say(note)
    tokenizer = build_tokenizer([e.prefix + e.completion for e in train_x], settings.context)
    vocab = [tokenizer.backend_tokenizer.id_to_token(i) for i in range(tokenizer.backend_tokenizer.get_vocab_size())]
    train_items, dropped = encode(tokenizer, train_x + train_j, settings.context)
    val_traces, dropped_vt = encode(tokenizer, val_x[:eval_examples], settings.context)
    val_judges, dropped_vj = encode(tokenizer, val_j[:eval_examples], settings.context)
    if dropped or dropped_vt:
        say(f"dropped {dropped} training and {dropped_vt + dropped_vj} validation examples longer than "
            f"--context {settings.context} tokens")
    if not train_items:
        raise InputError(f"every training example is longer than --context {settings.context} tokens")
    say(f"{task} {style}: {len(train_x)} traces and {len(train_j)} judge examples to train on; "
        f"{len(val_traces)} traces and {len(val_judges)} judge examples to validate; vocabulary {len(vocab)}")

    dev = resolve_device(device)
    arch = architecture(settings.size, len(vocab), settings.context, tokenizer)
    torch.manual_seed(settings.seed)
    model = build_model(arch).to(dev)
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2]
    rest = [p for n, p in model.named_parameters() if p.ndim < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": settings.weight_decay},
                             {"params": rest, "weight_decay": 0.0}], lr=settings.lr)
    outp = Path(out)
    identity = _identity(arch, settings, data_fingerprint(manifest), vocab)
    start, history = _resume(outp, identity, model, opt)
    outp.mkdir(parents=True, exist_ok=True)
    params = sum(p.numel() for p in model.parameters())
    say(f"model: Llama-style {settings.size}, {params:,} parameters, on {dev}" + (f"; resuming at step {start}" if start else ""))

    every_eval = eval_every or max(1, settings.steps // 10)
    every_save = save_every or max(1, settings.steps // 10)
    answers = (tokenizer.convert_tokens_to_ids(JUDGE_ANSWERS[0]), tokenizer.convert_tokens_to_ids(JUDGE_ANSWERS[1]))
    pad = tokenizer.pad_token_id

    def validate(step: int) -> None:
        record = {"step": step, **evaluate(model, val_traces, val_judges, answers, pad, dev, settings.batch_size)}
        history.append(record)
        say(f"step {step}: " + ", ".join(f"{k} {v:.4f}" for k, v in record.items() if k != "step"))

    if start == 0:
        validate(0)
    per_epoch = math.ceil(len(train_items) / settings.batch_size)
    show = sys.stderr.isatty() if progress is None else progress
    bar = _io.progress_bar(settings.steps, show, desc="train-lm", unit="step", initial=start)
    cached: tuple[int, list[list[int]]] = (-1, [])
    model.train()
    train_loss = float("nan")
    for step in range(start, settings.steps):
        epoch, index = divmod(step, per_epoch)
        if cached[0] != epoch:
            cached = (epoch, epoch_batches(len(train_items), settings.batch_size, settings.seed, epoch))
        batch = collate([train_items[i] for i in cached[1][index]], pad, dev)
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, settings)
        total, count = _losses(model, batch)
        train_loss = optimizer_step(model, opt, total / count.clamp(min=1), settings.grad_clip,
                                    f"at step {step}: lower --lr")
        done = step + 1
        bar.update(1)
        bar.set_postfix_str(f"loss {train_loss:.4f}")
        if done % every_eval == 0 or done == settings.steps:
            validate(done)
            history[-1]["train_loss"] = train_loss
        if done % every_save == 0 or done == settings.steps:
            _save(outp, done, model, opt, identity, history, tokenizer)
    bar.close()
    if start >= settings.steps and not (outp / "config.json").exists():
        _export(outp, model, tokenizer)
    last = history[-1] if history else {}
    first = history[0] if history else {}
    return {
        "model": str(outp), "task": task, "style": style, "size": settings.size, "parameters": params,
        "steps": settings.steps, "resumed_from": start, "train_examples": len(train_items),
        "judge_examples": len(train_j), "dropped": dropped, "vocab": len(vocab),
        "val_loss_start": first.get("val_loss"), **{k: v for k, v in last.items() if k != "step"},
        "seconds": round(time.perf_counter() - started, 1),
    }


@torch.no_grad()
def greedy_eval(
    model_dir: str | os.PathLike[str],
    data: str | os.PathLike[str],
    *,
    split: str = "test",
    n: int = 100,
    max_new_tokens: int = 512,
    batch_size: int = 32,
    device: str = "cpu",
) -> dict[str, Any]:
    """Greedy decoding of the first ``n`` records of ``split`` from their prompt lines, each
    completion replayed by :func:`clew.traces.validate` (compact style): ``valid`` (every step
    legal up to where the text ends), ``solved`` (valid and it reaches the answer), ``finished``
    (the model wrote ``<eos>`` within ``max_new_tokens``), and the mean completion ``tokens``."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from clew import traces

    root = Path(data)
    files = sorted((root / split).glob("*.parquet"))
    if not files:
        raise InputError(f"{root}/{split} holds no Parquet shards")
    task = json.loads((root / MANIFEST).read_text())["config"]["task"]
    box = json.loads((root / MANIFEST).read_text())["config"].get("box")
    records = pq.read_table(files[0]).to_pylist()[:n]
    dev = resolve_device(device)
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir).to(dev).eval()
    counts = {"valid": 0, "solved": 0, "finished": 0, "tokens": 0}
    started = time.perf_counter()
    for k in range(0, len(records), batch_size):
        chunk = records[k : k + batch_size]
        prompts = [record_prompt(r, task) for r in chunk]
        enc = tok(prompts, return_tensors="pt", padding=True).to(dev)
        out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                             pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id)
        for r, prompt, row in zip(chunk, prompts, out[:, enc["input_ids"].shape[1]:]):
            ids = row.tolist()
            finished = tok.eos_token_id in ids
            ids = ids[: ids.index(tok.eos_token_id)] if finished else ids
            text = prompt + tok.decode(ids, skip_special_tokens=True)
            if task == "countdown":
                verdict = traces.validate(text, r["numbers"], r["target"], style="compact")
            else:
                verdict = traces.validate(text, task="sudoku", puzzle=r["puzzle"], style="compact", box=box)
            counts["valid"] += int(verdict.valid)
            counts["solved"] += int(verdict.valid and verdict.solved)
            counts["finished"] += int(finished)
            counts["tokens"] += len(ids)
    m = max(1, len(records))
    return {"records": len(records), **{key: counts[key] / m for key in counts},
            "seconds": round(time.perf_counter() - started, 1)}
