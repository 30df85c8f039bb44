"""TL404: argmax over the last axis of a single-unit output. Per Keras.

Run: python docs/facts/tl404_argmax_single_output.py keras     > docs/facts/tl404_argmax_single_output.keras3.out
     python docs/facts/tl404_argmax_single_output.py tf_keras  > docs/facts/tl404_argmax_single_output.tf_keras.out

A model ending in Dense(1, activation="sigmoid") predicts an (n, 1) array: every argmax over its last
axis is 0, whatever the probabilities; a threshold gives the classes.
"""

import os
import sys

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

x = np.linspace(-4, 4, 8, dtype="float32").reshape(8, 1)
model = K.Sequential([K.Input((1,)), K.layers.Dense(1, activation="sigmoid", kernel_initializer="ones")])
p = model.predict(x, verbose=0)
print("predict output shape =", p.shape)
print("probabilities =", np.round(p[:, 0], 3).tolist())
print("np.argmax(p, axis=-1) =", np.argmax(p, axis=-1).tolist())
print("np.argmax(p, axis=1)  =", np.argmax(p, axis=1).tolist())
print("p.argmax(1)           =", p.argmax(1).tolist())
print("tf.argmax(p, -1)      =", tf.argmax(p, -1).numpy().tolist())
print("tf.argmax(p) (axis 0) =", tf.argmax(p).numpy().tolist(), "(one index over the batch, not classes)")
print("(p > 0.5).astype(int)[:, 0] =", (p > 0.5).astype(int)[:, 0].tolist())
two = K.Sequential([K.Input((1,)), K.layers.Dense(2, activation="softmax")])
print("two-unit softmax: np.argmax(p2, axis=-1) takes values in", sorted(set(np.argmax(two.predict(x * 10, verbose=0), -1).tolist())),
      "(argmax is right there)")
