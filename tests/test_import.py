"""The scoring library stays light: importing it loads neither openpyxl, click nor pluggy."""

import subprocess
import sys


def test_scoring_api_imports_no_heavy_modules():
    code = (
        "import sys, minsheng\n"
        "s = minsheng.load_scheme()\n"
        "minsheng.score(s, {'year': 2007, 'counties': []}, [])\n"
        "print(sorted(m for m in ('openpyxl', 'click', 'pluggy', 'python_calamine') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
