# Only `import tensorflow as tf`: the fix spells tf.keras.applications...
import tensorflow as tf

train_ds = tf.keras.utils.image_dataset_from_directory("data/train", image_size=(224, 224))
base = tf.keras.applications.ResNet50(include_top=False, input_shape=(224, 224, 3))
base.trainable = False
inputs = tf.keras.Input((224, 224, 3))
features = base(tf.keras.applications.resnet50.preprocess_input(inputs), training=False)
pooled = tf.keras.layers.GlobalAveragePooling2D()(features)
model = tf.keras.Model(inputs, tf.keras.layers.Dense(3)(pooled))
model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=5)
