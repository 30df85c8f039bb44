# weights=None and frozen: the random backbone never learns. The ImageNet weights are loaded.
import keras

train_ds = keras.utils.image_dataset_from_directory("data", image_size=(224, 224))
base = keras.applications.EfficientNetB0(include_top=False, weights=None, pooling="avg")
base.trainable = False
inputs = keras.Input((224, 224, 3))
model = keras.Model(inputs, keras.layers.Dense(5)(base(inputs, training=False)))
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
