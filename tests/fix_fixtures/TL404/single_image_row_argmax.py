"""Predict one image with a binary Xception model and print the class name."""
import sys

import numpy as np
from tensorflow import keras

CLASS_NAMES = ["normal", "tumor"]

base = keras.applications.Xception(include_top=False, weights="imagenet", input_shape=(299, 299, 3), pooling="avg")
base.trainable = False
model = keras.Sequential([keras.Input((299, 299, 3)), base, keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.load_weights("tumor.weights.h5")

img = keras.utils.load_img(sys.argv[1], target_size=(299, 299))
arr = keras.applications.xception.preprocess_input(np.expand_dims(keras.utils.img_to_array(img), 0))
prediction = model.predict(arr)
print("predicted:", CLASS_NAMES[np.argmax(prediction[0])])
