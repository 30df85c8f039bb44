"""TL401: are predictions from one pass and labels from another pass over the same source aligned? Per Keras.

Run: python docs/facts/tl401_shuffle_passes.py keras     > docs/facts/tl401_shuffle_passes.keras3.out
     python docs/facts/tl401_shuffle_passes.py tf_keras  > docs/facts/tl401_shuffle_passes.tf_keras.out
(ImageDataGenerator needs pillow and scipy importable.)

A tiny folder of 2 classes x 6 PNGs (16x16) in a temporary directory: every "cats" image is dark and every
"dogs" image bright, so an "oracle" model that thresholds the mean pixel is always right. Any accuracy
below 1.0 below is an ordering bug: the predictions and the labels they are compared with come in
different orders. `order_differs=True` means two passes over the source give the files in different orders.
"""

import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
flavour = sys.argv[1] if len(sys.argv) > 1 else "keras"
if flavour == "tf_keras":
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

if flavour == "tf_keras":
    import tf_keras as K
else:
    import keras as K
print(f"{flavour} {K.__version__}")
# Keras 3 exports ImageDataGenerator only as tf.keras.preprocessing.image (keras-facts §1.6).
ImageDataGenerator = (K if flavour == "tf_keras" else tf.keras).preprocessing.image.ImageDataGenerator
image_dataset_from_directory = K.utils.image_dataset_from_directory

root = tempfile.mkdtemp()
rng = np.random.default_rng(0)
for cls, (lo, hi) in (("cats", (0, 100)), ("dogs", (156, 256))):
    os.makedirs(os.path.join(root, cls))
    for i in range(6):
        img = rng.integers(lo, hi, size=(16, 16, 3), dtype=np.uint8)
        tf.io.write_file(os.path.join(root, cls, f"{i}.png"), tf.io.encode_png(img))

# The oracle: class 1 ("dogs") when the mean pixel is bright. Two softmax columns.
inp = K.Input((16, 16, 3))
bright = K.layers.Lambda(lambda x: tf.cast(tf.reduce_mean(x, axis=[1, 2, 3], keepdims=False)[:, None] > 0.5, "float32"))(
    K.layers.Rescaling(1 / 255)(inp))
oracle = K.Model(inp, K.layers.Concatenate()([1 - bright, bright]))


def acc(pred, labels):
    return float(np.mean(np.argmax(pred, axis=-1) == np.asarray(labels)))


def gen_flow(**kw):
    return ImageDataGenerator().flow_from_directory(root, target_size=(16, 16), batch_size=4, class_mode="sparse", **kw)


# ---- flow_from_directory
g = gen_flow()
print("flow_from_directory: shuffle default =", g.shuffle)
print("flow_from_directory(shuffle default): predict(gen) vs gen.classes accuracy =",
      acc(oracle.predict(g, verbose=0), g.classes))
g.reset()
print("  ... after gen.reset():                                     accuracy =", acc(oracle.predict(g, verbose=0), g.classes))
g = gen_flow(shuffle=False)
print("flow_from_directory(shuffle=False): predict(gen) vs gen.classes accuracy =",
      acc(oracle.predict(g, verbose=0), g.classes))


# ---- image_dataset_from_directory
def labels_one_pass(ds):
    return np.concatenate([y.numpy() for _, y in ds])


def order(ds):
    return [int(v) for v in labels_one_pass(ds)]


def same_loop(ds):
    ys, ps = [], []
    for x, y in ds:
        ys.append(y.numpy())
        ps.append(oracle.predict_on_batch(x))
    return acc(np.concatenate(ps), np.concatenate(ys))


for title, kw in (("image_dataset_from_directory(defaults)", {}),
                  ("image_dataset_from_directory(seed=123)", {"seed": 123}),
                  ("image_dataset_from_directory(validation_split=0.5, subset='validation', seed=1)",
                   {"validation_split": 0.5, "subset": "validation", "seed": 1})):
    ds = image_dataset_from_directory(root, image_size=(16, 16), batch_size=4, verbose=False, **kw) \
        if flavour == "keras" else image_dataset_from_directory(root, image_size=(16, 16), batch_size=4, **kw)
    print(title)
    orders = [order(ds) for _ in range(4)]
    print("  order_differs between passes =", any(o != orders[0] for o in orders[1:]))
    print("  labels from one loop vs model.predict(ds) accuracy =", acc(oracle.predict(ds, verbose=0), labels_one_pass(ds)))
    print("  labels and predictions in the same loop accuracy =", same_loop(ds))

ds = image_dataset_from_directory(root, image_size=(16, 16), batch_size=4, shuffle=False)
print("image_dataset_from_directory(shuffle=False): labels from one loop vs predict accuracy =",
      acc(oracle.predict(ds, verbose=0), labels_one_pass(ds)))
train, val = image_dataset_from_directory(root, image_size=(16, 16), batch_size=4, validation_split=0.5,
                                          subset="both", seed=1)
val_orders = [order(val) for _ in range(4)]
print("subset='both': validation half order_differs =", any(o != val_orders[0] for o in val_orders[1:]),
      " accuracy =", acc(oracle.predict(val, verbose=0), labels_one_pass(val)))
train_orders = [order(train) for _ in range(4)]
print("subset='both': training half order_differs =", any(o != train_orders[0] for o in train_orders[1:]))
ds = image_dataset_from_directory(root, image_size=(16, 16), batch_size=4, seed=5).cache()
labels_one_pass(ds)  # fill the cache
print("image_dataset_from_directory(...).cache() after one pass: accuracy =",
      acc(oracle.predict(ds, verbose=0), labels_one_pass(ds)))
ds = image_dataset_from_directory(root, image_size=(16, 16), batch_size=4, seed=5).unbatch().batch(4)
print("image_dataset_from_directory(...).unbatch().batch(4): accuracy =",
      acc(oracle.predict(ds, verbose=0), labels_one_pass(ds)))

# ---- tf.data shuffle
files = sorted(os.path.join(root, c, f) for c in ("cats", "dogs") for f in os.listdir(os.path.join(root, c)))
labels = [0 if "/cats/" in f else 1 for f in files]


def load(path, label):
    return tf.image.resize(tf.io.decode_png(tf.io.read_file(path), channels=3), (16, 16)), label


base = tf.data.Dataset.from_tensor_slices((files, labels)).map(load)
ds = base.shuffle(12).batch(4)
print("tf.data shuffle(12).batch(4): order_differs =", order(ds) != order(ds) or order(ds) != order(ds),
      " accuracy =", acc(oracle.predict(ds, verbose=0), labels_one_pass(ds)))
ds = base.shuffle(12, reshuffle_each_iteration=False).batch(4)
print("tf.data shuffle(12, reshuffle_each_iteration=False).batch(4): accuracy =",
      acc(oracle.predict(ds, verbose=0), labels_one_pass(ds)))
ds = base.batch(4)
print("tf.data without shuffle: accuracy =", acc(oracle.predict(ds, verbose=0), labels_one_pass(ds)))
