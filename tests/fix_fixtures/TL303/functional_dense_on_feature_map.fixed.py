# Dense on the 4-D feature map (`from keras import layers`): GlobalAveragePooling2D in between.
import keras
from keras import layers

train_ds = keras.utils.image_dataset_from_directory("data", image_size=(160, 160))
base = keras.applications.MobileNetV2(include_top=False, input_shape=(160, 160, 3))
base.trainable = False
inputs = keras.Input((160, 160, 3))
x = base(keras.applications.mobilenet_v2.preprocess_input(inputs), training=False)
outputs = layers.Dense(5)(layers.GlobalAveragePooling2D()(x))
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
