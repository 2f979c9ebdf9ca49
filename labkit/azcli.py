"""Beside each step's `az` line: the pieces of that line, and the Azure SDK call the step makes.

:func:`show_sdk_call` shows, collapsed, the call a step is about to make, the source of the labkit function that
built its model, and the JSON that model sends: the very object passed to the SDK, not a copy typed out here.
"""

from __future__ import annotations

import html
import inspect
import json

DOCS = "https://learn.microsoft.com/python/api/"
HIDDEN = "<hidden>"


def tags(config) -> str:
    """``--tags`` with the lab's tags, as the SDK call sets them (cleanup finds the lab by them)."""
    return "--tags " + " ".join(f"{key}={value}" for key, value in config.tags().items())


def sent_json(model, secrets=()) -> str:
    """The JSON body ``model`` sends (REST names), each string of ``secrets`` replaced by <hidden>."""
    body = model.serialize() if hasattr(model, "serialize") else model.as_dict()
    text = json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True)
    for secret in secrets:
        if secret:
            text = text.replace(json.dumps(secret)[1:-1], HIDDEN)
    return text


class SdkCall:
    """The collapsed view of one SDK call; its plain text is one line (notebook text views, nbval)."""

    def __init__(self, call: str, model, builder, reference: str, secrets=()):
        self.call, self.reference = call, reference
        self.model_name = type(model).__name__
        self.builder = f"{builder.__module__}.{builder.__name__}"
        self.source = inspect.getsource(builder)
        self.body = sent_json(model, secrets)

    @property
    def text(self) -> str:
        return (
            f"Python SDK: {self.call} with the {self.model_name} built by {self.builder}() "
            f"(reference: {self.reference})"
        )

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        e = html.escape
        return (
            f'<details class="labkit-sdk"><summary>Python SDK: <code>{e(self.call)}</code></summary>'
            f"<p>The {e(self.model_name)} is built by <code>{e(self.builder)}()</code>:</p>"
            f"<pre>{e(self.source)}</pre><p>and sends this JSON (REST names):</p><pre>{e(self.body)}</pre>"
            f'<p>Reference: <a href="{e(self.reference)}" target="_blank">{e(self.reference)}</a></p></details>'
        )


def show_sdk_call(call: str, model, builder, reference: str, secrets=()) -> SdkCall:
    """Show (collapsed in Jupyter) the SDK call a step makes with ``model``, the object it passes to the SDK."""
    shown = SdkCall(call, model, builder, reference, secrets)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(shown)
    else:
        print(shown.text)
    return shown
