"""`tllint server` in real sessions: related places, the rule link, code actions (noqa, fix all),
hover on a backbone constructor, the debounce setting and cancelled lints."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cli_support import write
from lsp_support import Client, is_publish

pytest.importorskip("pygls")
pytestmark = pytest.mark.slow

# A frozen MobileNetV2 with a misspelled freeze (TL208, a safe fix) and [0, 1] pixels (TL102).
SCRIPT = """import keras

train = keras.utils.image_dataset_from_directory("data", image_size=(224, 224))
base = keras.applications.MobileNetV2(include_top=False, weights="imagenet", input_shape=(224, 224, 3))
base.trainabel = False
inputs = keras.Input(shape=(224, 224, 3))
x = keras.layers.Rescaling(1.0 / 255)(inputs)
x = base(x, training=False)
x = keras.layers.GlobalAveragePooling2D()(x)
outputs = keras.layers.Dense(5, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train, epochs=5)
"""
INTEGRATIONS = (Path(__file__).resolve().parents[1] / "docs" / "integrations.md").read_text()
RESOLVE = {"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}}


def apply(text: str, edits: list[dict]) -> str:
    """Apply LSP text edits (ASCII text: UTF-16 columns are characters)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(pos: dict) -> int:
        return starts[pos["line"]] + pos["character"] if pos["line"] < len(starts) else len(text)

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        text = text[: offset(edit["range"]["start"])] + edit["newText"] + text[offset(edit["range"]["end"]) :]
    return text


