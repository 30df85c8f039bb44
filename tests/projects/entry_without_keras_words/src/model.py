from tensorflow.keras import layers, models, optimizers
from tensorflow.keras.applications import ResNet50


class ModelFactory:
    def __init__(self, img_size, num_classes, model_name, fine_tuning=False):
        self.img_size = img_size
        self.num_classes = num_classes
        self.fine_tuning = fine_tuning
        self.model = self.select(model_name)

    def select(self, model_name):
        if model_name == "small":
            return self.small_cnn()
        elif model_name == "resnet":
            return self.resnet()

    def small_cnn(self):
        model = models.Sequential([
            layers.Input((self.img_size, self.img_size, 3)),
            layers.Rescaling(1.0 / 255),
            layers.Conv2D(32, 3, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(self.num_classes, activation="softmax"),
        ])
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        return model

    def resnet(self):
        inputs = layers.Input((self.img_size, self.img_size, 3))
        weights = "imagenet" if self.fine_tuning else None
        base = ResNet50(include_top=False, weights=weights, input_tensor=inputs)
        x = layers.GlobalAveragePooling2D()(base.output)
        outputs = layers.Dense(self.num_classes, activation="softmax")(x)
        model = models.Model(inputs, outputs)
        model.compile(optimizer=optimizers.SGD(learning_rate=1e-4, momentum=0.9),
                      loss="categorical_crossentropy", metrics=["accuracy"])
        return model
