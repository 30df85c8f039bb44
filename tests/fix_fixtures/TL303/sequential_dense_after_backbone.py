# Sequential with the Dense right after the backbone: a pooling layer goes between them.
import tensorflow as tf

train_ds = tf.keras.utils.image_dataset_from_directory("data", image_size=(160, 160))
train_ds = train_ds.map(lambda x, y: (tf.keras.applications.mobilenet_v2.preprocess_input(x), y))
base = tf.keras.applications.MobileNetV2(include_top=False, input_shape=(160, 160, 3))
base.trainable = False
model = tf.keras.Sequential([
    base,
    tf.keras.layers.Dense(5),
])
model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
