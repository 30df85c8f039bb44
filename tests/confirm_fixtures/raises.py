import keras

base = keras.applications.MobileNetV2(include_top=False, input_shape=(96, 96, 3), weights=None)
raise ValueError("boom: the data loader is broken")
