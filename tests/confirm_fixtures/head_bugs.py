"""TL301 + TL302 + TL303 buggy: softmax with from_logits=True, integer labels with categorical
crossentropy, Dense on the 4-D feature map (no pooling)."""
import keras

train_ds = keras.utils.image_dataset_from_directory("missing_dir", image_size=(96, 96), batch_size=8)

base = keras.applications.MobileNetV2(include_top=False, input_shape=(96, 96, 3))  # L:ctor
base.trainable = False
inp = keras.Input((96, 96, 3))
x = keras.layers.Rescaling(1 / 127.5, offset=-1)(inp)
x = base(x, training=False)
out = keras.layers.Dense(4, activation="softmax")(x)  # L:TL303
model = keras.Model(inp, out)
model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))  # L:TL301
model.fit(train_ds, epochs=1)  # L:fit
