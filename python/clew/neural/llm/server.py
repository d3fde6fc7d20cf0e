"""Any OpenAI-compatible completions server as a :class:`LanguageModel`: :class:`OpenAIModel`.

For vLLM, SGLang, ``transformers serve`` or a hosted endpoint, over the ``openai`` client and
the legacy ``/v1/completions`` API (plain text in, plain text out: no chat template touches the
search's states). Every batched call is one *round*: its requests are in flight together, up to
``max_concurrency``, on an event loop of the model's own (a background thread), so the calls
are plain blocking calls from scripts, from threads and from Jupyter, whose loop is already
running. Ctrl-C during a round cancels its requests in flight and raises ``KeyboardInterrupt``.

What the server supports is probed once, when the model is made (two to five small requests,
not charged to the meter): ``n`` (several samples per request), ``logprobs`` (top-k logprobs of
generated tokens), ``echo`` with ``logprobs`` (the prompt's logprobs) and ``usage``. Where one
is missing, clew falls back, and says so once in the log (``clew.neural.llm.server``):

* no ``n``: ``n`` requests of one sample each (seeds ``seed + j``); greedy (temperature 0)
  sends one and repeats it, since the ``n`` samples are equal;
* no ``logprobs``: ``Completion.logprob`` is ``None``, and ``next_token_probs`` is a greedy
  1-token completion: probability 1 for each candidate the generated token starts, 0 for the
  others (a 0/1 judge, not a probability);
* a candidate missing from the top-``top_logprobs`` list: its exact probability from an echo
  request where the server echoes logprobs, else 0 (said once);
* no ``echo`` with logprobs: ``score`` raises :class:`UnsupportedByServer` (nothing else gives
  the logprobs of given text);
* no ``usage``: the meter charges the tokens counted locally (``tokenizer=``) or estimated.

Retries: 429, 5xx, connection errors and timeouts are retried ``retries`` times with
exponential backoff and full jitter (0.25 s doubling to at most 8 s), or after the server's
``Retry-After`` (at most 60 s); other errors raise at once. A server that is down, answers
another API (404, HTML), or does not serve the model raises :class:`ServerError` naming it.

Safety: the default ``base_url`` is loopback. The API key is read only from the environment
variable ``api_key_env`` (it is never an argument), and is scrubbed from every message clew
raises or logs; the repr and the pickled form hold the variable's name, never the key.
Prompts and completions reach the log only with ``log_prompts=True`` (at DEBUG).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import math
import os
import random
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from clew import ClewError, InputError
from clew.neural.llm.model import Completion, Meter

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:8000/v1"
_PLACEHOLDER_KEY = "EMPTY"  # what local servers get when the variable is unset: they check no key
_RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
_BACKOFF_FIRST, _BACKOFF_MAX, _RETRY_AFTER_MAX = 0.25, 8.0, 60.0
_POOL_SIZE = 32  # connections per pool (see OpenAIModel.__init__)
_CHARS_PER_TOKEN = 4  # the estimate's rule of thumb (English BPE) where nothing counts tokens
_START_HINT = "start one with `transformers serve MODEL_DIR --port 8000`, `vllm serve MODEL_DIR` or `python -m sglang.launch_server --model-path MODEL_DIR`"


class ServerError(ClewError):
    """The server is down, answers another API, does not serve the model, refused a request,
    or kept failing after the retries. ``status`` is the HTTP status where there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class UnsupportedByServer(ServerError):
    """The call needs something the server does not give (e.g. ``score`` needs ``echo`` with
    ``logprobs``, which ``transformers serve`` ignores)."""


@dataclass(frozen=True)
class ServerFeatures:
    """What the probe found the server honours on ``/v1/completions``."""

    n: bool
    logprobs: bool
    echo: bool  # echo with logprobs: the prompt's logprobs
    usage: bool
    echo_max_tokens: int  # 0 where the server takes max_tokens=0 with echo, else 1


