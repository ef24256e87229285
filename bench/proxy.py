"""Proxy overhead: 8 clients × 500 requests on loopback, direct to the sandbox and through `contract proxy`.

    .venv/bin/python bench/proxy.py [--clients N] [--requests N]

The sandbox and the proxy each run as their own process (`contract sandbox`, `contract proxy
--port 0`), as a team would run them; the clients are threads here, one keep-alive httpx client
each, every request a documented create (POST profile, a fresh user id each), so every exchange
is judged. Measured per phase: median and p95 latency seen by the clients, throughput; the
added latency is the proxied median minus the direct one. Counted at both ends: answers the
clients got, requests the sandbox's access log served, and exchanges the proxy's report judged
— a lost exchange makes the counts differ (the script exits 1).
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "adapty-api.yaml"
PATH = "/api/v2/server-side-api/profile/"
KEY = "sandbox-key-a"
BODY = {"first_name": "Jane", "installation_meta": {"device_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}}


def _ready(proc: subprocess.Popen[str], stream: str, marker: str) -> str:
    """The URL a server prints once it accepts connections (read line by line as it comes)."""
    lines = getattr(proc, stream)
    for line in lines:
        if marker in line:
            return line.split(marker, 1)[1].split(",", 1)[0].strip()
    raise SystemExit(f"did not start: {proc.args}")


def _phase(url: str, clients: int, requests: int) -> tuple[list[float], int, float]:
    """Latencies (s) of every answered request, the answers with the expected 200, wall time."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    ok = [0] * clients

    def client(i: int) -> None:
        with httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Api-Key {KEY}"}) as http:
            for _ in range(requests):
                started = time.perf_counter()
                r = http.post(PATH, json=BODY, headers={"adapty-customer-user-id": f"bench-{uuid.uuid4().hex}"})
                latencies[i].append(time.perf_counter() - started)
                ok[i] += r.status_code == 200

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [x for per in latencies for x in per], sum(ok), time.perf_counter() - started


def _served(log: list[str]) -> int:
    return sum(1 for line in log if f"POST {PATH} " in line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=500, help="per client")
    parser.add_argument("--serial", type=int, default=300, help="requests of the one-client phases")
    args = parser.parse_args()
    total = args.clients * args.requests
    cli = [sys.executable, "-m", "contract"]
    with tempfile.TemporaryDirectory() as tmp:
        sandbox = subprocess.Popen([*cli, "sandbox", "--port", "0"], cwd=ROOT, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        log: list[str] = []
        try:
            target = _ready(sandbox, "stdout", "sandbox listening on ")
            drain = threading.Thread(target=lambda: log.extend(sandbox.stderr or []), daemon=True)
            drain.start()
            proxy = subprocess.Popen([*cli, "proxy", "--spec", str(SPEC), "--target", target, "--port", "0",
                                      "--summary-every", "0", "--report-dir", tmp], cwd=ROOT, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                url = _ready(proxy, "stderr", "listening on ")
                _phase(target, args.clients, 20)  # warm-up: connections, caches, validators
                _phase(url, args.clients, 20)
                warm = args.clients * 20
                direct, direct_ok, direct_wall = _phase(target, args.clients, args.requests)
                proxied, proxied_ok, proxied_wall = _phase(url, args.clients, args.requests)
                one_direct, one_direct_ok, _ = _phase(target, 1, args.serial)  # no queueing at the sandbox
                one_proxied, one_proxied_ok, _ = _phase(url, 1, args.serial)
            finally:
                proxy.send_signal(signal.SIGINT)
                proxy.communicate(timeout=300)
            judged = json.loads((Path(tmp) / "report.json").read_text(encoding="utf-8"))["traffic"]["exchanges"]
        finally:
            sandbox.send_signal(signal.SIGINT)
            sandbox.communicate(timeout=60)
            drain.join(10)
    served = _served(log)

    def line(name: str, xs: list[float], ok: int, wall: float) -> str:
        q = statistics.quantiles(xs, n=100)
        return (f"{name:8} median {statistics.median(xs) * 1000:6.2f} ms  p95 {q[94] * 1000:6.2f} ms  "
                f"{len(xs) / wall:6.0f} req/s  answered 200: {ok}/{total}")

    print(f"{args.clients} clients × {args.requests} requests (POST {PATH}), loopback")
    print(line("direct", direct, direct_ok, direct_wall))
    print(line("proxied", proxied, proxied_ok, proxied_wall))
    added = (statistics.median(proxied) - statistics.median(direct)) * 1000
    print(f"added median latency, {args.clients} clients: {added:.2f} ms")
    one = (statistics.median(one_proxied) - statistics.median(one_direct)) * 1000
    print(f"one client × {args.serial}: direct median {statistics.median(one_direct) * 1000:.2f} ms, proxied "
          f"{statistics.median(one_proxied) * 1000:.2f} ms: added {one:.2f} ms")
    expected_served = 2 * (total + warm + args.serial)
    expected_judged = total + warm + args.serial
    print(f"counts: sandbox served {served} (expected {expected_served}); proxy judged {judged} "
          f"(expected {expected_judged})")
    lost = served != expected_served or judged != expected_judged or direct_ok != total or proxied_ok != total \
        or one_direct_ok != args.serial or one_proxied_ok != args.serial
    if lost:
        print("MISMATCH: an exchange was lost or refused")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
