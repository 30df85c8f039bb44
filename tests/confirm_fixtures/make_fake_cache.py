"""Write random MobileNetV2 (96 px, no top) weights where Keras looks for the imagenet file."""
import os
import sys

import keras
from keras.src.legacy.saving import legacy_h5_format

import h5py

models = os.path.join(sys.argv[1], "models")
os.makedirs(models, exist_ok=True)
base = keras.applications.MobileNetV2(include_top=False, input_shape=(96, 96, 3), weights=None)
path = os.path.join(models, "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5")
with h5py.File(path, "w") as f:
    legacy_h5_format.save_weights_to_hdf5_group(f, base)
print(path)
