"""Model definitions only: no data, no compile, no training here."""
import tensorflow as tf


def build_classifier(num_classes, input_shape=(224, 224, 3), dropout=0.3):
    base = tf.keras.applications.ResNet50(include_top=False, weights="imagenet", input_shape=input_shape)
    base.trainable = False
    inputs = tf.keras.Input(input_shape)
    x = base(inputs, training=False)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    x = tf.keras.layers.Dropout(dropout)(x)
    outputs = tf.keras.layers.Dense(num_classes, activation="softmax")(x)
    return tf.keras.Model(inputs, outputs, name="resnet50_classifier")
