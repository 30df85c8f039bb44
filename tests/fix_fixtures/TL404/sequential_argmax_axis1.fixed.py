"""Pneumonia detection: VGG16 + Dense(1, sigmoid), evaluated with a confusion matrix."""
import numpy as np
from keras.applications.vgg16 import VGG16, preprocess_input
from keras.layers import Dense, Flatten
from keras.models import Sequential
from sklearn.metrics import confusion_matrix

x_train = preprocess_input(np.load("x_train.npy"))
y_train = np.load("y_train.npy")
x_test = preprocess_input(np.load("x_test.npy"))
y_test = np.load("y_test.npy")

base = VGG16(weights="imagenet", include_top=False, input_shape=(150, 150, 3))
base.trainable = False
model = Sequential()
model.add(base)
model.add(Flatten())
model.add(Dense(256, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=10, batch_size=32, validation_split=0.1)

pred = model.predict(x_test)
pred_classes = (pred > 0.5).astype(int).ravel()
print(confusion_matrix(y_test, pred_classes))
