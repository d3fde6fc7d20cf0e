"""A small OpenAI-compatible completions server over a real (tiny) transformers model, for tests.

Not part of the package: a toy (the requests that arrive while a batch runs make the next batch,
decoded together with one forward pass per token step, on the CPU), which exists so that :class:`clew.neural.llm.OpenAIModel`'s logprobs path is tested against real
numbers where no vLLM or SGLang runs, and so that its retries, fallbacks and concurrency can be
driven. It implements ``GET /v1/models`` and ``POST /v1/completions`` with ``n``, ``logprobs``
(top logprobs, the model's raw distribution, as vLLM reports them), ``echo`` (prompt logprobs,
``max_tokens=0`` allowed), ``stop`` (excluded from the text; the tokens that made it stay in the
logprobs, as in vLLM), ``seed`` and ``usage`` (the prompt counted once per request, as vLLM does).

``POST /_control`` (JSON) drives it: ``latency`` (seconds every completion waits, concurrently),
``fail`` (a list of ``[status, retry_after_or_null]`` that the next completions answer instead),
``features`` (``{"n": false, ...}``: ignore ``n``/``logprobs``/``echo``, drop ``usage``, as
``transformers serve`` does), ``require_key`` (answer 401 naming the key a request sent unless it
is this one, as hosted APIs do). ``GET /_control`` returns the counters.

    python tests/llm_server.py MODEL_DIR --port 8000     # serve a directory
    python tests/llm_server.py --build DIR               # write a tiny random model there first
"""


import argparse
import asyncio
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ALPHABET = "0123456789+-*/=:x!<> \n" + "abcdefghijklmnopqrstuvwxyz?"


def build_tiny_model(out: str | Path, *, seed: int = 0) -> Path:
    """A randomly initialised GPT-2 (2 layers, width 32) with a character-level ``tokenizers``
    tokenizer (one token per character of :data:`ALPHABET`, ``<eos>`` = 0), saved so that
    ``from_pretrained`` and ``transformers serve`` load it. Nothing is downloaded."""
    import torch
    from tokenizers import Tokenizer, decoders, models
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    out = Path(out)
    vocab = {"<eos>": 0}
    for ch in ALPHABET:
        vocab.setdefault(ch, len(vocab))
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token=None))
    tok.decoder = decoders.Fuse()  # characters join without spaces
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<eos>", pad_token="<eos>")
    torch.manual_seed(seed)
    config = GPT2Config(vocab_size=len(vocab), n_positions=512, n_embd=32, n_layer=2, n_head=2,
                        bos_token_id=0, eos_token_id=0, pad_token_id=0)
    GPT2LMHeadModel(config).save_pretrained(out)
    fast.save_pretrained(out)
    return out


