"""OpenAIModel against real servers: tests/llm_server.py (a tiny transformers model with logprobs,
echo, n, usage and injected faults) and a real ``transformers serve`` process, both on loopback
ports, started once for the module."""

from __future__ import annotations

import http.server
import json
import logging
import math
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
import traceback
import urllib.request
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("openai")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

import llm_server  # noqa: E402  (tests/, on the path by conftest)

from clew import InputError  # noqa: E402
from clew.neural.llm import LanguageModel, OpenAIModel, ServerError, UnsupportedByServer  # noqa: E402
from clew.neural.llm.server import DEFAULT_BASE_URL  # noqa: E402

KEY_ENV = "CLEW_TEST_LLM_KEY"
SECRET = "sk-clew-test-5e3f1c9a7b2d4e6f8a0b"
TRANSFORMERS_CLI = Path(sys.executable).with_name("transformers")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return llm_server.build_tiny_model(tmp_path_factory.mktemp("tiny-lm"))


@pytest.fixture(scope="module")
def tserve(model_dir):
    """A ``transformers serve MODEL_DIR`` process (started here, early: it takes ~20 s to load)."""
    if not TRANSFORMERS_CLI.exists():
        pytest.skip(f"no transformers CLI next to {sys.executable}")
    port = llm_server.free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "TRANSFORMERS_VERBOSITY": "error"}
    proc = subprocess.Popen([str(TRANSFORMERS_CLI), "serve", str(model_dir), "--host", "127.0.0.1", "--port",
                             str(port), "--device", "cpu", "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    yield proc, f"http://127.0.0.1:{port}/v1"
    _stop(proc)


@pytest.fixture(scope="module")
def server(model_dir, tserve):
    proc, url = llm_server.start(model_dir)
    llm_server.wait_ready(url, proc, 90)
    yield url
    _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def control(url: str, **body) -> dict:
    request = urllib.request.Request(url.removesuffix("/v1") + "/_control", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


@pytest.fixture()
def lm(server):
    with OpenAIModel(server) as model:
        yield model
    control(server, latency=0, fail=[], require_key=None,
            features={"n": True, "logprobs": True, "echo": True, "usage": True})


@pytest.fixture(scope="module")
def local(model_dir):
    """The same model in this process: the numbers the server's must equal."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(1)
    return AutoModelForCausalLM.from_pretrained(model_dir).eval(), AutoTokenizer.from_pretrained(model_dir)


def local_logprobs(local, text: str) -> torch.Tensor:
    """log p(token t | tokens < t) for t >= 1, and the next token's distribution last."""
    model, tok = local
    ids = torch.tensor([tok(text).input_ids])
    with torch.no_grad():
        return torch.log_softmax(model(ids).logits[0].float(), -1), ids[0]


def local_greedy(local, prompt: str, steps: int) -> tuple[str, float]:
    model, tok = local
    ids = tok(prompt).input_ids
    total = 0.0
    for _ in range(steps):
        with torch.no_grad():
            logp = torch.log_softmax(model(torch.tensor([ids])).logits[0, -1].float(), -1)
        nxt = int(logp.argmax())
        total += float(logp[nxt])
        ids.append(nxt)
    return tok.decode(ids[len(tok(prompt).input_ids):]), total


# ----- the protocol over the logprobs server: real numbers -----


def test_connects_and_probes(lm, model_dir):
    assert isinstance(lm, LanguageModel)
    assert lm.model == str(model_dir)  # model=None: the first of /v1/models
    assert (lm.features.n, lm.features.logprobs, lm.features.echo, lm.features.usage) == (True, True, True, True)
    assert DEFAULT_BASE_URL == "http://127.0.0.1:8000/v1"
    assert OpenAIModel.__init__.__defaults__[0] == DEFAULT_BASE_URL  # the default is loopback


def test_greedy_generate_is_the_models_greedy_decoding(lm, local):
    prompts = ["80:25 5 8 4\n", "12:3 4\n"]
    out = lm.generate(prompts, n=2, max_tokens=6, temperature=0, stop=())
    for prompt, completions in zip(prompts, out, strict=True):
        text, logprob = local_greedy(local, prompt, 6)
        assert [c.text for c in completions] == [text, text]
        assert completions[0].tokens == 6
        assert completions[0].logprob == pytest.approx(logprob, abs=1e-4)


def test_stop_is_cut_and_seeds_repeat(lm):
    a = lm.generate(["7:1 2\n"] * 2, n=3, max_tokens=12, temperature=1.0, stop=("\n", "x"), seed=5)
    b = lm.generate(["7:1 2\n"] * 2, n=3, max_tokens=12, temperature=1.0, stop=("\n", "x"), seed=5)
    assert a == b
    assert [len(x) for x in a] == [3, 3]
    assert all("\n" not in c.text and "x" not in c.text for x in a for c in x)
    assert a[0] != a[1]  # equal prompts get distinct seeds


def test_next_token_probs_and_score_are_the_models(lm, local):
    prompts, candidates = ["80:25 5\n", "3:1 2\n"], ["y", "n", "9", "yes"]
    probs = lm.next_token_probs(prompts, candidates)
    assert probs.shape == (2, 4)
    _, tok = local
    for i, prompt in enumerate(prompts):
        logp, _ = local_logprobs(local, prompt)
        expected = [math.exp(float(logp[-1, tok(c).input_ids[0]])) for c in candidates]
        np.testing.assert_allclose(probs[i], expected, rtol=1e-4)
    lm.top_logprobs = 1  # candidates outside the top list: exact by echo
    np.testing.assert_allclose(lm.next_token_probs(prompts, candidates), probs, rtol=1e-4)
    scores = lm.score(["80:2", "3:", "z"], ["5 5\n", "1 2", ""])
    for s, (prompt, cont) in zip(scores, [("80:2", "5 5\n"), ("3:", "1 2")], strict=False):
        logp, ids = local_logprobs(local, prompt + cont)
        start = len(tok(prompt).input_ids)
        expected = sum(float(logp[t - 1, ids[t]]) for t in range(start, len(ids)))
        assert s == pytest.approx(expected, abs=1e-4)
    assert scores[2] == 0.0


def test_meter_is_charged_from_usage(lm, local):
    _, tok = local
    before = lm.meter.snapshot()
    lm.generate(["80:25 5\n"], n=2, max_tokens=3, temperature=0, stop=())
    assert lm.meter.read - before["read"] == len(tok("80:25 5\n").input_ids)  # vLLM counts the prompt once
    assert lm.meter.generated - before["generated"] == 6
    assert lm.meter.calls - before["calls"] == 1 and lm.meter.passes - before["passes"] == 1
    assert lm.count_tokens("80:25 5\n") == 8 == len(tok("80:25 5\n").input_ids)
    assert lm.meter.passes - before["passes"] == 2  # the server counted it: one request, charged


def test_local_tokenizer_counts(server, model_dir):
    with OpenAIModel(server, tokenizer=model_dir) as model:
        passes = model.meter.passes
        assert model.count_tokens("80:25 5\n") == 8
        assert model.meter.passes == passes


def test_a_closed_model_says_so(server):
    model = OpenAIModel(server)
    model.close()
    model.close()  # twice is fine
    with pytest.raises(InputError, match="is closed"):
        model.generate(["1"])


def test_bad_input_is_an_input_error(lm):
    for call in (lambda: lm.generate("80:1\n"), lambda: lm.generate(["a"], n=0), lambda: lm.score(["a"], []),
                 lambda: lm.next_token_probs(["a"], [""]), lambda: OpenAIModel("localhost:8000"),
                 lambda: OpenAIModel(max_concurrency=0)):
        with pytest.raises(InputError):
            call()


# ----- fallbacks: a server that ignores n, logprobs and echo and gives no usage -----


def test_fallbacks_without_n_logprobs_echo_usage(server, local, caplog):
    control(server, features={"n": False, "logprobs": False, "echo": False, "usage": False})
    try:
        with caplog.at_level(logging.WARNING, logger="clew.neural.llm.server"), OpenAIModel(server) as model:
            assert (model.features.n, model.features.logprobs, model.features.echo, model.features.usage) == (
                False, False, False, False)
            out = model.generate(["1:1\n", "2:2\n"], n=3, max_tokens=4, temperature=1.0, seed=1)
            assert [len(x) for x in out] == [3, 3] and model.meter.passes == 6  # n requests of one each
            assert all(c.logprob is None for x in out for c in x)
            greedy = model.generate(["1:1\n"], n=4, max_tokens=4, temperature=0, stop=())
            assert model.meter.passes == 7 and len(set(greedy[0])) == 1  # greedy: one request, repeated
            assert greedy[0][0].text == local_greedy(local, "1:1\n", 4)[0]
            model_, tok = local
            logp, _ = local_logprobs(local, "80:25 5\n")
            top = tok.decode([int(logp[-1].argmax())])
            probs = model.next_token_probs(["80:25 5\n"], [top + "zz", "\x00"])
            assert probs.tolist() == [[1.0, 0.0]]  # the greedy 1-token indicator
            with pytest.raises(UnsupportedByServer, match="echo with logprobs"):
                model.score(["1"], ["2"])
            assert model.count_tokens("abcdefghi") == 3  # the estimate ceil(9 / 4)
            assert model.meter.generated > 0 and model.meter.read > 0  # charged from local counts
        said = [r.getMessage() for r in caplog.records]
        assert sum("no `n`" in m for m in said) == 1 and sum("no logprobs" in m for m in said) == 1
    finally:
        control(server, features={"n": True, "logprobs": True, "echo": True, "usage": True})


# ----- retries, errors -----


def test_retries_429_and_5xx_with_retry_after(lm, server):
    control(server, fail=[[429, 0.3], [500, None], [503, None]])
    start = time.perf_counter()
    out = lm.generate(["5:5\n"], max_tokens=2)
    assert len(out[0]) == 1 and time.perf_counter() - start >= 0.3  # waited as Retry-After said
    assert lm.meter._extra["retries"] == 3


def test_gives_up_after_the_retries_and_never_retries_a_400(server):
    with OpenAIModel(server, retries=2) as model:
        control(server, fail=[[500, 0], [500, 0], [500, 0], [500, 0]])
        with pytest.raises(ServerError, match="answered 500") as info:
            model.generate(["5:5\n"], max_tokens=2)
        assert info.value.status == 500
        assert control(server)["fail"] == [[500, 0]]  # 3 attempts
        control(server, fail=[[400, None], [400, None]])
        with pytest.raises(ServerError, match="answered 400"):
            model.generate(["5:5\n"], max_tokens=2)
        assert control(server)["fail"] == [[400, None]]  # not retried
        control(server, fail=[])


class DroppingProxy:
    """A loopback TCP proxy to ``target`` that resets the first ``drops`` connections it accepts."""

    def __init__(self, target: str, drops: int) -> None:
        import socket
        from urllib.parse import urlparse

        self.target = urlparse(target).port
        self.drops = drops
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/v1"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import struct

        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            if self.drops > 0:
                self.drops -= 1
                conn.recv(65536)
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST
                conn.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            for a, b in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.close()
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


def test_connection_resets_are_retried(server):
    proxy = DroppingProxy(server, drops=0)
    try:
        with OpenAIModel(proxy.url) as model:
            proxy.drops = 2  # the round's request opens new connections (pools rotate): reset twice
            out = model.generate(["5:5\n"], max_tokens=2)
            assert len(out[0]) == 1
            assert model.meter._extra["retries"] >= 1 and proxy.drops == 0
    finally:
        proxy.close()


def test_no_server_is_a_clear_error():
    port = llm_server.free_port()
    with pytest.raises(ServerError, match=rf"no server at http://127.0.0.1:{port}/v1: start one with"):
        OpenAIModel(f"http://127.0.0.1:{port}/v1")


def test_another_api_is_a_clear_error(server):
    class Html(http.server.BaseHTTPRequestHandler):
        def _answer(self, status):
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body>a web page</body></html>")

        def do_GET(self):
            if self.path == "/half/v1/models":  # models listed, completions a web page
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"object": "list", "data": [{"id": "m", "object": "model"}]}).encode())
                return
            self._answer(404 if self.path.startswith("/missing") else 200)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Html)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        port = httpd.server_address[1]
        with pytest.raises(ServerError, match="not a JSON model list .*does not speak the OpenAI API"):
            OpenAIModel(f"http://127.0.0.1:{port}/v1")
        with pytest.raises(ServerError, match="answered GET /models with 404.*does not speak the OpenAI API"):
            OpenAIModel(f"http://127.0.0.1:{port}/missing/v1")
        with pytest.raises(ServerError, match="not a completion .*does not speak the OpenAI completions API"):
            OpenAIModel(f"http://127.0.0.1:{port}/half/v1")
    finally:
        httpd.shutdown()
    with pytest.raises(ServerError, match=r"does not serve model 'no-such-model' \(it lists: "):
        OpenAIModel(server, "no-such-model")


