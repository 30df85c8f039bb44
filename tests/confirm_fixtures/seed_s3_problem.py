import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

# Defined by the fixture (the seed article assumes them): 0..255 images from a folder, 3 classes.
num_classes = 3
data_generator = tf.keras.preprocessing.image.ImageDataGenerator().flow_from_directory(
    "data/train", target_size=(224, 224), batch_size=8)

# Assume data_generator yields images as numpy arrays, ranging from 0-255

base_model = keras.applications.MobileNetV2(include_top=False, input_shape=(224, 224, 3))  # L:ctor
base_model.trainable = True #All pre-trained layers are now trainable  # L:TL201


inputs = keras.Input(shape=(224, 224, 3))
x = layers.Rescaling(1./255)(inputs)  # L:TL102
x = base_model(x, training=False)  # Again: inference for base model
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(num_classes, activation='softmax')(x)
model = keras.Model(inputs, outputs)

model.compile(optimizer=keras.optimizers.Adam(), loss='categorical_crossentropy', metrics=['accuracy'])

# This will be catastrophic, as pre-trained weights will be overwritten early
model.fit(data_generator, epochs=10, steps_per_epoch=100)  # L:fit
