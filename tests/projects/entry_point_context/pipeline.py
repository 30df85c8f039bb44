"""Input pipeline: decoded images, batched and prefetched (pixels stay 0..255)."""
import tensorflow as tf

AUTOTUNE = tf.data.AUTOTUNE


def make_datasets(folder, image_size=(224, 224), batch_size=32):
    train = tf.keras.utils.image_dataset_from_directory(
        folder, validation_split=0.2, subset="training", seed=7, image_size=image_size, batch_size=batch_size
    )
    val = tf.keras.utils.image_dataset_from_directory(
        folder, validation_split=0.2, subset="validation", seed=7, image_size=image_size, batch_size=batch_size
    )
    return train.cache().prefetch(AUTOTUNE), val.cache().prefetch(AUTOTUNE)
