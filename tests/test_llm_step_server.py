"""StepEnv over OpenAIModel: every search end to end under each budget kind, against the
tiny-model server of tests/llm_server.py on a loopback port (started and stopped here)."""

from __future__ import annotations

import pytest

pytest.importorskip("openai")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("transformers")
server_module = pytest.importorskip("clew.neural.llm.server")

import llm_server  # noqa: E402  (tests/, on the path by conftest)
from llm_fixtures import anything_goes  # noqa: E402

from clew.neural.llm import StepEnv, search  # noqa: E402

SEARCHES = ["dfs", "bfs", "beam", "best_first", "best_of_n", "particle_filter", "mcts"]


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory):
    proc, url = llm_server.start(llm_server.build_tiny_model(tmp_path_factory.mktemp("tiny-lm")))
    try:
        llm_server.wait_ready(url, proc, 90)
        with server_module.OpenAIModel(url) as lm:
            yield lm
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("algorithm", SEARCHES)
def test_every_search_over_a_server_under_each_budget(model, algorithm: str) -> None:
    env = StepEnv(anything_goes(2), model, k=2, max_steps=4)
    before = model.meter.tokens
    r = search(env, ["1"], algorithm, max_tokens=3000, progress=False, seed=1).results[0]
    assert r.solved and len(r.steps) == 2 and r.tokens == model.meter.tokens - before > 0
    endless = StepEnv(anything_goes(99), model, k=2, max_steps=30)
    r = search(endless, ["1"], algorithm, max_tokens=300, progress=False).results[0]
    assert not r.solved and r.stop == "tokens" and 300 <= r.tokens < 300 + endless.batch_tokens
    r = search(endless, ["1"], algorithm, max_nodes=5, progress=False).results[0]
    assert not r.solved and r.stop == "nodes"
    r = search(endless, ["1"], algorithm, max_seconds=0.5, simulations=10**6, progress=False).results[0]
    assert not r.solved and r.stop == "seconds"
