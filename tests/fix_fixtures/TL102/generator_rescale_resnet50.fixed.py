# ImageDataGenerator(rescale=1/255) into ResNet50 (caffe): rescale becomes preprocessing_function.
from tensorflow import keras
from tensorflow.keras.preprocessing.image import ImageDataGenerator

datagen = ImageDataGenerator(
    preprocessing_function=keras.applications.resnet50.preprocess_input,
    horizontal_flip=True,
)
train = datagen.flow_from_directory("train", target_size=(224, 224), batch_size=32)
base = keras.applications.ResNet50(include_top=False, input_shape=(224, 224, 3))
base.trainable = False
inputs = keras.Input((224, 224, 3))
x = keras.layers.GlobalAveragePooling2D()(base(inputs, training=False))
model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(train, epochs=5)
