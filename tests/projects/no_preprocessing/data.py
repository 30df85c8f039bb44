"""Datasets straight from the folders: pixels stay 0..255."""
import tensorflow as tf

IMG_SIZE = (224, 224)


def make_datasets(folder, batch_size=32):
    train = tf.keras.utils.image_dataset_from_directory(folder + "/train", image_size=IMG_SIZE, batch_size=batch_size)
    val = tf.keras.utils.image_dataset_from_directory(folder + "/val", image_size=IMG_SIZE, batch_size=batch_size)
    return train.prefetch(2), val.prefetch(2)
