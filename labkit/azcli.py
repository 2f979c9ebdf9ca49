"""Pieces of the `az` command lines labkit shows beside each step, so that each line does what the step does."""

from __future__ import annotations


def tags(config) -> str:
    """``--tags`` with the lab's tags, as the SDK call sets them (cleanup finds the lab by them)."""
    return "--tags " + " ".join(f"{key}={value}" for key, value in config.tags().items())
