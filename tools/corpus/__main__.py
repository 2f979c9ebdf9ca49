"""``python -m tools.corpus RECORDING.yaml --path … --commit … --interactions 0,1,7 --out tests/corpus/…``.

RECORDING.yaml is the Azure CLI recording saved from GitHub at ``--commit`` (a saved excerpt may keep
the interactions it does not use as ``null``, so that indices stay those of the original file). A recording
of an Azure SDK's test proxy (JSON, ``{"Entries": [...]}``, e.g. the Go SDK's) is read the same way.
With ``--example "GET /subscriptions/{subscriptionId}/…" --status 200`` the input is instead an Azure REST
API example (JSON, repository Azure/azure-rest-api-specs) and the request line is the operation's, from the spec.
With ``--thread URL --request "GET https://management.azure.com/…"`` the input is an answer quoted whole in a
public issue or pull request, saved as JSON ``{"status", "headers", "body"}`` (what the thread quotes of it).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml

from tools.corpus.convert import convert, convert_example, convert_quoted, interaction_of


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.corpus", description=__doc__.split("\n\n")[0])
    parser.add_argument("recording", type=Path)
    parser.add_argument("--repository", default="Azure/azure-cli")
    parser.add_argument("--path", help="the recording's path in the repository")
    parser.add_argument("--commit")
    parser.add_argument("--thread", metavar="URL", help="the issue or pull request quoting the answer")
    parser.add_argument("--request", help="with --thread: the lab's request that meets the answer")
    parser.add_argument("--interactions", help="0-based indices, comma-separated (a CLI recording)")
    parser.add_argument("--example", metavar="REQUEST", help="method and path template (a REST API example)")
    parser.add_argument("--status", default="200", help="the example's response to use")
    parser.add_argument("--name", action="append", default=[], metavar="OLD=NEW", help="a name or id to change")
    parser.add_argument("--api-version", help="the api-version the pinned SDK sends for this resource")
    parser.add_argument("--covers", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    names = dict(pair.split("=", 1) for pair in args.name)
    if args.thread:
        quoted = json.loads(args.recording.read_text(encoding="utf-8"))
        case = convert_quoted(quoted, args.request, source={"repository": args.repository, "thread": args.thread},
                              covers=args.covers, names=names, api_version=args.api_version)
        return _write(case, args.out)
    if not (args.path and args.commit):
        parser.error("--path and --commit are required (or --thread)")
    source = {"repository": args.repository, "path": args.path, "commit": args.commit,
              "test" if args.interactions else "example": Path(args.path).stem}
    if args.example:
        example = json.loads(args.recording.read_text(encoding="utf-8"))
        case = convert_example(example, args.example, args.status, source=source, covers=args.covers, names=names,
                               api_version=args.api_version)
    else:
        recording = yaml.safe_load(args.recording.read_text(encoding="utf-8"))  # JSON is YAML too
        if "Entries" in recording:  # a test-proxy recording
            recording = {"interactions": [e and interaction_of(e) for e in recording["Entries"]]}
        case = convert(recording, [int(i) for i in args.interactions.split(",")], source=source,
                       covers=args.covers, names=names, api_version=args.api_version)
    _write(case, args.out)


def _write(case: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{out}: {len(case['Entries'])} entries; changed: {case['changed']}")


if __name__ == "__main__":
    main()
