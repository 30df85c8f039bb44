"""TFRecord shards of inspection photos, decoded and scaled to [0, 1]."""
import tensorflow as tf

FEATURES = {
    "image": tf.io.FixedLenFeature([], tf.string),
    "label": tf.io.FixedLenFeature([], tf.int64),
}


def parse(record):
    return tf.io.parse_single_example(record, FEATURES)


def decode(example):
    image = tf.io.decode_jpeg(example["image"], channels=3)
    image = tf.image.resize(image, (224, 224))
    image = tf.dtypes.cast(image, tf.float32) / 255.0
    return image, tf.one_hot(example["label"], 2)


def load(pattern, batch_size):
    files = tf.io.gfile.glob(pattern)
    ds = tf.data.TFRecordDataset(files).map(parse).map(decode)
    return ds.shuffle(2048).batch(batch_size).prefetch(tf.data.AUTOTUNE)
