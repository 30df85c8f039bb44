# A Sequential model whose first layer is the backbone: a Rescaling layer goes in front of it.
import tensorflow as tf

train_ds = tf.keras.utils.image_dataset_from_directory("flowers", image_size=(160, 160))
base_model = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False)
base_model.trainable = False
model = tf.keras.Sequential([
    base_model,
    tf.keras.layers.GlobalAveragePooling2D(),
    tf.keras.layers.Dense(5),
])
model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=10)
