"""A tiny randomly initialised causal LM on disk, for tests of clew.neural.llm (no download).

``tiny_lm_dir(path, arch="gpt2"|"qwen2")`` writes a transformers directory that
``from_pretrained`` loads offline: a char-level ``tokenizers`` tokenizer over the
characters clew's compact Countdown and Sudoku traces use, with the judge's answers
``yes`` and ``no`` as single tokens, and a 2-layer model of width 32 built from a config.
``anything_goes(n)`` is a task such a model can solve.
"""

from __future__ import annotations

from pathlib import Path

# Every character of a compact Countdown or 4x4/9x9 Sudoku trace, plus the judge question's.
CHARS = list("0123456789+-*/=:<!?x. \n") + list("solvabe")
SPECIAL = ["<pad>", "<eos>", "<unk>"]
WORDS = ["yes", "no"]


def anything_goes(steps_to_win: int = 3, max_step_tokens: int = 5):
    """A task every non-empty proposal passes, won after ``steps_to_win`` steps: a random
    model solves it, so searches can be driven to a goal (or, with a large count, to a budget)."""
    from clew.neural.llm import Task

    return Task(prompt=lambda p: f"{p}:", parse_step=lambda p, s, x: x.strip() or None,
                reward=lambda p, s: 1.0 if len(s) >= steps_to_win else None, max_step_tokens=max_step_tokens)


def tiny_lm_dir(path: str | Path, arch: str = "gpt2", seed: int = 0) -> Path:
    """Write the tiny model and its tokenizer to ``path`` (created); returns the path."""
    import torch
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    vocab = {t: i for i, t in enumerate(SPECIAL + WORDS + CHARS)}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    # "yes"/"no" whole, every other character alone; decoding concatenates.
    tok.pre_tokenizer = pre_tokenizers.Split(Regex("yes|no|."), behavior="isolated")
    tok.decoder = decoders.Fuse()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<eos>", unk_token="<unk>")
    fast.save_pretrained(out)
    torch.manual_seed(seed)
    ids = {"bos_token_id": vocab["<eos>"], "eos_token_id": vocab["<eos>"], "pad_token_id": vocab["<pad>"]}
    if arch == "gpt2":
        config = GPT2Config(vocab_size=len(vocab), n_positions=512, n_embd=32, n_layer=2, n_head=2, **ids)
        model = GPT2LMHeadModel(config)
    elif arch == "qwen2":
        config = Qwen2Config(vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                             num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=512, **ids)
        model = Qwen2ForCausalLM(config)
    else:
        raise ValueError(f"arch must be 'gpt2' or 'qwen2', got {arch!r}")
    model.save_pretrained(out)
    return out
