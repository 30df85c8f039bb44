"""Does `preprocess_input(x)` change `x` when its result is not used? Per mode, per dtype, per Keras.

Run: python docs/facts/preprocess_in_place.py keras     > docs/facts/preprocess_in_place.keras3.out
     python docs/facts/preprocess_in_place.py tf_keras  > docs/facts/preprocess_in_place.tf_keras.out
(verified 2026-12-04 with keras 3.15.1 and tf_keras 2.21.0 on tensorflow-cpu 2.21; both print the same table).

Result: float32/float64 NumPy arrays are changed in place by modes tf and torch (the returned array IS x)
and by caffe (x gets the means subtracted in RGB order; only the returned array is flipped to BGR);
uint8 arrays, tf.Tensors and the pass-through modules never change x. Two bare calls preprocess twice.

For each module: one pixel row [R, G, B] = [0, 127.5, 255] (uint8: [0, 127, 255]); prints x after a
bare call, whether the returned array is x itself, and the returned values. Engine rule (tllint
engine/api/applications.py): a bare statement `preprocess_input(x)` changes x's range only where
this table says "in place".
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402

flavour = sys.argv[1] if len(sys.argv) > 1 else "keras"
if flavour == "tf_keras":
    import tf_keras as K
else:
    import keras as K
print(f"{flavour} {K.__version__}")

MODULES = [("vgg16", "caffe"), ("resnet50", "caffe"), ("mobilenet_v2", "tf"), ("xception", "tf"),
           ("densenet", "torch"), ("efficientnet", "passthrough")]


def row(dtype):
    vals = [0, 127, 255] if dtype == np.uint8 else [0, 127.5, 255]
    return np.array([[[vals]]], dtype=dtype)  # shape (1, 1, 1, 3)


def fmt(a):
    return "[" + ", ".join(f"{v:.4g}" for v in np.asarray(a).reshape(-1)) + "]"


for module, mode in MODULES:
    fn = getattr(K.applications, module).preprocess_input
    for dtype in (np.float32, np.float64, np.uint8):
        x = row(dtype)
        before = x.copy()
        out = fn(x)
        changed = not np.array_equal(before, x)
        print(f"{module:13s} {mode:11s} {np.dtype(dtype).name:7s} in_place={str(changed):5s} "
              f"returns_x={str(out is x):5s} x_after={fmt(x)} returned={fmt(out)}")
    # A second call on the same stored array (the TL103 shape: preprocess twice via in place).
    x = row(np.float32)
    fn(x)
    out2 = fn(x)
    print(f"{module:13s} {mode:11s} twice   x_after_two_bare_calls={fmt(x)} second_returned={fmt(out2)}")

# tf.Tensor input: never modified (tensors are immutable).
import tensorflow as tf  # noqa: E402

t = tf.constant(row(np.float32))
out = K.applications.mobilenet_v2.preprocess_input(t)
print(f"tf.Tensor mobilenet_v2: input_after={fmt(t.numpy())} returned={fmt(np.asarray(out))}")
# A Python list is converted, never modified.
lst = [[[[0.0, 127.5, 255.0]]]]
try:
    out = K.applications.mobilenet_v2.preprocess_input(lst)
    print(f"list mobilenet_v2: input_after={lst} returned={fmt(out)}")
except Exception as exc:  # Keras 3 wants an array or tensor
    print(f"list mobilenet_v2: {type(exc).__name__}: {exc}")
# imagenet_utils with an explicit mode.
for mode in ("caffe", "tf", "torch"):
    x = row(np.float32)
    K.applications.imagenet_utils.preprocess_input(x, mode=mode)
    print(f"imagenet_utils mode={mode:5s} float32 x_after_bare_call={fmt(x)}")
