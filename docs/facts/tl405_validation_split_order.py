"""TL405: which rows does `fit(x, y, validation_split=f)` hold out? Per Keras.

Run: python docs/facts/tl405_validation_split_order.py keras     > docs/facts/tl405_validation_split_order.keras3.out
     python docs/facts/tl405_validation_split_order.py tf_keras  > docs/facts/tl405_validation_split_order.tf_keras.out
(The tf_keras run needs the `tf_keras` package. The .out files were made with keras 3.15.1, tf_keras 2.21.0,
tensorflow 2.21 on CPU.)

Arrays built class by class (10 rows of class 0, then 10 of class 1, then 10 of class 2), as a loop over
class folders appending to lists builds them. A model that outputs its input (Dense(1) with kernel 1, no
bias) trained with learning rate 0 keeps its weights, so the `val_loss` fit reports is the loss of exactly
the rows it held out; it is compared with the loss on the first and on the last 20% of the rows.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
flavour = sys.argv[1] if len(sys.argv) > 1 else "keras"
if flavour == "tf_keras":
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
import numpy as np  # noqa: E402

if flavour == "tf_keras":
    import tf_keras as K
else:
    import keras as K
print(f"{flavour} {K.__version__}")

y = np.repeat([0.0, 1.0, 2.0], 10).astype("float32")  # class-ordered labels
x = (np.arange(30, dtype="float32") / 10.0).reshape(-1, 1)  # a distinct value per row
model = K.Sequential([K.Input((1,)), K.layers.Dense(1, use_bias=False, kernel_initializer="ones")])
model.compile(optimizer=K.optimizers.SGD(learning_rate=0.0), loss="mse")
hist = model.fit(x, y, validation_split=0.2, epochs=1, batch_size=5, shuffle=True, verbose=0)
val_loss = float(hist.history["val_loss"][0])
n = int(len(x) * 0.2)
first = float(np.mean((x[:n, 0] - y[:n]) ** 2))
last = float(np.mean((x[-n:, 0] - y[-n:]) ** 2))
print(f"fit(validation_split=0.2, shuffle=True): val_loss={val_loss:.4f}  loss(first 20%)={first:.4f}  "
      f"loss(last 20%)={last:.4f}")
print("held-out rows are the last 20%:", abs(val_loss - last) < 1e-4, " their classes:", sorted(set(y[-n:].tolist())))

# Shuffled once before fit (np.random.permutation on both arrays): the held-out rows mix the classes.
idx = np.random.default_rng(0).permutation(len(x))
print("after x, y = x[idx], y[idx]: classes of the last 20%:", sorted(set(y[idx][-n:].tolist())))
