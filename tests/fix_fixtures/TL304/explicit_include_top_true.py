# include_top=True written out: it becomes False, with average pooling.
import tensorflow as tf

train_ds = tf.keras.utils.image_dataset_from_directory("data", image_size=(224, 224))
train_ds = train_ds.map(lambda x, y: (tf.keras.applications.mobilenet_v2.preprocess_input(x), y))
base = tf.keras.applications.MobileNetV2(include_top=True, weights="imagenet")
base.trainable = False
model = tf.keras.Sequential([
    base,
    tf.keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=5)
