"""labkit: the helper package of the AKS course workbook.

One import for learners: ``import labkit`` then ``labkit.open_lab(...)``. Everything heavy (the
Azure SDK, docker, ipywidgets) is imported where it is used, so this import stays fast.
"""

__version__ = "0.1.0"


def open_lab(notebook: str, **params):
    """Open the lab session for a notebook (see :mod:`labkit.lab`)."""
    from labkit.lab import open_lab as _open

    return _open(notebook, **params)


def _in_a_kernel() -> None:
    """In IPython (a notebook's kernel), show LabErrors as their ⛔ line and fix (see :mod:`labkit.kernel`)."""
    import sys

    if "IPython" in sys.modules:  # never import IPython where it is not already running
        from labkit.kernel import register

        register()


_in_a_kernel()
