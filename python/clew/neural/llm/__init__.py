"""Language models as the policy and value of clew's searches (needs the ``llm`` extra).

* :class:`LanguageModel`, :class:`Completion`, :class:`Meter` -- what a model provides
  (:mod:`clew.neural.llm.model`);
* :class:`OpenAIModel` -- any OpenAI-compatible completions server (vLLM, SGLang, ``transformers
  serve``, a hosted endpoint); :class:`ServerError`, :class:`UnsupportedByServer`
  (:mod:`clew.neural.llm.server`, needs the ``openai`` client, imported when first used);
"""

from __future__ import annotations

from clew.neural.llm.model import Completion, LanguageModel, Meter
from clew.neural.llm.server import OpenAIModel, ServerError, UnsupportedByServer

__all__ = ["Completion", "LanguageModel", "Meter", "OpenAIModel", "ServerError", "UnsupportedByServer"]
