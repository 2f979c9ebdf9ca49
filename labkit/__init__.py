"""labkit: the helper package of the AKS course workbook.

One import for learners: ``import labkit`` then ``labkit.open_lab(...)``. Everything heavy (the
Azure SDK, docker, ipywidgets) is imported where it is used, so this import stays fast.
"""

__version__ = "0.1.0"


def open_lab(
    notebook: str,
    *,
    prefix: str | None = None,
    region: str | None = None,
    vm_size: str | None = None,
    owner: str | None = None,
    days: int | None = None,
    mode: str | None = None,
    suffix: str | None = None,
    recordings=None,
):
    """Open the lab session for a notebook (see :func:`labkit.lab.open_lab`); None means "as chosen before"."""
    from labkit.lab import open_lab as _open

    return _open(
        notebook,
        prefix=prefix,
        region=region,
        vm_size=vm_size,
        owner=owner,
        days=days,
        mode=mode,
        suffix=suffix,
        recordings=recordings,
    )


def _in_a_kernel() -> None:
    """In IPython (a notebook's kernel), show LabErrors as their ⛔ line and fix (see :mod:`labkit.kernel`)."""
    import sys

    if "IPython" in sys.modules:  # never import IPython where it is not already running
        from labkit.kernel import register

        register()


_in_a_kernel()
