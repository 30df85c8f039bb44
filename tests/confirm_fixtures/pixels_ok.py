"""Fixed twin of pixels_raw.py: Rescaling to [-1, 1] (MobileNetV2's contract); head and loss consistent."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

IMG = (96, 96)
rng = np.random.default_rng(0)
x_train = rng.integers(0, 256, (32, 96, 96, 3)).astype("float32")
y_train = rng.integers(0, 3, (32,))

base = keras.applications.MobileNetV2(include_top=False, input_shape=IMG + (3,), weights="imagenet")  # L:ctor
base.trainable = False  # L:freeze

inputs = keras.Input(shape=IMG + (3,))
x = layers.Rescaling(1.0 / 127.5, offset=-1)(inputs)  # L:rescale
x = base(x, training=False)  # L:TL101
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(3, activation="softmax")(x)  # L:dense
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # L:compile
model.fit(x_train, y_train, batch_size=8, epochs=3)  # L:fit
preds = model.predict(x_train, batch_size=8)
assert preds.shape == (32, 3), preds.shape
