# label_mode="categorical" (one-hot) with the sparse loss class: the categorical class.
import keras

train_ds = keras.utils.image_dataset_from_directory("data", image_size=(160, 160), label_mode="categorical")
base = keras.applications.MobileNetV2(include_top=False, pooling="avg", input_shape=(160, 160, 3))
base.trainable = False
inputs = keras.Input((160, 160, 3))
x = base(keras.applications.mobilenet_v2.preprocess_input(inputs), training=False)
model = keras.Model(inputs, keras.layers.Dense(5)(x))
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
