"""Walk a script's statements in execution order and build its model.

A small abstract interpreter: statements run in order, calls to functions defined in the
file are inlined (bounded depth, recursion guard), both arms of an `if` are walked with
their branch recorded on every event, loops over layer collections become set operations,
other loop bodies are walked twice (so a second epoch sees the first one's changes).
Anything not understood evaluates to UNKNOWN.
"""

from __future__ import annotations

import re

import itertools
from typing import TYPE_CHECKING

import libcst as cst

from tllint.engine import branches, calls, classes, flag_loops, fragments, operators, unroll
from tllint.engine.api.keras_hub import HEADS as KERAS_HUB_HEADS
from tllint.engine.imports import ImportTable, build_import_table, canonicalize
from tllint.engine.timeline import Event
from tllint.engine.values import UNKNOWN, Backbone, ClassV, Const, Data, DictV, Func, LayerV, Model, Seq, Tensor, Value
from tllint.parse import is_main_guard

if TYPE_CHECKING:  # pragma: no cover
    from tllint.engine.project_modules import ProjectModules

MAX_CALL_DEPTH = 12
MAX_STEPS = 200_000  # evaluation budget per file, against pathological inputs

# Modules Keras 3 removed: a script importing them runs on Keras 2 / tf_keras only.
_KERAS2_ONLY = re.compile(r"\.layers\.experimental\b|^keras_preprocessing\b|\.utils\.np_utils\b|(?:^|\.)keras\.models\.Input$")


class Budget(Exception):
    pass


class _Return(Exception):
    pass


class Frame:
    def __init__(self, env: dict[str, Value], func: str | None = None, site: cst.CSTNode | None = None) -> None:
        self.env = env
        self.func, self.site = func, site  # the function's name and the call that runs it
        self.returns: list[Value] = []
        self.yields: dict[int, Value] = {}  # a generator's last value of each `yield` (calls.record_yield)


