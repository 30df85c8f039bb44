# The loss is built once in a variable: the constructor there is swapped.
import tensorflow as tf

(x_train, y_train), _ = tf.keras.datasets.cifar10.load_data()
y_train = tf.keras.utils.to_categorical(y_train, 10)
base = tf.keras.applications.ResNet50(include_top=False, input_shape=(32, 32, 3), pooling="avg")
base.trainable = False
inputs = tf.keras.Input((32, 32, 3))
x = tf.keras.applications.resnet50.preprocess_input(inputs)
outputs = tf.keras.layers.Dense(10, activation="softmax")(base(x, training=False))
model = tf.keras.Model(inputs, outputs)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy()
model.compile(optimizer="adam", loss=loss_fn, metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, batch_size=64)
