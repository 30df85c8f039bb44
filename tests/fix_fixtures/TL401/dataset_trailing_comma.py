"""Test accuracy of a flowers classifier; the test dataset is built over several lines."""
import numpy as np
import tensorflow as tf
from sklearn.metrics import accuracy_score

train_ds = tf.keras.utils.image_dataset_from_directory("flowers/train", image_size=(224, 224))
test_ds = tf.keras.utils.image_dataset_from_directory(
    "flowers/test",
    image_size=(224, 224),
    batch_size=64,
)
base = tf.keras.applications.MobileNetV2(include_top=False, weights="imagenet", pooling="avg")
base.trainable = False
inputs = tf.keras.Input((224, 224, 3))
x = tf.keras.applications.mobilenet_v2.preprocess_input(inputs)
model = tf.keras.Model(inputs, tf.keras.layers.Dense(5, activation="softmax")(base(x, training=False)))
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_ds, epochs=3)

y_true = np.concatenate([y for _, y in test_ds])
y_pred = np.argmax(model.predict(test_ds), axis=-1)
print("test accuracy", accuracy_score(y_true, y_pred))
