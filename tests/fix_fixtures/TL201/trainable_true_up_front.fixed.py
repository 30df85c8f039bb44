# `trainable = True` before the head is trained: it becomes False.
import keras

train_ds = keras.utils.image_dataset_from_directory("data", image_size=(160, 160))
base = keras.applications.MobileNetV2(include_top=False, input_shape=(160, 160, 3))
base.trainable = False  # fine-tune everything
inputs = keras.Input((160, 160, 3))
x = keras.applications.mobilenet_v2.preprocess_input(inputs)
x = keras.layers.GlobalAveragePooling2D()(base(x, training=False))
model = keras.Model(inputs, keras.layers.Dense(5)(x))
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
