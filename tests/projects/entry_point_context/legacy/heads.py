"""Only builds a model (no compile, no data): nothing to judge on its own."""
import tensorflow as tf


def mobilenet_head(num_classes=4):
    base = tf.keras.applications.MobileNetV2(include_top=False, weights="imagenet", input_shape=(160, 160, 3))
    base.trainable = False
    inputs = tf.keras.Input((160, 160, 3))
    x = base(inputs, training=False)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    return tf.keras.Model(inputs, tf.keras.layers.Dense(num_classes)(x))
