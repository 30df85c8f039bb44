# ConvNeXt has its preprocessing built in: the division in the map is removed.
import keras

train_ds = keras.utils.image_dataset_from_directory("data", image_size=(224, 224))
train_ds = train_ds.map(lambda images, labels: (images / 255.0, labels))
base = keras.applications.ConvNeXtTiny(include_top=False, input_shape=(224, 224, 3))
base.trainable = False
inputs = keras.Input((224, 224, 3))
x = keras.layers.GlobalAveragePooling2D()(base(inputs, training=False))
model = keras.Model(inputs, keras.layers.Dense(5)(x))
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
