import tensorflow as tf
from pkg import build
from utils import *

ds = tf.keras.utils.image_dataset_from_directory("d", image_size=(224, 224))
model = build()
model.fit(ds, epochs=1)
