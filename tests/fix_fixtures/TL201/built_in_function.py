# The model is built in a function and compiled outside it: the freeze goes after the backbone.
import keras


def build(num_classes):
    base = keras.applications.ResNet50V2(include_top=False, input_shape=(224, 224, 3))
    inputs = keras.Input((224, 224, 3))
    x = keras.applications.resnet_v2.preprocess_input(inputs)
    x = keras.layers.GlobalAveragePooling2D()(base(x, training=False))
    return keras.Model(inputs, keras.layers.Dense(num_classes)(x))


train_ds = keras.utils.image_dataset_from_directory("data", image_size=(224, 224))
model = build(4)
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
