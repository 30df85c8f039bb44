from tensorflow import keras

from .constants import IMAGE_SIZE, NUM_CLASSES


def build():
    base = keras.applications.EfficientNetV2B0(include_top=False, weights="imagenet", include_preprocessing=False)
    inputs = keras.Input(IMAGE_SIZE + (3,))
    features = base(inputs, training=False)
    pooled = keras.layers.GlobalAveragePooling2D()(features)
    model = keras.Model(inputs, keras.layers.Dense(NUM_CLASSES, activation="softmax")(pooled))
    base.trainable = False
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
