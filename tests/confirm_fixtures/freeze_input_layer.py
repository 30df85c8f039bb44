"""TL206 buggy: `model.layers[0]` is the InputLayer, so the backbone is never frozen (TL201 too)."""
import numpy as np
import keras

rng = np.random.default_rng(0)
X = rng.integers(0, 256, (16, 96, 96, 3)).astype("float32")
Y = rng.integers(0, 2, (16,))

base = keras.applications.MobileNetV2(include_top=False, input_shape=(96, 96, 3), pooling="avg")  # L:ctor
inp = keras.Input((96, 96, 3))
x = keras.applications.mobilenet_v2.preprocess_input(inp)
x = base(x)
model = keras.Model(inp, keras.layers.Dense(1, activation="sigmoid")(x))
model.layers[0].trainable = False  # L:TL206
model.compile("adam", "binary_crossentropy")
model.fit(X, Y, batch_size=8)  # L:fit
