"""TL103 buggy: generator rescale plus preprocess_input (preprocessing_function runs first, then rescale)."""
import tensorflow as tf
from tensorflow.keras.applications.mobilenet_v2 import MobileNetV2, preprocess_input
from tensorflow.keras.preprocessing.image import ImageDataGenerator

datagen = ImageDataGenerator(rescale=1.0 / 255, preprocessing_function=preprocess_input)  # L:TL103
train_gen = datagen.flow_from_directory("no/such/folder", target_size=(96, 96), batch_size=8)

base = MobileNetV2(include_top=False, input_shape=(96, 96, 3), pooling="avg")  # L:ctor
base.trainable = False
model = tf.keras.Sequential([base, tf.keras.layers.Dense(train_gen.num_classes, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(train_gen, steps_per_epoch=50, epochs=2)  # L:fit
