"""Pixel paths through numpy, OpenCV, scikit-learn, Python generators and tf ops (issue 18 items 4,
5 and 9): the values the engine binds, and what the messages say about channel order. The rule
outcomes themselves are fixtures (tests/fixtures/TL10x/)."""

from __future__ import annotations

import libcst as cst
import pytest

from tllint.analysis import analyze_source
from tllint.engine.pixels import describe
from tllint.engine.script import ScriptModel
from tllint.engine.values import UNKNOWN, Data, Tensor
from tllint.rules import registry as rule_registry
from tllint.settings import Settings


def _globals(source: str) -> dict:
    script = ScriptModel(cst.parse_module(source), source, "t.py", Settings())
    return script.interp.globals


def _verdict(value) -> tuple:
    assert isinstance(value, (Tensor, Data)), value
    v = describe(value.encoding)
    return (v.kind, v.interval)


def _messages(source: str) -> list[str]:
    out = analyze_source(source, "t.py", Settings(), enabled=set(rule_registry()))
    assert not [f for f in out if f.code in ("TL000", "TL999")], out
    return [f.message for f in out if f.code.startswith("TL1")]


RAW = ("raw", (0.0, 255.0))
UNIT = ("affine", (0.0, 1.0))


@pytest.mark.parametrize("expr, expected", [
    ("np.concatenate((a, b))", RAW),
    ("np.vstack([a, b])", RAW),
    ("np.concatenate((a, a / 255.0))", None),  # parts that disagree: unknown
    ("a[idx]", RAW),
    ("a[a > 0]", RAW),
    ("a[..., ::-1]", RAW),
    ("a[:100] / 255.0", UNIT),
    ("np.clip(a / 255.0, 0.0, 1.0)", UNIT),
    ("np.clip(a, 0.0, 1.0)", None),  # the bounds cut into 0..255
    ("train_test_split(a / 255.0, y)[1]", UNIT),
    ("MinMaxScaler().fit_transform(a)", UNIT),
    ("MinMaxScaler(feature_range=(-1, 1)).fit_transform(a / 255.0)", ("affine", (-1.0, 1.0))),
    ("StandardScaler().fit_transform(a)", ("normalized", None)),
    # Statistics of pixels of a known range (engine/api/statistics.py): min and max are its ends,
    # mean and std estimates for natural images.
    ("a / a.max()", UNIT),
    ("a / np.max(a)", UNIT),
    ("(a - a.min()) / (a.max() - a.min())", UNIT),
    ("(a - np.mean(a)) / np.std(a)", ("affine", (-1.88, 2.12))),
    ("(np.load('x.npy') - 3) / np.load('x.npy').std()", None),  # an array of unknown range
])
def test_array_operations_keep_or_change_the_range(expr, expected):
    source = (
        "import cv2\nimport numpy as np\nfrom sklearn.model_selection import train_test_split\n"
        "from sklearn.preprocessing import MinMaxScaler, StandardScaler\n"
        "a = np.array([cv2.imread('x.png'), cv2.imread('y.png')])\n"
        "b = np.stack([cv2.imread('z.png')])\n"
        f"out = {expr}\n"
    )
    value = _globals(source)["out"]
    if expected is None:
        assert value is UNKNOWN or describe(value.encoding).kind == "unknown"
    else:
        kind, interval = _verdict(value)
        assert kind == expected[0]
        assert interval == expected[1] or pytest.approx(interval, abs=0.01) == expected[1]


def test_a_comprehension_variable_does_not_leak_and_its_list_is_an_array():
    source = (
        "import cv2\nimg = 'keep me'\n"
        "images = [cv2.imread(img) for img in paths]\n"
    )
    env = _globals(source)
    assert env["img"].value == "keep me"
    assert _verdict(env["images"]) == RAW


def test_a_comprehension_that_trains_is_not_followed():
    source = (
        "from tensorflow import keras\n"
        "def train(lr):\n"
        "    base = keras.applications.ResNet50(weights='imagenet')\n"
        "    base.compile(optimizer='adam', loss='mse')\n"
        "    return base.fit(x)\n"
        "histories = [train(lr) for lr in (1e-3, 1e-4)]\n"
    )
    script = ScriptModel(cst.parse_module(source), source, "t.py", Settings())
    assert script.interp.globals["histories"] is UNKNOWN
    # train() is still analysed on its own, once.
    assert len([e for e in script.events if type(e).__name__ == "TrainEvent"]) == 1


def test_a_generator_function_is_a_stream_of_what_it_yields():
    source = (
        "import numpy as np\nfrom PIL import Image\n"
        "def folds(paths):\n"
        "    for k in range(3):\n"
        "        yield k, np.asarray(Image.open(paths[k]))\n"
        "def batches(paths):\n"
        "    while True:\n"
        "        yield np.stack([np.asarray(Image.open(p)) for p in paths]) / 255., labels\n"
        "for k, image in folds(['a']):\n"
        "    first = image\n"
        "stream = batches(['a'])\n"
    )
    env = _globals(source)
    assert _verdict(env["first"]) == RAW
    assert isinstance(env["stream"], Data) and env["stream"].paired
    assert _verdict(env["stream"]) == UNIT


