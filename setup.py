"""The optional C accelerator of minsheng.sheets (see src/minsheng/sheets/_native.c).

Everything else is declared in pyproject.toml. The extension is optional: without a C compiler
the package installs without it and minsheng.sheets uses its pure-Python scans, which give the
same results (tests/test_native.py), only slower.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "minsheng.sheets._native",
            ["src/minsheng/sheets/_native.c"],
            optional=True,
            extra_compile_args=["-O2"],
        )
    ]
)
