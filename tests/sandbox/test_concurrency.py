"""No lost writes: concurrent PATCHes on one profile never lose an acknowledged update.

8 clients each own 3 attribute keys (24 in all, under the 30-attribute limit) and
overwrite them with increasing counters. Two checks, both sound for a correct server:

- every PATCH response shows each key at least at the value that was acknowledged
  before that PATCH was sent (a stale whole-profile write breaks this in the middle
  of the run, where a final read alone could no longer see it);
- the final read shows exactly the last acknowledged value of every key.

The `lost-update` fault runs the same workload and must be caught by it.
"""

from __future__ import annotations

import asyncio

import httpx

from contract.sandbox import Sandbox

from .helpers import PATH, attrs, headers, new_user

CLIENTS = 8
KEYS_PER_CLIENT = 3


async def hammer(url: str, rounds: int) -> list[str]:
    """Run the workload; return the lost updates it observed (empty = none)."""
    user = new_user()
    who = headers(user=user)
    acked: dict[str, float] = {}
    lost: list[str] = []

    async def client(number: int) -> None:
        async with httpx.AsyncClient(base_url=url, headers=who, timeout=30) as http:
            for n in range(1, rounds + 1):
                key = f"c{number}-k{n % KEYS_PER_CLIENT}"
                floor = dict(acked)
                response = await http.patch(PATH, json={"custom_attributes": attrs(**{key: n})})
                assert response.status_code == 200, response.text
                seen = {a["key"]: a["value"] for a in response.json()["data"]["custom_attributes"]}
                lost.extend(f"{k}={v} acknowledged, later response shows {seen.get(k)}"
                            for k, v in floor.items() if seen.get(k, -1) < v)
                acked[key] = float(n)

    async with httpx.AsyncClient(base_url=url, headers=who, timeout=30) as http:
        assert (await http.post(PATH, json={})).status_code == 200
        await asyncio.gather(*(client(c) for c in range(CLIENTS)))
        final = (await http.get(PATH)).json()["data"]["custom_attributes"]
    stored = {a["key"]: a["value"] for a in final}
    lost.extend(f"{k}={v} acknowledged, finally {stored.get(k)}" for k, v in acked.items() if stored.get(k) != v)
    assert len(acked) == CLIENTS * KEYS_PER_CLIENT
    return lost


def test_concurrent_patches_lose_no_acknowledged_update(sandbox: Sandbox) -> None:
    lost = asyncio.run(hammer(sandbox.url, rounds=200))
    assert lost == []


def test_lost_update_fault_loses_updates() -> None:
    with Sandbox(faults=["lost-update"]) as faulty:
        lost = asyncio.run(hammer(faulty.url, rounds=25))
    assert lost, "the workload should catch the lost-update fault"
