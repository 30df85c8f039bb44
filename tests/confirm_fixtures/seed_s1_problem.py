import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

# Defined by the fixture (the seed article assumes them): 0..255 images from a folder, 3 classes.
num_classes = 3
data_generator = tf.keras.preprocessing.image.ImageDataGenerator().flow_from_directory(
    "data/train", target_size=(224, 224), batch_size=8)

# Assume data_generator yields images as numpy arrays, ranging from 0-255
# Assume num_classes is correctly defined and represents your classification problem.

base_model = keras.applications.MobileNetV2(include_top=False, input_shape=(224, 224, 3))  # L:ctor
base_model.trainable = False

inputs = keras.Input(shape=(224, 224, 3))
x = base_model(inputs, training=False) #Important: disable training of the base model layers, for inference  # L:TL101
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(num_classes, activation='softmax')(x)
model = keras.Model(inputs, outputs)

model.compile(optimizer=keras.optimizers.Adam(), loss='categorical_crossentropy', metrics=['accuracy'])

# The following code will NOT properly train without proper scaling of the data.
model.fit(data_generator, epochs=10, steps_per_epoch=100) # This will not work well without normalized data  # L:fit
