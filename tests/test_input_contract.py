"""Input contract (TL101-TL103): value-range tracking from the loader to the backbone, and what
the messages say. Fixture files in tests/fixtures/TL10x/ cover whole scripts; these tests pin the
engine facts (dtypes, loaders, generator order) and the wording."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from tllint.analysis import analyze_source
from tllint.engine.script import ScriptModel
from tllint.rules import registry
from tllint.settings import Settings

CODES = {"TL101", "TL102", "TL103"}


def findings(src: str, target: str = "auto"):
    src = textwrap.dedent(src)
    out = analyze_source(src, "t.py", Settings(target_keras=target), enabled=set(registry()))
    assert not [f for f in out if f.code in ("TL000", "TL999")], out
    return [f for f in out if f.code in CODES]


def codes_lines(src: str, target: str = "auto") -> set[tuple[str, int]]:
    return {(f.code, f.line) for f in findings(src, target)}


def arrivals(src: str):
    src = textwrap.dedent(src)
    script = ScriptModel(cst.parse_module(src), src, "t.py", Settings())
    return list(script.arrivals())


HEAD = """\
import tensorflow as tf
base = tf.keras.applications.MobileNetV2(include_top=False, pooling="avg", input_shape=(224, 224, 3))
base.trainable = False
model = tf.keras.Sequential([base, tf.keras.layers.Dense(2)])
model.compile("adam", "sparse_categorical_crossentropy")
"""


# ---------------------------------------------------------------------- loaders and dtypes
@pytest.mark.parametrize("loader", [
    'tf.keras.utils.image_dataset_from_directory("d")',
    'tf.keras.preprocessing.image_dataset_from_directory("d")',
    'keras.utils.image_dataset_from_directory("d")',
    'image_dataset_from_directory("d")',
])
def test_image_dataset_from_directory_every_import_path_is_raw(loader):
    src = "import keras\nfrom keras.utils import image_dataset_from_directory\n" + HEAD + f"ds = {loader}\nmodel.fit(ds)\n"
    assert codes_lines(src) == {("TL101", 6)}


def test_convert_image_dtype_scales_uint8_but_not_float():
    uint8 = HEAD + textwrap.dedent("""\
        def load(path, label):
            img = tf.io.decode_jpeg(tf.io.read_file(path))
            img = tf.image.convert_image_dtype(img, tf.float32)
            return tf.image.resize(img, (224, 224)), label
        ds = tf.data.Dataset.from_tensor_slices((["a.jpg"], [0])).map(load).batch(8)
        model.fit(ds)
    """)
    assert codes_lines(uint8) == {("TL102", 8)}  # [0, 1] into MobileNetV2
    resized_first = uint8.replace(
        "img = tf.image.convert_image_dtype(img, tf.float32)\n    return tf.image.resize(img, (224, 224)), label",
        "img = tf.image.resize(img, (224, 224))\n    return tf.image.convert_image_dtype(img, tf.float32), label",
    )
    assert codes_lines(resized_first) == {("TL101", 4)}  # float input: convert_image_dtype is a no-op


def test_cast_to_float_makes_convert_image_dtype_a_no_op():
    src = HEAD + textwrap.dedent("""\
        import tensorflow_datasets as tfds
        ds = tfds.load("beans", split="train", as_supervised=True)
        ds = ds.map(lambda x, y: (tf.image.convert_image_dtype(tf.cast(x, tf.float32), tf.float32), y)).batch(4)
        model.fit(ds)
    """)
    assert codes_lines(src) == {("TL101", 4)}


def test_unknown_dtype_is_unknown():
    src = HEAD + textwrap.dedent("""\
        from mylib import load_images
        x = tf.image.convert_image_dtype(load_images(), tf.float32)
        model.fit(x, [0])
    """)
    assert codes_lines(src) == set()


def test_tfds_dict_elements():
    src = HEAD + textwrap.dedent("""\
        import tensorflow_datasets as tfds
        ds = tfds.load("cats_vs_dogs", split="train")
        ds = ds.map(lambda ex: (tf.image.resize(ex["image"], (224, 224)) / 127.5 - 1, ex["label"])).batch(32)
        model.fit(ds)
    """)
    assert codes_lines(src) == set()
    assert [a.verdict.interval for a in arrivals(src)] == [(-1.0, 1.0)]


def test_tfds_with_info_and_split_list():
    src = HEAD + textwrap.dedent("""\
        import tensorflow_datasets as tfds
        (train, test), info = tfds.load("beans", split=["train", "test"], as_supervised=True, with_info=True)
        model.fit(train.batch(8))
    """)
    assert codes_lines(src) == {("TL101", 4)}


def test_np_load_is_unknown_until_divided_by_255():
    src = HEAD + "import numpy as np\nX = np.load('x.npy')\nmodel.fit(X, np.load('y.npy'))\n"
    assert codes_lines(src) == set()
    # The division is the script's own statement that the file holds 0..255 pixels.
    src = HEAD + "import numpy as np\nX = np.load('x.npy') / 255.0\nmodel.fit(X, np.load('y.npy'))\n"
    assert codes_lines(src) == {("TL102", 7)}


def test_pil_images_appended_in_a_loop():
    src = HEAD + textwrap.dedent("""\
        import numpy as np
        from PIL import Image
        images = []
        for p in ["a.jpg", "b.jpg"]:
            images.append(np.array(Image.open(p).convert("RGB").resize((224, 224))))
        X = np.array(images, dtype="float32")
        X /= 255.0
        model.fit(X, np.array([0, 1]))
    """)
    assert codes_lines(src) == {("TL102", 12)}


def test_list_files_then_decode():
    src = HEAD + textwrap.dedent("""\
        def load(path):
            return tf.image.resize(tf.io.decode_png(tf.io.read_file(path), channels=3), (224, 224))
        ds = tf.data.Dataset.list_files("imgs/*.png").map(load).batch(8)
        model.fit(ds)
    """)
    assert codes_lines(src) == {("TL101", 4)}


# ---------------------------------------------------------------------- arithmetic in maps and in place
@pytest.mark.parametrize("expr,expected", [
    ("x / 255.", {("TL102", 7)}),
    ("x * (1 / 255)", {("TL102", 7)}),
    ("(x - 127.5) / 127.5", set()),
    ("x / 127.5 - 1", set()),
    ("x / 127.5 - 1.0", set()),
    ("tf.keras.applications.mobilenet_v2.preprocess_input(x)", set()),
    ("tf.keras.applications.vgg16.preprocess_input(x)", {("TL102", 7)}),
    ("tf.keras.layers.Rescaling(1. / 255)(x)", {("TL102", 7)}),
    ("tf.keras.layers.Rescaling(1. / 127.5, offset=-1)(x)", set()),
])
def test_map_arithmetic(expr, expected):
    src = HEAD + "ds = tf.keras.utils.image_dataset_from_directory('d')\n" + f"ds = ds.map(lambda x, y: ({expr}, y))\nmodel.fit(ds)\n"
    assert codes_lines(src) == expected


def test_floor_division_is_its_own_message():
    src = HEAD + textwrap.dedent("""\
        (x, y), _ = tf.keras.datasets.cifar10.load_data()
        x = x.astype("float32")
        x //= 255
        model.fit(x, y)
    """)
    [f] = findings(src)
    assert (f.code, f.line) == ("TL102", 8)
    assert "only the values 0 and 1" in f.message


def test_floor_division_even_into_a_unit_contract():
    src = textwrap.dedent("""\
        import tensorflow as tf
        import tensorflow_hub as hub
        (x, y), _ = tf.keras.datasets.cifar10.load_data()
        x = x // 255
        model = tf.keras.Sequential([hub.KerasLayer("https://tfhub.dev/x/feature_vector/5"), tf.keras.layers.Dense(10)])
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(x, y)
    """)
    assert codes_lines(src) == {("TL102", 4)}


# ---------------------------------------------------------------------- ImageDataGenerator
GEN = textwrap.dedent("""\
    from tensorflow.keras.preprocessing.image import ImageDataGenerator
    from tensorflow.keras.applications import mobilenet_v2
    datagen = ImageDataGenerator({args})
    flow = datagen.flow_from_directory("d", target_size=(224, 224))
