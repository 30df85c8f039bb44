import tensorflow as tf


class ResNetClassifier(tf.keras.Model):
    def __init__(self, num_classes=2):
        super().__init__()
        self.backbone = tf.keras.applications.ResNet50(include_top=False, weights="imagenet", pooling="avg")
        self.backbone.trainable = False
        self.classifier = tf.keras.layers.Dense(num_classes, activation="softmax")

    def call(self, inputs):
        features = self.backbone(inputs)
        return self.classifier(features)


class ScratchResNet(tf.keras.Model):
    """Trained from scratch: any input scale is the model's own."""

    def __init__(self, num_classes=2):
        super().__init__()
        self.backbone = tf.keras.applications.ResNet50(include_top=False, weights=None, pooling="avg")
        self.classifier = tf.keras.layers.Dense(num_classes, activation="softmax")

    def call(self, inputs):
        return self.classifier(self.backbone(inputs))
