"""The head / objective engine (engine/heads.py) and rules TL301-TL306 on small scripts."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from tllint.analysis import analyze_source
from tllint.engine import heads
from tllint.engine.script import build_script_model
from tllint.engine.values import Const, Ref
from tllint.rules import registry
from tllint.settings import Settings


def model_of(src: str):
    src = textwrap.dedent(src)
    return build_script_model(cst.parse_module(src), src, "t.py", Settings())


def findings(src: str, code: str) -> list[tuple[int, str]]:
    src = textwrap.dedent(src)
    return [(f.line, f.severity) for f in analyze_source(src, "t.py", Settings(), enabled=set(registry())) if f.code == code]


@pytest.mark.parametrize(
    "spelling, kind, logits",
    [
        ('"categorical_crossentropy"', "categorical", False),
        ('"CategoricalCrossentropy"', "categorical", False),
        ('"sparse_categorical_crossentropy"', "sparse", False),
        ('"bce"', "binary", False),
        ("keras.losses.SparseCategoricalCrossentropy(from_logits=True)", "sparse", True),
        ("keras.losses.BinaryCrossentropy()", "binary", False),
        ("keras.losses.categorical_crossentropy", "categorical", False),
        ("tf.keras.losses.CategoricalCrossentropy(from_logits=True)", "categorical", True),
        ("tf_keras.losses.sparse_categorical_crossentropy", "sparse", False),
    ],
)
def test_loss_spellings(spelling, kind, logits):
    script = model_of(f"""
        import keras
        import tensorflow as tf
        import tf_keras
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        model.compile(optimizer="adam", loss={spelling})
    """)
    (compile_ev,) = script.compiles(script.models[0])
    loss = heads.resolve_loss(compile_ev.loss)
    assert loss is not None and (loss.kind, loss.from_logits) == (kind, logits)


def test_unknown_losses_resolve_to_none():
    assert heads.resolve_loss(Const("mse")) is None
    assert heads.resolve_loss(Ref("keras.losses.MeanSquaredError")) is None
    assert heads.resolve_loss(Const(None)) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        (Const("softmax"), "softmax"),
        (Const(None), "linear"),
        (Const("linear"), "linear"),
        (Const("relu"), "other"),
        (Ref("keras.activations.softmax"), "softmax"),
        (Ref("tensorflow.nn.sigmoid"), "sigmoid"),
        (Ref("my_module.act"), None),
    ],
)
def test_activation_of(value, expected):
    assert heads.activation_of(value) == expected


def test_final_head_through_activation_and_dropout():
    script = model_of("""
        import keras
        base = keras.applications.ResNet50(include_top=False, pooling="avg")
        inputs = keras.Input((224, 224, 3))
        x = keras.layers.Dense(7)(base(inputs))
        x = keras.layers.Activation("softmax")(x)
        x = keras.layers.Dropout(0.1)(x)
        model = keras.Model(inputs, x)
    """)
    head = heads.final_head(script, script.models[0])
    assert (head.activation, head.units) == ("softmax", 7)


def test_final_head_of_include_top_classifier():
    script = model_of("""
        import keras
        inputs = keras.Input((224, 224, 3))
        model = keras.Model(inputs, keras.applications.VGG16(classes=1000)(inputs))
    """)
    head = heads.final_head(script, script.models[0])
    assert head.from_backbone and (head.activation, head.units) == ("softmax", 1000)


def test_labels_from_fit_y_and_loaders():
    script = model_of("""
        import keras
        (x, y), _ = keras.datasets.cifar10.load_data()
        gen = keras.preprocessing.image.ImageDataGenerator()
        flow = gen.flow_from_directory("d", classes=["a", "b", "c"])
        model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
        model.fit(x, keras.utils.to_categorical(y, 10))
        model.fit(x, y)
        model.fit(flow)
    """)
    steps = script.steps(script.models[0], implicit=False)
    infos = [heads.labels_of(s) for s in steps]
    assert [(i.mode, i.num_classes) for i in infos] == [("categorical", 10), ("int", None), ("categorical", 3)]


def test_unknown_label_rewrite_in_map():
    script = model_of("""
        import keras
        from mylib import encode
        ds = keras.utils.image_dataset_from_directory("d").map(lambda x, y: (x, encode(y)))
        model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
        model.fit(ds)
    """)
    (step,) = script.steps(script.models[0], implicit=False)
    assert heads.labels_of(step) is None


def test_input_shape_follows_resizing_and_input_tensor():
    script = model_of("""
        import keras
        a = keras.applications.MobileNetV2(include_top=False)
        inputs = keras.Input((100, 120, 3))
        x = keras.layers.RandomFlip()(inputs)
        x = keras.layers.Resizing(160, 160)(x)
        y = a(keras.layers.Rescaling(1 / 127.5, offset=-1)(x))
        b = keras.applications.ResNet50(include_top=False, input_tensor=keras.Input(shape=(64, 64, 1)))
    """)
    a, b = script.backbones
    assert [s.shape for s in heads.input_shapes(script, a)] == [(160, 160, 3)]
    assert [(s.shape, s.how) for s in heads.input_shapes(script, b)] == [((64, 64, 1), "input_tensor")]


def test_reshape_makes_rank_two():
    script = model_of("""
        import keras
        base = keras.applications.VGG16(include_top=False, input_shape=(64, 64, 3))
        model = keras.Sequential([base, keras.layers.Reshape((-1,)), keras.layers.Dense(3)])
    """)
    assert script.models[0].output.rank == 2


def test_tl301_reports_at_the_loss_argument():
    src = """
        import keras
        base = keras.applications.ResNet50(include_top=False, pooling="avg")
        model = keras.Sequential([base, keras.layers.Dense(5)])
        model.compile(
            optimizer="adam",
            loss="sparse_categorical_crossentropy",
        )
    """
    assert findings(src, "TL301") == [(7, "error")]


def test_tl301_softmax_binary_is_a_warning_and_two_units_clean():
    template = """
        import keras
        base = keras.applications.ResNet50(include_top=False, pooling="avg")
        model = keras.Sequential([base, keras.layers.Dense({n}, activation="softmax")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """
    assert findings(template.format(n=4), "TL301") == [(5, "warning")]
    assert findings(template.format(n=2), "TL301") == []


def test_tl302_message_names_the_source_line_and_option():
    src = textwrap.dedent("""
        import keras
        ds = keras.utils.image_dataset_from_directory("d", image_size=(224, 224))
        base = keras.applications.ResNet50(include_top=False, pooling="avg")
        model = keras.Sequential([base, keras.layers.Dense(5, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        model.fit(ds)
    """)
    (f,) = [f for f in analyze_source(src, "t.py", Settings(), enabled=set(registry())) if f.code == "TL302"]
    assert f.line == 6
    assert "`label_mode='categorical'` at line 3" in f.message and "sparse_categorical_crossentropy" in f.message


def test_tl305_silent_when_weights_are_loaded():
    src = """
        import keras
        base = keras.applications.ResNet50(include_top=False, weights=None, pooling="avg")
        base.trainable = False
        model = keras.Sequential([base, keras.layers.Dense(5, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    """
    assert findings(src, "TL305") == [(4, "error")]
    assert findings(src + "        base.load_weights('w.h5')\n", "TL305") == []


@pytest.mark.parametrize(
    "ctor, expected",
    [
        ("keras.applications.MobileNetV2(include_top=False, input_shape=(128, 128, 3))", []),
        ("keras.applications.MobileNetV2(include_top=False, input_shape=(130, 130, 3))", [(3, "warning")]),
        ("keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(130, 130, 3))", []),
        ("keras.applications.ResNet50(input_shape=(224, 224, 3))", []),
        ("keras.applications.ResNet50(input_shape=(256, 256, 3))", [(3, "error")]),
        ("keras.applications.InceptionV3(include_top=False, input_shape=(74, 200, 3))", [(3, "error")]),
        ("keras.applications.NASNetLarge(include_top=False, input_shape=(None, None, 3))", [(3, "error")]),
        ("keras.applications.NASNetLarge(include_top=False)", []),
        ("keras.applications.NASNetLarge(include_top=False, input_shape=(331, 331, 3))", []),
    ],
)
def test_tl306_sizes(ctor, expected):
    src = f"""
        import keras
        base = {ctor}
    """
    assert findings(src, "TL306") == expected
