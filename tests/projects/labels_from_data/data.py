import keras

SIZE = (160, 160)


def datasets(root):
    # Integer labels: image_dataset_from_directory's default label_mode="int".
    train = keras.utils.image_dataset_from_directory(root + "/train", image_size=SIZE)
    val = keras.utils.image_dataset_from_directory(root + "/val", image_size=SIZE)
    return train, val
