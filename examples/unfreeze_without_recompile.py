"""Flowers with ResNet50: head training, then fine-tuning.

Typical bugs: the images reach ResNet50 as raw 0..255 floats (it expects caffe-style input), and
the backbone is unfrozen after the first fit without recompiling, so the second fit trains
exactly what the first one did.
"""
import tensorflow as tf

AUTOTUNE = tf.data.AUTOTUNE
NUM_CLASSES = 5


def make_datasets(root):
    train = tf.keras.utils.image_dataset_from_directory(
        root, validation_split=0.2, subset="training", seed=1, image_size=(224, 224))
    val = tf.keras.utils.image_dataset_from_directory(
        root, validation_split=0.2, subset="validation", seed=1, image_size=(224, 224))
    return train.prefetch(AUTOTUNE), val.prefetch(AUTOTUNE)


def build_model():
    base = tf.keras.applications.ResNet50(include_top=False, weights="imagenet", input_shape=(224, 224, 3))
    base.trainable = False
    inputs = tf.keras.Input(shape=(224, 224, 3))
    x = base(inputs, training=False)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    outputs = tf.keras.layers.Dense(NUM_CLASSES, activation="softmax")(x)
    return base, tf.keras.Model(inputs, outputs)


train_ds, val_ds = make_datasets("flower_photos")
base, model = build_model()
model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_ds, validation_data=val_ds, epochs=5)

# Fine-tune the whole backbone.
base.trainable = True
model.fit(train_ds, validation_data=val_ds, epochs=5)
