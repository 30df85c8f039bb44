# preprocessing_function already produces [-1, 1]; the extra rescale is removed.
import tensorflow as tf
from tensorflow.keras.applications.mobilenet_v2 import MobileNetV2, preprocess_input
from tensorflow.keras.preprocessing.image import ImageDataGenerator

datagen = ImageDataGenerator(
    preprocessing_function=preprocess_input,
    horizontal_flip=True,
)
train = datagen.flow_from_directory("train", target_size=(224, 224), batch_size=32)
base = MobileNetV2(include_top=False, weights="imagenet", input_shape=(224, 224, 3))
base.trainable = False
model = tf.keras.Sequential([base, tf.keras.layers.GlobalAveragePooling2D(), tf.keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(train, epochs=5)
