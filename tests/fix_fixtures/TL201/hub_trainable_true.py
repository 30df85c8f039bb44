# A TF-Hub layer created with trainable=True: created frozen instead.
import tensorflow as tf
import tensorflow_hub as hub

train_ds = tf.keras.utils.image_dataset_from_directory("flowers", image_size=(224, 224))
train_ds = train_ds.map(lambda x, y: (x / 255.0, y))
model = tf.keras.Sequential([
    hub.KerasLayer("https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/feature_vector/5", trainable=True),
    tf.keras.layers.Dense(5),
])
model.build([None, 224, 224, 3])
model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=3)
