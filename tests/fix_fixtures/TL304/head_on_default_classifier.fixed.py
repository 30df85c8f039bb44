# ResNet50 with its default include_top=True: the head sat on the 1000 ImageNet scores.
import keras

train_ds = keras.utils.image_dataset_from_directory("data", image_size=(224, 224))
base = keras.applications.ResNet50(weights="imagenet", include_top=False, pooling="avg")
base.trainable = False
inputs = keras.Input((224, 224, 3))
x = base(keras.applications.resnet50.preprocess_input(inputs), training=False)
outputs = keras.layers.Dense(5, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=5)
