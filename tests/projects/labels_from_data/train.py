import keras

from data import SIZE, datasets

train, val = datasets("pets")
base = keras.applications.EfficientNetB0(include_top=False, weights="imagenet", pooling="avg")
base.trainable = False
inputs = keras.Input(SIZE + (3,))
outputs = keras.layers.Dense(37, activation="softmax")(base(inputs, training=False))
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(train, validation_data=val, epochs=10)
