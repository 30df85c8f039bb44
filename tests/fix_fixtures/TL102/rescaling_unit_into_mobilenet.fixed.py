# Rescaling(1/255) gives [0, 1]; MobileNetV2 wants [-1, 1]: the Rescaling parameters are corrected.
import keras
from keras import layers

train_ds = keras.utils.image_dataset_from_directory("data", image_size=(224, 224))
inputs = keras.Input((224, 224, 3))
x = layers.Rescaling(1.0 / 127.5, offset=-1)(inputs)
base = keras.applications.MobileNetV2(include_top=False, input_shape=(224, 224, 3))
base.trainable = False
x = layers.GlobalAveragePooling2D()(base(x, training=False))
model = keras.Model(inputs, layers.Dense(5)(x))
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
