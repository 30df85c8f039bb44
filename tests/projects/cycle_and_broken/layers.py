import tensorflow as tf

from helpers import scale


def head(x, n):
    return tf.keras.layers.Dense(n)(tf.keras.layers.GlobalAveragePooling2D()(x))


def backbone_features(inputs):
    base = tf.keras.applications.MobileNetV2(include_top=False, weights="imagenet")
    base.trainable = False
    return base(scale(inputs), training=False)
