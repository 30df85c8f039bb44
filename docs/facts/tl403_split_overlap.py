"""TL403: when do training and validation subsets share files? Per Keras.

Run: python docs/facts/tl403_split_overlap.py keras     > docs/facts/tl403_split_overlap.keras3.out
     python docs/facts/tl403_split_overlap.py tf_keras  > docs/facts/tl403_split_overlap.tf_keras.out
(The tf_keras run needs the `tf_keras` package; ImageDataGenerator needs pillow and scipy. The .out files
were made with keras 3.15.1, tf_keras 2.21.0, tensorflow 2.21 on CPU.)

A folder of 2 classes x 12 PNGs in a temporary directory. Each line gives the number of validation files
that are also training files (`shared`) for one way of drawing the two subsets.
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
tf.random.set_seed(0)
ImageDataGenerator = (K if flavour == "tf_keras" else tf.keras).preprocessing.image.ImageDataGenerator

root = tempfile.mkdtemp()
rng = np.random.default_rng(0)
for cls in ("cats", "dogs"):
    os.makedirs(os.path.join(root, cls))
    for i in range(12):
        img = rng.integers(0, 256, size=(8, 8, 3), dtype=np.uint8)
        tf.io.write_file(os.path.join(root, cls, f"{i:02d}.png"), tf.io.encode_png(img))


def files(subset, **kw):
    ds = K.utils.image_dataset_from_directory(root, image_size=(8, 8), subset=subset, verbose=False, **kw) \
        if flavour == "keras" else K.utils.image_dataset_from_directory(root, image_size=(8, 8), subset=subset, **kw)
    return set(ds.file_paths)


def show(what, train, val):
    print(f"{what:62s} train={len(train):2d} val={len(val):2d} shared={len(train & val)}")


show("image_dataset_from_directory split 0.25, seeds 1 / 2",
     files("training", validation_split=0.25, seed=1), files("validation", validation_split=0.25, seed=2))
show("image_dataset_from_directory split 0.2 / 0.3, seed 7",
     files("training", validation_split=0.2, seed=7), files("validation", validation_split=0.3, seed=7))
show("image_dataset_from_directory split 0.25, seed 7 on both",
     files("training", validation_split=0.25, seed=7), files("validation", validation_split=0.25, seed=7))
both = K.utils.image_dataset_from_directory(root, image_size=(8, 8), validation_split=0.25, subset="both", seed=7)
show("image_dataset_from_directory subset='both', seed 7", set(both[0].file_paths), set(both[1].file_paths))
try:
    files("validation", validation_split=0.25)
    print("image_dataset_from_directory validation_split without seed: no error")
except ValueError as exc:
    print("image_dataset_from_directory validation_split without seed: ValueError:", str(exc)[:90])
show("image_dataset_from_directory seed 123 shuffled / shuffle=False, no seed",
     files("training", validation_split=0.25, seed=123), files("validation", validation_split=0.25, shuffle=False))
show("image_dataset_from_directory seed 123 shuffled / seed 123 shuffle=False",
     files("training", validation_split=0.25, seed=123), files("validation", validation_split=0.25, seed=123, shuffle=False))
show("image_dataset_from_directory shuffle=False on both, no seed",
     files("training", validation_split=0.25, shuffle=False), files("validation", validation_split=0.25, shuffle=False))
show("image_dataset_from_directory training folder read twice, no split",
     files(None), files(None))


def gen_files(split, subset, seed):
    it = ImageDataGenerator(validation_split=split).flow_from_directory(
        root, target_size=(8, 8), subset=subset, seed=seed, shuffle=True)
    return set(it.filenames)


show("ImageDataGenerator split 0.25, seeds 1 / 2", gen_files(0.25, "training", 1), gen_files(0.25, "validation", 2))
show("ImageDataGenerator split 0.25 / 0.4, seed 1", gen_files(0.25, "training", 1), gen_files(0.4, "validation", 1))
show("ImageDataGenerator split 0.25, seed 1 on both", gen_files(0.25, "training", 1), gen_files(0.25, "validation", 1))
print("ImageDataGenerator validation files (split 0.25):", sorted(gen_files(0.25, "validation", 3)))

# tf.data: shuffle(n) then take(k) / skip(k). reshuffle_each_iteration defaults to True: every pass
# (every epoch) draws another split, so across epochs the "validation" elements are trained on.
for kw in ({}, {"seed": 42}, {"reshuffle_each_iteration": False}):
    ds = tf.data.Dataset.range(20).shuffle(20, **kw)
    val, train = ds.take(5), ds.skip(5)
    val_epochs = [set(int(v) for v in val) for _ in range(3)]
    train_epochs = [set(int(v) for v in train) for _ in range(3)]
    seen_in_training = set().union(*train_epochs)
    print(f"shuffle(20, {kw}).take(5)/.skip(5): validation sets per pass "
          f"{'differ' if len({frozenset(s) for s in val_epochs}) > 1 else 'equal'}; validation elements trained "
          f"on over 3 epochs: {len(set().union(*val_epochs) & seen_in_training)}")

# `.cache()` after the shuffle: the first complete pass fills the cache and later passes replay it.
# `fit` reads the training part (`skip`, a complete pass) before validating, so the split is fixed;
# a partial pass first (`take` read before anything else) does not fill it.
for first in ("training", "validation"):
    ds = tf.data.Dataset.range(20).shuffle(20).cache()
    val, train = ds.take(5), ds.skip(5)
    seen_val, seen_train = set(), set()
    for _ in range(3):
        if first == "training":
            seen_train |= {int(v) for v in train}
            seen_val |= {int(v) for v in val}
        else:
            seen_val |= {int(v) for v in val}
            seen_train |= {int(v) for v in train}
    print(f"shuffle(20).cache().take(5)/.skip(5), {first} read first each epoch: validation elements trained on "
          f"over 3 epochs: {len(seen_val & seen_train)}")
