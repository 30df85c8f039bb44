# A linear head with a loss that expects probabilities: from_logits=True.
import keras

train_ds = keras.utils.image_dataset_from_directory("data", image_size=(160, 160))
base = keras.applications.MobileNetV2(include_top=False, pooling="avg", input_shape=(160, 160, 3))
base.trainable = False
inputs = keras.Input((160, 160, 3))
x = base(keras.applications.mobilenet_v2.preprocess_input(inputs), training=False)
model = keras.Model(inputs, keras.layers.Dense(5)(x))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_ds, epochs=5)
