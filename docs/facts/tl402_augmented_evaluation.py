"""TL402: which evaluation data does random augmentation reach? Per Keras.

Run: python docs/facts/tl402_augmented_evaluation.py keras     > docs/facts/tl402_augmented_evaluation.keras3.out
     python docs/facts/tl402_augmented_evaluation.py tf_keras  > docs/facts/tl402_augmented_evaluation.tf_keras.out
(The tf_keras run needs the `tf_keras` package; ImageDataGenerator needs pillow and scipy. The .out files
were made with keras 3.15.1, tf_keras 2.21.0, tensorflow 2.21 on CPU.)

A tiny folder of 2 classes x 4 PNGs (16x16, distinct pixels) in a temporary directory. For each source the
same batch is read twice: `differs=True` means the data change from one read to the next (random
augmentation is applied to them).
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

root = tempfile.mkdtemp()
rng = np.random.default_rng(0)
for cls in ("cats", "dogs"):
    os.makedirs(os.path.join(root, cls))
    for i in range(4):
        img = rng.integers(0, 256, size=(16, 16, 3), dtype=np.uint8)
        tf.io.write_file(os.path.join(root, cls, f"{i}.png"), tf.io.encode_png(img))

AUG = dict(rotation_range=40, zoom_range=0.3, horizontal_flip=True, width_shift_range=0.2)


def reads_differ(it):
    a = it[0][0].copy()
    b = it[0][0].copy()
    return not np.array_equal(a, b)


def flow(gen, **kw):
    return gen.flow_from_directory(root, target_size=(16, 16), batch_size=8, shuffle=False, **kw)


gen = ImageDataGenerator(rescale=1 / 255, validation_split=0.25, **AUG)
print("ImageDataGenerator(augmentation, validation_split=0.25) subset='training'   differs=",
      reads_differ(flow(gen, subset="training")))
print("ImageDataGenerator(augmentation, validation_split=0.25) subset='validation' differs=",
      reads_differ(flow(gen, subset="validation")))
plain = ImageDataGenerator(rescale=1 / 255, validation_split=0.25)
print("ImageDataGenerator(rescale only, validation_split=0.25) subset='validation' differs=",
      reads_differ(flow(plain, subset="validation")))
print("test generator ImageDataGenerator(augmentation).flow_from_directory       differs=",
      reads_differ(flow(ImageDataGenerator(rescale=1 / 255, **AUG))))
x = np.stack([rng.integers(0, 256, size=(16, 16, 3)).astype("float32") for _ in range(4)])
print("ImageDataGenerator(augmentation).flow(x_val, y_val, shuffle=False)      differs=",
      reads_differ(ImageDataGenerator(**AUG).flow(x, np.arange(4), batch_size=4, shuffle=False)))

# tf.data: a map with tf.image.random_* over the validation set changes it on every pass.
val = tf.data.Dataset.from_tensor_slices(x).map(
    lambda im: tf.image.random_brightness(tf.image.random_flip_left_right(im), 0.3)).batch(4)
p1, p2 = (np.concatenate([b.numpy() for b in val]) for _ in range(2))
print("tf.data map(tf.image.random_flip_left_right / random_brightness)       differs=", not np.array_equal(p1, p2))

# Keras Random* layers inside the model: inactive at inference (predict / evaluate).
inp = K.Input((16, 16, 3))
out = K.layers.RandomRotation(0.3)(K.layers.RandomFlip("horizontal")(inp))
model = K.Model(inp, out)
y1, y2 = model.predict(x, verbose=0), model.predict(x, verbose=0)
print("model with RandomFlip/RandomRotation layers: predict(x) == x:", np.allclose(y1, x),
      " two predicts differ:", not np.array_equal(y1, y2))
print("same layers with training=True change x:", not np.allclose(model(x, training=True).numpy(), x))