# ----- safety: the key never printed -----


def test_the_key_never_appears(server, monkeypatch, caplog):
    monkeypatch.setenv(KEY_ENV, SECRET)
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):
        with OpenAIModel(server, api_key_env=KEY_ENV, log_prompts=True) as model:
            texts += [repr(model), repr(vars(model)), repr(model.meter)]
            blob = pickle.dumps(model)
            assert SECRET.encode() not in blob and KEY_ENV.encode() in blob
            model.generate(["the prompt 4217\n"], max_tokens=2)
            control(server, require_key="another key")  # 401 naming the key sent, as hosted APIs do
            with pytest.raises(ServerError, match=rf"refused the API key from \${KEY_ENV}") as info:
                model.generate(["5:5\n"], max_tokens=2)
            error = info.value
            assert error.__context__ is None and error.__cause__ is None  # the openai error (headers) is dropped
            texts += [str(error), repr(error), "".join(traceback.format_exception(error))]
            assert "***" in str(error)  # the server's message was scrubbed
            control(server, require_key=None, fail=[[503, 0]])
            model.generate(["5:5\n"], max_tokens=2)  # a retry, logged
        texts += [record.getMessage() for record in caplog.records]
        texts += [str(record.args) for record in caplog.records]
    joined = "\n".join(texts)
    assert SECRET not in joined
    assert "the prompt 4217" in joined  # log_prompts=True logs prompts (at DEBUG) ...
    assert any("retry 1 of" in t for t in texts)


