"""cspr.timescales is a pure Python package: importing it, its CLI and its calendar export loads no Django."""

import subprocess
import sys


def test_importing_the_timescales_engine_loads_no_django_module() -> None:
    # A fresh interpreter, so modules imported by other tests in this process cannot hide an import.
    probe = (
        "import sys\n"
        "import cspr.timescales, cspr.timescales.cli, cspr.timescales.ics, cspr.timescales.definitions\n"
        "cspr.timescales.load_process('england-cspr')\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
