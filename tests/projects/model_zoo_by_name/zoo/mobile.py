import tensorflow as tf


def conv_block(x, filters):
    """A helper that is not a model: never a candidate."""
    return tf.keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)


class MobileClassifier(tf.keras.Model):
    def __init__(self, num_classes=2):
        super().__init__()
        self.backbone = tf.keras.applications.MobileNetV2(include_top=False, weights="imagenet", pooling="avg")
        self.dropout = tf.keras.layers.Dropout(0.2)
        self.classifier = tf.keras.layers.Dense(num_classes, activation="softmax")

    def call(self, inputs, training=False):
        x = self.backbone(inputs, training=False)
        x = self.dropout(x, training=training)
        return self.classifier(x)
