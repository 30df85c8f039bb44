import tensorflow as tf


def load(folder, size=(224, 224)):
    ds = tf.keras.utils.image_dataset_from_directory(folder, image_size=size)
    return ds.map(lambda x, y: (x / 255.0, y))
