"""``python -m minsheng``: the same as the ``minsheng`` command."""

from minsheng.cli import run

if __name__ == "__main__":
    run()
