# A model.add chain: model.add(GlobalAveragePooling2D()) goes before the Dense.
from tensorflow import keras
from tensorflow.keras import layers

train_ds = keras.utils.image_dataset_from_directory("data", image_size=(299, 299), label_mode="categorical")
train_ds = train_ds.map(lambda x, y: (keras.applications.inception_v3.preprocess_input(x), y))
base = keras.applications.InceptionV3(include_top=False, input_shape=(299, 299, 3))
base.trainable = False
net = keras.Sequential()
net.add(base)
net.add(layers.Dense(7, activation="softmax"))
net.compile(optimizer="adam", loss="categorical_crossentropy")
net.fit(train_ds, epochs=5)
