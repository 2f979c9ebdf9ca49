"""Point the README's badges (Binder, Codespaces) and the docs' nbgitpuller links at where this repository lives.

    python3 tasks.py home                 take the GitHub home from `git remote get-url origin`
    python3 tasks.py home OWNER/NAME      set it by hand

The links name one GitHub repository, ``OWNER/aks-workbook`` until a copy sets its own: run this once after
pushing a copy to GitHub, then commit the files it changed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "README.md", ROOT / "docs" / "instructor.md", ROOT / "deploy" / "jupyterhub" / "README.md"]
BINDER = re.compile(r"https://mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/")
GITHUB_URL = re.compile(r"(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)([\w.-]+/[\w.-]+?)(?:\.git)?/?$")
LINKS = (  # every form a home takes in the files: (before, after) around OWNER/NAME
    ("https://mybinder.org/v2/gh/", "/"),
    ("https://codespaces.new/", "?"),
    ("https://github.com/", "&"),
)


def current_home(readme: str) -> str:
    found = BINDER.search(readme)
    if not found:
        raise SystemExit("README.md has no Binder badge link (https://mybinder.org/v2/gh/OWNER/NAME/…)")
    return found.group(1)


def home_from_remote(url: str) -> str:
    found = GITHUB_URL.search(url.strip())
    if not found:
        raise SystemExit(f"the remote {url.strip()!r} is not on GitHub: give the home as OWNER/NAME")
    return found.group(1)


def rehome(text: str, old: str, new: str) -> str:
    for before, after in LINKS:
        text = text.replace(f"{before}{old}{after}", f"{before}{new}{after}")
    if old.split("/")[1] != new.split("/")[1]:  # nbgitpuller clones into a folder named after the repository
        text = text.replace(f"lab/tree/{old.split('/')[1]}/", f"lab/tree/{new.split('/')[1]}/")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 tasks.py home", description=__doc__.split("\n\n")[0])
    parser.add_argument("home", nargs="?", help="OWNER/NAME on GitHub (default: from git remote origin)")
    args = parser.parse_args(argv)
    if args.home:
        new = home_from_remote(f"https://github.com/{args.home}")
    else:
        remote = subprocess.run(["git", "remote", "get-url", "origin"], cwd=ROOT, capture_output=True,
                                text=True, encoding="utf-8")
        if remote.returncode != 0:
            raise SystemExit("this clone has no remote named origin: give the home as OWNER/NAME")
        new = home_from_remote(remote.stdout)
    old = current_home(FILES[0].read_text(encoding="utf-8"))
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        changed = rehome(text, old, new)
        if changed != text:
            path.write_text(changed, encoding="utf-8")
            print(f"{path.name}: {old} → {new}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
