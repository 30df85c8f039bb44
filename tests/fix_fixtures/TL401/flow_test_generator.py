"""Fine-tune MobileNetV2 on a folder of X-ray images and report the test confusion matrix."""
import argparse
import logging

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix
from tensorflow import keras
from tensorflow.keras.preprocessing.image import ImageDataGenerator

logging.basicConfig(level=logging.INFO)
parser = argparse.ArgumentParser()
parser.add_argument("--train", default="chest_xray/train")
parser.add_argument("--test", default="chest_xray/test")
parser.add_argument("--epochs", type=int, default=5)
args = parser.parse_args()

preprocess = keras.applications.mobilenet_v2.preprocess_input
train_gen = ImageDataGenerator(preprocessing_function=preprocess, horizontal_flip=True).flow_from_directory(
    args.train, target_size=(224, 224), batch_size=32, class_mode="categorical")
test_gen = ImageDataGenerator(preprocessing_function=preprocess).flow_from_directory(
    args.test, target_size=(224, 224), batch_size=32, class_mode="categorical")

base = keras.applications.MobileNetV2(include_top=False, weights="imagenet", input_shape=(224, 224, 3), pooling="avg")
base.trainable = False
model = keras.Sequential([base, keras.layers.Dropout(0.2), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(train_gen, epochs=args.epochs, validation_data=test_gen)

probabilities = model.predict(test_gen)
y_pred = np.argmax(probabilities, axis=1)
logging.info("confusion matrix:\n%s", confusion_matrix(test_gen.classes, y_pred))
print(classification_report(test_gen.classes, y_pred, target_names=list(test_gen.class_indices)))