class _LoopThread:
    """An event loop on a daemon thread of its own, so sync code (and code whose loop is already
    running, as in Jupyter) can run a round's coroutines without touching the caller's loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="clew-openai", daemon=True)
        self.thread.start()

    def run(self, coro: Awaitable[Any]) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]
        try:
            while True:  # short waits: a Ctrl-C lands between them, whichever thread got the signal
                try:
                    return future.result(timeout=0.1)
                except concurrent.futures.TimeoutError:
                    continue
        except KeyboardInterrupt:
            future.cancel()  # cancels the round's tasks: their requests close, the server sees it
            concurrent.futures.wait([future], timeout=5)
            raise

    def close(self, closer: Callable[[], Awaitable[Any]] | None = None) -> None:
        if self.loop.is_closed():
            return
        if closer is not None and self.thread.is_alive():
            try:
                asyncio.run_coroutine_threadsafe(closer(), self.loop).result(timeout=5)  # type: ignore[arg-type]
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        if not self.thread.is_alive():
            self.loop.close()


def _is_loopback(url: str) -> bool:
    from urllib.parse import urlparse

    host = (urlparse(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


class OpenAIModel:
    """A model behind an OpenAI-compatible server (see the module notes).

    ``OpenAIModel(base_url="http://127.0.0.1:8000/v1", model=None, *, api_key_env="OPENAI_API_KEY",
    max_concurrency=256, timeout=60, retries=5, top_logprobs=20, tokenizer=None, log_prompts=False)``.

    Making one connects: it lists ``/v1/models`` (``model=None`` takes the first), and probes
    what the server supports (:attr:`features`); it raises :class:`ServerError` when there is no
    server, another API, or no such model. ``timeout`` is per request, in seconds.
    ``top_logprobs`` is how many alternatives ``next_token_probs`` asks for (vLLM allows 20 by
    default, OpenAI 5). ``tokenizer`` (a local tokenizer directory or ``tokenizer.json``) makes
    ``count_tokens`` local; otherwise it asks the server (``usage``), else estimates
    ``ceil(len(text) / 4)``.

    State: :attr:`meter` is charged with each response's ``usage`` (prompt and completion
    tokens; ``passes`` counts requests, ``calls`` batched calls). Nothing else changes between
    calls; ``close()`` (or ``with``) frees the connection pool and the loop thread.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        model: str | None = None,
        *,
        api_key_env: str = "OPENAI_API_KEY",
        max_concurrency: int = 256,
        timeout: float = 60,
        retries: int = 5,
        top_logprobs: int = 20,
        tokenizer: str | os.PathLike[str] | None = None,
        log_prompts: bool = False,
    ) -> None:
        try:
            import httpx2 as httpx  # the openai client's HTTP library (httpx before openai 3)
        except ImportError:  # pragma: no cover - older openai
            import httpx  # type: ignore[no-redef]
        try:
            import openai
        except ImportError:  # pragma: no cover - exercised without the extra
            raise ImportError("OpenAIModel needs the openai client: pip install 'clew[llm]'") from None
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise InputError(f"base_url must be an http(s) URL such as {DEFAULT_BASE_URL}, got {base_url!r}")
        if not isinstance(api_key_env, str) or not api_key_env:
            raise InputError("api_key_env names the environment variable that holds the API key")
        for name, value, low in (("max_concurrency", max_concurrency, 1), ("retries", retries, 0),
                                 ("top_logprobs", top_logprobs, 1)):
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise InputError(f"{name} must be an integer >= {low}, got {value!r}")
        if not (isinstance(timeout, int | float) and timeout > 0):
            raise InputError(f"timeout must be a positive number of seconds, got {timeout!r}")
        self.base_url = base_url.rstrip("/")
        self.api_key_env = api_key_env
        self.max_concurrency, self.timeout, self.retries = max_concurrency, float(timeout), retries
        self.top_logprobs, self.log_prompts = top_logprobs, bool(log_prompts)
        self._tokenizer_path = None if tokenizer is None else os.fspath(tokenizer)
        self._tokenizer = _load_tokenizer(self._tokenizer_path) if tokenizer is not None else None
        self.meter = Meter()
        self._openai = openai
        self._warned: set[str] = set()
        self._token_counts: dict[str, int] = {}
        key = os.environ.get(api_key_env) or None
        self._scrub = _scrubber(key)  # a closure: vars(model) and its repr never show the key
        if key is None and not _is_loopback(self.base_url):
            log.warning("%s is unset: requests to %s carry no API key", api_key_env, self.base_url)
        self._loop = _LoopThread()
        self._semaphore: asyncio.Semaphore | None = None
        # Several connection pools: httpcore's pool does work linear in its connections for every
        # request it assigns, so one pool of 256 spends O(R^2) on a round of R requests.
        sizes = [min(_POOL_SIZE, max_concurrency - start) for start in range(0, max_concurrency, _POOL_SIZE)]

        async def make_clients() -> list[Any]:
            self._semaphore = asyncio.Semaphore(max_concurrency)
            return [openai.AsyncOpenAI(
                base_url=self.base_url, api_key=key or _PLACEHOLDER_KEY, max_retries=0, timeout=self.timeout,
                http_client=openai.DefaultAsyncHttpxClient(
                    limits=httpx.Limits(max_connections=size, max_keepalive_connections=size), timeout=self.timeout))
                for size in sizes]

        self._clients = self._loop.run(make_clients())
        self._next_client = 0
        del key
        clients, loop = self._clients, self._loop

        async def close_clients() -> None:
            for c in clients:
                await c.close()

        self._finalizer = weakref.finalize(self, loop.close, close_clients)
        try:
            self.model, self.served = self._loop.run(self._resolve_model(model))
            self.features: ServerFeatures = self._loop.run(self._probe())
        except BaseException:
            self.close()
            raise
        log.info("OpenAIModel %s at %s: %s", self.model, self.base_url, self.features)

    # ----- lifecycle, repr, pickling (the key never travels) -----

    def close(self) -> None:
        """Closes the connection pool and stops the loop thread."""
        self._finalizer()

    def __enter__(self) -> OpenAIModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"OpenAIModel(base_url={self.base_url!r}, model={getattr(self, 'model', None)!r}, "
                f"api_key_env={self.api_key_env!r}, max_concurrency={self.max_concurrency})")

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its settings: the unpickled copy reads the key from its own environment.
        return (_rebuild, (self.base_url, self.model, self.api_key_env, self.max_concurrency, self.timeout,
                           self.retries, self.top_logprobs, self._tokenizer_path, self.log_prompts))

    # ----- errors -----

    def _fail(self, message: str, status: int | None = None, kind: type[ServerError] = ServerError) -> ServerError:
        return kind(self._scrub(message), status)

    def _server_error(self, exc: BaseException, what: str) -> ServerError:
        """The clew error for an openai exception (its text scrubbed of the key)."""
        o = self._openai
        if isinstance(exc, o.APITimeoutError):
            return self._fail(f"{what}: {self.base_url} gave no answer within {self.timeout:g} s (timeout=)")
        if isinstance(exc, o.APIConnectionError):
            return self._fail(f"no server at {self.base_url}: {_START_HINT}")
        if isinstance(exc, o.APIStatusError):
            detail = _error_detail(exc)
            if exc.status_code == 404:
                return self._fail(f"{what}: {self.base_url} answered 404 ({detail}): it does not serve model "
                                  f"{getattr(self, 'model', None)!r} or does not speak the OpenAI completions API",
                                  404)
            if exc.status_code in (401, 403):
                return self._fail(f"{what}: {self.base_url} refused the API key from ${self.api_key_env} "
                                  f"({exc.status_code}: {detail})", exc.status_code)
            return self._fail(f"{what}: {self.base_url} answered {exc.status_code}: {detail}", exc.status_code)
        return self._fail(f"{what}: {self.base_url} answered something that is not the OpenAI API "
                          f"({type(exc).__name__}: {exc})")

    # ----- one request, with retries -----

    async def _request(self, what: str, **params: Any) -> Any:
        o = self._openai
        assert self._semaphore is not None
        async with self._semaphore:
            for attempt in range(self.retries + 1):
                error: ServerError | None = None
                wait: float | None = None
                client = self._clients[self._next_client]
                self._next_client = (self._next_client + 1) % len(self._clients)
                try:
                    response = await client.completions.create(model=self.model, **params)
                except (o.APIConnectionError, o.APIStatusError) as exc:
                    status = getattr(exc, "status_code", None)
                    if (status is not None and status not in _RETRY_STATUSES) or attempt == self.retries:
                        error = self._server_error(exc, what)
                    else:
                        wait = _retry_after(exc)
                        if wait is None:
                            wait = random.uniform(0, min(_BACKOFF_MAX, _BACKOFF_FIRST * 2**attempt))
                        log.warning("%s: %s, retry %d of %d in %.2f s", what, _short(exc), attempt + 1,
                                    self.retries, wait)
                except o.OpenAIError as exc:  # a body the client cannot parse: another API
                    error = self._server_error(exc, what)
                # raised here, outside the handler: the openai exception (its request's headers hold
                # the key) is not kept as the clew error's __context__
                if error is not None:
                    raise error
                if wait is not None:
                    self.meter._extra["retries"] = self.meter._extra.get("retries", 0) + 1
                    await asyncio.sleep(wait)
                    continue
                if not hasattr(response, "choices") or not isinstance(response.choices, list):
                    raise self._fail(f"{what}: {self.base_url} answered something that is not a completion "
                                     f"({type(response).__name__}): it does not speak the OpenAI completions API")
                return response
        raise AssertionError("unreachable")

    async def _round(self, what: str, requests: list[dict[str, Any]]) -> list[Any]:
        """All ``requests`` in flight together (the semaphore bounds them); the first failure
        cancels the rest."""
        tasks: list[asyncio.Task[Any]] = []
        first: BaseException | None = None
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self._request(what, **r)) for r in requests]
        except BaseExceptionGroup as group_error:
            first = group_error.exceptions[0]
        if first is not None:  # raised out here, so it carries no group as its context
            first.__context__ = None
            raise first
        return [t.result() for t in tasks]

    def _run(self, what: str, requests: list[dict[str, Any]]) -> list[Any]:
        """One round from sync code, charged to the meter."""
        if self._loop.loop.is_closed():
            raise InputError(f"{self!r} is closed")
        start = time.perf_counter()
        try:
            responses = self._loop.run(self._round(what, requests)) if requests else []
        finally:
            self.meter.calls += 1
            self.meter.seconds += time.perf_counter() - start
        for params, response in zip(requests, responses, strict=True):
            self._charge(params, response)
            if self.log_prompts:
                log.debug("%s %r -> %r", what, params.get("prompt"), [c.text for c in response.choices])
        return responses

    def _charge(self, params: dict[str, Any], response: Any) -> None:
        self.meter.passes += 1
        usage = getattr(response, "usage", None)
        if usage is not None and usage.prompt_tokens is not None:
            self.meter.read += int(usage.prompt_tokens)
            self.meter.generated += int(usage.completion_tokens or 0)
            return
        # No usage: count locally (or estimate); the echoed prompt is not generated.
        self.meter.read += self._local_count(params["prompt"])
        echoed = len(params["prompt"]) if params.get("echo") else 0
        self.meter.generated += sum(self._local_count(c.text[echoed:]) for c in response.choices)

    def _local_count(self, text: str) -> int:
        if self._tokenizer is not None:
            return len(self._tokenizer(text))
        return math.ceil(len(text) / _CHARS_PER_TOKEN)

    def _say_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning("%s (%s): %s", self.base_url, self.model, message)

    # ----- connecting: the model's name and what the server supports -----

    async def _resolve_model(self, model: str | None) -> tuple[str, tuple[str, ...]]:
        o = self._openai
        error: ServerError | None = None
        served: tuple[str, ...] = ()
        try:
            page = await self._clients[0].models.list()
            served = tuple(str(m.id) for m in page.data)
        except o.APIStatusError as exc:
            error = self._fail(f"{self.base_url} answered GET /models with {exc.status_code} "
                               f"({_error_detail(exc)}): it does not speak the OpenAI API there", exc.status_code)
        except (AttributeError, TypeError, ValueError):  # the client got a page, not JSON
            error = self._fail(f"{self.base_url} answered GET /models with something that is not a JSON model "
                               "list (an HTML page?): it does not speak the OpenAI API there")
        except o.OpenAIError as exc:
            error = self._server_error(exc, "listing /v1/models")
        if error is not None:
            raise error
        if model is None:
            if not served:
                raise self._fail(f"{self.base_url}/models lists no model: pass model=")
            return served[0], served
        if not isinstance(model, str) or not model:
            raise InputError(f"model must be the name the server serves, got {model!r}")
        if model not in served:  # servers that load on demand list only some: the probe decides
            log.info("%s does not list %r (it lists %s)", self.base_url, model, served)
        return model, served

    def _unknown_model(self, exc: ServerError) -> ServerError:
        served = ", ".join(self.served) or "none"
        return self._fail(f"{self.base_url} does not serve model {self.model!r} (it lists: {served}), or does not "
                          f"speak the OpenAI completions API: {exc}", exc.status)

    async def _probe(self) -> ServerFeatures:
        prompt, what = "0", "probing /v1/completions"
        answers = []
        error: ServerError | None = None
        try:
            answers.append(await self._request(what, prompt=prompt, max_tokens=1, n=2, logprobs=1, echo=True,
                                               temperature=1.0))
        except ServerError as exc:
            if exc.status == 404:
                error = self._unknown_model(exc)
            elif exc.status not in (400, 422):  # e.g. transformers serve's 500 for a path it cannot load
                served = ", ".join(self.served) or "none"
                error = self._fail(f"{exc} (the first request for model {self.model!r}; the server lists: "
                                   f"{served})", exc.status)
        if error is not None:
            raise error
        if not answers:  # the server rejects the combination: a plain request, then one thing at a time
            try:
                answers.append(await self._request(what, prompt=prompt, max_tokens=1, temperature=1.0))
            except ServerError as exc:
                error = self._unknown_model(exc) if exc.status in (400, 404, 422) else exc
            if error is not None:
                raise error
            for params in ({"n": 2}, {"logprobs": 1}, {"echo": True, "logprobs": 1}):
                try:
                    answers.append(await self._request(what, prompt=prompt, max_tokens=1, temperature=1.0, **params))
                except ServerError as exc:
                    if exc.status not in (400, 422):
                        raise
        has_n = any(len(a.choices) >= 2 for a in answers)
        has_logprobs = any(_token_logprobs(c) for a in answers for c in a.choices)
        has_echo = any(c.text.startswith(prompt) and len(_token_logprobs(c)) >= 2 for a in answers for c in a.choices)
        has_usage = all(getattr(a, "usage", None) is not None for a in answers)
        echo_max_tokens = 1
        if has_echo:
            try:
                zero = await self._request("probing echo", prompt=prompt + "0", max_tokens=0, echo=True,
                                           logprobs=1, temperature=0)
                if zero.choices and zero.choices[0].text == prompt + "0":
                    echo_max_tokens = 0
            except ServerError as exc:
                if exc.status not in (400, 422):
                    raise
        return ServerFeatures(n=has_n, logprobs=has_logprobs, echo=has_echo, usage=has_usage,
                              echo_max_tokens=echo_max_tokens)

    # ----- LanguageModel -----

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
        """``n`` completions per prompt, one round of requests (see :class:`LanguageModel`).
        A stop string that the server left in the text is cut off here. Charges the meter."""
        prompts = _texts(prompts, "prompts")
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise InputError(f"n must be an integer >= 1, got {n!r}")
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
            raise InputError(f"max_tokens must be an integer >= 1, got {max_tokens!r}")
        if not (isinstance(temperature, int | float) and temperature >= 0):
            raise InputError(f"temperature must be >= 0, got {temperature!r}")
        stops = _texts(stop, "stop") if not isinstance(stop, str) else [stop]
        base: dict[str, Any] = {"max_tokens": max_tokens, "temperature": float(temperature)}
        if stops:
            base["stop"] = stops
        if self.features.logprobs:
            base["logprobs"] = 1
        requests: list[dict[str, Any]] = []
        owners: list[int] = []  # the prompt each request answers
        for i, prompt in enumerate(prompts):
            if n == 1 or self.features.n:
                requests.append({**base, "prompt": prompt, **({"n": n} if n > 1 else {})})
                owners.append(i)
            elif temperature == 0:  # greedy: the n samples are equal, one request gives them all
                requests.append({**base, "prompt": prompt})
                owners.append(i)
            else:
                self._say_once("n", f"no `n`: {n} requests of one sample each per prompt")
                requests += [{**base, "prompt": prompt} for _ in range(n)]
                owners += [i] * n
        if seed is not None:  # distinct seeds, so equal prompts (and the no-`n` fallback) differ
            for j, r in enumerate(requests):
                r["seed"] = int(seed) + j
        responses = self._run("generate", requests)
        out: list[list[Completion]] = [[] for _ in prompts]
        for i, params, response in zip(owners, requests, responses, strict=True):
            single = len(response.choices) == 1
            for choice in sorted(response.choices, key=lambda c: c.index)[: params.get("n", 1)]:
                out[i].append(self._completion(choice, stops, response if single else None))
        for i in range(len(prompts)):
            if not out[i] or (len(out[i]) < n and temperature != 0):
                raise self._fail(f"generate: {self.base_url} answered {len(out[i])} choices where {n} were asked")
            out[i] += [out[i][-1]] * (n - len(out[i]))  # greedy without `n`: the samples are equal
        return out

    def _completion(self, choice: Any, stops: list[str], response: Any | None) -> Completion:
        text = choice.text or ""
        cuts = [text.index(s) for s in stops if s in text]
        if cuts:
            text = text[: min(cuts)]
        lps = _token_logprobs(choice)
        if lps:
            return Completion(text, float(sum(lp for lp in lps if lp is not None)), len(lps))
        usage = getattr(response, "usage", None) if response is not None else None
        tokens = int(usage.completion_tokens) if usage is not None and usage.completion_tokens is not None \
            else self._local_count(text)
        return Completion(text, None, tokens)

    def next_token_probs(self, prompts: Sequence[str], candidates: Sequence[str]) -> NDArray[np.float64]:
        """``(len(prompts), len(candidates))``: the probability that the next token is each
        candidate's first token, from one 1-token request per prompt (top ``top_logprobs``
        logprobs; the first token is the longest listed token that starts the candidate). See
        the module notes for servers without logprobs. Charges the meter."""
        prompts = _texts(prompts, "prompts")
        candidates = _texts(candidates, "candidates")
        if any(not c for c in candidates):
            raise InputError("candidates must be non-empty strings")
        probs = np.zeros((len(prompts), len(candidates)), dtype=np.float64)
        if not prompts:
            return probs
        if not self.features.logprobs:
            self._say_once("logprobs", "no logprobs: next_token_probs is 1 for the candidates the greedy next "
                                       "token starts, 0 for the others")
            responses = self._run("next_token_probs",
                                  [{"prompt": p, "max_tokens": 1, "temperature": 0.0} for p in prompts])
            for i, response in enumerate(responses):
                token = response.choices[0].text if response.choices else ""
                for j, c in enumerate(candidates):
                    probs[i, j] = 1.0 if token and c.startswith(token) else 0.0
            return probs
        responses = self._run("next_token_probs", [
            {"prompt": p, "max_tokens": 1, "temperature": 0.0, "logprobs": self.top_logprobs} for p in prompts])
        missing: list[tuple[int, int]] = []
        for i, response in enumerate(responses):
            top = _first_top(response.choices[0]) if response.choices else {}
            for j, c in enumerate(candidates):
                keys = [k for k in top if k and c.startswith(k)]
                if keys:
                    probs[i, j] = math.exp(top[max(keys, key=len)])
                else:
                    missing.append((i, j))
        if missing and self.features.echo:
            exact = self._first_token_logprobs([prompts[i] for i, _ in missing], [candidates[j] for _, j in missing])
            for (i, j), lp in zip(missing, exact, strict=True):
                probs[i, j] = math.exp(lp)
        elif missing:
            self._say_once("top", f"candidates outside the top {self.top_logprobs} logprobs and no echo: "
                                  "their probability is taken as 0")
        return probs

    def _echo_requests(self, texts: list[str]) -> list[dict[str, Any]]:
        return [{"prompt": t, "echo": True, "logprobs": 1, "max_tokens": self.features.echo_max_tokens,
                 "temperature": 0.0} for t in texts]

    def _echoed(self, what: str, prompts: list[str], continuations: list[str]) -> list[list[float]]:
        """The logprobs of each continuation's tokens after its prompt, from echo requests."""
        if not self.features.echo:
            raise self._fail(f"{what} needs the logprobs of given text (echo with logprobs), which {self.base_url} "
                             f"({self.model}) does not return: serve the model with vLLM or SGLang, or use HFModel",
                             kind=UnsupportedByServer)
        responses = self._run(what, self._echo_requests([p + c for p, c in zip(prompts, continuations, strict=True)]))
        out = []
        for p, c, response in zip(prompts, continuations, responses, strict=True):
            choice = response.choices[0]
            lp = choice.logprobs
            tokens, lps = list(lp.tokens or []), list(lp.token_logprobs or [])
            offsets = list(lp.text_offset or []) or list(np.cumsum([0] + [len(t) for t in tokens[:-1]]))
            end = len(p) + len(c)
            # a token ending past the prompt belongs to the continuation; generated ones start at its end
            out.append([float(lps[t]) for t in range(len(tokens))
                        if offsets[t] + len(tokens[t]) > len(p) and offsets[t] < end and lps[t] is not None])
        return out

    def _first_token_logprobs(self, prompts: list[str], candidates: list[str]) -> list[float]:
        return [lps[0] if lps else -math.inf for lps in self._echoed("next_token_probs", prompts, candidates)]

    def score(self, prompts: Sequence[str], continuations: Sequence[str]) -> NDArray[np.float64]:
        """``log p(continuation | prompt)`` per pair, summed over the continuation's tokens, from
        one echo request per pair (prompt + continuation, its prompt logprobs). An empty
        continuation scores 0 with no request. Raises :class:`UnsupportedByServer` where the
        server echoes no logprobs. Charges the meter."""
        prompts = _texts(prompts, "prompts")
        continuations = _texts(continuations, "continuations")
        if len(prompts) != len(continuations):
            raise InputError(f"score takes one continuation per prompt, got {len(prompts)} and {len(continuations)}")
        scores = np.zeros(len(prompts), dtype=np.float64)
        todo = [i for i, c in enumerate(continuations) if c]
        if todo:
            lps = self._echoed("score", [prompts[i] for i in todo], [continuations[i] for i in todo])
            for i, values in zip(todo, lps, strict=True):
                scores[i] = float(sum(values))
        return scores

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text``: the local ``tokenizer`` where given; else the server's count (a
        1-token request's ``usage.prompt_tokens``, remembered per text and charged to the meter);
        else the estimate ``ceil(len(text) / 4)``."""
        if not isinstance(text, str):
            raise InputError(f"count_tokens takes a string, got {type(text).__name__}")
        if self._tokenizer is not None or not text:
            return self._local_count(text)
        if not self.features.usage:
            self._say_once("usage", "no usage: token counts are estimated as ceil(len(text) / 4)")
            return self._local_count(text)
        if text not in self._token_counts:
            (response,) = self._run("count_tokens", [{"prompt": text, "max_tokens": 1, "temperature": 0.0}])
            self._token_counts[text] = int(response.usage.prompt_tokens)
        return self._token_counts[text]


def _scrubber(secret: str | None) -> Callable[[str], str]:
    """Replaces ``secret`` by ``***`` in a message (every message clew raises or logs)."""

    def scrub(text: str) -> str:
        return text.replace(secret, "***") if secret else text

    return scrub


def _rebuild(base_url: str, model: str, api_key_env: str, max_concurrency: int, timeout: float, retries: int,
             top_logprobs: int, tokenizer: str | None, log_prompts: bool) -> OpenAIModel:
    return OpenAIModel(base_url, model, api_key_env=api_key_env, max_concurrency=max_concurrency, timeout=timeout,
                       retries=retries, top_logprobs=top_logprobs, tokenizer=tokenizer, log_prompts=log_prompts)


def _load_tokenizer(path: str) -> Callable[[str], list[int]]:
    """A local tokenizer's ``encode`` (no special tokens): a ``tokenizer.json`` or a directory."""
    from pathlib import Path

    p = Path(path)
    file = p / "tokenizer.json" if p.is_dir() else p
    if not file.is_file():
        raise InputError(f"tokenizer: no tokenizer.json at {path}")
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(file))
    return lambda text: tok.encode(text, add_special_tokens=False).ids


def _texts(values: Sequence[str], name: str) -> list[str]:
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise InputError(f"{name} must be a list of strings")
    return list(values)


def _token_logprobs(choice: Any) -> list[float | None]:
    lp = getattr(choice, "logprobs", None)
    return list(getattr(lp, "token_logprobs", None) or [])


def _first_top(choice: Any) -> dict[str, float]:
    lp = getattr(choice, "logprobs", None)
    tops = getattr(lp, "top_logprobs", None) or []
    return dict(tops[0]) if tops and tops[0] else {}


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return None if value is None else min(_RETRY_AFTER_MAX, max(0.0, float(value)))
    except ValueError:
        return None  # an HTTP date: back off as usual


def _error_detail(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message is None:
            message = body.get("detail", body)
        return str(message)[:300]
    text = str(getattr(exc, "message", exc))
    return "an HTML page" if "<html" in text.lower() else text[:300]


def _short(exc: Exception) -> str:
    status = getattr(exc, "status_code", None)
    return f"HTTP {status}" if status is not None else type(exc).__name__
