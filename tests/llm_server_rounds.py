"""The round-time target of OpenAIModel: a round of R requests, all in flight together, against
the slowest of the same requests sent alone.

    python tests/llm_server_rounds.py                          # the test server, 0.5 s injected latency
    python tests/llm_server_rounds.py --latency 0 --tokens 8   # the test server's own (batched) compute
    python tests/llm_server_rounds.py --transformers-serve     # a real `transformers serve` (add --cb)

Each R: ``singles`` of the round's requests are sent one at a time first (the slowest is the
reference), then the whole round in one ``generate`` call (greedy, ``max_tokens`` tokens each).
Prints a markdown table. The tiny model is built in a temporary directory (no download).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import llm_server  # noqa: E402


def measure(model, rounds: list[int], tokens: int, singles: int) -> list[tuple[int, float, float]]:
    rows = []
    for size in rounds:
        prompts = [f"{i % 97}:{i % 7} {i % 5}\n" for i in range(size)]
        model.generate(prompts[:2], max_tokens=tokens, temperature=0, stop=())  # warm the connections
        alone = []
        for p in prompts[:singles]:
            start = time.perf_counter()
            model.generate([p], max_tokens=tokens, temperature=0, stop=())
            alone.append(time.perf_counter() - start)
        start = time.perf_counter()
        model.generate(prompts, max_tokens=tokens, temperature=0, stop=())
        rows.append((size, time.perf_counter() - start, max(alone)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", default="8,32,128")
    parser.add_argument("--latency", type=float, default=0.5, help="seconds the test server waits per request")
    parser.add_argument("--tokens", type=int, default=4)
    parser.add_argument("--singles", type=int, default=8)
    parser.add_argument("--transformers-serve", action="store_true")
    parser.add_argument("--cb", action="store_true", help="transformers serve --continuous-batching")
    args = parser.parse_args()
    from clew.neural.llm import OpenAIModel

    rounds = [int(r) for r in args.rounds.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = llm_server.build_tiny_model(tmp)
        if args.transformers_serve:
            port = llm_server.free_port()
            cmd = [str(Path(sys.executable).with_name("transformers")), "serve", str(model_dir), "--host",
                   "127.0.0.1", "--port", str(port), "--device", "cpu", "--log-level", "warning"]
            cmd += ["--continuous-batching"] if args.cb else []
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                    env={**os.environ, "HF_HUB_OFFLINE": "1"})
            url = f"http://127.0.0.1:{port}/v1"
            server = "transformers serve" + (" --continuous-batching" if args.cb else "")
        else:
            proc, url = llm_server.start(model_dir)
            server = f"tests/llm_server.py, latency {args.latency:g} s"
        try:
            llm_server.wait_ready(url, proc, 300)
            if not args.transformers_serve:
                import json
                import urllib.request

                urllib.request.urlopen(urllib.request.Request(
                    url.removesuffix("/v1") + "/_control", data=json.dumps({"latency": args.latency}).encode(),
                    headers={"Content-Type": "application/json"}), timeout=10).read()
            with OpenAIModel(url, max_concurrency=max(rounds)) as model:
                rows = measure(model, rounds, args.tokens, args.singles)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"server: {server}; {args.tokens} tokens per request, greedy; {os.cpu_count()} CPUs")
    print("| R | round wall (s) | slowest single (s) | ratio |\n|---|---|---|---|")
    for size, wall, single in rows:
        print(f"| {size} | {wall:.3f} | {single:.3f} | {wall / single:.2f} |")


if __name__ == "__main__":
    main()
