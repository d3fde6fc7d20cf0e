"""Language models as the policy and value of clew's searches (needs the ``llm`` extra).

* :class:`LanguageModel`, :class:`Completion`, :class:`Meter` -- what a model provides
  (:mod:`clew.neural.llm.model`);
"""

from __future__ import annotations

from clew.neural.llm.model import Completion, LanguageModel, Meter

__all__ = ["Completion", "LanguageModel", "Meter"]
