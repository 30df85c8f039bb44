"""TL101 on an inlined backbone: Model(inputs=base.input, ...) fed raw pixels; a second, nested
EfficientNetB0 behind Rescaling(1/255) (TL103: it rescales internally)."""
import numpy as np
import keras

rng = np.random.default_rng(0)
X = rng.integers(0, 256, (16, 96, 96, 3)).astype("float32")
Y = rng.integers(0, 2, (16,))

base = keras.applications.MobileNetV2(include_top=False, input_shape=(96, 96, 3))  # L:TL101
base.trainable = False
x = keras.layers.GlobalAveragePooling2D()(base.output)
model = keras.Model(inputs=base.input, outputs=keras.layers.Dense(2, activation="softmax")(x))
model.compile("adam", "sparse_categorical_crossentropy")
model.fit(X, Y, batch_size=8)

eff = keras.applications.EfficientNetB0(include_top=False, input_shape=(96, 96, 3), pooling="avg")  # L:eff
eff.trainable = False
clf = keras.Sequential([keras.Input((96, 96, 3)), keras.layers.Rescaling(1 / 255), eff, keras.layers.Dense(2, activation="softmax")])  # L:TL103
probs = clf.predict(X, batch_size=8)
assert probs.shape == (16, 2)
