"""``python -m minsheng``: the same as the ``minsheng`` command."""

from minsheng.cli import main

if __name__ == "__main__":
    main()
