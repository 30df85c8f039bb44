# Fine-tuning at an explicit 1e-3: the rate becomes 1e-5.
import tensorflow as tf

train_ds = tf.keras.utils.image_dataset_from_directory("data", image_size=(160, 160))
base = tf.keras.applications.MobileNetV2(include_top=False, input_shape=(160, 160, 3))
base.trainable = False
inputs = tf.keras.Input((160, 160, 3))
x = tf.keras.applications.mobilenet_v2.preprocess_input(inputs)
x = tf.keras.layers.GlobalAveragePooling2D()(base(x, training=False))
model = tf.keras.Model(inputs, tf.keras.layers.Dense(5)(x))
model.compile(optimizer=tf.keras.optimizers.Adam(1e-4), loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
base.trainable = True
for layer in base.layers:
    if isinstance(layer, tf.keras.layers.BatchNormalization):
        layer.trainable = False
model.compile(optimizer=tf.keras.optimizers.RMSprop(learning_rate=1e-3), loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
