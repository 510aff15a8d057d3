#!/usr/bin/env python
"""Django's manage.py, for those who expect it; ``cspr`` does the same."""

import sys

from cspr.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
