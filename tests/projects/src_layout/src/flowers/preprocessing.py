import tensorflow as tf


def scale(image, label):
    return tf.keras.applications.resnet50.preprocess_input(tf.cast(image, tf.float32)), label
