"""pandas: a table of image paths whose column is mapped to pixels.

Kaggle notebooks keep their images in a DataFrame: `df["image"] = df["path"].map(lambda p:
np.asarray(Image.open(p).resize((224, 224))))`, split the frame with `train_test_split`, then take
`np.asarray(x_train["image"].tolist())`. A frame is its known columns; a column mapped through a
function that loads one image is an array of such images (a `Data`); anything else a column holds
stays unknown. Rows reordered, sampled or dropped keep the pixels of their column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tllint.engine import registry
from tllint.engine.api.support import apply_function, kw
from tllint.engine.registry import InterpreterApi
from tllint.engine.values import UNKNOWN, BoundMethod, Const, Data, DictV, Ref, Seq, Tensor, Value

_READERS = ("pandas.read_csv", "pandas.read_excel", "pandas.read_json", "pandas.read_parquet", "pandas.read_table",
            "pandas.read_pickle")
# Methods that hand on the same rows (or a subset, a reordering): every column keeps its values.
_SAME_ROWS = ("copy", "reset_index", "dropna", "sample", "sort_values", "drop_duplicates", "fillna", "head", "tail",
              "set_index", "sort_index", "query", "astype", "rename")


@dataclass(eq=False)
class Frame(Value):
    """A DataFrame: the columns the script set or mapped, by name."""

    columns: dict = field(default_factory=dict)


@dataclass(eq=False)
class Column(Value):
    """A column whose values are not known (file paths, labels): what `map` makes of them may be."""

    frame: Frame | None = None


@registry.function(*_READERS)
def _read(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    return Frame()


@registry.function("pandas.DataFrame")
def _frame(interp: InterpreterApi, ref: Ref, args, kwargs, node) -> Value:
    data = kw(args, kwargs, "data", 0, UNKNOWN)
    columns = {k: v for k, v in data.items.items() if isinstance(k, str)} if isinstance(data, DictV) else {}
    return Frame(columns)


@registry.hook("subscript", Frame)
def _column(interp: InterpreterApi, frame: Frame, key, node) -> Value:
    if isinstance(key, Const) and isinstance(key.value, str):
        return frame.columns.get(key.value) or Column(frame)
    if isinstance(key, Seq) and all(isinstance(k, Const) and isinstance(k.value, str) for k in key.items):
        return Frame({k.value: frame.columns[k.value] for k in key.items if k.value in frame.columns})
    return UNKNOWN


@registry.hook("store", Frame)
def _set_column(interp: InterpreterApi, frame: Frame, key, value: Value, target) -> Value:
    if isinstance(key, Const) and isinstance(key.value, str):
        if isinstance(value, (Data, Frame)):
            frame.columns[key.value] = value
        else:
            frame.columns.pop(key.value, None)  # values not followed: an unknown column again
    else:
        frame.columns.clear()  # `df.loc[...] = ...`, a computed name: nothing known is certain any more
    return frame


@registry.hook("attribute", Frame)
def _frame_attribute(interp: InterpreterApi, frame: Frame, attr: str, node) -> Value:
    if attr in frame.columns:
        return frame.columns[attr]  # `df.image`
    return BoundMethod(frame, attr)


@registry.method(Frame, *_SAME_ROWS)
def _same_rows(interp: InterpreterApi, frame: Frame, name: str, args, kwargs, node) -> Value:
    return Frame(dict(frame.columns))


@registry.method(Frame, "drop")
def _drop(interp: InterpreterApi, frame: Frame, name: str, args, kwargs, node) -> Value:
    dropped = kwargs.get("columns", args[0] if args else UNKNOWN)
    names = dropped.items if isinstance(dropped, Seq) else [dropped]
    out = dict(frame.columns)
    for item in names:
        if isinstance(item, Const):
            out.pop(item.value, None)
    return Frame(out)


@registry.hook("attribute", Column)
def _column_attribute(interp: InterpreterApi, column: Column, attr: str, node) -> Value:
    return BoundMethod(column, attr)


@registry.method(Column, "map", "apply")
def _map(interp: InterpreterApi, column: Column, name: str, args, kwargs, node) -> Value:
    fn = kw(args, kwargs, "func" if name == "apply" else "arg", 0, UNKNOWN)
    image = apply_function(interp, fn, [UNKNOWN], node)
    if isinstance(image, Tensor) and image.origin is None and image.encoding.source.kind == "raw":
        data = Data(image.encoding, None, node, "array", batched=True, paired=False)
        interp.datas.append(data)
        return data
    return Column(column.frame)  # labels, paths, names: a column of values not followed


@registry.method(Data, "tolist", "to_numpy", "to_list")
def _as_array(interp: InterpreterApi, data: Data, name: str, args, kwargs, node) -> Value:
    """A column of images as a list or array: the same images (np.asarray of it stacks them)."""
    return data if data.what == "array" else UNKNOWN


def split_rows(value: Value) -> Value | None:
    """One part of a frame `train_test_split` cuts: the same columns (api/sklearn.py)."""
    return Frame(dict(value.columns)) if isinstance(value, Frame) else None
