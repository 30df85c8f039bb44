"""No escape: a tiny model trained on an in-script array, a checkpoint and a log written the usual
(relative) way. Confirm mode must leave everything outside its temporary folder unchanged."""
import numpy as np
import keras

rng = np.random.default_rng(0)
x = rng.random((8, 8, 8, 1)).astype("float32")
y = np.arange(8) % 2
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=1, batch_size=4, verbose=0, callbacks=[keras.callbacks.CSVLogger("log.csv")])
model.save("model.keras")
np.save("data/preds.npy", model.predict(x, verbose=0))
print("trained")
