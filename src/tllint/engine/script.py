"""The script model that rules query: backbones, models, feeds, datasets and the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from tllint.engine import branches, fragments, unroll
from tllint.engine.imports import snippet
from tllint.engine.interpreter import Budget, Interpreter
from tllint.engine.pixels import RAW_ASSUMED, Encoding, Verdict, describe
from tllint.engine.project_modules import ProjectModules, foreign_line
from tllint.engine.timeline import (
    CompileEvent,
    Event,
    TrainableEvent,
    TrainEvent,
    TrainState,
    compatible,
    state_of,
)
from tllint.engine.values import UNKNOWN, Backbone, Data, Feed, Model, Seq, Tensor, Value
from tllint.finding import Finding, Related
from tllint.settings import Settings
from tllint.versions import KerasTarget, detect


@dataclass
class Arrival:
    """What pixels reach a backbone in one training step (or in a model with no visible data)."""

    feed: Feed
    model: Model | None
    step: TrainEvent | None
    data: Data | None
    encoding: Encoding
    verdict: Verdict
    # "train" (a training step, or a model with no data in sight); else the inference that feeds the
    # data: "predict", "evaluate", "__call__", "predict_on_batch", "test_on_batch", "validation".
    phase: str = "train"


# Model methods whose data is not a training input (what `uses` records), and those that feed none.
_NOT_FED = ("save", "save_weights", "export")


class ScriptModel:
    def __init__(self, module: cst.Module, source: str, path: str, settings: Settings,
                 project: ProjectModules | None = None, module_name: str | None = None) -> None:
        self.module = module
        self.source = source
        self.path = path
        self.settings = settings
        self.interp = Interpreter(module, path, project=project, module_name=module_name)
        self.interp.source_text = source  # engine/branches.py reads rebinding facts off the text
        self.complete = True
        try:
            self.interp.run()
        except Budget:
            # Too big to follow entirely: keep what was seen, rules only use known facts.
            self.complete = False
        self.default_arms = branches.default_arms(self.interp)  # arms decided by command-line defaults
        self.target: KerasTarget = detect(self.interp.flavours, settings.target_keras)
        self._add_implicit_steps()

    # ------------------------------------------------------------------ collections
    @property
    def events(self) -> list[Event]:
        return self.interp.events

    @property
    def backbones(self) -> list[Backbone]:
        return self.interp.backbones

    @property
    def models(self) -> list[Model]:
        seen: list[Model] = []
        for m in self.interp.models:
            if m not in seen:
                seen.append(m)
        for ev in self.events:
            m = getattr(ev, "model", None)
            if isinstance(m, Model) and m not in seen:
                seen.append(m)
        return seen

    @property
    def feeds(self) -> list[Feed]:
        return self.interp.feeds

    def compiles(self, model: Model) -> list[CompileEvent]:
        return [e for e in self.events if isinstance(e, CompileEvent) and e.model is model]

    def steps(self, model: Model, *, implicit: bool = True) -> list[TrainEvent]:
        return [e for e in self.events if isinstance(e, TrainEvent) and e.model is model and (implicit or not e.implicit)]

    def trainable_events(self) -> list[TrainableEvent]:
        return [e for e in self.events if isinstance(e, TrainableEvent)]

    def _add_implicit_steps(self) -> None:
        """A compile with no training step after it (on a compatible path) stands for one."""
        events = self.interp.events
        implicit: list[tuple[int, TrainEvent]] = []
        for i, ev in enumerate(events):
            if not isinstance(ev, CompileEvent):
                continue
            trained = False
            for later in events[i + 1:]:
                if getattr(later, "model", None) is not ev.model or not compatible(later.cond, ev.cond):
                    continue
                if isinstance(later, TrainEvent):
                    trained = True
                    break
                if isinstance(later, CompileEvent):
                    break
            if not trained:
                implicit.append((i, TrainEvent(ev.node, ev.cond, model=ev.model, data=UNKNOWN, method="implicit")))
        for offset, (i, step) in enumerate(implicit):
            step.iteration = events[i + offset].iteration
            step.where = events[i + offset].where
            events.insert(i + offset + 1, step)
        for index, ev in enumerate(events):
            ev.index = index

    # ------------------------------------------------------------------ trainable state
    def state_at(self, unit: Value, event: Event) -> TrainState:
        return state_of(unit, self.events, event.index, event.cond)

    def last_compile_before(self, model: Model, event: Event) -> CompileEvent | None:
        found = None
        for ev in self.events:
            if ev.index >= event.index:
                break
            if isinstance(ev, CompileEvent) and ev.model is model and compatible(ev.cond, event.cond):
                found = ev
        return found

    def first_step_after(self, model: Model, compile_ev: CompileEvent, cond=None) -> TrainEvent | None:
        cond = compile_ev.cond if cond is None else cond
        for ev in self.events[compile_ev.index + 1:]:
            if getattr(ev, "model", None) is not model or not compatible(ev.cond, cond):
                continue
            if isinstance(ev, CompileEvent):
                return None
            if isinstance(ev, TrainEvent):
                return ev
        return None

    # ------------------------------------------------------------------ pixels
    def arrivals(self) -> Iterator[Arrival]:
        """Every (feed, data) combination that reaches a backbone."""
        models = self.models
        seen: set[tuple] = set()
        for model in models:
            feeds = [f for f in model.feeds if f.origin in model.input_ids] if model.input_ids else []
            if not feeds:
                continue
            steps = [s for s in self.steps(model) if not s.implicit]
            # A multi-input model's step carries the part of its data that reaches the backbone
            # (engine/api/models.py image_component), UNKNOWN when that part is not in sight.
            explicit_data = [s for s in steps if isinstance(s.__dict__.get("pixels", s.data), Data)]
            for feed in feeds:
                if explicit_data:
                    for step in explicit_data:
                        pixels = step.__dict__.get("pixels", step.data)
                        key = (id(feed), id(pixels))
                        if key in seen:
                            continue
                        seen.add(key)
                        enc = feed.encoding.after(pixels.encoding)
                        yield Arrival(feed, model, step, pixels, enc, describe(enc))
                elif not steps and self.steps(model):
                    # Only implicit steps (a compile with no fit in sight, as in a notebook
                    # fragment): the model is assumed to receive images as decoded, 0..255,
                    # unless the script shows it fed other data or handed it on (saved).
                    uses = model.__dict__.get("uses", [])
                    fed = [x for name, x, _ in uses if name not in ("save", "save_weights", "export")]
                    for x in fed:
                        if isinstance(x, Data) and (id(feed), id(x)) not in seen:
                            seen.add((id(feed), id(x)))
                            enc = feed.encoding.after(x.encoding)
                            yield Arrival(feed, model, self.steps(model)[0], x, enc, describe(enc))
                    if uses:
                        continue
                    key = (id(feed), "raw")
                    if key in seen:
                        continue
                    seen.add(key)
                    enc = feed.encoding.after(Encoding(RAW_ASSUMED))
                    yield Arrival(feed, model, self.steps(model)[0], None, enc, describe(enc))
        yield from self._inference_arrivals(models, seen)
        # Data fed straight into a backbone (`base.predict(images)`, `base(images)`).
        for feed in self.feeds:
            if feed.origin is None and feed.encoding.source.kind != "input":
                key = (id(feed), None)
                if key not in seen:
                    seen.add(key)
                    yield Arrival(feed, None, None, None, feed.encoding, describe(feed.encoding))

    def _inference_arrivals(self, models: list[Model], seen: set[tuple]) -> Iterator[Arrival]:
        """Data a model is fed outside its training steps: `predict`/`evaluate`/`model(x)` and the
        `validation_data` of a fit. Each is reported where it is fed (the feed's node is the call),
        judged against the model's own input contract (its Rescaling or Lambda layers included)."""
        for model in models:
            feeds = [f for f in model.feeds if f.origin in model.input_ids] if model.input_ids else []
            if not feeds:
                continue
            fed: list[tuple[str, Value, cst.CSTNode]] = [
                (name, x, node) for name, x, node in model.__dict__.get("uses", []) if name not in _NOT_FED]
            for step in self.steps(model, implicit=False):
                # (a multi-input model's: the part that reaches its backbone, engine/api/models.py)
                val = step.__dict__.get("validation_pixels", step.kwargs.get("validation_data"))
                node = _keyword_value(step.node, "validation_data")
                if val is not None and node is not None:
                    fed.append(("validation", val, node))
            for name, x, node in fed:
                data = x
                if isinstance(x, Seq) and name == "validation" and x.items:
                    data = x.items[0]  # (x_val, y_val)
                if isinstance(data, Tensor) and data.origin is None:
                    data = Data(data.encoding, None, node, "tensor", paired=False)
                if not isinstance(data, Data):
                    continue
                for feed in feeds:
                    key = (id(feed), id(x))
                    if key in seen:
                        continue
                    seen.add(key)
                    enc = feed.encoding.after(data.encoding)
                    at = Feed(feed.backbone, feed.encoding, feed.origin, node, feed.training, feed.nested)
                    yield Arrival(at, model, None, data, enc, describe(enc), phase=name)

    # ------------------------------------------------------------------ positions
    @cached_property
    def _positions(self):
        if self.interp.project is not None:  # shared with the module's importers (the project)
            shared = self.interp.project.positions_of(self.module)
            if shared is not None:
                return shared
        wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        return wrapper.resolve(PositionProvider)

    def position(self, node: cst.CSTNode) -> CodeRange | None:
        pos = self._positions.get(node)
        if pos is None and self.interp.project is not None:
            found = self.origin(node)
            return found[1] if found else None
        return pos

    def origin(self, node: cst.CSTNode) -> tuple[str, CodeRange | None, str] | None:
        """(path, position, source) of a node: this file's, or an imported module's (the project)."""
        pos = self._positions.get(node)
        if pos is not None:
            return self.path, pos, self.source
        if self.interp.project is not None:
            return self.interp.project.locate(self.interp, node)
        return None

    def line(self, node: cst.CSTNode | None) -> int:
        if node is None:
            return 0
        pos = self._positions.get(node)
        if pos is None and self.interp.project is not None:
            # A statement of an imported module: an int that prints as `12 in data.py`.
            return foreign_line(self.origin(node))
        return pos.start.line if pos else 0

    def code(self, node: cst.CSTNode, limit: int = 60) -> str:
        return snippet(self.module, node, limit)

    def statement_text(self, node: cst.CSTNode) -> str:
        found = self.origin(node)
        if found is None or found[1] is None:
            return ""
        _, pos, source = found
        lines = source.splitlines()
        chunk = lines[pos.start.line - 1 : pos.end.line]
        return " ".join(" ".join(chunk).split())

    def to_finding(self, rule_cls, report) -> Finding:
        found = self.origin(report.node)
        path, pos = (found[0], found[1]) if found else (self.path, None)
        if pos is None:
            line = col = end_line = end_col = 1
        else:
            line, col = pos.start.line, pos.start.column + 1
            end_line, end_col = pos.end.line, pos.end.column + 1
        return Finding(
            code=rule_cls.code,
            name=rule_cls.name,
            severity=_severity(self.interp, report.severity or rule_cls.severity),
            # Reported in an imported module: bare `line N` of this file names it (the project).
            message=(report.message if path == self.path else self.interp.project.qualify_lines(report.message, self.path))
            + branches.default_note(self, report) + unroll.iteration_note(report) + fragments.note(self.interp),
            path=path,
            line=line,
            column=col,
            end_line=end_line,
            end_column=end_col,
            keras=report.keras,
            fix=report.fix,
            statement=self.statement_text(report.node),
            title=report.title,
            related=self._related(report, path),
        )

    def _related(self, report, path: str) -> list[Related]:
        """Positions of the chain's other places; a place that cannot be located is left out."""
        out: list[Related] = []
        for node, label in report.related:
            found = self.origin(node)
            if found is None or found[1] is None:
                continue
            pos = found[1]
            out.append(Related(label, pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1,
                               path=None if found[0] == path else found[0]))
        return out


def _severity(interp, severity: str) -> str:
    """A file whose Keras names were guessed (engine/fragments.py: no imports) gets warnings at most."""
    return "warning" if severity == "error" and getattr(interp, "fragment_names", None) else severity


def _keyword_value(call: cst.CSTNode, keyword: str) -> cst.CSTNode | None:
    if isinstance(call, cst.Call):
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == keyword:
                return arg.value
    return None


def build_script_model(module: cst.Module, source: str, path: str, settings: Settings,
                       project: ProjectModules | None = None) -> ScriptModel:
    return ScriptModel(module, source, path, settings, project=project)
