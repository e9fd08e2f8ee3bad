"""The one exception tree: every exception class camerabot defines derives from CamerabotError."""

import importlib
import inspect
import pkgutil

import bot
import commands
from bot.errors import CamerabotError


def _modules() -> list[str]:
    names = []
    for package in (bot, commands):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not info.name.endswith("__main__"):
                names.append(info.name)
    return names


def test_every_exception_defined_here_is_a_camerabot_error() -> None:
    outside = []
    for name in _modules():
        module = importlib.import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            defined_here = value.__module__ == name and issubclass(value, BaseException)
            if defined_here and not issubclass(value, CamerabotError):
                outside.append(f"{name}.{value.__qualname__}")
    assert outside == []


def test_the_tree_in_the_docstring_names_every_exception() -> None:
    documented = bot.errors.__doc__ or ""
    for name in _modules():
        module = importlib.import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if value.__module__ == name and issubclass(value, CamerabotError):
                assert value.__name__ in documented, value
