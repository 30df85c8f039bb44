import tensorflow as tf

from broken import augment
from layers import backbone_features, head

train_ds = augment(tf.keras.utils.image_dataset_from_directory("data", image_size=(224, 224)))
inputs = tf.keras.Input((224, 224, 3))
model = tf.keras.Model(inputs, head(backbone_features(inputs), 3))
model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=2)
