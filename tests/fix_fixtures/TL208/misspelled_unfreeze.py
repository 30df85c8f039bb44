import tensorflow as tf

base = tf.keras.applications.MobileNetV2(input_shape=(224, 224, 3), include_top=False, weights="imagenet")
base.trainable = False
inputs = tf.keras.Input((224, 224, 3))
x = tf.keras.applications.mobilenet_v2.preprocess_input(inputs)
x = tf.keras.layers.GlobalAveragePooling2D()(base(x, training=False))
model = tf.keras.Model(inputs, tf.keras.layers.Dense(2, activation="softmax")(x))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=5)

base.trainabel = True
for layer in base.layers[:100]:
    layer.trainable = False
for layer in base.layers:
    if isinstance(layer, tf.keras.layers.BatchNormalization):
        layer.trainable = False
model.compile(optimizer=tf.keras.optimizers.Adam(1e-5), loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=5)
