import tensorflow as tf

from layers import head


def scale(images):
    return tf.keras.applications.mobilenet_v2.preprocess_input(images)
