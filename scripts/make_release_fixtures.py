"""Make workbooks with an earlier release of nianbao, for the test that keeps them readable.

    python scripts/make_release_fixtures.py ca63ae5 v0.1

Checks the commit out in a temporary git worktree and runs ITS ``nianbao new`` and ``check``
there (never this checkout's code), writing tests/fixtures/releases/<label>-*.xlsx:
``sample`` (the bundled sample's data, as a unit fills it) and ``checked`` (data with mistakes,
then checked by that release, so it carries that release's notes, marks and results sheet).
Units keep filling the workbooks of earlier releases: whatever the template becomes, these
must be read as they are (tests/test_old_workbooks.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "releases"

# Mistakes a unit makes (E1 twice, E3 by one): typed into the sample's data.
MISTAKES = {"t3.new.natural": "5件", "t3.other_no_correction.natural": "２", "t2.penalty.decisions": None,
            "t3.carry_forward.business": 1}


def run(release: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(release)}
    return subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=release, env=env,
                          capture_output=True, text=True, timeout=300)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit")
    parser.add_argument("label")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        release = Path(tmp) / "release"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(release), args.commit],
                       check=True, capture_output=True)
        try:
            code = ("import json, sys\nfrom toolkit import spec\nfrom toolkit.jsondata import to_json_obj\n"
                    "from toolkit.sample import sample_data\n"
                    "data = {k: v for k, v in sample_data().items() if k in spec.INPUT_KEYS}\n"
                    "data.update(json.loads(sys.argv[2]))\n"
                    "text = json.dumps(to_json_obj(data), ensure_ascii=False)\n"
                    "open(sys.argv[1], 'w', encoding='utf-8').write(text)\n")
            for name, changes in (("sample", {}), ("checked", MISTAKES)):
                data = Path(tmp) / f"{name}.json"
                subprocess.run([sys.executable, "-c", code, str(data), json.dumps(changes)], cwd=release,
                               env={**os.environ, "PYTHONPATH": str(release)}, check=True)
                book = Path(tmp) / f"{args.label}-{name}.xlsx"
                proc = run(release, "new", "--data", str(data), str(book))
                assert proc.returncode == 0, proc.stderr
                if changes:
                    proc = run(release, "check", str(book))
                    assert proc.returncode == 1, proc.stdout + proc.stderr
                shutil.copy(book, OUT / book.name)
                print(f"wrote {(OUT / book.name).relative_to(ROOT)}")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(release)],
                           capture_output=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
