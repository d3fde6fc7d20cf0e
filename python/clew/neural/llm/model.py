"""What every language model behind clew's searches provides: :class:`LanguageModel`.

:class:`~clew.neural.llm.HFModel` (a local transformers directory) and
:class:`~clew.neural.llm.OpenAIModel` (any OpenAI-compatible server) implement it; so can a
user's own class. :class:`~clew.neural.llm.StepEnv` only calls these methods, so a search
runs the same over either.

Every call is batched: a list of prompts in, one answer per prompt out, in order. Every
call charges its :class:`Meter` with the tokens it read (prompt tokens of every sequence the
model computed, so ``n`` samples of one prompt read it ``n`` times unless the backend shares
the prefix) and generated; the searches' ``cost`` is read from the meter, so nothing a model
spends goes uncounted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Completion:
    """One generated continuation: its ``text`` (a stop sequence that ended it excluded),
    ``logprob`` (the sum of its tokens' log-probabilities; ``None`` where the backend gives
    none) and the number of ``tokens`` generated."""

    text: str
    logprob: float | None
    tokens: int


@dataclass
class Meter:
    """What a model has spent: prompt tokens ``read``, tokens ``generated``, ``calls`` (one per
    batched method call), ``passes`` (forward passes or generate calls of a local model; server
    requests for a server), ``seconds`` inside the model."""

    read: int = 0
    generated: int = 0
    calls: int = 0
    passes: int = 0
    seconds: float = 0.0
    _extra: dict[str, float] = field(default_factory=dict, repr=False)

    @property
    def tokens(self) -> int:
        """Every token read or generated: the cost a token budget charges."""
        return self.read + self.generated

    def snapshot(self) -> dict[str, float]:
        return {"read": self.read, "generated": self.generated, "tokens": self.tokens,
                "calls": self.calls, "passes": self.passes, "seconds": self.seconds}


@runtime_checkable
class LanguageModel(Protocol):
    """A batched text model.

    ``generate(prompts, n=, max_tokens=, temperature=, stop=, seed=)``: ``n`` completions per
    prompt (``list[list[Completion]]``, one inner list per prompt); ``temperature=0`` is greedy
    (then the ``n`` completions are equal); generation ends at the first ``stop`` string (which
    is not returned) or after ``max_tokens``. Same ``seed``, same completions (local models on
    the CPU; servers as far as they honour seeds).

    ``next_token_probs(prompts, candidates)``: float ``(len(prompts), len(candidates))``, the
    probability that the token following each prompt is each candidate's first token: one
    forward pass, no generation (the judge's value).

    ``score(prompts, continuations)``: float ``(len(prompts),)``, ``log p(continuation |
    prompt)`` summed over the continuation's tokens: one forward pass.

    ``count_tokens(text)``: tokens of ``text`` in the model's tokenizer.
    """

    meter: Meter

    def generate(
        self,
        prompts: Sequence[str],
        *,
        n: int = 1,
        max_tokens: int = 64,
        temperature: float = 1.0,
        stop: Sequence[str] = ("\n",),
        seed: int | None = None,
    ) -> list[list[Completion]]: ...

    def next_token_probs(self, prompts: Sequence[str], candidates: Sequence[str]) -> NDArray[np.float64]: ...

    def score(self, prompts: Sequence[str], continuations: Sequence[str]) -> NDArray[np.float64]: ...

    def count_tokens(self, text: str) -> int: ...
