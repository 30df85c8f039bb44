import tensorflow as tf


def build_classifier(num_classes):
    backbone = tf.keras.applications.ResNet50(include_top=False, weights="imagenet", pooling="avg")
    backbone.trainable = False
    model = tf.keras.Sequential([tf.keras.Input((224, 224, 3)), backbone, tf.keras.layers.Dense(num_classes)])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model, backbone
