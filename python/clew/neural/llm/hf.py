"""A local transformers directory as a :class:`~clew.neural.llm.LanguageModel`: :class:`HFModel`.

Prompts go through in chunks of ``max_batch``, left-padded, so one chunk is one batched
call into the model. ``generate`` shares each prompt's prefill between its ``n`` samples:
one forward pass computes the KV cache of every prompt but its last token, the cache is
repeated ``n`` times and ``model.generate`` continues from it (the meter charges each
prompt's tokens once). What transformers 5 does not give: a prefix shared *across*
prompts (sibling states share their parent's text, but a batched cache cannot share rows
of different lengths), and a cache kept between calls (each call rebuilds its own).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray

from clew import InputError
from clew.neural.devices import resolve_device
from clew.neural.llm.model import Completion, Meter

_DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


class HFModel:
    """A causal LM loaded from the local directory ``path`` (never the hub).

    ``device``: ``"auto"`` (a GPU when torch sees one), ``"cpu"``, ``"cuda[:N]"``.
    ``dtype``: None (the checkpoint's own on a GPU, float32 on the CPU), ``"auto"`` (the
    checkpoint's own), ``"float32"``,
    ``"float16"``, ``"bfloat16"`` or a ``torch.dtype``. ``max_batch``: prompts per
    batched model call (``generate`` computes ``max_batch * n`` sequences per call).
    Every method charges :attr:`meter`: ``read`` = prompt tokens of every sequence
    computed (a prompt's shared prefill once), ``generated`` = new tokens up to and
    including the one that ends a completion, ``passes`` = model forward/generate calls.
    Raises :class:`clew.InputError` for a directory that holds no loadable model.
    """

    def __init__(self, path: str | Path, *, device: str | torch.device = "auto", dtype: Any = None,
                 max_batch: int = 256) -> None:
        from transformers import AutoModelForCausalLM  # noqa: PLC0415

        self.path = Path(path)
        if max_batch < 1:
            raise InputError(f"max_batch must be >= 1, got {max_batch}")
        if not (self.path / "config.json").is_file():
            raise InputError(f"{self.path}: not a transformers model directory (no config.json)")
        self.device = resolve_device(device)
        if isinstance(dtype, str) and dtype != "auto":
            if dtype not in _DTYPES:
                raise InputError(f"dtype {dtype!r}: use one of {sorted(_DTYPES)}")
            dtype = _DTYPES[dtype]
        if dtype is None:
            dtype = torch.float32 if self.device.type == "cpu" else "auto"
        try:
            self.tokenizer = _load_tokenizer(self.path)
            self.model = AutoModelForCausalLM.from_pretrained(self.path, local_files_only=True, dtype=dtype)
        except (OSError, ValueError, KeyError) as exc:
            raise InputError(f"{self.path}: cannot load the model or tokenizer ({exc})") from exc
        self.model.to(self.device)  # type: ignore[arg-type]  # transformers' stubs miss torch.device
        self.model.eval()
        # Every call sets max_new_tokens; a max_length saved with the model only makes
        # transformers warn on each generate that both are set.
        self.model.generation_config.max_length = None
        tok = self.tokenizer
        tok.padding_side = "left"
        if tok.pad_token_id is None:
            if tok.eos_token_id is None:
                raise InputError(f"{self.path}: the tokenizer has neither a pad nor an eos token")
            tok.pad_token = tok.eos_token
        self.max_batch = int(max_batch)
        config = self.model.config
        #: Positions the model has: a generation stops there whatever max_tokens asks.
        self.context = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
        self.meter = Meter()
        self._special = set(tok.all_special_ids)
        self._pieces: dict[int, str] = {}

    def __repr__(self) -> str:
        return f"HFModel({str(self.path)!r}, device={str(self.device)!r}, max_batch={self.max_batch})"

    # ------------------------------------------------ tokens

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False))

    def _encode(self, prompts: Sequence[str]) -> list[list[int]]:
        ids = self.tokenizer(list(prompts), add_special_tokens=True)["input_ids"]
        for p, row in zip(prompts, ids, strict=True):
            if not row:
                raise InputError(f"prompt {p!r} has no tokens: a model needs at least one to go on from")
        return ids

    def _batch(self, rows: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Left-padded ids, attention mask and positions (counted from each row's first real token)."""
        width = max(len(r) for r in rows)
        pad = self.tokenizer.pad_token_id
        ids = torch.full((len(rows), width), pad, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, width - len(r):] = torch.tensor(r, dtype=torch.long)
            mask[i, width - len(r):] = 1
        pos = (mask.cumsum(-1) - 1).clamp(min=0)
        return ids.to(self.device), mask.to(self.device), pos.to(self.device)

    def _chunks(self, n: int) -> range:
        return range(0, n, self.max_batch)

    # ------------------------------------------------ forward passes

    def _logits(self, rows: list[list[int]]) -> torch.Tensor:
        """One forward pass over ``rows`` (left-padded); float32 logits (rows, width, vocab)."""
        ids, mask, pos = self._batch(rows)
        if self.context is not None and ids.shape[1] > self.context:
            raise InputError(f"a text of {ids.shape[1]} tokens is longer than the model's {self.context} positions")
        self.meter.passes += 1
        self.meter.read += sum(len(r) for r in rows)
        return self.model(input_ids=ids, attention_mask=mask, position_ids=pos).logits.float()

    def next_token_probs(self, prompts: Sequence[str], candidates: Sequence[str]) -> NDArray[np.float64]:
        """Probability that each prompt's next token is each candidate's first token: one
        forward pass per chunk, softmax at the last (real) position."""
        if not candidates:
            raise InputError("next_token_probs needs at least one candidate")
        cand = []
        for c in candidates:
            ids = self.tokenizer.encode(c, add_special_tokens=False)
            if not ids:
                raise InputError(f"candidate {c!r} has no tokens")
            cand.append(ids[0])
        out = np.zeros((len(prompts), len(candidates)))
        start = time.perf_counter()
        with torch.inference_mode():
            rows = self._encode(prompts) if prompts else []
            for at in self._chunks(len(rows)):
                probs = torch.softmax(self._logits(rows[at:at + self.max_batch])[:, -1, :], dim=-1)
                out[at:at + len(probs)] = probs[:, cand].cpu().double().numpy()
        self.meter.calls += 1
        self.meter.seconds += time.perf_counter() - start
        return out

    def score(self, prompts: Sequence[str], continuations: Sequence[str]) -> NDArray[np.float64]:
        """``log p(continuation | prompt)`` per pair: one forward pass per chunk."""
        if len(prompts) != len(continuations):
            raise InputError(f"score needs one continuation per prompt, got {len(prompts)} and {len(continuations)}")
        out = np.zeros(len(prompts))
        start = time.perf_counter()
        with torch.inference_mode():
            heads = self._encode(prompts) if prompts else []
            tails = [self.tokenizer.encode(c, add_special_tokens=False) for c in continuations]
            for at in self._chunks(len(heads)):
                rows = [h + t for h, t in zip(heads[at:at + self.max_batch], tails[at:at + self.max_batch], strict=True)]
                logp = torch.log_softmax(self._logits(rows), dim=-1)
                width = logp.shape[1]
                for i, (row, tail) in enumerate(zip(rows, tails[at:at + self.max_batch], strict=True)):
                    if not tail:
                        continue
                    # Token j of the row sits at column width - len(row) + j; the logits
                    # one column earlier predict it.
                    cols = torch.arange(width - len(tail) - 1, width - 1, device=logp.device)
                    toks = torch.tensor(tail, device=logp.device)
                    out[at + i] = float(logp[i, cols, toks].sum())
        self.meter.calls += 1
        self.meter.seconds += time.perf_counter() - start
        return out

    # ------------------------------------------------ generation

    def generate(
        self,
        prompts: Sequence[str],
        *,
        n: int = 1,
        max_tokens: int = 64,
        temperature: float = 1.0,
        stop: Sequence[str] = ("\n",),
        seed: int | None = None,
    ) -> list[list[Completion]]:
        """``n`` completions per prompt (see :class:`~clew.neural.llm.LanguageModel`).

        Per chunk of ``max_batch`` prompts: one ``model.generate``; with ``n > 1`` samples
        it is preceded by one forward pass (the prefill of all but each prompt's last token)
        whose cache the ``n`` samples of a prompt share. ``temperature=0``: greedy, one
        sequence per prompt, copied ``n`` times. A completion ends at the first ``stop`` string (cut off,
        not returned), at the eos token or after ``max_tokens``; its ``logprob`` is the
        model's (temperature 1) log-probability of its tokens up to the one that ended it.
        ``seed``: the sampling stream (the caller's global torch RNG is left as it was).
        """
        if n < 1 or max_tokens < 1:
            raise InputError(f"generate needs n >= 1 and max_tokens >= 1, got n={n}, max_tokens={max_tokens}")
        if temperature < 0:
            raise InputError(f"temperature must be >= 0, got {temperature}")
        stop = [s for s in stop if s]
        greedy = temperature == 0
        copies = 1 if greedy else n
        out: list[list[Completion]] = []
        start = time.perf_counter()
        # The seed applies to this call only: the caller's CPU (and this GPU's) stream is restored.
        devices = [self.device.index if self.device.index is not None else torch.cuda.current_device()] \
            if self.device.type == "cuda" else []
        # Without a seed, sampling draws from (and advances) the global stream as usual.
        forked = torch.random.fork_rng(devices=devices) if seed is not None else contextlib.nullcontext()
        with torch.inference_mode(), forked:
            if seed is not None:
                torch.manual_seed(int(seed))
            rows = self._encode(prompts) if prompts else []
            for at in self._chunks(len(rows)):
                chunk = self._generate_chunk(rows[at:at + self.max_batch], copies, max_tokens, temperature, stop)
                out.extend([c[0]] * n if greedy else c for c in chunk)
        self.meter.calls += 1
        self.meter.seconds += time.perf_counter() - start
        return out

    def _generate_chunk(self, rows: list[list[int]], copies: int, max_tokens: int, temperature: float,
                        stop: list[str]) -> list[list[Completion]]:
        from transformers import StoppingCriteria, StoppingCriteriaList  # noqa: PLC0415

        copies_rows = len(rows) * copies
        ids, mask, pos = self._batch(rows)
        if self.context is not None:
            if ids.shape[1] >= self.context:
                raise InputError(f"a prompt of {ids.shape[1]} tokens leaves no room in the model's {self.context} positions")
            max_tokens = min(max_tokens, self.context - ids.shape[1])
        cache = None
        if copies > 1 and ids.shape[1] > 1:
            # The shared prefill: every prompt's tokens but the last, once for its copies.
            prefill = self.model(input_ids=ids[:, :-1], attention_mask=mask[:, :-1], position_ids=pos[:, :-1],
                                 use_cache=True)
            cache = prefill.cache  # transformers 5's name (past_key_values is deprecated)
            self.meter.passes += 1
            cache.batch_repeat_interleave(copies)
        self.meter.read += sum(len(r) for r in rows)
        width = ids.shape[1]
        piece, longest = self._piece, max((len(x) for x in stop), default=0)

        class StopAt(StoppingCriteria):
            # Per sequence: done once its new text holds a stop string. Only each row's
            # last few characters are kept and only the newest token decoded, so a step
            # costs O(rows), not a decode of every row.
            def __init__(self) -> None:
                self.tails = [""] * copies_rows
                self.done = [False] * len(self.tails)

            def __call__(self, input_ids: torch.Tensor, scores: Any, **kwargs: Any) -> torch.Tensor:
                for i, t in enumerate(input_ids[:, -1].tolist()):
                    if not self.done[i]:
                        text = self.tails[i] + piece(t)
                        self.done[i] = any(x in text for x in stop)
                        self.tails[i] = text[len(text) - longest + 1:] if longest > 1 else ""
                return torch.tensor(self.done, device=input_ids.device)

        sampling = {"do_sample": False} if temperature == 0 else {"do_sample": True, "temperature": float(temperature),
                                                                   "top_k": 0, "top_p": 1.0}
        result = self.model.generate(
            input_ids=ids.repeat_interleave(copies, 0),
            attention_mask=mask.repeat_interleave(copies, 0),
            cache=cache,
            max_new_tokens=max_tokens,
            stopping_criteria=StoppingCriteriaList([StopAt()]) if stop else None,
            output_logits=True,
            return_dict_in_generate=True,
            pad_token_id=self.tokenizer.pad_token_id,
            eos_token_id=self.tokenizer.eos_token_id,
            **sampling,
        )
        self.meter.passes += 1
        new = result.sequences[:, width:].cpu()
        logp = torch.log_softmax(torch.stack(result.logits, dim=1).float(), dim=-1).cpu()
        picked = logp.gather(2, new[:, : logp.shape[1], None]).squeeze(2)
        out: list[list[Completion]] = []
        for i in range(new.shape[0]):
            text, used = self._cut(new[i].tolist(), stop)
            self.meter.generated += used
            c = Completion(text, float(picked[i, :used].sum()), used)
            if i % copies == 0:
                out.append([])
            out[-1].append(c)
        return out

    def _cut(self, ids: list[int], stop: list[str]) -> tuple[str, int]:
        """A sequence's text before its first stop string, and the tokens it used (the
        token that completed the stop string or the eos included; padding after it not)."""
        eos = self.tokenizer.eos_token_id
        longest = max((len(x) for x in stop), default=0)
        tail = ""
        # A sequence that ended early is padded after its end; the scan stops there first.
        for used in range(1, len(ids) + 1):
            t = ids[used - 1]
            if t == eos:
                return self.tokenizer.decode(ids[: used - 1], skip_special_tokens=True), used
            if not stop or t in self._special:
                continue
            tail += self._piece(t)
            if any(x in tail for x in stop):
                text = self.tokenizer.decode(ids[:used], skip_special_tokens=True)
                hits = [text.find(x) for x in stop if x in text]
                return (text[: min(hits)] if hits else text), used
            tail = tail[len(tail) - longest + 1:] if longest > 1 else ""
        return self.tokenizer.decode(ids, skip_special_tokens=True), len(ids)

    def _piece(self, token: int) -> str:
        """One token's text alone (cached): enough to spot an ASCII stop string."""
        text = self._pieces.get(token)
        if text is None:
            text = self._pieces[token] = self.tokenizer.decode([token], skip_special_tokens=True)
        return text


def _load_tokenizer(path: Path) -> Any:
    """The directory's tokenizer. transformers 5's AutoTokenizer picks the class of the
    model type (Qwen2's for a Qwen2 config) even when the saved tokenizer is a plain
    ``tokenizers`` one, whose pre-tokenizer that class then replaces; a directory that
    names the plain class is loaded with it."""
    from transformers import AutoTokenizer, PreTrainedTokenizerFast  # noqa: PLC0415

    config = path / "tokenizer_config.json"
    if config.is_file():
        try:
            name = json.loads(config.read_text()).get("tokenizer_class")
        except (json.JSONDecodeError, AttributeError):
            name = None
        if name in ("TokenizersBackend", "PreTrainedTokenizerFast"):
            return PreTrainedTokenizerFast.from_pretrained(path, local_files_only=True)
    return AutoTokenizer.from_pretrained(path, local_files_only=True)
