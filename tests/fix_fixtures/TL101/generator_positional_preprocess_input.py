# ImageDataGenerator(preprocess_input): the function is featurewise_center, nothing preprocesses.
# The fix passes it as preprocessing_function= (the model-side fix is out: layers[0] is indexed).
from tensorflow.keras.applications import ResNet50
from tensorflow.keras.applications.resnet50 import preprocess_input
from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential
from tensorflow.keras.preprocessing.image import ImageDataGenerator

classifier = Sequential()
classifier.add(ResNet50(include_top=False, pooling="avg", weights="imagenet"))
classifier.add(Dense(2, activation="softmax"))
classifier.layers[0].trainable = False
classifier.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
data_generator = ImageDataGenerator(preprocess_input)
train_flow = data_generator.flow_from_directory("images/train", target_size=(224, 224), batch_size=16)
classifier.fit(train_flow, steps_per_epoch=20)
