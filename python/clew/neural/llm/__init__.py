"""Language models as the policy and value of clew's searches (needs the ``llm`` extra).

* :class:`LanguageModel`, :class:`Completion`, :class:`Meter` -- what a model provides
  (:mod:`clew.neural.llm.model`);
* :class:`HFModel` -- a local transformers directory (:mod:`clew.neural.llm.hf`);
* :class:`OpenAIModel` -- any OpenAI-compatible completions server (vLLM, SGLang, ``transformers
  serve``, a hosted endpoint); :class:`ServerError`, :class:`UnsupportedByServer`
  (:mod:`clew.neural.llm.server`, needs the ``openai`` client, imported when first used);
* :class:`StepEnv`, :class:`Task` -- reasoning steps as a :class:`clew.search.Env`
  (:mod:`clew.neural.llm.step_env`, :mod:`clew.neural.llm.task`);
* :func:`search`, :func:`greedy_decoding`, :func:`compare_runner` -- many puzzles under
  token / node / wall-clock budgets (:mod:`clew.neural.llm.driver`; MCTS over many puzzles
  as one forest: :mod:`clew.neural.llm.forest`; results: :mod:`clew.neural.llm.results`).
"""

from __future__ import annotations

from clew.neural.llm.driver import PuzzleResult, SearchRun, compare_runner, greedy_decoding, search
from clew.neural.llm.hf import HFModel
from clew.neural.llm.model import Completion, LanguageModel, Meter
from clew.neural.llm.server import OpenAIModel, ServerError, UnsupportedByServer
from clew.neural.llm.step_env import StepEnv, StepState
from clew.neural.llm.task import Task

__all__ = ["Completion", "HFModel", "LanguageModel", "Meter", "OpenAIModel", "PuzzleResult", "SearchRun",
           "ServerError", "StepEnv", "StepState", "Task", "UnsupportedByServer", "compare_runner",
           "greedy_decoding", "search"]
