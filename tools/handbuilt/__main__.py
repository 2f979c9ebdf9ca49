"""python -m tools.handbuilt: rebuild every hand-made recording."""

import json
import sys

if sys.argv[1:]:  # no options: --help (or anything else) shows what it does, and rebuilds nothing
    print(__doc__)
    sys.exit(0 if sys.argv[1] in ("-h", "--help") else 2)

import tools.handbuilt as package
from tools.handbuilt import RECORDINGS

LAB_FILE = {"config": package.LAB,
       "provenance": {"kind": "hand-built", "note": "The lab every hand-built recording shows: prefix 'student', "
                      "suffix 'k7q2', region eastus, subscription 00000000-0000-0000-0000-000000000000."}}

package.build_all()
(RECORDINGS / "lab.json").write_text(json.dumps(LAB_FILE, indent=2) + "\n", encoding="utf-8")
print(f"recordings rebuilt under {RECORDINGS}")