def test_prompts_are_not_logged_by_default(lm, caplog):
    with caplog.at_level(logging.DEBUG):
        lm.generate(["a private prompt 9931\n"], max_tokens=2)
        lm.score(["a private prompt 9931"], ["\n"])
    assert "9931" not in "\n".join(r.getMessage() + str(r.args) for r in caplog.records)


# ----- concurrency: a round's requests in flight together; Ctrl-C -----


def round_ratio(model: OpenAIModel, server: str, requests: int, latency: float) -> tuple[float, float, float]:
    """(round wall time, slowest of the same requests sent one at a time, ratio)."""
    control(server, latency=latency)
    prompts = [f"{i}:{i % 7} 3\n" for i in range(requests)]
    singles = []
    for p in prompts[: min(requests, 4)]:
        start = time.perf_counter()
        model.generate([p], max_tokens=4, temperature=0, stop=())
        singles.append(time.perf_counter() - start)
    control(server, reset_counters=True)
    start = time.perf_counter()
    model.generate(prompts, max_tokens=4, temperature=0, stop=())
    wall = time.perf_counter() - start
    return wall, max(singles), wall / max(singles)


def test_a_round_is_in_flight_together(lm, server):
    wall, single, ratio = round_ratio(lm, server, 32, 0.5)
    assert control(server)["max_in_flight"] == 32
    assert ratio <= 1.5, (wall, single)
    with OpenAIModel(server, max_concurrency=4) as narrow:
        control(server, latency=0.2, reset_counters=True)
        start = time.perf_counter()
        narrow.generate(["1:1\n"] * 8, max_tokens=1)
        assert control(server)["max_in_flight"] == 4 and time.perf_counter() - start >= 0.4