class Engine:
    """The model behind the server: token-by-token sampling with a KV cache, and logprobs."""

    def __init__(self, model_dir: str | Path) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging

        logging.set_verbosity_error()  # the unpadded single-row attention-mask notice
        torch.set_num_threads(1)
        self.torch = torch
        self.tok = AutoTokenizer.from_pretrained(model_dir)
        self.model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
        self.eos = self.tok.eos_token_id
        self.pieces = [self.tok.decode([i]) for i in range(len(self.tok))]

    def _top(self, logp_row, k: int) -> dict[str, float]:
        values, ids = self.torch.topk(logp_row, min(k, logp_row.shape[-1]))
        top: dict[str, float] = {}
        for v, i in zip(values.tolist(), ids.tolist(), strict=True):
            top.setdefault(self.pieces[i], v)
        return top

    def complete_batch(self, jobs: list[dict]) -> list[tuple[list[dict], int, int]]:
        """Each job's (choices, prompt tokens, generated tokens), all jobs' rows (``n`` per job)
        decoded together: one forward pass per token step for the whole batch, as a batching
        server does. A job: ``prompt, n, max_tokens, temperature, stop, seed, logprobs, echo``."""
        torch = self.torch
        rows = []  # (job index, the job's row)
        prompts = [self.tok(j["prompt"]).input_ids or [self.eos] for j in jobs]
        for k, job in enumerate(jobs):
            rows += [(k, r) for r in range(job["n"])]
        width = max(len(ids) for ids in prompts)
        ids = torch.tensor([[self.eos] * (width - len(prompts[k])) + prompts[k] for k, _ in rows])
        mask = torch.tensor([[0] * (width - len(prompts[k])) + [1] * len(prompts[k]) for k, _ in rows])
        gens = [torch.Generator().manual_seed(j["seed"]) if j["seed"] is not None else None for j in jobs]
        steps = max(j["max_tokens"] for j in jobs)
        texts = [""] * len(rows)
        done = [jobs[k]["max_tokens"] == 0 for k, _ in rows]
        reasons = ["length"] * len(rows)
        lps = [{"tokens": [], "token_logprobs": [], "top_logprobs": [], "text_offset": []} for _ in rows]
        generated = [0] * len(jobs)
        with torch.no_grad():
            positions = (mask.cumsum(-1) - 1).clamp(min=0)
            out = self.model(ids, attention_mask=mask, position_ids=positions, use_cache=True)
            all_logp = torch.log_softmax(out.logits.float(), -1)
            cache, logp, last = out.cache, all_logp[:, -1], positions[:, -1]
            for step in range(steps):
                nxt = logp.argmax(-1)
                for k, job in enumerate(jobs):
                    if job["temperature"] > 0 and step < job["max_tokens"]:
                        mine = [q for q, (kk, _) in enumerate(rows) if kk == k]
                        probs = torch.softmax(logp[mine] / job["temperature"], -1)
                        nxt[mine] = torch.multinomial(probs, 1, generator=gens[k])[:, 0]
                for q, (k, _) in enumerate(rows):
                    job = jobs[k]
                    if done[q]:
                        continue
                    i = int(nxt[q])
                    generated[k] += 1
                    piece = "" if i == self.eos else self.pieces[i]
                    lps[q]["tokens"].append(piece)
                    lps[q]["text_offset"].append((len(job["prompt"]) if job["echo"] else 0) + len(texts[q]))
                    lps[q]["token_logprobs"].append(logp[q, i].item())
                    lps[q]["top_logprobs"].append(self._top(logp[q], job["logprobs"] or 1))
                    texts[q] += piece
                    hit = [texts[q].index(s) for s in job["stop"] if s and s in texts[q]]
                    if i == self.eos or hit:
                        done[q], reasons[q] = True, "stop"
                        if hit:
                            texts[q] = texts[q][: min(hit)]
                    elif len(lps[q]["tokens"]) == job["max_tokens"]:
                        done[q] = True
                if all(done):
                    break
                mask = torch.cat([mask, torch.ones(len(rows), 1, dtype=mask.dtype)], -1)
                last = last + 1
                out = self.model(nxt[:, None], attention_mask=mask, position_ids=last[:, None], cache=cache,
                                 use_cache=True)
                cache, logp = out.cache, torch.log_softmax(out.logits[:, -1].float(), -1)
        results = []
        for k, job in enumerate(jobs):
            prompt_lp: dict = {"tokens": [], "token_logprobs": [], "top_logprobs": [], "text_offset": []}
            q0 = next(q for q, (kk, _) in enumerate(rows) if kk == k)
            if job["echo"] and job["logprobs"] is not None:
                pad, offset = width - len(prompts[k]), 0
                for t, i in enumerate(prompts[k]):
                    prompt_lp["tokens"].append(self.pieces[i])
                    prompt_lp["text_offset"].append(offset)
                    offset += len(self.pieces[i])
                    before = all_logp[q0, pad + t - 1]
                    prompt_lp["token_logprobs"].append(None if t == 0 else before[i].item())
                    prompt_lp["top_logprobs"].append(None if t == 0 else self._top(before, job["logprobs"]))
            choices = []
            for q, (kk, r) in enumerate(rows):
                if kk != k:
                    continue
                choice = {"index": r, "text": (job["prompt"] if job["echo"] else "") + texts[q],
                          "finish_reason": reasons[q], "logprobs": None}
                if job["logprobs"] is not None:
                    choice["logprobs"] = {key: prompt_lp[key] + lps[q][key] for key in prompt_lp}
                choices.append(choice)
            results.append((choices, len(prompts[k]), generated[k]))
        return results


