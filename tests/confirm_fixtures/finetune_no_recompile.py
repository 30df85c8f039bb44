"""TL202 buggy: unfreeze after the first fit without recompiling (Keras 3 ignores it silently)."""
import numpy as np
import keras

rng = np.random.default_rng(0)
X = rng.integers(0, 256, (32, 96, 96, 3)).astype("float32")
Y = rng.integers(0, 2, (32,))

base = keras.applications.MobileNetV2(include_top=False, input_shape=(96, 96, 3))  # L:ctor
base.trainable = False  # L:freeze
inp = keras.Input((96, 96, 3))
x = keras.layers.Rescaling(1 / 127.5, offset=-1)(inp)
x = base(x, training=False)
x = keras.layers.GlobalAveragePooling2D()(x)
model = keras.Model(inp, keras.layers.Dense(2)(x))
model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(X, Y, batch_size=8, epochs=3)  # L:fit1

base.trainable = True  # L:TL202
model.fit(X, Y, batch_size=8, epochs=3)  # L:fit2
