import tensorflow as tf

from .constants import IMAGE_SIZE


def load(folder):
    return tf.keras.utils.image_dataset_from_directory(folder, image_size=IMAGE_SIZE, label_mode="categorical")
