import keras


def build(num_classes, size=160):
    base = keras.applications.MobileNetV2(include_top=False, weights="imagenet", input_shape=(size, size, 3))
    base.trainable = False
    inputs = keras.Input((size, size, 3))
    x = keras.applications.mobilenet_v2.preprocess_input(inputs)
    x = base(x, training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, keras.layers.Dense(num_classes)(x))
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model, base
