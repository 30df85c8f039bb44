import logging

from tensorflow.keras.applications.resnet50 import preprocess_input
from tensorflow.keras.preprocessing.image import ImageDataGenerator

import src.model as model

log = logging.getLogger(__name__)


class Experiment(model.ModelFactory):
    def __init__(self, name, model_name, img_size=224, num_classes=4, fine_tuning=False):
        super(Experiment, self).__init__(img_size, num_classes, model_name, fine_tuning)
        self.name = name

    def generators(self, batch_size):
        datagen = ImageDataGenerator(preprocessing_function=preprocess_input)
        train = datagen.flow_from_directory("data/train", target_size=(self.img_size, self.img_size),
                                            batch_size=batch_size, class_mode="categorical")
        return train

    def train(self, batch_size=32, epochs=10):
        train = self.generators(batch_size)
        log.info("training %s", self.name)
        self.model.fit(train, epochs=epochs)
