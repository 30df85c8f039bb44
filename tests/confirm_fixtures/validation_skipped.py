"""Validation data, callbacks that read val_* logs and a history read after fit: confirm mode
skips the validation pass and cuts batches to 8 rows, and the script still runs to its end."""
import numpy as np
import keras
import tensorflow as tf

rng = np.random.default_rng(0)
X = rng.integers(0, 256, (96, 32, 32, 3)).astype("float32")
Y = rng.integers(0, 3, (96,))
X_val, Y_val = X[:32], Y[:32]

model = keras.Sequential([
    keras.Input((32, 32, 3)),
    keras.layers.Rescaling(1 / 255),
    keras.layers.Conv2D(4, 3, activation="relu"),
    keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
callbacks = [
    keras.callbacks.ModelCheckpoint("best-{epoch:02d}-{val_loss:.3f}.keras", monitor="val_accuracy", save_best_only=True),
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True),
]
history = model.fit(X, Y, batch_size=32, epochs=4, validation_data=(X_val, Y_val), callbacks=callbacks)  # L:fit1
best = int(np.argmax(history.history["val_accuracy"]))
print(f"best epoch {best}: val_loss {history.history['val_loss'][best]:.3f}")
model.fit(X, Y, batch_size=32, epochs=2, validation_split=0.25)  # L:fit2
train_ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(32).prefetch(tf.data.AUTOTUNE)
model.fit(train_ds, validation_data=train_ds.take(1), epochs=2)  # L:fit3
