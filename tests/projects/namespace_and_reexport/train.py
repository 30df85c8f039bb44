import tensorflow as tf
import utils.preprocessing
from pkg import build

ds = tf.keras.utils.image_dataset_from_directory("d", image_size=(224, 224))
model = build()
model.fit(ds.map(utils.preprocessing.scale), epochs=1)
