import keras

from model import build

train_ds = keras.utils.image_dataset_from_directory("data/train", image_size=(160, 160))
model, base = build(5)
model.fit(train_ds, epochs=5)

# Fine-tune the whole backbone.
base.trainable = True
model.fit(train_ds, epochs=5)
