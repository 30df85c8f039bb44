"""Writes everywhere: model files, checkpoints, CSV logs, numpy files, a file next to the script."""
import os

import numpy as np
import keras

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(0)
X = rng.random((16, 8)).astype("float32")
Y = rng.integers(0, 2, (16,))

model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile("adam", "binary_crossentropy")
os.makedirs("checkpoints", exist_ok=True)
callbacks = [
    keras.callbacks.ModelCheckpoint("checkpoints/best.keras"),
    keras.callbacks.CSVLogger("training_log.csv"),
    keras.callbacks.BackupAndRestore(os.path.join(HERE, "backup")),
]
model.fit(X, Y, batch_size=8, epochs=2, callbacks=callbacks)
model.save("model.keras")
model.save(os.path.join(HERE, "model_abs.keras"))
model.save_weights(os.path.join(HERE, "weights.weights.h5"))
np.save(os.path.join(HERE, "preds.npy"), model.predict(X))
with open("results.csv", "w") as fh:
    fh.write("a,b\n1,2\n")
with open(os.path.join(HERE, "existing.txt"), "a") as fh:
    fh.write("appended\n")
with open(os.path.join(HERE, "existing.txt")) as fh:
    assert "appended" in fh.read()
os.remove(os.path.join(HERE, "existing.txt"))
open(os.path.join(HERE, "data", "labels.txt"), "w").write("overwritten")
print(open("data/labels.txt").read())
