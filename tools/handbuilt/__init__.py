"""Build the shipped recordings from the real-traffic corpus (tests/corpus), importing nothing from labkit.

Nothing here can reach Azure, so each step's ARM answers are converted from corpus cases (answers Azure really
gave, see tests/corpus/README.md): a body is the case's body with the recording's own values set on it
(:func:`derive`), headers are the ones a labkit recording keeps, with Azure's names, and operation URLs have the
operation API's own api-version and ARM's signature query (its values scrubbed). Each step file's provenance
names the cases it follows and lists what was changed. Re-run with ``python -m tools.handbuilt``; replace them
with live recordings by running a notebook with ``LABKIT_MODE=record``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings"
CORPUS = ROOT / "tests" / "corpus"
ARM = "https://management.azure.com"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
TENANT = "11111111-1111-1111-1111-111111111111"
LEARNER_EMAIL = "learner@example.com"  # what the scrubber writes for the signed-in user's address
BUILT_ON = "2026-11-29"
LAB = {"prefix": "student", "suffix": "k7q2", "region": "eastus"}  # the lab every hand-built recording shows
JSON = "application/json; charset=utf-8"
# The response headers a labkit recording keeps (its allow-list), with the names Azure gives them.
AZURE_NAMES = {"content-type": "Content-Type", "location": "Location", "azure-asyncoperation": "Azure-AsyncOperation",
               "retry-after": "Retry-After", "x-ms-failure-cause": "x-ms-failure-cause"}
# ARM signs the operation URLs it hands out (t: issue time in .NET ticks; c, s, h: certificate, signature and
# hash, which a recording keeps scrubbed).
SIGNATURE = "t=639315432040000000&c=REDACTED&s=REDACTED&h=REDACTED"
DROP = object()  # in :func:`derive`'s changes: remove the key

_changed: dict[str, list[str]] = {}  # case -> paths set or dropped since the last step file was written


def case(name: str) -> dict:
    """The corpus case ``<service>/<case>`` (tests/corpus/<service>/<case>.json)."""
    return json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))


def real(name: str, index: int = 0) -> dict:
    """A copy of one exchange of a corpus case."""
    return copy.deepcopy(case(name)["Entries"][index])


def derive(name: str, index: int, changes: dict) -> dict:
    """The response body of a corpus exchange with ``changes`` (dotted path -> value, or DROP) applied.

    Every path changed is noted for the provenance of the step file written next.
    """
    body = real(name, index)["ResponseBody"]
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = body
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
        if value is DROP:
            node.pop(last, None)
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
        noted = _changed.setdefault(name, [])
        said = f"{path} (dropped)" if value is DROP else path
        if said not in noted:
            noted.append(said)
    return body


def azure_headers(headers: dict) -> dict:
    """The headers a labkit recording keeps, named as Azure names them."""
    return {AZURE_NAMES.get(k.lower(), k): v for k, v in headers.items()
            if k.lower() in AZURE_NAMES or k.lower().startswith("x-ms-ratelimit-")}


def signed(url: str) -> str:
    """An operation URL as ARM hands it out: with its signature query."""
    return f"{url}&{SIGNATURE}"


def system_data(created: str, modified: str | None = None) -> dict:
    """``systemData`` as ARM adds it to a resource: who created and last changed it (the scrubbed learner)."""
    return {"createdBy": LEARNER_EMAIL, "createdByType": "User", "createdAt": created,
            "lastModifiedBy": LEARNER_EMAIL, "lastModifiedByType": "User", "lastModifiedAt": modified or created}


def entry(method: str, path: str, status: int, body=None, *, request=None, headers=None,
          content_type: str = JSON) -> dict:
    """One HTTP exchange in the test-proxy shape; ``path`` is relative to ARM unless it is a URL."""
    uri = path if path.startswith("https://") else ARM + path
    sent = {"Accept": "application/json", **({"Content-Type": "application/json"} if request is not None else {})}
    answer = {"Content-Type": content_type} if body is not None else {}
    return {"RequestUri": uri, "RequestMethod": method, "RequestHeaders": sent, "RequestBody": request,
            "StatusCode": status, "ResponseHeaders": {**answer, **(headers or {})}, "ResponseBody": body}


def error(method: str, path: str, status: int, code: str, message: str, *, request=None, headers=None) -> dict:
    """An ARM error answer: ``{"error": {"code", "message"}}`` (the shape of the corpus's error answers)."""
    return entry(method, path, status, {"error": {"code": code, "message": message}}, request=request,
                 headers=headers)


def write(notebook: str, step: str, entries: list, *, follows: list[str] = (), calls: list | None = None,
          examples: list[str] = (), note: str = "", names: str = "the recorded lab's") -> Path:
    """Write one step file. Its provenance names the corpus cases its ARM ``entries`` follow and what was changed
    in them, and (``examples``, as ``built_from``) the references its ``calls`` (Kubernetes, Docker) follow."""
    missing = [name for name in follows if not (CORPUS / f"{name}.json").is_file()]
    if missing or (entries and not follows):
        raise FileNotFoundError(f"{notebook}/{step}: its ARM answers must follow corpus cases that exist {missing}")
    changed = [f"{name}: " + ", ".join(paths) for name, paths in _changed.items() if name in follows]
    _changed.clear()
    provenance = {"kind": "hand-built", "date": BUILT_ON, "config": LAB}
    if follows:
        provenance["follows"] = [f"tests/corpus/{name}.json" for name in follows]
        provenance["changed"] = "; ".join(changed) or "names and ids only (the recorded lab's)"
    if examples:
        provenance["built_from"] = list(examples)
    built = ("Built by hand from the corpus cases it follows (tests/corpus: answers Azure really gave): their "
             "bodies with this recording's values set at the paths listed in 'changed', their headers as a labkit "
             f"recording keeps them; names and ids are {names}." if follows else "")
    provenance["note"] = " ".join(part for part in (built, note) if part)
    path = RECORDINGS / notebook / f"{step}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"provenance": provenance, "Entries": entries, "Calls": calls or []}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def build_all() -> None:
    """Build every hand-made recording: each module of this package writes its steps (to RECORDINGS)."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        if info.name != "__main__":
            importlib.import_module(f"{__name__}.{info.name}").build()