""")


@pytest.mark.parametrize("args,expected", [
    ("", {("TL101", 8)}),
    ("rescale=1./255", {("TL102", 3)}),
    ("rescale=1./127.5", {("TL102", 3)}),
    ("preprocessing_function=mobilenet_v2.preprocess_input", set()),
    ("preprocessing_function=mobilenet_v2.preprocess_input, rescale=1./255", {("TL103", 3)}),
    ("1./255", {("TL101", 8)}),  # positional first argument: featurewise_center, not rescale
    ("samplewise_center=True, samplewise_std_normalization=True", set()),
])
def test_generator(args, expected):
    src = GEN.format(args=args) + HEAD + "model.fit(flow)\n"
    assert codes_lines(src) == expected


def test_generator_positional_argument_is_explained():
    src = GEN.format(args="1./255") + HEAD + "model.fit(flow)\n"
    [f] = findings(src)
    assert "featurewise_center" in f.message and "not rescale" in f.message


def test_generator_order_is_explained():
    src = GEN.format(args="preprocessing_function=mobilenet_v2.preprocess_input, rescale=1./255") + HEAD + "model.fit(flow)\n"
    [f] = findings(src)
    assert "preprocessing_function first, then rescale" in f.message
    assert "drop `rescale=1./255`" in f.message


def test_generator_flow_of_arrays():
    src = HEAD + textwrap.dedent("""\
        from tensorflow.keras.preprocessing.image import ImageDataGenerator
        (x, y), _ = tf.keras.datasets.cifar10.load_data()
        x = tf.keras.applications.mobilenet_v2.preprocess_input(x)
        gen = ImageDataGenerator(rescale=1/255.)
        model.fit(gen.flow(x, y, batch_size=32))
    """)
    assert codes_lines(src) == {("TL103", 9)}


# ---------------------------------------------------------------------- messages
def test_tl102_message_says_what_arrives_what_is_expected_and_the_fix():
    src = HEAD.replace("model = tf.keras.Sequential([base, tf.keras.layers.Dense(2)])\n", textwrap.dedent("""\
        inputs = tf.keras.Input((224, 224, 3))
        x = tf.keras.layers.Rescaling(1./255)(inputs)
        model = tf.keras.Model(inputs, tf.keras.layers.Dense(2)(base(x)))
    """)) + "model.fit(tf.keras.utils.image_dataset_from_directory('d'))\n"
    [f] = findings(src)
    assert (f.code, f.line) == ("TL102", 5)
    assert "[0, 1] after `tf.keras.layers.Rescaling(1./255)` (line 5)" in f.message
    assert "expect [-1, 1]" in f.message
    assert "keras.applications.mobilenet_v2.preprocess_input" in f.message
    assert "Rescaling(1./127.5, offset=-1)" in f.message


def test_tl101_message_names_the_source_and_the_family_fix():
    src = textwrap.dedent("""\
        import keras
        ds = keras.utils.image_dataset_from_directory("d")
        base = keras.applications.DenseNet121(include_top=False, pooling="avg")
        model = keras.Sequential([base, keras.layers.Dense(3)])
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(ds)
    """)
    [f] = findings(src)
    assert (f.code, f.line) == ("TL101", 4)
    assert "`image_dataset_from_directory` (line 2)" in f.message
    assert "keras.applications.densenet.preprocess_input" in f.message


def test_tl103_builtin_message_names_the_builtin_layers():
    src = textwrap.dedent("""\
        import keras
        ds = keras.utils.image_dataset_from_directory("d").map(lambda x, y: (x / 255., y))
        base = keras.applications.EfficientNetV2S(include_top=False, pooling="avg")
        model = keras.Sequential([base, keras.layers.Dense(3)])
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(ds)
    """)
    [f] = findings(src)
    assert (f.code, f.line) == ("TL103", 2)
    assert "Rescaling(1/128, offset=-1)" in f.message
    assert "include_preprocessing=False" in f.message


# ---------------------------------------------------------------------- built-in preprocessing switches
@pytest.mark.parametrize("ctor,flag,expected", [
    ("EfficientNetB0", "", {("TL103", 3)}),
    ("EfficientNetV2B0", "", {("TL103", 3)}),
    ("ConvNeXtTiny", "", {("TL103", 3)}),
    ("MobileNetV3Small", "", {("TL103", 3)}),  # its built-in Rescaling(1/127.5, offset=-1) runs again
    ("MobileNetV3Small", ", include_preprocessing=False", set()),
    ("ConvNeXtTiny", ", include_preprocessing=False", {("TL102", 3)}),
])
def test_include_preprocessing(ctor, flag, expected):
    scale = "1./127.5, offset=-1" if ctor == "MobileNetV3Small" else "1./255"
    src = textwrap.dedent(f"""\
        import keras
        ds = keras.utils.image_dataset_from_directory("d")
        ds = ds.map(lambda x, y: (keras.layers.Rescaling({scale})(x), y))
        base = keras.applications.{ctor}(include_top=False, pooling="avg"{flag})
        model = keras.Sequential([base, keras.layers.Dense(3)])
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(ds)
    """)
    assert codes_lines(src) == expected


def test_regnet_keras2():
    src = textwrap.dedent("""\
        import tf_keras as keras
        ds = keras.utils.image_dataset_from_directory("d")
        base = keras.applications.RegNetY004(include_top=False, pooling="avg")
        model = keras.Sequential([keras.layers.Rescaling(1./255), base, keras.layers.Dense(3)])
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(ds)
    """)
    assert codes_lines(src, "2") == {("TL103", 4)}


# ---------------------------------------------------------------------- structures
def test_nested_sequential_preprocessing_model():
    src = textwrap.dedent("""\
        import keras
        ds = keras.utils.image_dataset_from_directory("d")
        prep = keras.Sequential([keras.layers.RandomFlip(), keras.layers.Rescaling(1./255)])
        base = keras.applications.Xception(include_top=False, pooling="avg")
        inputs = keras.Input((299, 299, 3))
        model = keras.Model(inputs, keras.layers.Dense(2)(base(prep(inputs))))
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(ds)
    """)
    assert codes_lines(src) == {("TL102", 3)}


def test_unknown_function_is_unknown():
    src = HEAD + "from helpers import augment\nds = tf.keras.utils.image_dataset_from_directory('d').map(augment)\nmodel.fit(ds)\n"
    assert codes_lines(src) == set()


def test_dataset_parameter_is_unknown():
    src = textwrap.dedent("""\
        import tensorflow as tf
        def train(ds):
            base = tf.keras.applications.VGG16(include_top=False, pooling="avg")
            model = tf.keras.Sequential([base, tf.keras.layers.Dense(2)])
            model.compile("adam", "sparse_categorical_crossentropy")
            model.fit(ds.map(lambda x, y: (x / 255., y)))
    """)
    assert codes_lines(src) == set()


def test_one_finding_per_statement_for_several_fits():
    src = HEAD + textwrap.dedent("""\
        ds = tf.keras.utils.image_dataset_from_directory('d').map(lambda x, y: (x / 255., y))
        model.fit(ds, epochs=1)
        base.trainable = True
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(ds, epochs=1)
    """)
    assert codes_lines(src) == {("TL102", 6)}


def test_back_to_0_255_before_preprocess_input_is_not_double():
    src = HEAD + textwrap.dedent("""\
        import tensorflow_datasets as tfds
        ds = tfds.load("beans", split="train", as_supervised=True)
        ds = ds.map(lambda x, y: (tf.image.convert_image_dtype(x, tf.float32), y))
        ds = ds.map(lambda x, y: (tf.keras.applications.mobilenet_v2.preprocess_input(x * 255.0), y)).batch(8)
        model.fit(ds)
    """)
    assert codes_lines(src) == set()


def test_recentring_unit_pixels_wrongly_is_tl102_not_tl103():
    src = HEAD + "ds = tf.keras.utils.image_dataset_from_directory('d').map(lambda x, y: (x / 255. - 0.5, y))\nmodel.fit(ds)\n"
    assert codes_lines(src) == {("TL102", 6)}


def test_unit_pixels_rescaled_by_1_over_255_again_is_tl103():
    src = HEAD + textwrap.dedent("""\
        ds = tf.keras.utils.image_dataset_from_directory('d').map(lambda x, y: (x / 255., y))
        ds = ds.map(lambda x, y: (tf.keras.layers.Rescaling(1. / 127.5, offset=-1)(x), y))
        model.fit(ds)
    """)
    [f] = findings(src)
    assert (f.code, f.line) == ("TL103", 7)
    assert "scaled twice" in f.message


def test_no_data_in_sight_is_a_warning_that_says_so_and_seen_raw_data_an_error():
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures" / "TL101"
    [guess] = [f for f in findings((fixtures / "compiled_no_data_in_sight.py").read_text()) if f.code == "TL101"]
    assert guess.severity == "warning"
    assert "the model holds no preprocessing" in guess.message and "not in sight" in guess.message
    [seen] = [f for f in findings((fixtures / "weights_loaded_from_file_densenet.py").read_text()) if f.code == "TL101"]
    assert seen.severity == "error"
