"""Placeholder, replaced by the real engine."""
from __future__ import annotations


class ScriptModel:
    def __init__(self, module, source, path, settings):
        self.module, self.source, self.path, self.settings = module, source, path, settings

    def to_finding(self, cls, report):  # pragma: no cover
        raise NotImplementedError


def build_script_model(module, source, path, settings, project=None):
    return ScriptModel(module, source, path, settings)