@pytest.fixture
def clients():
    made: list[Client] = []

    def make(cwd: Path, **kwargs) -> Client:
        client = Client(cwd, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.kill()


def code_actions(client: Client, uri: str, diagnostics: list[dict], only: list[str] | None = None) -> list[dict]:
    context: dict = {"diagnostics": diagnostics}
    if only is not None:
        context["only"] = only
    params = {"textDocument": {"uri": uri}, "range": diagnostics[0]["range"] if diagnostics else
              {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": context}
    return client.request("textDocument/codeAction", params)["result"]


def test_diagnostics_carry_title_related_places_and_rule_link(clients, tmp_path):
    client = clients(tmp_path, fake=False)
    client.initialize(tmp_path)
    uri = client.open(tmp_path / "train.py", SCRIPT)
    diagnostics = {d["code"]: d for d in client.diagnostics(uri)["diagnostics"]}
    tl102 = diagnostics["TL102"]
    assert tl102["range"]["start"] == {"line": 6, "character": 4}
    assert tl102["codeDescription"] == {"href": "https://tllint.readthedocs.io/rules/TL102"}
    # The title on the first line (what one-line views show), the whole message after it.
    title, _, message = tl102["message"].partition("\n")
    assert title and len(title) <= 100 and "reach MobileNetV2" in message
    related = tl102["relatedInformation"]
    assert [(r["location"]["uri"], r["location"]["range"]["start"]["line"]) for r in related] == [
        (uri, 2), (uri, 3), (uri, 7), (uri, 12)]
    assert all(r["message"] for r in related)
    assert client.close() == 0


def test_related_place_in_an_imported_module_has_its_uri(clients, tmp_path):
    write(tmp_path / "data.py", 'import keras\n\n\ndef make():\n'
          '    return keras.utils.image_dataset_from_directory("data", image_size=(224, 224))\n')
    text = SCRIPT.replace('train = keras.utils.image_dataset_from_directory("data", image_size=(224, 224))',
                          "from data import make\ntrain = make()")
    client = clients(tmp_path, fake=False)
    client.initialize(tmp_path)
    uri = client.open(tmp_path / "train.py", text)
    tl102 = next(d for d in client.diagnostics(uri)["diagnostics"] if d["code"] == "TL102")
    places = [(r["location"]["uri"], r["location"]["range"]["start"]["line"]) for r in tl102["relatedInformation"]]
    assert ((tmp_path / "data.py").as_uri(), 4) in places
    assert client.close() == 0


NOQA_SOURCE = """import keras
base = fire_tl201()
head = fire_tl301()  # noqa: E501
layers = [fire_tl204(),
          2]
doc = \"\"\"fire_tl101()
\"\"\"
"""


def test_noqa_action_is_read_back_by_tllints_noqa(clients, tmp_path):
    client = clients(tmp_path)
    client.initialize(tmp_path)
    uri = client.open(tmp_path / "train.py", NOQA_SOURCE)
    diagnostics = client.diagnostics(uri)["diagnostics"]
    assert [(d["code"], d["range"]["start"]["line"]) for d in diagnostics] == [
        ("TL201", 1), ("TL301", 2), ("TL204", 3), ("TL101", 5)]
    expected = {
        "TL201": "base = fire_tl201()  # noqa: TL201",
        "TL301": "head = fire_tl301()  # noqa: E501, TL301",  # an existing list is extended
        "TL204": "          2]  # noqa: TL204",  # the end of the statement, which the directive covers
        "TL101": '"""  # noqa: TL101',  # after the string, never inside it
    }
    final = NOQA_SOURCE
    for diagnostic in reversed(diagnostics):  # bottom up: the edits of the lines above stay valid
        (action,) = code_actions(client, uri, [diagnostic])
        assert action["title"] == f"{diagnostic['code']}: Disable for this line (`# noqa: {diagnostic['code']}`)"
        assert action["kind"] == "quickfix" and "isPreferred" not in action
        edits = action["edit"]["changes"][uri]
        assert expected[diagnostic["code"]] in apply(NOQA_SOURCE, edits).splitlines()
        final = apply(final, edits)
    # Every edit applied: tllint itself reads each directive back, nothing is left.
    client.change(uri, 2, final)
    published = client.diagnostics(uri)
    assert (published["version"], published["diagnostics"]) == (2, [])
    assert client.close() == 0


def test_fix_all_resolved_lazily_and_applied(clients, tmp_path):
    client = clients(tmp_path, fake=False)
    client.initialize(tmp_path, capabilities=RESOLVE)
    uri = client.open(tmp_path / "train.py", SCRIPT)
    diagnostics = client.diagnostics(uri)["diagnostics"]
    tl102 = next(d for d in diagnostics if d["code"] == "TL102")
    actions = code_actions(client, uri, [tl102])
    assert [(a["kind"], a["title"], a.get("isPreferred")) for a in actions] == [
        ("quickfix", "TL102: Scale the pixels for MobileNetV2 with `keras.layers.Rescaling(1.0 / 127.5, offset=-1)`", False),
        ("quickfix", "Fix all safe tllint findings", None),
        ("source.fixAll.tllint", "Fix all safe tllint findings", None),
        ("quickfix", "TL102: Disable for this line (`# noqa: TL102`)", None),
    ]
    assert "edit" not in actions[1] and "edit" not in actions[2]  # resolved when chosen
    # What an editor asks on save (`editor.codeActionsOnSave`: source.fixAll).
    (on_save,) = code_actions(client, uri, [], only=["source.fixAll"])
    resolved = client.request("codeAction/resolve", on_save)["result"]
    fixed = apply(SCRIPT, resolved["edit"]["changes"][uri])
    assert fixed == SCRIPT.replace("base.trainabel = False", "base.trainable = False")  # the safe fix only
    # A client without resolve support gets the edit at once.
    eager = clients(tmp_path, fake=False)
    eager.initialize(tmp_path)
    uri = eager.open(tmp_path / "train.py", SCRIPT)
    eager.diagnostics(uri)
    (action,) = code_actions(eager, uri, [], only=["source"])
    assert action["kind"] == "source.fixAll.tllint"
    assert apply(SCRIPT, action["edit"]["changes"][uri]) == fixed
    assert not code_actions(eager, uri, [], only=["refactor"])
    assert client.close() == 0 and eager.close() == 0


def test_hover_on_a_backbone_constructor_only(clients, tmp_path):
    client = clients(tmp_path, fake=False)
    client.initialize(tmp_path)
    uri = client.open(tmp_path / "train.py", SCRIPT)
    client.diagnostics(uri)

    def hover(line: int, character: int):
        params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
        return client.request("textDocument/hover", params)["result"]

    found = hover(3, 30)  # on `MobileNetV2`
    assert found["range"] == {"start": {"line": 3, "character": 7}, "end": {"line": 3, "character": 37}}
    assert found["contents"]["kind"] == "markdown"
    value = found["contents"]["value"]
    assert value.startswith("**MobileNetV2** expects [-1, 1].")
    assert "`keras.applications.mobilenet_v2.preprocess_input`" in value
    assert ("- training (`fit`, line 13): pixels in [0, 1] after `keras.layers.Rescaling(1.0 / 255)` (line 7) "
            "from `image_dataset_from_directory` (line 3) (mismatch: TL102, line 7)") in value
    # docs/integrations.md shows this very hover.
    documented = INTEGRATIONS.split("**Hover**", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    assert value + "\n" == documented
    assert hover(3, 1) is None  # `base`
    assert hover(3, 60) is None  # an argument of the call
    assert hover(5, 12) is None  # `keras.Input`
    assert hover(40, 0) is None  # past the end
    assert client.close() == 0


# ---------------------------------------------------------------------- latency settings
def publishes(client: Client, uri: str):
    return lambda m: is_publish(m, uri)


def test_debounce_from_initialization_options_and_configuration(clients, tmp_path):
    client = clients(tmp_path)
    client.initialize(tmp_path, options={"debounceMs": 3000})
    uri = client.open(tmp_path / "train.py", "import keras\nx = fire_tl201()\n")
    assert client.diagnostics(uri)["version"] == 1  # opening lints at once
    client.change(uri, 2, "import keras\nx = fire_tl301()\n")
    client.quiet(publishes(client, uri), 1.0)  # 3 s after the edit, not before
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})  # saving lints at once
    published = client.diagnostics(uri)
    assert (published["version"], [d["code"] for d in published["diagnostics"]]) == (2, ["TL301"])
    # Pushed settings: no wait at all.
    client.notify("workspace/didChangeConfiguration", {"settings": {"tllint": {"debounceMs": 0}}})
    client.change(uri, 3, "import keras\nx = fire_tl204()\n")
    assert client.diagnostics(uri, timeout=2.5)["version"] == 3
    # A value that is no number of milliseconds is refused, and said so.
    client.notify("workspace/didChangeConfiguration", {"settings": {"tllint": {"debounceMs": "fast"}}})
    log = client.wait(lambda m: m.get("method") == "window/logMessage")
    assert "debounceMs" in log["params"]["message"]
    # Unset (null): back to the default, 100 ms.
    client.notify("workspace/didChangeConfiguration", {"settings": {"tllint": {"debounceMs": 10000}}})
    client.notify("workspace/didChangeConfiguration", {"settings": {"tllint": {"debounceMs": None}}})
    client.change(uri, 4, "import keras\nx = fire_tl201()\n")
    assert client.diagnostics(uri, timeout=5)["version"] == 4
    assert client.close() == 0


def test_debounce_pulled_from_workspace_configuration(clients, tmp_path):
    asked = []

    def answer(params):
        asked.append(params["items"])
        return [{"debounceMs": 3000}]

    client = clients(tmp_path, answers={"workspace/configuration": answer})
    client.initialize(tmp_path, capabilities={"workspace": {"configuration": True}})
    uri = client.open(tmp_path / "train.py", "import keras\nx = fire_tl201()\n")
    client.diagnostics(uri)
    assert asked == [[{"section": "tllint"}]]
    client.change(uri, 2, "import keras\nx = fire_tl301()\n")
    client.quiet(publishes(client, uri), 1.0)
    assert client.close() == 0


def test_debounce_from_pyproject(clients, tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.tllint]\nlsp-debounce-ms = 3000\n")
    client = clients(tmp_path)
    client.initialize(tmp_path)
    uri = client.open(tmp_path / "train.py", "import keras\nx = fire_tl201()\n")
    client.diagnostics(uri)
    client.change(uri, 2, "import keras\nx = fire_tl301()\n")
    client.quiet(publishes(client, uri), 1.0)
    assert client.close() == 0


def test_two_quick_edits_publish_once_for_the_latest(clients, tmp_path):
    client = clients(tmp_path)
    client.initialize(tmp_path)
    uri = client.open(tmp_path / "train.py", "import keras\nx = fire_tl201()\n")
    client.diagnostics(uri)
    client.change(uri, 2, "import keras\nx = fire_tl301()\n")
    client.change(uri, 3, "import keras\nx = fire_tl204()\n")
    published = client.diagnostics(uri)
    assert (published["version"], [d["code"] for d in published["diagnostics"]]) == (3, ["TL204"])
    client.quiet(publishes(client, uri), 1.0)
    assert client.close() == 0


def test_an_edit_during_a_run_drops_that_run(clients, tmp_path):
    client = clients(tmp_path)
    client.initialize(tmp_path, options={"tllint": {"debounceMs": 0}})
    uri = client.open(tmp_path / "train.py", "import keras\nx = fire_tl201()\n")
    client.diagnostics(uri)
    client.change(uri, 2, "import keras\nx = fire_tl301()\nsleep_fake()\n")  # a lint that takes 0.5 s
    time.sleep(0.2)  # it is running now
    client.change(uri, 3, "import keras\nx = fire_tl204()\n")
    published = client.diagnostics(uri)
    assert (published["version"], [d["code"] for d in published["diagnostics"]]) == (3, ["TL204"])
    client.quiet(publishes(client, uri), 1.0)  # version 2 is never published
    assert client.close() == 0


@pytest.mark.parametrize("encodings, column", [(None, 15), (["utf-8", "utf-16"], 18), (["utf-32"], 14)])
def test_columns_in_the_sessions_position_encoding(clients, tmp_path, encodings, column):
    # `é` is 1 UTF-16 unit and 2 UTF-8 bytes; `😀` is 2 UTF-16 units and 4 UTF-8 bytes; 1 code point each.
    text = 'import keras\ns = "é😀"; x = fire_tl201()\n'
    client = clients(tmp_path)
    capabilities = {"general": {"positionEncodings": encodings}} if encodings else {}
    init = client.initialize(tmp_path, capabilities=capabilities)
    assert init["result"]["capabilities"].get("positionEncoding", "utf-16") == (encodings or ["utf-16"])[0]
    uri = client.open(tmp_path / "train.py", text)
    (diagnostic,) = client.diagnostics(uri)["diagnostics"]
    assert diagnostic["range"]["start"] == {"line": 1, "character": column}  # 14 characters before `fire_tl201`
    assert client.close() == 0
