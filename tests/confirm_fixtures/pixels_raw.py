"""TL101 buggy: raw 0..255 pixels into MobileNetV2; the data folder does not exist (synthetic)."""
from tensorflow import keras
from tensorflow.keras import layers

IMG = (96, 96)
train_ds = keras.utils.image_dataset_from_directory("data/train", image_size=IMG, batch_size=8)
class_names = train_ds.class_names

base = keras.applications.MobileNetV2(include_top=False, input_shape=IMG + (3,), weights="imagenet")  # L:ctor
base.trainable = False  # L:freeze

inputs = keras.Input(shape=IMG + (3,))
x = base(inputs, training=False)  # L:TL101
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(len(class_names), activation="softmax")(x)  # L:dense
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # L:compile
model.fit(train_ds, epochs=5)  # L:fit
