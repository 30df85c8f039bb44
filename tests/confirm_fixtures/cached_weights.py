"""weights='imagenet' with the weights file in the Keras cache: loaded, no fallback."""
import numpy as np
import keras

base = keras.applications.MobileNetV2(include_top=False, input_shape=(96, 96, 3), pooling="avg")  # L:TL101
features = base.predict(np.random.default_rng(0).integers(0, 256, (4, 96, 96, 3)).astype("float32"))
