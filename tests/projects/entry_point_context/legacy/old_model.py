"""An older experiment nobody imports any more: builds and compiles, shows no data."""
import tensorflow as tf


def build_and_compile(num_classes=4):
    base = tf.keras.applications.Xception(include_top=False, weights="imagenet", pooling="avg")
    base.trainable = False
    inputs = tf.keras.Input((299, 299, 3))
    x = base(inputs, training=False)
    outputs = tf.keras.layers.Dense(num_classes, activation="softmax")(x)
    model = tf.keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
