# A re-freeze after fit without recompile keeps training: recompile with a new instance of the
# same optimizer (same settings) before the next fit.
# target-keras: 3
import keras

train_ds = keras.utils.image_dataset_from_directory("data", image_size=(160, 160))
base = keras.applications.MobileNetV2(include_top=False, input_shape=(160, 160, 3))
base.trainable = False
inputs = keras.Input((160, 160, 3))
x = keras.applications.mobilenet_v2.preprocess_input(inputs)
x = keras.layers.GlobalAveragePooling2D()(base(x, training=False))
model = keras.Model(inputs, keras.layers.Dense(5)(x))
model.compile(optimizer=keras.optimizers.SGD(1e-3, momentum=0.9), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
for layer in base.layers[100:]:
    layer.trainable = True
for layer in base.layers:
    if isinstance(layer, keras.layers.BatchNormalization):
        layer.trainable = False
model.compile(optimizer=keras.optimizers.SGD(1e-5, momentum=0.9), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
base.trainable = False
model.compile(optimizer=keras.optimizers.SGD(1e-5, momentum=0.9), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=2)
