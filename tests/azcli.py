"""The Azure CLI's own definition of a command's arguments, for checking the `az` lines the workbook prints.

Loads the command table of the pinned ``azure-cli`` package (installed without its dependencies: it pins
older Azure SDK releases than labkit does) the way the CLI itself does, for one command at a time. The
SDK model classes the CLI imports to build requests are not needed to know its arguments: a module the
CLI imports that our pinned SDKs lack is stood in by one whose every name is an empty class; an
api-version folder the CLI names (``...resources.v2024_11_01``) resolves to our pinned SDK's operations,
whose method signatures give the arguments of commands that call the SDK directly (``az group delete``).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import sys
import tempfile
import types
from dataclasses import dataclass
from types import SimpleNamespace

STAND_IN_PREFIXES = ("azure.mgmt.", "msrest")  # model imports only; arguments never come from them
GLOBAL_OPTIONS = {"--output", "-o", "--query", "--only-show-errors", "--debug", "--verbose", "--help", "-h"}


class _Members(type):
    """A stand-in class: no members to iterate (enums), any attribute is another stand-in."""

    def __iter__(cls):
        return iter(())

    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _stand_in(name)


def _stand_in(name: str):
    return _Members(name, (), {})


class _StandInModule(types.ModuleType):
    __path__: list = []

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _stand_in(name)


class _StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if not name.startswith(STAND_IN_PREFIXES):
            return None
        for finder in sys.meta_path:
            if finder is not self and getattr(finder, "find_spec", None) and finder.find_spec(name, path, target):
                return None
        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):
        unversioned = re.sub(r"\.v\d{4}_\d\d_\d\d(?=\.|$)", "", spec.name)
        if unversioned != spec.name and importlib.util.find_spec(unversioned) is not None:
            return importlib.import_module(unversioned)
        return _StandInModule(spec.name)

    def exec_module(self, module):
        pass


@dataclass(frozen=True)
class Argument:
    dest: str
    options: tuple
    required: bool


def _prepare() -> None:
    os.environ.setdefault("AZURE_CONFIG_DIR", tempfile.mkdtemp(prefix="azcli-"))
    if not any(isinstance(f, _StandInFinder) for f in sys.meta_path):
        sys.meta_path.append(_StandInFinder())
    # The CLI is built against azure-mgmt-containerinstance 10.2.0b1; model names 10.1.0 lacks are stood in.
    importlib.import_module("azure.mgmt.containerinstance.models").__getattr__ = _stand_in
    from azure.cli.core.commands import parameters

    if not hasattr(parameters, "_defined_get_enum_type"):
        parameters._defined_get_enum_type = parameters.get_enum_type

        def get_enum_type(data, default=None):  # a stood-in enum has no members, so its default is not one
            members = list(data or [])
            return parameters._defined_get_enum_type(data or [], default if members else None)

        parameters.get_enum_type = get_enum_type


def arguments(command: str) -> dict[str, Argument] | None:
    """Each option of ``az <command>`` (e.g. "aks create") mapped to its argument; None if no such command."""
    _prepare()
    from azure.cli.core import MainCommandsLoader, get_default_cli
    from azure.cli.core.parser import AzCliCommandParser

    cli = get_default_cli()
    loader = MainCommandsLoader(cli)
    cli.invocation = SimpleNamespace(data={"command_string": command}, commands_loader=loader,
                                     parser=AzCliCommandParser(cli))
    loader.load_command_table(command.split())
    if command not in loader.command_table:
        return None
    loader.command_name = command
    loader.load_arguments(command)
    found = {}
    for dest, arg in loader.command_table[command].arguments.items():
        settings = arg.type.settings
        if settings.get("help") == "==SUPPRESS==":
            continue
        names = tuple(o for o in settings.get("options_list") or () if isinstance(o, str))
        for name in names:
            found[name] = Argument(dest, names, bool(settings.get("required")))
    return found
