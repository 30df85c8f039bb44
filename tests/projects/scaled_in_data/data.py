"""Datasets for the flowers task: scaled here, once, for MobileNetV2."""
import tensorflow as tf

IMG_SIZE = (224, 224)
preprocess = tf.keras.applications.mobilenet_v2.preprocess_input


def make_datasets(folder, batch_size=32):
    train = tf.keras.utils.image_dataset_from_directory(folder + "/train", image_size=IMG_SIZE, batch_size=batch_size)
    val = tf.keras.utils.image_dataset_from_directory(folder + "/val", image_size=IMG_SIZE, batch_size=batch_size)
    train = train.map(lambda x, y: (preprocess(x), y)).prefetch(2)
    val = val.map(lambda x, y: (preprocess(x), y)).prefetch(2)
    return train, val