class Batcher:
    """Collects the requests that arrive while a batch runs and runs them as the next batch."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.waiting: list[tuple[dict, asyncio.Future]] = []
        self.running = False

    async def complete(self, job: dict) -> tuple[list[dict], int, int]:
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((job, future))
        if not self.running:
            self.running = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self.waiting:
                await asyncio.sleep(0.002)  # let the requests of one round arrive together
                batch, self.waiting = self.waiting, []
                try:
                    results = await loop.run_in_executor(self.pool, self.engine.complete_batch, [j for j, _ in batch])
                except Exception as exc:  # noqa: BLE001 - the batch's requests fail with it
                    for _, future in batch:
                        future.set_exception(exc)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            self.running = False


def make_app(model_dir: str | Path, name: str | None = None):
    """The FastAPI app serving ``model_dir`` under ``name`` (default: the directory)."""
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    batcher = Batcher(Engine(model_dir))
    name = name or str(model_dir)
    state: dict = {"latency": 0.0, "fail": [], "features": {"n": True, "logprobs": True, "echo": True, "usage": True},
                   "require_key": None, "served": 0, "failed": 0, "in_flight": 0, "max_in_flight": 0}
    app = FastAPI()

    def error(status: int, message: str, headers: dict | None = None):
        return JSONResponse({"error": {"message": message, "type": "invalid_request_error", "code": status}},
                            status_code=status, headers=headers)

    @app.get("/v1/models")
    def models():
        return {"object": "list", "data": [{"id": name, "object": "model", "created": 0, "owned_by": "clew-tests"}]}

    @app.post("/_control")
    async def control(body: dict):
        for key in ("latency", "fail", "require_key"):
            if key in body:
                state[key] = body[key]
        state["features"].update(body.get("features", {}))
        if body.get("reset_counters"):
            state.update(served=0, failed=0, max_in_flight=0)
        return {k: v for k, v in state.items() if k != "require_key"}

    @app.get("/_control")
    def counters():
        return {k: v for k, v in state.items() if k != "require_key"}

    @app.post("/v1/completions")
    async def completions(request: Request, body: dict):
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        if state["require_key"] is not None and key != state["require_key"]:
            return error(401, f"Incorrect API key provided: {key}.")  # hosted APIs name the key they got
        if state["fail"]:
            status, retry_after = state["fail"].pop(0)
            state["failed"] += 1
            return error(status, "injected failure",
                         headers=None if retry_after is None else {"Retry-After": str(retry_after)})
        if body.get("model") != name:
            return error(404, f"The model `{body.get('model')}` does not exist.")
        prompt = body.get("prompt")
        if not isinstance(prompt, str):
            return error(400, "prompt must be a string")
        feats = state["features"]
        n = int(body.get("n") or 1) if feats["n"] else 1
        logprobs = body.get("logprobs") if feats["logprobs"] else None
        echo = bool(body.get("echo")) and feats["echo"]
        max_tokens = int(body.get("max_tokens", 16))
        if max_tokens == 0 and not echo:
            return error(400, "max_tokens must be at least 1 without echo")
        stop = body.get("stop") or []
        stop = [stop] if isinstance(stop, str) else list(stop)
        temperature = float(body.get("temperature", 1.0))
        state["in_flight"] += 1
        state["max_in_flight"] = max(state["max_in_flight"], state["in_flight"])
        try:
            if state["latency"]:
                await asyncio.sleep(state["latency"])
            choices, read, generated = await batcher.complete(
                {"prompt": prompt, "n": n, "max_tokens": max_tokens, "temperature": temperature, "stop": stop,
                 "seed": body.get("seed"), "logprobs": logprobs, "echo": echo})
        finally:
            state["in_flight"] -= 1
        state["served"] += 1
        answer = {"id": f"cmpl-{state['served']}", "object": "text_completion", "created": int(time.time()),
                  "model": name, "choices": choices}
        if feats["usage"]:
            answer["usage"] = {"prompt_tokens": read, "completion_tokens": generated, "total_tokens": read + generated}
        return answer

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen, seconds: float) -> None:
    """Waits until ``url`` + ``/models`` answers; raises with the process's output if it died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            raise RuntimeError(f"server exited with {proc.returncode}: {out[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/models", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} after {seconds} s")


def start(model_dir: str | Path, port: int | None = None, *, python: str = sys.executable) -> tuple[subprocess.Popen, str]:
    """Starts this server in a subprocess on a free loopback port: ``(process, base_url)``."""
    port = port or free_port()
    proc = subprocess.Popen([python, __file__, str(model_dir), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, f"http://127.0.0.1:{port}/v1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--build", action="store_true", help="write a tiny random model to MODEL_DIR first")
    args = parser.parse_args()
    if args.build:
        build_tiny_model(args.model_dir)
    import uvicorn

    uvicorn.run(make_app(args.model_dir), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