def test_an_array_filled_by_index_takes_the_pixels_stored_into_it():
    source = (
        "import cv2\nimport numpy as np\n"
        "X = np.zeros((10, 224, 224, 3), dtype='float32')\n"
        "for i in range(10):\n"
        "    X[i] = cv2.imread('%d.png' % i)\n"
        "filled = X\n"
        "X[..., 0] -= 103.939\n"
    )
    env = _globals(source)
    assert _verdict(env["filled"]) == RAW and env["filled"].encoding.dtype == "float"
    assert describe(env["X"].encoding).kind == "unknown"  # a channel shifted by hand: not followed


BGR_SCRIPT = """\
import cv2
import numpy as np
from tensorflow import keras

images = np.array([{load} for p in ["a.png", "b.png"]], dtype="float32")
base = keras.applications.ResNet50(include_top=False, weights="imagenet", pooling="avg")
base.trainable = False
model = keras.Sequential([base, keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(images, np.array([0, 1]))
"""


@pytest.mark.parametrize("load, bgr", [
    ("cv2.imread(p)", True),
    ("cv2.cvtColor(cv2.imread(p), cv2.COLOR_BGR2RGB)", False),
    ("cv2.imread(p)[..., ::-1]", False),
    ("cv2.cvtColor(cv2.imread(p), cv2.COLOR_BGR2GRAY)", False),
])
def test_the_bgr_note_follows_the_channel_order(load, bgr):
    messages = _messages(BGR_SCRIPT.format(load=load))
    assert len(messages) == 1 and messages[0].startswith("raw pixels")
    assert ("cv2.imread gives BGR" in messages[0]) is bgr


def test_other_colour_spaces_make_the_range_unknown():
    assert _messages(BGR_SCRIPT.format(load="cv2.cvtColor(cv2.imread(p), cv2.COLOR_BGR2HSV)")) == []


def test_np_load_reads_what_the_program_saved_at_that_path_only():
    source = (
        "import cv2\nimport numpy as np\n"
        "np.save('cache/X.npy', np.array([cv2.imread('a.png')]) / 255.0)\n"
        "again = np.load('cache/X.npy')\n"
        "other = np.load('cache/Y.npy')\n"
    )
    env = _globals(source)
    assert _verdict(env["again"]) == UNIT
    # A file made elsewhere: an array of unknown range, until the script divides it by 255.
    assert describe(env["other"].encoding).kind == "unknown"


def test_an_unknown_array_divided_by_255_is_taken_for_0_255_pixels():
    source = (
        "import numpy as np\n"
        "x = np.load('cache/X.npy')\n"
        "scaled = x / 255.0\n"
        "doubled = x * 255.0\n"
        "shifted = (x - 0.5) / 255.0\n"
    )
    env = _globals(source)
    assert _verdict(env["scaled"]) == UNIT
    assert describe(env["doubled"].encoding).kind == "unknown"
    assert describe(env["shifted"].encoding).kind == "unknown"


def test_a_grayscale_read_has_no_channel_order():
    messages = _messages(BGR_SCRIPT.format(load="cv2.imread(p, cv2.IMREAD_GRAYSCALE)"))
    assert len(messages) == 1 and "cv2.imread gives BGR" not in messages[0]


PANDAS = """
import numpy as np
import pandas as pd
from PIL import Image
from sklearn.model_selection import train_test_split
df = pd.read_csv("meta.csv")
df["path"] = df["image_id"].map(paths.get)
df["image"] = df["path"].map(lambda p: np.asarray(Image.open(p).resize((224, 224))))
train_df, test_df = train_test_split(df.drop(columns=["dx"]), test_size=0.2)
listed = np.asarray(train_df["image"].tolist())
values = np.stack(test_df["image"].values)
numpy = train_df.image.to_numpy()
paths_again = np.asarray(df["path"].tolist())
dropped = df.drop(columns=["image"])
gone = np.asarray(dropped["image"].tolist())
df["image"] = df["image"].map(lambda x: x.shape)
overwritten = np.asarray(df["image"].tolist())
"""


def test_a_dataframe_column_mapped_to_images_is_an_array_of_them():
    env = _globals(PANDAS)
    for name in ("listed", "values", "numpy"):
        assert _verdict(env[name]) == RAW, name
    # Paths, a dropped column, a column overwritten with something else: not images.
    for name in ("paths_again", "gone", "overwritten"):
        assert env[name] is UNKNOWN or describe(env[name].encoding).kind == "unknown", name


TFRECORD = """
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split

FEATURES = {"image": tf.io.FixedLenFeature([], tf.string), "label": tf.io.FixedLenFeature([], tf.int64)}

def parse(record):
    example = tf.io.parse_single_example(record, FEATURES)
    image = tf.dtypes.cast(tf.image.decode_image(example["image"]), tf.float32)
    return image / 255, tf.one_hot(example["label"], 2), example["label"]

ds = tf.data.TFRecordDataset("train.tfrecord").map(parse).shuffle(100)
images, labels = [], []
for row in ds:
    images.append(row[0].numpy())
    labels.append(row[1].numpy())
train, val = train_test_split(images, test_size=0.2)
batch = tf.image.grayscale_to_rgb(tf.convert_to_tensor(np.array([val[i] for i in range(8)])))
"""


def test_tfrecord_records_decoded_in_a_map_are_images_and_tuples_make_pairs():
    env = _globals(TFRECORD)
    assert env["ds"].paired  # `return image, label, name`: elements are tuples from here on
    assert _verdict(env["ds"]) == UNIT
    assert _verdict(env["batch"]) == UNIT  # listed, split, stacked, grey to RGB: still [0, 1]
