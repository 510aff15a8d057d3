"""`make bench`: every benchmark, one after another; each prints its table and merges its figures into
bench/results.json (docs/benchmarks.md records them beside their targets).

The page budgets compare two sizes of generated national data (BENCH_CASES, default 500 and 5000 cases),
made once through the services into var/bench/ and reused by later runs.
"""

from __future__ import annotations

import os
import subprocess
import sys


def main() -> int:
    runs = [
        [sys.executable, "-m", "bench.timescales"],
        [sys.executable, "-m", "bench.library"],  # 2,000 and 20,000 reports
        [sys.executable, "-m", "bench.pages", "--cases", *os.environ.get("BENCH_CASES", "500 5000").split()],
    ]
    status = 0
    for command in runs:
        print("==", " ".join(command[1:]), flush=True)
        status |= subprocess.run(command, check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