def test_ctrl_c_cancels_the_round(lm, server):
    control(server, latency=5)
    timer = threading.Timer(0.5, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        lm.generate(["1:1\n"] * 16, max_tokens=1)
    assert time.perf_counter() - start < 2.5
    control(server, latency=0)

    async def pending():
        import asyncio

        return len(asyncio.all_tasks()) - 1

    assert lm._loop.run(pending()) == 0  # the round's requests were cancelled
    assert len(lm.generate(["1:1\n"], max_tokens=1)[0]) == 1  # and the model still works


def test_called_from_a_running_event_loop(lm):
    import asyncio

    async def inside():  # as in Jupyter: a loop is running in this thread
        return lm.generate(["3:3\n"], max_tokens=2, temperature=0)

    assert len(asyncio.run(inside())[0]) == 1


# ----- a real `transformers serve` -----


@pytest.fixture(scope="module")
def tserve_url(tserve):
    proc, url = tserve
    llm_server.wait_ready(url, proc, 120)
    return url


def test_transformers_serve(tserve_url, model_dir, local, caplog):
    with caplog.at_level(logging.WARNING, logger="clew.neural.llm.server"), OpenAIModel(tserve_url) as model:
        assert model.model == str(model_dir)  # it serves the directory under its path
        f = model.features  # it ignores n, logprobs and echo; it gives usage
        assert (f.n, f.logprobs, f.echo, f.usage) == (False, False, False, True)
        out = model.generate(["80:25 5\n", "12:3 4\n"], max_tokens=5, temperature=0, stop=("\n",))
        for prompt, (c,) in zip(["80:25 5\n", "12:3 4\n"], out, strict=True):
            text, _ = local_greedy(local, prompt, 5)
            assert c.text == text.split("\n")[0] and c.logprob is None  # its stop string is cut here
        _, tok = local
        assert model.meter.read == sum(len(tok(p).input_ids) for p in ["80:25 5\n", "12:3 4\n"])
        sampled = model.generate(["1:1\n"], n=3, max_tokens=3, seed=3)
        assert len(sampled[0]) == 3
        logp, _ = local_logprobs(local, "80:25 5\n")
        top = tok.decode([int(logp[-1].argmax())])
        assert model.next_token_probs(["80:25 5\n"], [top, "\x00"]).tolist() == [[1.0, 0.0]]
        with pytest.raises(UnsupportedByServer):
            model.score(["1"], ["2"])
        assert model.count_tokens("80:25 5\n") == 8
        with pytest.raises(ServerError, match="does not serve model"):
            OpenAIModel(tserve_url, "another-model")
