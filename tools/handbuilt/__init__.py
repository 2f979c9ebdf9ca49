"""Build the hand-made recordings from the shapes in the Azure REST API reference examples.

Nothing here can reach Azure, so the recordings under ``recordings/`` are built by hand: each
module of this package writes one notebook's steps, and each step names the examples it follows
(Azure/azure-rest-api-specs). Re-run with ``python -m tools.handbuilt``; replace them with live
recordings by running a notebook with ``LABKIT_MODE=record``.
"""

from __future__ import annotations

import json
from pathlib import Path

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"
ARM = "https://management.azure.com"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache"}
BUILT_ON = "2026-11-29"
LAB = {"prefix": "student", "suffix": "k7q2", "region": "eastus"}  # the lab every hand-built recording shows


def entry(method: str, path: str, status: int, body=None, *, request=None, headers=None) -> dict:
    """One HTTP exchange in the test-proxy shape; ``path`` is relative to ARM unless it is a URL."""
    uri = path if path.startswith("https://") else ARM + path
    return {"RequestUri": uri, "RequestMethod": method,
            "RequestHeaders": {"Content-Type": "application/json"} if request is not None else {},
            "RequestBody": request, "StatusCode": status,
            "ResponseHeaders": {**JSON_HEADERS, **(headers or {})}, "ResponseBody": body}


def lro_put(path: str, api: str, request: dict, creating: dict, done: dict, *, polls: int = 2,
            region: str = "eastus", method: str = "PUT", status: int = 201) -> list[dict]:
    """A long-running create as ARM answers it: 201 + Azure-AsyncOperation + Retry-After, polls, final GET."""
    op = f"{ARM}{SUB}/providers/{path.split('/providers/')[1].split('/')[0]}/locations/{region}/operations/" \
         f"00000000-0000-0000-0000-0000000000a1?api-version={api}"
    url = f"{path}?api-version={api}"
    answer = [entry(method, url, status, creating, request=request,
                    headers={"Azure-AsyncOperation": op, "Retry-After": "10"})]
    answer += [entry("GET", op, 200, {"name": "00000000-0000-0000-0000-0000000000a1", "status": "InProgress",
                                      "startTime": "2026-11-29T10:00:00Z"}, headers={"Retry-After": "10"})
               for _ in range(polls)]
    answer.append(entry("GET", op, 200, {"name": "00000000-0000-0000-0000-0000000000a1", "status": "Succeeded",
                                         "startTime": "2026-11-29T10:00:00Z", "endTime": "2026-11-29T10:06:12Z"}))
    answer.append(entry("GET", url, 200, done))
    return answer


def lro_delete(path: str, api: str, *, polls: int = 1, status: int = 202) -> list[dict]:
    """A long-running delete: 202 + Location + Retry-After, then 202s until 200."""
    url = f"{path}?api-version={api}"
    location = f"{ARM}{SUB}/operationresults/00000000-0000-0000-0000-0000000000d1?api-version={api}"
    answer = [entry("DELETE", url, status, None, headers={"Location": location, "Retry-After": "15"})]
    answer += [entry("GET", location, 202, None, headers={"Location": location, "Retry-After": "15"})
               for _ in range(polls)]
    return answer + [entry("GET", location, 200, None)]


def error(method: str, path: str, status: int, code: str, message: str, *, request=None) -> dict:
    """An ARM error answer: ``{"error": {"code", "message"}}``."""
    return entry(method, path, status, {"error": {"code": code, "message": message}}, request=request)


def write(notebook: str, step: str, entries: list, *, examples: list[str], calls: list | None = None,
          note: str = "") -> Path:
    """Write one step file, its provenance naming the reference examples it was built from."""
    provenance = {"kind": "hand-built", "date": BUILT_ON, "config": LAB,
                  "built_from": examples,
                  "note": note or "Built by hand: nothing in this project can reach Azure. Shapes follow the "
                                  "named Azure REST API reference examples; names and ids are the recorded lab's."}
    path = RECORDINGS / notebook / f"{step}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"provenance": provenance, "Entries": entries, "Calls": calls or []}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path
