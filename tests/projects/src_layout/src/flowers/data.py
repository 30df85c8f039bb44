import tensorflow as tf


def make_dataset(folder):
    return tf.keras.utils.image_dataset_from_directory(folder, image_size=(224, 224), batch_size=64)
