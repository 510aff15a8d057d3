"""`make bench`: every benchmark at a size that runs in a few minutes on 2 cores.

The library benchmark runs at 300 reports here; `python -m bench.library --reports 2000` gives the figures
quoted in docs/library.md.
"""

from __future__ import annotations

import subprocess
import sys


def main() -> int:
    runs = [
        [sys.executable, "-m", "bench.timescales"],
        [sys.executable, "-m", "bench.library", "--reports", "300"],
    ]
    status = 0
    for command in runs:
        print("==", " ".join(command[1:]), flush=True)
        status |= subprocess.run(command, check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