class Interpreter:
    def __init__(self, module: cst.Module, path: str, project: "ProjectModules | None" = None,
                 module_name: str | None = None) -> None:
        self.module = module
        self.path = path
        self.project = project
        self.module_name = module_name
        self.imports: ImportTable = build_import_table(module)
        self.globals: dict[str, Value] = {}
        self.frames: list[Frame] = [Frame(self.globals)]
        self.events: list[Event] = []
        self.feeds: list = []
        self.backbones: list[Backbone] = []
        self.models: list[Model] = []
        self.datas: list[Data] = []
        self.layers: list[LayerV] = []
        self.applications: list[tuple[Value, Tensor, Tensor]] = []  # (callee, input, output)
        self.cond: tuple = ()
        self.iteration = 0
        self._if_ids = itertools.count(1)
        self._input_ids = itertools.count(1_000_000)
        self.called: set[int] = set()
        self.call_stack: list[int] = []
        self.steps = 0
        self.flavours: set[str] = set()
        self.loop_depth = 0
        # engine/branches.py: when an `if` test is certain (a loop from the caller's module,
        # undecided arms being walked, a function analysed on its own, stores not to trust).
        self.outer_loop = False
        self.arm_depth = 0
        self.standalone = 0
        self.tainted: set[str] = set()
        self.stmt: cst.CSTNode | None = None
        for dotted in self.imports.names.values():
            canon = canonicalize(dotted)
            if canon.flavour:
                self.flavours.add(canon.flavour)
            if _KERAS2_ONLY.search(dotted):
                self.flavours.add("keras2-api")
            elif dotted.split(".")[0] in KERAS_HUB_HEADS:
                self.flavours.add("keras_hub")

    # ------------------------------------------------------------------ running
    @property
    def env(self) -> dict[str, Value]:
        return self.frames[-1].env

    def run(self) -> None:
        self.exec_block(self.module.body)
        # Functions never called in this file still get analysed, each on its own: a module
        # that only defines `train()` is linted too.
        for name, value in list(self.globals.items()):
            if isinstance(value, Func) and isinstance(value.node, cst.FunctionDef) and id(value.node) not in self.called:
                saved = self.cond
                self.cond = self.cond + ((next(self._if_ids), name),)
                self.standalone += 1
                try:
                    self.call_function(value, [], {}, value.node)
                finally:
                    self.standalone -= 1
                self.cond = saved
        # Methods of classes never used in this file, likewise: each on a fresh instance of its own.
        classes.run_uncalled_classes(self)

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise Budget()

    def new_input_id(self) -> int:
        return next(self._input_ids)

    def add_event(self, event: Event) -> Event:
        event.cond = self.cond
        event.index = len(self.events)
        event.iteration = self.iteration
        event.where = tuple(f.func for f in self.frames if f.func)
        event.sites = tuple(id(f.site) for f in self.frames if f.site is not None)
        self.events.append(event)
        return event

    # ------------------------------------------------------------------ statements
    def exec_block(self, body) -> None:
        for stmt in body:
            self.exec_stmt(stmt)

    def exec_stmt(self, stmt: cst.CSTNode) -> None:
        self.tick()
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small)
        elif isinstance(stmt, cst.FunctionDef):
            self.env[stmt.name.value] = Func(stmt, stmt.name.value, env=self.env if len(self.frames) > 1 else None, module=self)
        elif isinstance(stmt, cst.ClassDef):
            self.exec_class(stmt)
        elif isinstance(stmt, cst.If):
            self.exec_if(stmt)
        elif isinstance(stmt, cst.For):
            self.exec_for(stmt)
        elif isinstance(stmt, cst.While):
            self.exec_loop_body(stmt.body.body)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                value = self.eval(item.item)
                if item.asname is not None:
                    self.assign(item.asname.name, value)
            self.exec_block(stmt.body.body)
        elif isinstance(stmt, cst.Try):
            self.exec_try(stmt)
        elif isinstance(stmt, cst.SimpleStatementSuite):
            for small in stmt.body:
                self.exec_small(small)
        elif isinstance(stmt, (cst.IndentedBlock,)):
            self.exec_block(stmt.body)

    def exec_small(self, small: cst.BaseSmallStatement) -> None:
        # Events point at the whole statement (`base.trainable = True`), not a sub-expression.
        self.stmt = small
        if isinstance(small, cst.Expr):
            self.eval(small.value)
        elif isinstance(small, cst.Assign):
            value = self.eval(small.value)
            for target in small.targets:
                self.assign(target.target, value, small.value)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.assign(small.target, self.eval(small.value), small.value)
        elif isinstance(small, cst.AugAssign):
            current = self.eval(small.target)
            rhs = self.eval(small.value)
            op = type(small.operator).__name__.replace("Assign", "")
            self.assign(small.target, operators.binary(self, op, current, rhs, small), small.value)
        elif isinstance(small, cst.Return):
            value = self.eval(small.value) if small.value is not None else Const(None)
            self.frames[-1].returns.append(value)
            raise _Return()
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            calls.bind_import(self, small)

    def exec_class(self, node: cst.ClassDef) -> None:
        bases = [self.eval(arg.value) for arg in node.bases]
        methods: dict[str, Func] = {}
        for stmt in node.body.body:
            if isinstance(stmt, cst.FunctionDef):
                methods[stmt.name.value] = Func(stmt, stmt.name.value, module=self)
        self.env[node.name.value] = ClassV(node, node.name.value, bases, methods, module=self)

    def exec_if(self, node: cst.If) -> None:
        test = node.test
        if is_main_guard(test):
            self.exec_block(node.body.body)
            return
        arm = branches.decide(self, test, node)
        if arm is not None:
            # The program fixes the arm (`if freeze:` with freeze=False): only that one runs.
            if arm:
                self.exec_block(node.body.body)
            elif isinstance(node.orelse, cst.If):
                self.exec_if(node.orelse)
            elif isinstance(node.orelse, cst.Else):
                self.exec_block(node.orelse.body.body)
            return
        self.arm_depth += 1
        try:
            self._exec_both_arms(node)
        finally:
            self.arm_depth -= 1

    def _exec_both_arms(self, node: cst.If) -> None:
        test = node.test
        if_id = next(self._if_ids)
        narrowing = calls.narrowing(self, test)
        saved_cond = self.cond
        before = dict(self.env)
        # then-arm
        self.cond = saved_cond + ((if_id, True),)
        restore = self._narrow(narrowing, True)
        # A `return` in one arm must not skip the other arm nor leave the arm's branch path on
        # the events that follow the call.
        then_returned = else_returned = False
        try:
            self.exec_block(node.body.body)
        except _Return:
            then_returned = True
        finally:
            self._unnarrow(restore)
        then_env = dict(self.env)
        # else-arm
        self.env.clear()
        self.env.update(before)
        self.cond = saved_cond + ((if_id, False),)
        restore = self._narrow(narrowing, False)
        try:
            if isinstance(node.orelse, cst.If):
                self.exec_if(node.orelse)
            elif isinstance(node.orelse, cst.Else):
                self.exec_block(node.orelse.body.body)
        except _Return:
            else_returned = True
        finally:
            self._unnarrow(restore)
        self.cond = saved_cond
        else_env = dict(self.env)
        self.env.clear()
        self.env.update(_join_envs(before, then_env, else_env))
        if then_returned and else_returned:
            raise _Return()

    def _narrow(self, narrowing, arm: bool):
        if narrowing is None:
            return None
        name, then_value, else_value = narrowing
        old = self.env.get(name)
        self.env[name] = then_value if arm else else_value
        return (name, old)

    def _unnarrow(self, restore) -> None:
        if restore is None:
            return
        name, old = restore
        if old is None:
            self.env.pop(name, None)
        else:
            self.env[name] = old

    def exec_for(self, node: cst.For) -> None:
        iterable = self.eval(node.iter)
        element = calls.iteration_element(self, iterable)
        if element is not None and flag_loops.run(self, node, element):
            return  # unfreezing from a named layer on (engine/flag_loops.py)
        if element is not None:
            # A loop over a layer collection is one set operation.
            self.assign(node.target, element)
            self.loop_depth += 1
            try:
                self.exec_block(node.body.body)
            finally:
                self.loop_depth -= 1
            return
        items = unroll.items_to_unroll(self, iterable, node)  # one walk per backbone, model, constructor...
        if items:
            for item in items:
                self.assign(node.target, item)
                self.exec_block(node.body.body)
            return
        # The loop variable is what every element agrees on (an image of a list of images), else UNKNOWN.
        self.assign(node.target, calls.loop_element(self, iterable))
        self.exec_loop_body(node.body.body)

    def exec_loop_body(self, body) -> None:
        self.loop_depth += 1
        saved = self.iteration
        try:
            repeats = 2 if self.loop_depth <= 2 else 1
            for i in range(repeats):
                self.iteration = max(saved, i)
                try:
                    self.exec_block(body)
                except _Return:
                    raise
        finally:
            self.iteration = saved
            self.loop_depth -= 1

    def exec_try(self, node: cst.Try) -> None:
        self.exec_block(node.body.body)
        if node.orelse is not None:
            self.exec_block(node.orelse.body.body)
        if node.finalbody is not None:
            self.exec_block(node.finalbody.body.body)

    # ------------------------------------------------------------------ assignment
    def assign(self, target: cst.BaseExpression, value: Value, value_node: cst.CSTNode | None = None) -> None:
        branches.note_store(self, target)
        if isinstance(target, cst.Name):
            name = target.value
            if isinstance(value, (Backbone, Model)) and value.var is None:
                value.var = name
            self.env[name] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = [e.value for e in target.elements]
            items = calls.unpack(self, value, len(elements))
            for element, item in zip(elements, items):
                if isinstance(element, cst.StarredElement):
                    element = element.value
                self.assign(element, item)
        elif isinstance(target, cst.Attribute):
            obj = self.eval(target.value)
            calls.set_attribute(self, obj, target.attr.value, value, target, value_node)
        elif isinstance(target, cst.Subscript):
            # `d["image"] = x / 255.` (a tfds element dict): later reads of d["image"] see x / 255.,
            # not the raw element. Other item stores on a known dict/sequence make it unknown.
            obj = self.eval(target.value)
            stored = calls.store_item(self, obj, target, value)
            if stored is not None:
                # `X[i] = img` fills a numpy array: the container now holds those pixels.
                self.assign(target.value, stored)
            elif isinstance(obj, (DictV, Seq)):
                element = target.slice[0].slice if len(target.slice) == 1 else None
                key = self.eval(element.value) if isinstance(element, cst.Index) else UNKNOWN
                if isinstance(obj, DictV) and isinstance(key, Const):
                    obj.items[key.value] = value
                elif isinstance(target.value, cst.Name):
                    self.env[target.value.value] = UNKNOWN

    # ------------------------------------------------------------------ expressions
    def lookup(self, name: str) -> Value:
        for frame in reversed(self.frames):
            if name in frame.env:
                return frame.env[name]
            if frame.env is self.globals:
                break
        if name in self.globals:
            return self.globals[name]
        dotted = self.imports.resolve(name) or fragments.resolve(self, name)  # `Dense` in an import-less fragment
        if dotted is not None:
            return calls.import_value(self, dotted)
        return calls.builtin_value(name)

    def eval(self, node: cst.BaseExpression | None) -> Value:
        if node is None:
            return UNKNOWN
        self.tick()
        if isinstance(node, cst.Name):
            if node.value in ("True", "False", "None"):
                return Const({"True": True, "False": False, "None": None}[node.value])
            return self.lookup(node.value)
        if isinstance(node, cst.Attribute):
            return calls.get_attribute(self, self.eval(node.value), node.attr.value, node)
        if isinstance(node, cst.Call):
            return self.eval_call(node)
        if isinstance(node, cst.Integer):
            try:
                return Const(int(node.value.replace("_", ""), 0))
            except ValueError:
                return UNKNOWN
        if isinstance(node, cst.Float):
            try:
                return Const(float(node.value.replace("_", "")))
            except ValueError:
                return UNKNOWN
        if isinstance(node, cst.SimpleString):
            try:
                return Const(node.evaluated_value)
            except Exception:  # noqa: BLE001
                return UNKNOWN
        if isinstance(node, cst.ConcatenatedString):
            try:
                value = node.evaluated_value
                return Const(value) if isinstance(value, str) else UNKNOWN
            except Exception:  # noqa: BLE001
                return UNKNOWN
        if isinstance(node, cst.FormattedString):
            return operators.formatted(self, node)
        if isinstance(node, cst.BinaryOperation):
            left = self.eval(node.left)
            right = self.eval(node.right)
            return operators.binary(self, type(node.operator).__name__, left, right, node)
        if isinstance(node, cst.UnaryOperation):
            operand = self.eval(node.expression)
            if isinstance(node.operator, cst.Minus) and isinstance(operand, Const) and isinstance(operand.value, (int, float)):
                return Const(-operand.value)
            if isinstance(node.operator, cst.Plus):
                return operand
            if isinstance(node.operator, cst.Not) and isinstance(operand, Const):
                return Const(not operand.value)
            return UNKNOWN
        if isinstance(node, (cst.Tuple, cst.List)):
            items: list[Value] = []
            for element in node.elements:
                if isinstance(element, cst.StarredElement):
                    inner = self.eval(element.value)
                    if isinstance(inner, Seq):
                        items.extend(inner.items)
                    else:
                        return Seq([UNKNOWN], "list")
                else:
                    items.append(self.eval(element.value))
            return Seq(items, "tuple" if isinstance(node, cst.Tuple) else "list")
        if isinstance(node, cst.Dict):
            out: dict = {}
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    key = self.eval(element.key)
                    if isinstance(key, Const):
                        out[key.value] = self.eval(element.value)
            return DictV(out)
        if isinstance(node, cst.Lambda):
            return Func(node, "<lambda>", env=self.env if len(self.frames) > 1 else None, module=self)
        if isinstance(node, cst.IfExp):
            a = self.eval(node.body)
            b = self.eval(node.orelse)
            test = self.eval(node.test)
            if isinstance(test, Const):
                return a if test.value else b
            return a.join(b)
        if isinstance(node, cst.Subscript):
            return calls.subscript(self, self.eval(node.value), node)
        if isinstance(node, cst.BooleanOperation):
            left = self.eval(node.left)
            right = self.eval(node.right)
            if isinstance(left, Const) and isinstance(right, Const):
                if isinstance(node.operator, cst.And):
                    return Const(left.value and right.value)
                return Const(left.value or right.value)
            return UNKNOWN
        if isinstance(node, cst.Comparison):
            return operators.compare(self, node)
        if isinstance(node, cst.NamedExpr):
            value = self.eval(node.value)
            self.assign(node.target, value)
            return value
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
            return calls.comprehension(self, node)
        if isinstance(node, cst.Await):
            return self.eval(node.expression)
        if isinstance(node, cst.Yield):
            return calls.record_yield(self, node)
        return UNKNOWN

    def eval_args(self, node: cst.Call) -> tuple[list[Value], dict[str, Value]]:
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        for arg in node.args:
            value = self.eval(arg.value)
            if arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            elif arg.star == "*":
                if isinstance(value, Seq):
                    args.extend(value.items)
                else:
                    args.append(UNKNOWN)
            elif arg.star == "**":
                if isinstance(value, DictV):
                    kwargs.update({str(k): v for k, v in value.items.items()})
            else:
                args.append(value)
        return args, kwargs

    def eval_call(self, node: cst.Call) -> Value:
        func = self.eval(node.func)
        args, kwargs = self.eval_args(node)
        return calls.call(self, func, args, kwargs, node)

    # ------------------------------------------------------------------ library handlers call back here
    def call_value(self, func: Value, args: list[Value], kwargs: dict[str, Value], node: cst.CSTNode) -> Value:
        """Call any value (a user function, a layer, a model, a library name) as the script would."""
        return calls.call(self, func, args, kwargs, node)

    def call_method(self, obj: Value, name: str, args: list[Value], kwargs: dict[str, Value], node: cst.CSTNode) -> Value:
        """`obj.name(*args, **kwargs)`."""
        return calls.call_method(self, obj, name, args, kwargs, node)

    # ------------------------------------------------------------------ functions
    def call_function(self, func: Func, args: list[Value], kwargs: dict[str, Value], node: cst.CSTNode) -> Value:
        key = id(func.node)
        self.called.add(key)
        if key in self.call_stack or len(self.call_stack) >= MAX_CALL_DEPTH:
            return UNKNOWN
        interp = func.module if isinstance(func.module, Interpreter) else self
        if interp is not self:
            return interp._call_in_module(func, args, kwargs, node, self)
        env: dict[str, Value] = dict(func.env) if func.env else {}
        params = func.node.params
        positional = list(params.posonly_params) + list(params.params)
        if func.bound_self is not None:
            args = [func.bound_self] + list(args)
        for i, param in enumerate(positional):
            name = param.name.value
            if i < len(args):
                env[name] = args[i]
            elif name in kwargs:
                env[name] = kwargs[name]
            elif param.default is not None:
                env[name] = self.eval(param.default)
            else:
                env[name] = UNKNOWN
        for param in params.kwonly_params:
            name = param.name.value
            if name in kwargs:
                env[name] = kwargs[name]
            elif param.default is not None:
                env[name] = self.eval(param.default)
            else:
                env[name] = UNKNOWN
        if isinstance(params.star_arg, cst.Param):
            env[params.star_arg.name.value] = Seq(list(args[len(positional):]), "tuple")
        if params.star_kwarg is not None:
            env[params.star_kwarg.name.value] = DictV({k: v for k, v in kwargs.items()})
        frame = Frame(env, func.name, node)
        self.frames.append(frame)
        self.call_stack.append(key)
        try:
            if isinstance(func.node, cst.Lambda):
                return self.eval(func.node.body)
            try:
                self.exec_block(func.node.body.body if isinstance(func.node.body, cst.IndentedBlock) else func.node.body.body)
            except _Return:
                pass
        finally:
            self.frames.pop()
            self.call_stack.pop()
        if frame.yields:
            # A generator function: calling it gives the stream of what it yields.
            return calls.generated(self, list(frame.yields.values()), node)
        if not frame.returns:
            return Const(None)
        result = frame.returns[0]
        for other in frame.returns[1:]:
            result = result.join(other)
        return result

    def _call_in_module(self, func: Func, args, kwargs, node, caller: "Interpreter") -> Value:
        # A function from another module of the project runs in its own module's globals, but
        # its events and values land in the caller's model (one program, one timeline).
        saved = (self.events, self.feeds, self.backbones, self.models, self.datas, self.layers, self.applications, self.cond, self.iteration)
        self.events, self.feeds, self.backbones, self.models = caller.events, caller.feeds, caller.backbones, caller.models
        self.datas, self.layers, self.applications = caller.datas, caller.layers, caller.applications
        self.cond, self.iteration = caller.cond, caller.iteration
        self.steps = caller.steps
        branch_state = (self.outer_loop, self.arm_depth, self.standalone, self.tainted)
        self.outer_loop = caller.loop_depth > 0 or caller.outer_loop
        self.arm_depth, self.standalone, self.tainted = caller.arm_depth, caller.standalone, caller.tainted
        try:
            return self.call_function(func, args, kwargs, node)
        finally:
            caller.steps = self.steps
            (self.outer_loop, self.arm_depth, self.standalone, self.tainted) = branch_state
            (self.events, self.feeds, self.backbones, self.models, self.datas, self.layers, self.applications, self.cond, self.iteration) = saved


def _join_envs(before: dict, then_env: dict, else_env: dict) -> dict:
    out: dict[str, Value] = {}
    for name in set(then_env) | set(else_env):
        a = then_env.get(name)
        b = else_env.get(name)
        if a is None:
            out[name] = b
        elif b is None:
            out[name] = a
        elif a is b:
            out[name] = a
        else:
            out[name] = a.join(b)
    return out


__all__ = ["Interpreter", "Budget", "Frame", "MAX_CALL_DEPTH", "MAX_STEPS"]
